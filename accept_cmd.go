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
	"github.com/privateconnect/privateconnect/status"
)

// acceptCommand is privateconnect accept: accept the connection requests of
// the fleet's inbound customers on the vendor's endpoint services, and only
// theirs. Exit code 0 when every request of a customer is accepted (or none
// waits), 1 when one is left (declined, no terminal to ask, or refused by
// AWS), 2 after a usage error or when a region could not be read.
func acceptCommand(args []string) int {
	fs := flag.NewFlagSet("accept", flag.ContinueOnError)
	dir := fs.String("config", configDir(""), "fleet directory")
	region := fs.String("region", "", "only this region (default: every region with an inbound customer)")
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
	regions := status.InboundRegions(fleet)
	if *region != "" {
		if !slices.Contains(regions, *region) {
			fmt.Fprintf(os.Stderr, "accept: -region %s: no inbound customer of the fleet is in it (inbound regions: %s)\n", *region, strings.Join(regions, ", "))
			return 2
		}
		regions = []string{*region}
	}
	if len(regions) == 0 {
		fmt.Println("no customer of the fleet has an inboundPrivateLink section: nothing to accept")
		return 0
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	clients, err := status.NewAWS(ctx)
	if err != nil {
		fmt.Fprintf(os.Stderr, "privateconnect accept: %v\n", err)
		return 2
	}
	return runAccept(ctx, fleet, regions, clients, acceptIO{out: os.Stdout, in: os.Stdin, yes: *yes, terminal: isTerminal(os.Stdin) && isTerminal(os.Stdout)})
}

type acceptIO struct {
	out      io.Writer
	in       io.Reader
	yes      bool
	terminal bool // the prompt needs a person at a terminal
}

func runAccept(ctx context.Context, fleet *config.Fleet, regions []string, clients status.ClientsFor, o acceptIO) int {
	code := 0
	var found []*status.Pending
	for _, r := range regions {
		p := status.FindPending(ctx, fleet, r, clients(r))
		switch {
		case p.Problem != nil:
			fmt.Fprintf(o.out, "%s\n", p.Problem)
			code = 2
			continue
		case p.ServiceID == "":
			fmt.Fprintf(o.out, "%s: %s is not deployed: no endpoint service to accept on\n", r, p.Stack)
			continue
		}
		fmt.Fprintf(o.out, "%s: endpoint service %s: %s to accept, %d left alone\n", r, p.ServiceID, requestCount(len(p.Accept)), len(p.Leave))
		for _, q := range p.Accept {
			fmt.Fprintf(o.out, "  accept  %s from %s (%s)%s\n", q.EndpointID, q.Account, strings.Join(q.Customers, ", "), createdAt(q))
		}
		for _, q := range p.Leave {
			fmt.Fprintf(o.out, "  leave   %s from %s: no inbound customer in %s lists this account%s\n", q.EndpointID, q.Account, r, createdAt(q))
		}
		if len(p.Accept) > 0 {
			found = append(found, &p)
		}
	}
	total := 0
	for _, p := range found {
		total += len(p.Accept)
	}
	if total == 0 {
		return code
	}
	switch {
	case o.yes:
	case !o.terminal:
		fmt.Fprintf(o.out, "accepted nothing: no terminal to ask on; run with -yes to accept the %s above\n", requestCount(total))
		return max(code, 1)
	default:
		fmt.Fprintf(o.out, "Accept %s? [y/N] ", requestCount(total))
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
	return code
}

func createdAt(q status.Request) string {
	if q.Created == nil {
		return ""
	}
	return ", created " + q.Created.UTC().Format("2006-01-02 15:04Z")
}

func requestCount(n int) string {
	if n == 1 {
		return "1 request"
	}
	return fmt.Sprintf("%d requests", n)
}
