package status

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ram"
	ramtypes "github.com/aws/aws-sdk-go-v2/service/ram/types"
	"github.com/aws/smithy-go"

	"github.com/privateconnect/privateconnect/config"
)

// A customer in producer mode resourceGateway shares its resource
// configuration with the vendor's account through AWS RAM. Between accounts
// that are not in one organization with RAM sharing enabled, the vendor's
// account receives an invitation it must accept before it can create the
// endpoint of type Resource.
// https://docs.aws.amazon.com/vpc/latest/privatelink/use-resource-endpoint.html
// https://docs.aws.amazon.com/ram/latest/userguide/working-with-shared-invitations.html

// Invitation is a RAM resource share invitation waiting in the vendor's account.
type Invitation struct {
	Arn       string     `json:"arn"`
	ShareArn  string     `json:"shareArn"`
	ShareName string     `json:"shareName,omitempty"`
	Sender    string     `json:"sender"`
	Sent      *time.Time `json:"sent,omitempty"`
	// Customers are the fleet's customers of the region whose account is
	// Sender and that have a service reached through a resource gateway.
	Customers []string `json:"customers,omitempty"`
	// Reason says why an invitation is refused.
	Reason string `json:"reason,omitempty"`
	// Error is AWS's reason when accepting failed.
	Error string `json:"error,omitempty"`
}

// Shares is what waits in one region's RAM: the invitations to accept and
// those refused, with why.
type Shares struct {
	Region   string       `json:"region"`
	Accept   []Invitation `json:"accept"`
	Refuse   []Invitation `json:"refuse"`
	Accepted []Invitation `json:"accepted,omitempty"`
	Failed   []Invitation `json:"failed,omitempty"`
	Problem  *Problem     `json:"problem,omitempty"`
}

// ShareNames are, per customer, the names of the shares the customer's
// handed-over template creates. A customer absent from the map (or with no
// names: it built its own share, resourceConfigurationArn without a
// producer section) may name its share anything.
type ShareNames map[string][]string

// Fixed returns names as a Namer.
func (n ShareNames) Fixed() Namer { return func() (ShareNames, error) { return n, nil } }

// Namer finds the ShareNames; FindInvitations calls it only when an
// invitation's name must be checked (finding them may mean synthesizing the
// customers' templates), at most once.
type Namer func() (ShareNames, error)

// SharingRegions are the regions of the fleet's customers that have a
// service reached through a resource gateway, sorted.
func SharingRegions(f *config.Fleet) []string {
	var out []string
	for _, c := range f.Customers {
		if SharesResources(c) && !slices.Contains(out, c.Region) {
			out = append(out, c.Region)
		}
	}
	slices.Sort(out)
	return out
}

// SharesResources reports whether a customer has a service the vendor
// reaches through a resource gateway (config.Service.ViaResourceGateway).
func SharesResources(c *config.Customer) bool {
	if c.PrivateLink == nil {
		return false
	}
	return slices.ContainsFunc(c.PrivateLink.Services, func(s config.Service) bool { return s.ViaResourceGateway() })
}

// FindInvitations lists the pending RAM invitations of region and sorts
// them: an invitation is accepted only when its sender (as RAM records it,
// not as the share names it) is the account of a customer of the region
// with a service reached through a resource gateway, and, when the
// invitation names its share and that customer's template names its
// shares, the name is one of those. Every other invitation is refused with
// its reason, never accepted.
func FindInvitations(ctx context.Context, f *config.Fleet, region string, api RAM, namer Namer) Shares {
	s := Shares{Region: region, Accept: []Invitation{}, Refuse: []Invitation{}}
	pending, err := pendingInvitations(ctx, api)
	if err != nil {
		pr := problem(region, "ram:GetResourceShareInvitations", err)
		s.Problem = &pr
		return s
	}
	var names ShareNames
	if len(pending) > 0 {
		// Only an invitation to judge needs the templates' share names.
		if names, err = namer(); err != nil {
			s.Problem = &Problem{Region: region, Action: "naming the templates' shares", Message: firstLine(err) + ": no invitation accepted"}
			return s
		}
	}
	for _, inv := range pending {
		i := Invitation{Arn: aws.ToString(inv.ResourceShareInvitationArn), ShareArn: aws.ToString(inv.ResourceShareArn),
			ShareName: aws.ToString(inv.ResourceShareName), Sender: aws.ToString(inv.SenderAccountId), Sent: inv.InvitationTimestamp}
		i.Customers, i.Reason = judge(f, region, i, names)
		if i.Reason == "" {
			s.Accept = append(s.Accept, i)
		} else {
			s.Refuse = append(s.Refuse, i)
		}
	}
	return s
}

