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
	"github.com/stretchr/testify/assert"

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

func TestAcceptAsksAndAcceptsOnlyTheFleet(t *testing.T) {
	fleet := &config.Fleet{Customers: []*config.Customer{{Name: "umbrella", Region: "us-east-1", Account: "333333333333", InboundPrivateLink: &config.InboundPrivateLink{}}}}
	cases := []struct {
		name     string
		io       acceptIO
		code     int
		accepted []string
		says     string
	}{
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
			}, tc.io)
			assert.Equal(t, tc.code, code, out.String())
			assert.Equal(t, tc.accepted, svc.accepted)
			assert.Contains(t, out.String(), tc.says)
			assert.Contains(t, out.String(), "  leave   vpce-0who from 999999999999: no inbound customer in us-east-1 lists this account")
		})
	}
}
