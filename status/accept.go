package status

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/stacks"
)

// Request is a connection request waiting on the vendor's inbound endpoint
// service: an endpoint in Account asks to connect.
type Request struct {
	EndpointID string     `json:"endpointId"`
	Account    string     `json:"account"`
	Created    *time.Time `json:"created,omitempty"`
	// Customers are the fleet's inbound customers of the region that list
	// Account (several when they share it on purpose); none for a stranger.
	Customers []string `json:"customers,omitempty"`
	// Error is AWS's reason when accepting failed.
	Error string `json:"error,omitempty"`
}

// Pending is what waits on one region's inbound service.
type Pending struct {
	Region    string `json:"region"`
	Stack     string `json:"stack"`
	ServiceID string `json:"serviceId,omitempty"` // "" while the stack is not deployed
	// Accept: requests from accounts of the region's inbound customers.
	// Leave: every other request; never accepted by this command.
	Accept   []Request `json:"accept"`
	Leave    []Request `json:"leave"`
	Accepted []Request `json:"accepted,omitempty"`
	Failed   []Request `json:"failed,omitempty"`
	Problem  *Problem  `json:"problem,omitempty"`
}

// InboundRegions are the regions of the fleet's inbound customers, sorted.
func InboundRegions(f *config.Fleet) []string {
	var out []string
	for _, c := range f.Customers {
		if stacks.HasInbound(c) && !slices.Contains(out, c.Region) {
			out = append(out, c.Region)
		}
	}
	slices.Sort(out)
	return out
}

// FindPending lists the connection requests waiting on the inbound service
// of region, which it finds through the ServiceId output of the region's
// Vendor-Inbound stack, and sorts them into those to accept and those to
// leave alone. Only the fleet decides who is accepted: an account AWS lets
// request (the stack's allowed principals) but that no inbound customer of
// the region lists is left alone.
func FindPending(ctx context.Context, f *config.Fleet, region string, cl Clients) Pending {
	p := Pending{Region: region, Stack: stacks.InboundServiceStackName(region), Accept: []Request{}, Leave: []Request{}}
	pages := cloudformation.NewDescribeStacksPaginator(cl.CloudFormation, &cloudformation.DescribeStacksInput{})
	for pages.HasMorePages() && p.ServiceID == "" {
		page, err := pages.NextPage(ctx)
		if err != nil {
			pr := problem(region, "cloudformation:DescribeStacks", err)
			p.Problem = &pr
			return p
		}
		for _, s := range page.Stacks {
			if aws.ToString(s.StackName) != p.Stack {
				continue
			}
			for _, o := range s.Outputs {
				if aws.ToString(o.OutputKey) == "ServiceId" {
					p.ServiceID = aws.ToString(o.OutputValue)
				}
			}
		}
	}
	if p.ServiceID == "" {
		return p
	}
	conns, err := endpointConnections(ctx, cl.EC2, p.ServiceID)
	if err != nil {
		pr := problem(region, "ec2:DescribeVpcEndpointConnections", err)
		p.Problem = &pr
		return p
	}
	for _, c := range conns {
		if !strings.EqualFold(string(c.VpcEndpointState), "pendingAcceptance") {
			continue
		}
		r := Request{EndpointID: aws.ToString(c.VpcEndpointId), Account: aws.ToString(c.VpcEndpointOwner), Created: c.CreationTimestamp}
		for _, cust := range f.Customers {
			if stacks.HasInbound(cust) && cust.Region == region && slices.Contains(cust.InboundAccounts(), r.Account) {
				r.Customers = append(r.Customers, cust.Name)
			}
		}
		if len(r.Customers) > 0 && r.Account != "" {
			p.Accept = append(p.Accept, r)
		} else {
			p.Leave = append(p.Leave, r)
		}
	}
	return p
}

// acceptedMeanwhile moves the refused requests whose connection is
// available now from p.Failed to p.Accepted (read once, after the calls).
func acceptedMeanwhile(ctx context.Context, p *Pending, api EC2) {
	if len(p.Failed) == 0 {
		return
	}
	conns, err := endpointConnections(ctx, api, p.ServiceID)
	if err != nil {
		return // the refusals stand as AWS gave them
	}
	available := map[string]bool{}
	for _, c := range conns {
		if strings.EqualFold(string(c.VpcEndpointState), "available") {
			available[aws.ToString(c.VpcEndpointId)] = true
		}
	}
	var failed []Request
	for _, r := range p.Failed {
		if available[r.EndpointID] {
			r.Error = ""
			p.Accepted = append(p.Accepted, r)
		} else {
			failed = append(failed, r)
		}
	}
	p.Failed = failed
}

// acceptBatch keeps each AcceptVpcEndpointConnections call small.
const acceptBatch = 50

// Accept accepts p.Accept, and nothing else, recording in p what was
// accepted and what AWS refused. A request AWS refuses that is available by
// then counts as accepted: that is the outcome wanted, and what the SDK's
// retry of a call whose answer was lost gets (or a colleague's accept at the
// same moment). e2e met the retry on the emulator under load.
func Accept(ctx context.Context, p *Pending, api EC2) {
	defer acceptedMeanwhile(ctx, p, api)
	for start := 0; start < len(p.Accept); start += acceptBatch {
		batch := p.Accept[start:min(start+acceptBatch, len(p.Accept))]
		var ids []string
		for _, r := range batch {
			ids = append(ids, r.EndpointID)
		}
		out, err := api.AcceptVpcEndpointConnections(ctx, &ec2.AcceptVpcEndpointConnectionsInput{ServiceId: aws.String(p.ServiceID), VpcEndpointIds: ids})
		if err != nil {
			msg := problem(p.Region, "ec2:AcceptVpcEndpointConnections", err).Message
			for _, r := range batch {
				r.Error = msg
				p.Failed = append(p.Failed, r)
			}
			continue
		}
		refused := map[string]string{}
		for _, u := range out.Unsuccessful {
			reason := "refused"
			if u.Error != nil {
				reason = fmt.Sprintf("%s: %s", aws.ToString(u.Error.Code), aws.ToString(u.Error.Message))
			}
			refused[aws.ToString(u.ResourceId)] = reason
		}
		for _, r := range batch {
			if reason, ok := refused[r.EndpointID]; ok {
				r.Error = reason
				p.Failed = append(p.Failed, r)
			} else {
				p.Accepted = append(p.Accepted, r)
			}
		}
	}
}