// judge returns the customers an invitation is from, and why it is
// refused ("" when it is to be accepted).
func judge(f *config.Fleet, region string, i Invitation, names ShareNames) (customers []string, reason string) {
	if i.Sender == "" {
		return nil, "RAM names no sender account"
	}
	// The share is the sender's, in this region:
	// arn:<partition>:ram:<region>:<account>:resource-share/<id>.
	if parts := strings.SplitN(i.ShareArn, ":", 6); len(parts) != 6 || parts[3] != region || parts[4] != i.Sender {
		return nil, fmt.Sprintf("share %s is not a share of account %s in %s", i.ShareArn, i.Sender, region)
	}
	var ofAccount []*config.Customer
	for _, c := range f.Customers {
		if c.Account == i.Sender && c.Region == region {
			ofAccount = append(ofAccount, c)
		}
	}
	if len(ofAccount) == 0 {
		of := "the fleet"
		if f.Vendor != nil && f.Vendor.CellName != "" {
			of = "cell " + f.Vendor.CellName
		}
		return nil, fmt.Sprintf("no customer of %s in %s has account %s", of, region, i.Sender)
	}
	var sharing []*config.Customer
	for _, c := range ofAccount {
		if SharesResources(c) {
			sharing = append(sharing, c)
		}
	}
	if len(sharing) == 0 {
		return nil, fmt.Sprintf("%s has no service reached through a resource gateway (producer.mode: resourceGateway, or resourceConfigurationArn)", customerNames(ofAccount))
	}
	var expected []string
	for _, c := range sharing {
		customers = append(customers, c.Name)
		want := names[c.Name]
		if len(want) == 0 {
			// A customer with a share of its own making: any name.
			return customers, ""
		}
		expected = append(expected, want...)
	}
	if i.ShareName != "" && !slices.Contains(expected, i.ShareName) {
		slices.Sort(expected)
		return customers, fmt.Sprintf("share %q is not one the template of %s creates (%s)", i.ShareName, strings.Join(customers, ", "), strings.Join(expected, ", "))
	}
	return customers, ""
}

func customerNames(cs []*config.Customer) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return strings.Join(out, ", ")
}

// pendingInvitations lists the account's invitations of the region that
// wait for an answer.
func pendingInvitations(ctx context.Context, api RAM) ([]ramtypes.ResourceShareInvitation, error) {
	var out []ramtypes.ResourceShareInvitation
	p := ram.NewGetResourceShareInvitationsPaginator(api, &ram.GetResourceShareInvitationsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, inv := range page.ResourceShareInvitations {
			if inv.Status == ramtypes.ResourceShareInvitationStatusPending {
				out = append(out, inv)
			}
		}
	}
	return out, nil
}

// AcceptInvitations accepts s.Accept, and nothing else, one call each (the
// API takes one invitation), recording what was accepted and what AWS
// refused. An invitation AWS reports already accepted counts as accepted:
// that is the outcome wanted, and it is what the SDK's retry of a call whose
// answer was lost gets (without a ClientToken of ours, AWS makes a new one
// per attempt: https://docs.aws.amazon.com/ram/latest/APIReference/API_AcceptResourceShareInvitation.html).
func AcceptInvitations(ctx context.Context, s *Shares, api RAM) {
	for _, i := range s.Accept {
		_, err := api.AcceptResourceShareInvitation(ctx, &ram.AcceptResourceShareInvitationInput{ResourceShareInvitationArn: aws.String(i.Arn)})
		var ae smithy.APIError
		if errors.As(err, &ae) && ae.ErrorCode() == "ResourceShareInvitationAlreadyAcceptedException" {
			err = nil
		}
		if err != nil {
			i.Error = problem(s.Region, "ram:AcceptResourceShareInvitation", err).Message
			s.Failed = append(s.Failed, i)
			continue
		}
		s.Accepted = append(s.Accepted, i)
	}
}
