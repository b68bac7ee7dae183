package status

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	ramtypes "github.com/aws/aws-sdk-go-v2/service/ram/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/config"
)

const ledgerArn = "arn:aws:vpc-lattice:us-east-1:246813579135:resourceconfiguration/rcfg-0a1b2c3d4e5f60718"

func resourceEndpoint(id, state, arn string) ec2types.VpcEndpoint {
	e := vpce(id, state, "subnet-1", "subnet-2")
	e.VpcEndpointType = ec2types.VpcEndpointTypeResource
	e.ResourceConfigurationArn = aws.String(arn)
	return e
}

// wayneAccount: wayne's PrivateLink stack with the ledger endpoint (billing
// is pending), and the vendor's RAM as given.
func wayneAccount(state string, invites ...ramtypes.ResourceShareInvitation) fakeAccount {
	return fakeAccount{"us-east-1": {
		stacks:    []cfntypes.Stack{stack("wayne-PrivateLink", "UPDATE_COMPLETE", "LedgerEndpointId", "vpce-0ledger")},
		endpoints: []ec2types.VpcEndpoint{resourceEndpoint("vpce-0ledger", state, ledgerArn)},
		subnets:   []ec2types.Subnet{subnet("subnet-1", "use1-az1"), subnet("subnet-2", "use1-az2")},
		invites:   invites,
	}}
}

func readWayne(t *testing.T, a fakeAccount) (*Report, *Customer) {
	t.Helper()
	f := &config.Fleet{Vendor: &config.Vendor{}, Customers: []*config.Customer{wayne(t)}}
	r := Read(context.Background(), f, f.Customers, a.clients, Options{Now: func() time.Time { return now }})
	require.Empty(t, r.Errors)
	return r, customer(t, r, "wayne")
}

func TestResourceEndpointStateAndArn(t *testing.T) {
	a := wayneAccount("available")
	r, w := readWayne(t, a)
	assert.Equal(t, Healthy, w.State, w.Problems)
	require.Len(t, w.Endpoints, 2)
	ledger := w.Endpoints[0]
	assert.Equal(t, "available", ledger.State)
	assert.Equal(t, "Resource", ledger.Type)
	assert.Equal(t, ledgerArn, ledger.ResourceConfigurationArn)
	assert.Equal(t, []string{"use1-az1", "use1-az2"}, ledger.AvailabilityZones)
	assert.Nil(t, ledger.Invitation)
	assert.Equal(t, ServicePending, w.Endpoints[1].State, "billing: no resource configuration ARN yet")
	assert.Contains(t, a["us-east-1"].calls, "ram:GetResourceShareInvitations", "a region with a resource gateway customer reads RAM")

	var out bytes.Buffer
	WriteTable(&out, r, false)
	assert.Contains(t, out.String(), "\n  endpoint ledger        available          created 6d ago     use1-az1,use1-az2\n")
	assert.Contains(t, out.String(), "\n    arn "+ledgerArn+"\n")
}

func TestAPendingInvitationIsTheReasonAndTheFix(t *testing.T) {
	from := invite("a", "us-east-1", "246813579135", "wayne-billing")
	stranger := invite("b", "us-east-1", "999999999999", "wayne-ledger")

	// The endpoint failed while the customer's share waits.
	_, w := readWayne(t, wayneAccount("failed", stranger, from))
	assert.Equal(t, Unhealthy, w.State)
	assert.Equal(t, []string{"endpoint to ledger is failed: the customer's RAM share wayne-billing (from 246813579135) waits for the vendor to accept it (make accept)"}, w.Problems)
	require.NotNil(t, w.Endpoints[1].Invitation, "the pending service shows the invitation too")

	// The stack is deployed but has no endpoint for ledger (its update could not create it).
	a := wayneAccount("available", from)
	a["us-east-1"].stacks[0] = stack("wayne-PrivateLink", "UPDATE_ROLLBACK_COMPLETE")
	r, w := readWayne(t, a)
	assert.Equal(t, Unhealthy, w.State)
	assert.Equal(t, NotDeployed, w.Endpoints[0].State)
	assert.Contains(t, w.Problems, "endpoint to ledger is missing: the customer's RAM share wayne-billing (from 246813579135) waits for the vendor to accept it (make accept)")
	var out bytes.Buffer
	WriteTable(&out, r, false)
	assert.Contains(t, out.String(), "\n    RAM share wayne-billing from 246813579135 waits: make accept\n")

	// Only a stranger's invitation: not wayne's reason.
	_, w = readWayne(t, wayneAccount("failed", stranger))
	assert.Equal(t, []string{"endpoint to ledger is failed"}, w.Problems)
	assert.Nil(t, w.Endpoints[0].Invitation)
}

func TestResourceEndpointAtAnotherConfiguration(t *testing.T) {
	other := strings.Replace(ledgerArn, "rcfg-0a1b", "rcfg-9f9f", 1)
	_, w := readWayne(t, fakeAccount{"us-east-1": {
		stacks:    []cfntypes.Stack{stack("wayne-PrivateLink", "UPDATE_COMPLETE", "LedgerEndpointId", "vpce-0ledger")},
		endpoints: []ec2types.VpcEndpoint{resourceEndpoint("vpce-0ledger", "available", other)},
	}})
	assert.Equal(t, Unhealthy, w.State)
	assert.Equal(t, []string{"endpoint to ledger reaches " + other + ", the fleet says " + ledgerArn + ": deploy again (make deploy CUSTOMER=wayne)"}, w.Problems)
}
