package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/internal/english"
	"github.com/privateconnect/privateconnect/status"
)

// acceptCommand is privateconnect accept: accept the connection requests of
// the fleet's inbound customers on the vendor's endpoint services, and the
// AWS RAM share invitations of the customers whose services are reached
// through a resource gateway, and only theirs. Exit code 0 when everything
// of a customer is accepted (or nothing waits), 1 when something is left
// (declined, no terminal to ask, or refused by AWS), 2 after a usage error
// or when a region could not be read.
func acceptCommand(args []string) int {
	fs := flag.NewFlagSet("accept", flag.ContinueOnError)
	dir := fs.String("config", configDir(""), "fleet directory")
	region := fs.String("region", "", "only this region (default: every region with an inbound customer or a customer sharing through a resource gateway)")
	cell := fs.String("cell", "", "the cell whose account the credentials are for (required when vendor.yaml declares cells)")
	yes := fs.Bool("yes", false, "accept without asking (for scripts); without it accept asks on a terminal, and accepts nothing elsewhere")
	if code, ok := parsed(fs, args); !ok {
		return code
	}
	fleet, err := config.Load(*dir)
	if err == nil {
		fleet, err = cellFleet(fleet, *cell)
	}
	if err != nil {
		fail(err)
		return 2
	}
	regions := acceptRegions(fleet)
	if *region != "" {
		if !slices.Contains(regions, *region) {
			fmt.Fprintf(os.Stderr, "accept: -region %s: no customer of the fleet there has anything to accept (regions with inbound customers or customers sharing through a resource gateway: %s)\n", *region, strings.Join(regions, ", "))
			return 2
		}
		regions = []string{*region}
	}
	if len(regions) == 0 {
		fmt.Println("no customer of the fleet has an inboundPrivateLink section or a service reached through a resource gateway: nothing to accept")
		return 0
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	clients, err := status.NewAWS(ctx)
	if err != nil {
		fmt.Fprintf(os.Stderr, "privateconnect accept: %v\n", err)
		return 2
	}
	// The names the handed-over templates give their RAM shares, from the
	// templates themselves, when an invitation needs them.
	return runAccept(ctx, fleet, regions, clients, shareNamer(fleet, regions), acceptIO{out: os.Stdout, in: os.Stdin, yes: *yes, terminal: isTerminal(os.Stdin) && isTerminal(os.Stdout)})
}

// acceptRegions are the regions with something to accept, sorted.
func acceptRegions(f *config.Fleet) []string {
	out := append(status.InboundRegions(f), status.SharingRegions(f)...)
	slices.Sort(out)
	return slices.Compact(out)
}

type acceptIO struct {
	out      io.Writer
	in       io.Reader
	yes      bool
	terminal bool // the prompt needs a person at a terminal
}

func runAccept(ctx context.Context, fleet *config.Fleet, regions []string, clients status.ClientsFor, names status.Namer, o acceptIO) int {
	code := 0
	var found []*status.Pending
	var shares []*status.Shares
	inbound, sharing := status.InboundRegions(fleet), status.SharingRegions(fleet)
	for _, r := range regions {
		if slices.Contains(inbound, r) {
			if p, c := findRequests(ctx, fleet, r, clients(r), o.out); p != nil {
				found = append(found, p)
			} else {
				code = max(code, c)
			}
		}
		if slices.Contains(sharing, r) {
			if s, c := findInvitations(ctx, fleet, r, clients(r), names, o.out); s != nil {
				shares = append(shares, s)
			} else {
				code = max(code, c)
			}
		}
	}
	requests, invitations := 0, 0
	for _, p := range found {
		requests += len(p.Accept)
	}
	for _, s := range shares {
		invitations += len(s.Accept)
	}
	if requests+invitations == 0 {
		return code
	}
	what := acceptWhat(requests, invitations)
	switch {
	case o.yes:
	case !o.terminal:
		fmt.Fprintf(o.out, "accepted nothing: no terminal to ask on; run with -yes to accept the %s above\n", what)
		return max(code, 1)
	default:
		fmt.Fprintf(o.out, "Accept %s? [y/N] ", what)
		answer, _ := bufio.NewReader(o.in).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			fmt.Fprintln(o.out, "accepted nothing")
			return max(code, 1)
		}
	}
	for _, p := range found {
		status.Accept(ctx, p, clients(p.Region).EC2)
		for _, q := range p.Accepted {
			fmt.Fprintf(o.out, "%s: accepted %s from %s (%s)\n", p.Region, q.EndpointID, q.Account, strings.Join(q.Customers, ", "))
		}
		for _, q := range p.Failed {
			fmt.Fprintf(o.out, "%s: NOT accepted %s from %s: %s\n", p.Region, q.EndpointID, q.Account, q.Error)
			code = max(code, 1)
		}
	}
	for _, s := range shares {
		if acceptShares(ctx, s, clients(s.Region).RAM, o.out) {
			code = max(code, 1)
		}
	}
	return code
}

// findRequests prints the connection requests waiting on region's inbound
// service and returns those to accept, or nil and the exit code.
func findRequests(ctx context.Context, fleet *config.Fleet, r string, cl status.Clients, out io.Writer) (*status.Pending, int) {
	p := status.FindPending(ctx, fleet, r, cl)
	switch {
	case p.Problem != nil:
		fmt.Fprintf(out, "%s\n", p.Problem)
		return nil, 2
	case p.ServiceID == "":
		fmt.Fprintf(out, "%s: %s is not deployed: no endpoint service to accept on\n", r, p.Stack)
		return nil, 0
	}
	fmt.Fprintf(out, "%s: endpoint service %s: %s to accept, %d left alone\n", r, p.ServiceID, english.Count(len(p.Accept), "request"), len(p.Leave))
	for _, q := range p.Accept {
		fmt.Fprintf(out, "  accept  %s from %s (%s)%s\n", q.EndpointID, q.Account, strings.Join(q.Customers, ", "), createdAt(q))
	}
	for _, q := range p.Leave {
		fmt.Fprintf(out, "  leave   %s from %s: no inbound customer in %s lists this account%s\n", q.EndpointID, q.Account, r, createdAt(q))
	}
	if len(p.Accept) == 0 {
		return nil, 0
	}
	return &p, 0
}

func acceptWhat(requests, invitations int) string {
	var parts []string
	if requests > 0 {
		parts = append(parts, english.Count(requests, "request"))
	}
	if invitations > 0 {
		parts = append(parts, english.Count(invitations, "invitation"))
	}
	return strings.Join(parts, " and ")
}

func createdAt(q status.Request) string {
	if q.Created == nil {
		return ""
	}
	return ", created " + q.Created.UTC().Format("2006-01-02 15:04Z")
}
