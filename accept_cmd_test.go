package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ram"
	ramtypes "github.com/aws/aws-sdk-go-v2/service/ram/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/status"
)

// inboundService fakes a region with the Vendor-Inbound stack and two
// requests: one from the fleet's customer, one from a stranger. The
// embedded interfaces are nil: any other call panics.
type inboundService struct {
	status.EC2
	status.CloudFormation
	accepted []string
}

func (s *inboundService) DescribeStacks(context.Context, *cloudformation.DescribeStacksInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error) {
	return &cloudformation.DescribeStacksOutput{Stacks: []cfntypes.Stack{{StackName: aws.String("Vendor-Inbound-us-east-1"),
		Outputs: []cfntypes.Output{{OutputKey: aws.String("ServiceId"), OutputValue: aws.String("vpce-svc-0in")}}}}}, nil
}

func (s *inboundService) DescribeVpcEndpointConnections(context.Context, *ec2.DescribeVpcEndpointConnectionsInput, ...func(*ec2.Options)) (*ec2.DescribeVpcEndpointConnectionsOutput, error) {
	return &ec2.DescribeVpcEndpointConnectionsOutput{VpcEndpointConnections: []ec2types.VpcEndpointConnection{
		{ServiceId: aws.String("vpce-svc-0in"), VpcEndpointId: aws.String("vpce-0umb"), VpcEndpointOwner: aws.String("333333333333"), VpcEndpointState: "pendingAcceptance"},
		{ServiceId: aws.String("vpce-svc-0in"), VpcEndpointId: aws.String("vpce-0who"), VpcEndpointOwner: aws.String("999999999999"), VpcEndpointState: "pendingAcceptance"},
	}}, nil
}

func (s *inboundService) AcceptVpcEndpointConnections(_ context.Context, in *ec2.AcceptVpcEndpointConnectionsInput, _ ...func(*ec2.Options)) (*ec2.AcceptVpcEndpointConnectionsOutput, error) {
	s.accepted = append(s.accepted, in.VpcEndpointIds...)
	return &ec2.AcceptVpcEndpointConnectionsOutput{}, nil
}

// acceptCase is one run of accept: how it is asked, its exit code, what it
// accepted and a line it says.
type acceptCase struct {
	name     string
	io       acceptIO
	code     int
	accepted []string
	says     string
}

func TestAcceptAsksAndAcceptsOnlyTheFleet(t *testing.T) {
	fleet := &config.Fleet{Customers: []*config.Customer{{Name: "umbrella", Region: "us-east-1", Account: "333333333333", InboundPrivateLink: &config.InboundPrivateLink{}}}}
	cases := []acceptCase{
		{"-yes", acceptIO{yes: true}, 0, []string{"vpce-0umb"}, "us-east-1: accepted vpce-0umb from 333333333333 (umbrella)"},
		{"no terminal", acceptIO{}, 1, nil, "accepted nothing: no terminal to ask on; run with -yes"},
		{"answered y", acceptIO{terminal: true, in: strings.NewReader("y\n")}, 0, []string{"vpce-0umb"}, "Accept 1 request? [y/N]"},
		{"answered no", acceptIO{terminal: true, in: strings.NewReader("\n")}, 1, nil, "accepted nothing\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			svc := &inboundService{}
			var out bytes.Buffer
			tc.io.out = &out
			code := runAccept(context.Background(), fleet, []string{"us-east-1"}, func(string) status.Clients {
				return status.Clients{EC2: svc, CloudFormation: svc}
			}, status.ShareNames{}.Fixed(), tc.io)
			assert.Equal(t, tc.code, code, out.String())
			assert.Equal(t, tc.accepted, svc.accepted)
			assert.Contains(t, out.String(), tc.says)
			assert.Contains(t, out.String(), "  leave   vpce-0who from 999999999999: no inbound customer in us-east-1 lists this account")
		})
	}
}

// sharing fakes a region's RAM with invitations from wayne (a customer in
// producer mode resourceGateway), from acme (nlb only) and from a stranger.
type sharing struct {
	status.RAM
	accepted []string
}

func (s *sharing) GetResourceShareInvitations(context.Context, *ram.GetResourceShareInvitationsInput, ...func(*ram.Options)) (*ram.GetResourceShareInvitationsOutput, error) {
	inv := func(id, sender, name string) ramtypes.ResourceShareInvitation {
		return ramtypes.ResourceShareInvitation{ResourceShareInvitationArn: aws.String("arn:aws:ram:us-east-1:" + sender + ":resource-share-invitation/" + id),
			ResourceShareArn: aws.String("arn:aws:ram:us-east-1:" + sender + ":resource-share/" + id), ResourceShareName: aws.String(name),
			SenderAccountId: aws.String(sender), Status: ramtypes.ResourceShareInvitationStatusPending}
	}
	return &ram.GetResourceShareInvitationsOutput{ResourceShareInvitations: []ramtypes.ResourceShareInvitation{
		inv("w", "246813579135", "wayne-ledger"), inv("a", "111111111111", "acme-db"), inv("x", "999999999999", "wayne-ledger"),
	}}, nil
}

