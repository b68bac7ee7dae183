package status

import (
	"context"
	"errors"
	"os"
	"testing"

	ramtypes "github.com/aws/aws-sdk-go-v2/service/ram/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/privateconnect/privateconnect/config"
)

// wayne is the example customer in producer mode resourceGateway
// (testdata/wayne.yaml): account 246813579135, us-east-1.
func wayne(t *testing.T) *config.Customer {
	t.Helper()
	raw, err := os.ReadFile("testdata/wayne.yaml")
	require.NoError(t, err)
	var c config.Customer
	require.NoError(t, yaml.Unmarshal(raw, &c))
	require.True(t, SharesResources(&c), "wayne reaches its services through a resource gateway")
	return &c
}

// sharingFleet: wayne; acme (nlb only, account 111111111111, us-east-1);
// stark, which built its own share (a resourceConfigurationArn, no producer
// section), account 666666666666; and oscorp in eu-west-1, in resource
// gateway mode too, account 777777777777.
func sharingFleet(t *testing.T) *config.Fleet {
	f := testFleet()
	f.Customers = []*config.Customer{
		wayne(t),
		f.Customers[0], // acme
		{Name: "stark", Region: "us-east-1", Account: "666666666666", PrivateLink: &config.PrivateLink{Services: []config.Service{
			{Name: "db", ResourceConfigurationArn: "arn:aws:vpc-lattice:us-east-1:666666666666:resourceconfiguration/rcfg-0123456789abcdef0", Ports: []int{5432}}}}},
		{Name: "oscorp", Region: "eu-west-1", Account: "777777777777", PrivateLink: &config.PrivateLink{Services: []config.Service{
			{Name: "db", Ports: []int{5432}, Producer: &config.Producer{Mode: config.ModeResourceGateway, Target: "rds"}}}}},
	}
	return f
}

// names: wayne's template names its shares after its services.
var names = ShareNames{"wayne": {"wayne-ledger", "wayne-billing"}, "oscorp": {"oscorp-db"}}

func arns(is []Invitation) []string {
	var out []string
	for _, i := range is {
		out = append(out, i.ShareName)
	}
	return out
}

func reasonOf(t *testing.T, s Shares, share string) string {
	t.Helper()
	for _, i := range s.Refuse {
		if i.ShareName == share {
			return i.Reason
		}
	}
	require.Failf(t, "not refused", "%s is not among the refused invitations", share)
	return ""
}

func TestInvitationsAcceptedOnlyFromResourceGatewayCustomers(t *testing.T) {
	f := sharingFleet(t)
	assert.Equal(t, []string{"eu-west-1", "us-east-1"}, SharingRegions(f), "acme's region counts only through wayne and stark")
	r := &fakeRegion{invites: []ramtypes.ResourceShareInvitation{
		invite("a", "us-east-1", "246813579135", "wayne-ledger"),
		invite("b", "us-east-1", "999999999999", "wayne-ledger"),              // a stranger naming wayne's share
		invite("c", "us-east-1", "111111111111", "acme-db"),                   // a customer without a resource gateway service
		invite("d", "us-east-1", "246813579135", "everything-we-own"),         // wayne, but not a share its template creates
		invite("e", "us-east-1", "666666666666", "stark-own-share"),           // stark built its own: any name
		invite("f", "us-east-1", "777777777777", "oscorp-db"),                 // oscorp's account, but oscorp is in eu-west-1
		invite("g", "us-east-1", "246813579135", "wayne-billing", "ACCEPTED"), // answered already
	}}
	bad := invite("h", "us-east-1", "246813579135", "wayne-billing")
	bad.ResourceShareArn = &[]string{"arn:aws:ram:us-east-1:999999999999:resource-share/h"}[0]
	r.invites = append(r.invites, bad)

	s := FindInvitations(context.Background(), f, "us-east-1", r, names.Fixed())
	require.Nil(t, s.Problem)
	assert.Equal(t, []string{"wayne-ledger", "stark-own-share"}, arns(s.Accept))
	assert.Equal(t, []string{"wayne"}, s.Accept[0].Customers)
	assert.Equal(t, []string{"stark"}, s.Accept[1].Customers)
	assert.Len(t, s.Refuse, 5, "every other pending invitation is refused, with its reason")
	assert.Equal(t, "no customer of the fleet in us-east-1 has account 999999999999", s.Refuse[0].Reason)
	assert.Equal(t, "acme has no service reached through a resource gateway (producer.mode: resourceGateway, or resourceConfigurationArn)", reasonOf(t, s, "acme-db"))
	assert.Equal(t, `share "everything-we-own" is not one the template of wayne creates (wayne-billing, wayne-ledger)`, reasonOf(t, s, "everything-we-own"))
	assert.Equal(t, "no customer of the fleet in us-east-1 has account 777777777777", reasonOf(t, s, "oscorp-db"))
	assert.Contains(t, s.Refuse[4].Reason, "is not a share of account 246813579135 in us-east-1")
	assert.Empty(t, r.accepted, "finding accepts nothing")

	r.refuse = map[string]string{"arn:aws:ram:us-east-1:666666666666:resource-share-invitation/e": "InvalidStateTransitionException"}
	retried := s
	AcceptInvitations(context.Background(), &s, r)
	assert.Equal(t, []string{"arn:aws:ram:us-east-1:246813579135:resource-share-invitation/a"}, r.accepted, "only the fleet's, and AWS refused stark's")
	assert.Equal(t, []string{"wayne-ledger"}, arns(s.Accepted))
	require.Len(t, s.Failed, 1)
	assert.Equal(t, "InvalidStateTransitionException: no", s.Failed[0].Error)

	// Accepted already (a retry whose first answer was lost, or a colleague): accepted, not failed.
	r.refuse["arn:aws:ram:us-east-1:246813579135:resource-share-invitation/a"] = "ResourceShareInvitationAlreadyAcceptedException"
	AcceptInvitations(context.Background(), &retried, r)
	assert.Equal(t, []string{"wayne-ledger"}, arns(retried.Accepted))
	require.Len(t, retried.Failed, 1)
	assert.Equal(t, "InvalidStateTransitionException: no", retried.Failed[0].Error)
	for _, i := range r.invites {
		if *i.SenderAccountId == "999999999999" {
			assert.Equal(t, ramtypes.ResourceShareInvitationStatusPending, i.Status, "the stranger's invitation still waits")
		}
	}
}

