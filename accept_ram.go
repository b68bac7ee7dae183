package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/internal/english"
	"github.com/privateconnect/privateconnect/stacks"
	"github.com/privateconnect/privateconnect/status"
)

// findInvitations prints the RAM share invitations waiting in region, to
// accept and refused (with why), and returns them when there is one to
// accept, or nil and the exit code.
func findInvitations(ctx context.Context, fleet *config.Fleet, r string, cl status.Clients, names status.Namer, out io.Writer) (*status.Shares, int) {
	s := status.FindInvitations(ctx, fleet, r, cl.RAM, names)
	if s.Problem != nil {
		fmt.Fprintf(out, "%s\n", s.Problem)
		return nil, 2
	}
	fmt.Fprintf(out, "%s: RAM: %s to accept, %d refused\n", r, english.Count(len(s.Accept), "invitation"), len(s.Refuse))
	for _, i := range s.Accept {
		fmt.Fprintf(out, "  accept  share %s from %s (%s)%s\n", i.ShareName, i.Sender, strings.Join(i.Customers, ", "), sentAt(i))
	}
	for _, i := range s.Refuse {
		fmt.Fprintf(out, "  refuse  share %s from %s: %s%s\n", i.ShareName, i.Sender, i.Reason, sentAt(i))
	}
	if len(s.Accept) == 0 {
		return nil, 0
	}
	return &s, 0
}

// acceptShares accepts s.Accept and prints the outcome; it reports whether
// AWS refused one.
func acceptShares(ctx context.Context, s *status.Shares, api status.RAM, out io.Writer) (failed bool) {
	status.AcceptInvitations(ctx, s, api)
	for _, i := range s.Accepted {
		fmt.Fprintf(out, "%s: accepted share %s from %s (%s)\n", s.Region, i.ShareName, i.Sender, strings.Join(i.Customers, ", "))
	}
	for _, i := range s.Failed {
		fmt.Fprintf(out, "%s: NOT accepted share %s from %s: %s\n", s.Region, i.ShareName, i.Sender, i.Error)
	}
	return len(s.Failed) > 0
}

func sentAt(i status.Invitation) string {
	if i.Sent == nil {
		return ""
	}
	return ", sent " + i.Sent.UTC().Format("2006-01-02 15:04Z")
}

// shareNamer finds the share names once, when first needed: synthesizing
// needs Node.js and takes seconds, which a run with no invitation saves.
func shareNamer(fleet *config.Fleet, regions []string) status.Namer {
	return sync.OnceValues(func() (status.ShareNames, error) { return templateShareNames(fleet, regions) })
}

// templateShareNames synthesizes the handed-over templates of the
// customers of regions that share through a resource gateway and returns
// the names their RAM shares have. A customer with a service it shares
// itself (resourceConfigurationArn without a producer section) gets none:
// its share may have any name.
func templateShareNames(fleet *config.Fleet, regions []string) (status.ShareNames, error) {
	var customers []*config.Customer
	for _, c := range fleet.Customers {
		if slices.Contains(regions, c.Region) && status.SharesResources(c) && stacks.HasProducer(c) && ownShares(c) == 0 {
			customers = append(customers, c)
		}
	}
	names := status.ShareNames{}
	if len(customers) == 0 {
		return names, nil
	}
	// Node.js and cdk.json first: the CDK runtime would panic without them.
	if err := checkRuntime(); err != nil {
		return nil, err
	}
	built, err := stacks.Synthesize(func(app awscdk.App) []awscdk.Stack { return stacks.BuildHandoff(app, fleet.Vendor, customers) })
	if err != nil {
		return nil, err
	}
	for _, s := range built {
		found, err := shareNamesOf(s.Template)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", s.Name, err)
		}
		c := stacks.CustomerOf(s.Name)
		names[c] = append(names[c], found...)
	}
	return names, nil
}

// ownShares counts a customer's services shared by a resource configuration
// the customer built itself.
func ownShares(c *config.Customer) int {
	n := 0
	for _, s := range c.PrivateLink.Services {
		if s.ViaResourceGateway() && s.Producer == nil {
			n++
		}
	}
	return n
}

// shareNamesOf returns the literal names of a template's AWS RAM shares.
func shareNamesOf(template []byte) ([]string, error) {
	var t struct {
		Resources map[string]struct {
			Type       string `json:"Type"`
			Properties struct {
				Name any `json:"Name"`
			} `json:"Properties"`
		} `json:"Resources"`
	}
	if err := json.Unmarshal(template, &t); err != nil {
		return nil, err
	}
	var out []string
	for _, r := range t.Resources {
		if r.Type == "AWS::RAM::ResourceShare" {
			name, ok := r.Properties.Name.(string)
			if !ok {
				return nil, fmt.Errorf("a share's name is not a literal string (%v): accept cannot check invitations against it", r.Properties.Name)
			}
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out, nil
}