func (s *sharing) AcceptResourceShareInvitation(_ context.Context, in *ram.AcceptResourceShareInvitationInput, _ ...func(*ram.Options)) (*ram.AcceptResourceShareInvitationOutput, error) {
	s.accepted = append(s.accepted, aws.ToString(in.ResourceShareInvitationArn))
	return &ram.AcceptResourceShareInvitationOutput{}, nil
}

func TestAcceptRAMInvitationsOnlyFromResourceGatewayCustomers(t *testing.T) {
	fleet := &config.Fleet{Customers: []*config.Customer{
		{Name: "wayne", Region: "us-east-1", Account: "246813579135", PrivateLink: &config.PrivateLink{Services: []config.Service{
			{Name: "ledger", Ports: []int{5432}, Producer: &config.Producer{Mode: config.ModeResourceGateway, Target: "rds"}}}}},
		{Name: "acme", Region: "us-east-1", Account: "111111111111", PrivateLink: &config.PrivateLink{Services: []config.Service{
			{Name: "db", ServiceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", Ports: []int{5432}}}}},
		{Name: "umbrella", Region: "us-east-1", Account: "333333333333", InboundPrivateLink: &config.InboundPrivateLink{}},
	}}
	assert.Equal(t, []string{"us-east-1"}, acceptRegions(fleet))
	cases := []acceptCase{
		{"-yes", acceptIO{yes: true}, 0, []string{"arn:aws:ram:us-east-1:246813579135:resource-share-invitation/w"}, "us-east-1: accepted share wayne-ledger from 246813579135 (wayne)"},
		{"no terminal", acceptIO{}, 1, nil, "accepted nothing: no terminal to ask on; run with -yes to accept the 1 request and 1 invitation above"},
		{"answered no", acceptIO{terminal: true, in: strings.NewReader("n\n")}, 1, nil, "Accept 1 request and 1 invitation? [y/N] accepted nothing\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			svc, shares := &inboundService{}, &sharing{}
			var out bytes.Buffer
			tc.io.out = &out
			code := runAccept(context.Background(), fleet, acceptRegions(fleet), func(string) status.Clients {
				return status.Clients{EC2: svc, CloudFormation: svc, RAM: shares}
			}, status.ShareNames{"wayne": {"wayne-billing", "wayne-ledger"}}.Fixed(), tc.io)
			assert.Equal(t, tc.code, code, out.String())
			assert.Equal(t, tc.accepted, shares.accepted)
			assert.Contains(t, out.String(), tc.says)
			assert.Contains(t, out.String(), "us-east-1: RAM: 1 invitation to accept, 2 refused\n")
			assert.Contains(t, out.String(), "  refuse  share acme-db from 111111111111: acme has no service reached through a resource gateway")
			assert.Contains(t, out.String(), "  refuse  share wayne-ledger from 999999999999: no customer of the fleet in us-east-1 has account 999999999999\n")
		})
	}
}

func TestShareNamesComeFromTheTemplate(t *testing.T) {
	names, err := shareNamesOf([]byte(`{"Resources": {
		"LedgerShare": {"Type": "AWS::RAM::ResourceShare", "Properties": {"Name": "wayne-ledger"}},
		"BillingShare": {"Type": "AWS::RAM::ResourceShare", "Properties": {"Name": "wayne-billing"}},
		"Gateway": {"Type": "AWS::VpcLattice::ResourceGateway", "Properties": {"Name": "not-a-share"}}}}`))
	require.NoError(t, err)
	assert.Equal(t, []string{"wayne-billing", "wayne-ledger"}, names)
	_, err = shareNamesOf([]byte(`{"Resources": {"S": {"Type": "AWS::RAM::ResourceShare", "Properties": {"Name": {"Fn::Sub": "${AWS::StackName}"}}}}}`))
	assert.ErrorContains(t, err, "not a literal string", "a name accept cannot check stops it rather than accepting any name")
}

// The share names come from the example's handed-over templates.
func TestTemplateShareNames(t *testing.T) {
	fleet, err := config.Load("config")
	require.NoError(t, err)
	names, err := templateShareNames(fleet, []string{"us-east-1"})
	require.NoError(t, err)
	assert.Len(t, names["wayne"], 2, "one share per service of wayne's template: %v", names)

}
