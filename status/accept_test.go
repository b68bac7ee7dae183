package status

import (
	"context"
	"testing"

	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/config"
)

// inboundFleet: umbrella and stark share account 444444444444 on purpose in
// us-east-1; oscorp is an inbound customer of eu-west-1.
func inboundFleet() *config.Fleet {
	f := testFleet()
	f.Customers = append(f.Customers,
		&config.Customer{Name: "stark", Region: "us-east-1", Account: "666666666666",
			InboundPrivateLink: &config.InboundPrivateLink{Accounts: []string{"666666666666", "444444444444"}}},
		&config.Customer{Name: "oscorp", Region: "eu-west-1", Account: "777777777777", InboundPrivateLink: &config.InboundPrivateLink{}},
	)
	return f
}

func inboundAccount() *fakeRegion {
	return &fakeRegion{
		stacks: []cfntypes.Stack{stack("Vendor-Inbound-us-east-1", "UPDATE_COMPLETE", "ServiceId", "vpce-svc-0in", "ServiceName", "com.amazonaws.vpce.us-east-1.vpce-svc-0in")},
		conns: []ec2types.VpcEndpointConnection{
			conn("vpce-svc-0in", "vpce-0umb", "333333333333", "pendingAcceptance"),
			conn("vpce-svc-0in", "vpce-0shared", "444444444444", "pendingAcceptance"),
			conn("vpce-svc-0in", "vpce-0stranger", "999999999999", "pendingAcceptance"),
			conn("vpce-svc-0in", "vpce-0oscorp", "777777777777", "pendingAcceptance"), // eu-west-1's customer, asking in us-east-1
			conn("vpce-svc-0in", "vpce-0old", "333333333333", "available"),
			conn("vpce-svc-0in", "vpce-0no", "333333333333", "rejected"),
			conn("vpce-svc-other", "vpce-0elsewhere", "333333333333", "pendingAcceptance"),
		},
	}
}

func ids(rs []Request) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.EndpointID)
	}
	return out
}

func TestFindPendingAcceptsOnlyTheRegionsInboundCustomers(t *testing.T) {
	f := inboundFleet()
	assert.Equal(t, []string{"eu-west-1", "us-east-1"}, InboundRegions(f))
	r := inboundAccount()
	p := FindPending(context.Background(), f, "us-east-1", Clients{EC2: r, CloudFormation: r})
	require.Nil(t, p.Problem)
	assert.Equal(t, "vpce-svc-0in", p.ServiceID)
	assert.Equal(t, []string{"vpce-0umb", "vpce-0shared"}, ids(p.Accept))
	assert.Equal(t, []string{"umbrella"}, p.Accept[0].Customers)
	assert.Equal(t, []string{"umbrella", "stark"}, p.Accept[1].Customers, "a shared account names both")
	assert.Equal(t, []string{"vpce-0stranger", "vpce-0oscorp"}, ids(p.Leave), "not in the fleet, or not an inbound customer of this region")
	assert.Empty(t, r.accepted, "finding accepts nothing")
}

func TestAcceptSendsOnlyTheFleetsRequests(t *testing.T) {
	f := inboundFleet()
	r := inboundAccount()
	r.refuse = map[string]string{"vpce-0shared": "InvalidState"}
	p := FindPending(context.Background(), f, "us-east-1", Clients{EC2: r, CloudFormation: r})
	Accept(context.Background(), &p, r)
	assert.Equal(t, []string{"vpce-0umb"}, r.accepted)
	assert.Equal(t, []string{"vpce-0umb"}, ids(p.Accepted))
	require.Len(t, p.Failed, 1)
	assert.Equal(t, "InvalidState: no", p.Failed[0].Error)
	for _, c := range r.conns {
		if c.VpcEndpointOwner != nil && *c.VpcEndpointOwner == "999999999999" {
			assert.Equal(t, ec2types.State("pendingAcceptance"), c.VpcEndpointState, "the stranger still waits")
		}
	}
}

// A request AWS refuses because it is available already (the SDK's retry
// of a call whose answer was lost) is accepted, not failed; one still
// waiting stays refused.
func TestARequestAvailableMeanwhileCountsAsAccepted(t *testing.T) {
	f := inboundFleet()
	r := inboundAccount()
	r.refuse = map[string]string{"vpce-0umb": "InvalidState", "vpce-0shared": "InvalidState"}
	p := FindPending(context.Background(), f, "us-east-1", Clients{EC2: r, CloudFormation: r})
	r.conns[0].VpcEndpointState = ec2types.StateAvailable // vpce-0umb: the first attempt went through
	Accept(context.Background(), &p, r)
	assert.Equal(t, []string{"vpce-0umb"}, ids(p.Accepted))
	assert.Empty(t, p.Accepted[0].Error)
	assert.Equal(t, []string{"vpce-0shared"}, ids(p.Failed), "still pendingAcceptance: refused")
}

func TestFindPendingWithoutTheStack(t *testing.T) {
	r := &fakeRegion{}
	p := FindPending(context.Background(), inboundFleet(), "eu-west-1", Clients{EC2: r, CloudFormation: r})
	assert.Nil(t, p.Problem)
	assert.Empty(t, p.ServiceID)
	assert.NotContains(t, r.calls, "ec2:DescribeVpcEndpointConnections")

	r.errs = map[string]error{"cloudformation:DescribeStacks": apiError("AccessDenied")}
	p = FindPending(context.Background(), inboundFleet(), "eu-west-1", Clients{EC2: r, CloudFormation: r})
	require.NotNil(t, p.Problem)
	assert.Equal(t, "eu-west-1: cloudformation:DescribeStacks: access denied (AccessDenied): the caller needs cloudformation:DescribeStacks (README: Day two, IAM policy)", p.Problem.String())
}