func TestInvitationsOfAnotherCellAreRefused(t *testing.T) {
	f := sharingFleet(t)
	f.Vendor = &config.Vendor{Account: "123456789012", Cells: []config.Cell{{Name: "cell-1", Account: "123456789012"}, {Name: "cell-2", Account: "210987654321"}}}
	f.Customers[0].Cell = "cell-2" // wayne
	for _, c := range f.Customers[1:] {
		c.Cell = "cell-1"
	}
	r := &fakeRegion{invites: []ramtypes.ResourceShareInvitation{
		invite("a", "us-east-1", "246813579135", "wayne-ledger"),
		invite("e", "us-east-1", "666666666666", "stark-own-share"),
	}}
	one := FindInvitations(context.Background(), f.Cell("cell-1"), "us-east-1", r, names.Fixed())
	assert.Equal(t, []string{"stark-own-share"}, arns(one.Accept))
	assert.Equal(t, "no customer of cell cell-1 in us-east-1 has account 246813579135", reasonOf(t, one, "wayne-ledger"),
		"wayne's share belongs to cell-2's account: credentials for cell-1 never accept it")
	two := FindInvitations(context.Background(), f.Cell("cell-2"), "us-east-1", r, names.Fixed())
	assert.Equal(t, []string{"wayne-ledger"}, arns(two.Accept))
	assert.Equal(t, []string{"us-east-1"}, SharingRegions(f.Cell("cell-2")))
}

func TestInvitationsWithoutTheTemplatesNames(t *testing.T) {
	calls := 0
	namer := func() (ShareNames, error) { calls++; return nil, errors.New("synth failed\nmore") }
	s := FindInvitations(context.Background(), sharingFleet(t), "us-east-1", &fakeRegion{}, namer)
	assert.Nil(t, s.Problem)
	assert.Zero(t, calls, "no invitation: nothing to synthesize")
	r := &fakeRegion{invites: []ramtypes.ResourceShareInvitation{invite("a", "us-east-1", "246813579135", "wayne-ledger")}}
	s = FindInvitations(context.Background(), sharingFleet(t), "us-east-1", r, namer)
	require.NotNil(t, s.Problem)
	assert.Equal(t, "us-east-1: naming the templates' shares: synth failed: no invitation accepted", s.Problem.String())
	assert.Empty(t, s.Accept)
}

func TestInvitationsThatCannotBeRead(t *testing.T) {
	r := &fakeRegion{errs: map[string]error{"ram:GetResourceShareInvitations": apiError("AccessDeniedException")}}
	s := FindInvitations(context.Background(), sharingFleet(t), "us-east-1", r, names.Fixed())
	require.NotNil(t, s.Problem)
	assert.Equal(t, "us-east-1: ram:GetResourceShareInvitations: access denied (AccessDeniedException): the caller needs ram:GetResourceShareInvitations (README: Day two, IAM policy)", s.Problem.String())
	assert.Empty(t, s.Accept)
}
