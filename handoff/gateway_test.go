package handoff

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/stacks"
)

// wayneBundle is the bundle of the example customer whose services are all
// of mode resourceGateway, one of them pending, one with its ARN on file.
func wayneBundle(t *testing.T) (*config.Customer, Bundle) {
	t.Helper()
	for _, b := range example.bundles {
		if b.Customer.Name == "wayne" {
			return b.Customer, b
		}
	}
	require.FailNow(t, "no bundle for wayne")
	return nil, Bundle{}
}

// The guide explains the mode and each step the customer takes in it, with
// the vendor's account, the permissions, the cost's dated source and the
// commands that read the stack's outputs.
func TestGatewayGuideSaysWhatTheCustomerNeeds(t *testing.T) {
	wayne, b := wayneBundle(t)
	v := example.fleet.Vendor.ForCustomer(wayne)
	guide := string(b.Files[ProducerFile])
	require.NotEmpty(t, guide, "PRODUCER.md")
	for _, want := range []string{
		"### Resource gateway, shared by `ledger` and `billing`",
		"AWS PrivateLink for VPC resources",
		"**" + v.Account + "** only",
		"`ram:RequestedAllowsExternalPrincipals`",
		"`ram:CreateResourceShare`",
		"`vpc-lattice:CreateResourceGateway`",
		"`iam:CreateServiceLinkedRole`",
		"https://docs.aws.amazon.com/vpc-lattice/latest/ug/additional-api-permissions.html",
		"## Admit the resource gateway on your databases",
		"--source-group \"$gateway_sg\"",
		"## Send Example Integrations the resource configuration ARNs",
		"`LedgerResourceConfigurationArn`", "`BillingResourceConfigurationArn`",
		"aws vpc-lattice get-resource-configuration",
		"aws ram get-resource-shares",
		"aws ram get-resource-share-associations",
		"aws vpc-lattice list-resource-endpoint-associations",
		"https://aws.amazon.com/privatelink/pricing/", "read 2026-11-27", "$0.01 per GB",
		"aws cloudformation delete-stack",
		"type ARN naming the Aurora DB cluster `LedgerRdsClusterId` gives",
		"type SINGLE naming the database by the DNS name `BillingTargetHostname` gives (IPv4), on TCP 3306",
		"`BillingTargetHostname` for `billing` must be a name that resolves publicly",
	} {
		assert.Contains(t, guide, want, "PRODUCER.md")
	}
	// Nothing of a load balancer's: no connection to accept, no targets,
	// no topics, no IAM capability.
	for _, absent := range []string{
		"Network Load Balancer", "## Accept", "describe-target-health", "## Notifications", "AlarmTopicArn",
		"CAPABILITY_IAM", "registrar", "accept-vpc-endpoint-connections", "reject-vpc-endpoint-connections",
		"### Moving a service", "ServiceName`",
	} {
		assert.NotContains(t, guide, absent, "PRODUCER.md of a resourceGateway-only template")
	}
	for _, s := range wayne.PrivateLink.Services {
		id := stacks.OutputID(s.Name)
		for _, port := range s.Ports {
			assert.Contains(t, guide, "--protocol tcp --port "+fmt.Sprint(port)+" \\\n  --group-id \"${"+ShellVar(id)+"_DB_SG:?set "+ShellVar(id)+"_DB_SG first}\"",
				"%s: admitting the gateway on its database's port", s.Name)
		}
	}
	assert.NotContains(t, guide, "\n\n\n", "PRODUCER.md has no double blank lines")
}

// The security review reads the gateway, the configurations and the shares
// from the template.
func TestGatewaySecurityReview(t *testing.T) {
	wayne, b := wayneBundle(t)
	v := example.fleet.Vendor.ForCustomer(wayne)
	review := section(string(b.Files[ProducerFile]), "## Security review")
	require.NotEmpty(t, review, "the security review")
	for _, want := range []string{
		"The template creates no IAM role, user or policy.",
		"Resource gateway `ResourceGateway",
		"it forwards only to the resource configurations associated with it",
		"Resource configuration `LedgerConfiguration", "(type ARN)",
		"Resource configuration `BillingConfiguration", "(type SINGLE)",
		"on TCP `3306`",
		"it cannot be added to a service network shared on to other accounts",
		"shared with `" + v.Account + "` only, which may be outside your AWS organization",
		"inbound none; outbound TCP 3306 to `10.0.0.0/8`",
		"No finding was accepted.",
	} {
		assert.Contains(t, review, want, "security review")
	}
}

// The index lists the template as what it is and asks for the ARN of the
// pending service, ticking the one on file.
func TestGatewayIndex(t *testing.T) {
	_, b := wayneBundle(t)
	index := string(b.Files[IndexFile])
	for _, want := range []string{
		"the resource gateway and shared resource configurations through which Example Integrations reaches `ledger` and `billing`",
		"- [x] The ARN of the `ledger` resource configuration: we have `arn:aws:vpc-lattice:us-east-1:246813579135:resourceconfiguration/rcfg-0a1b2c3d4e5f60718` on file",
		"- [ ] The ARN of the `billing` resource configuration: the `BillingResourceConfigurationArn` output",
		"resource gateway",
	} {
		assert.Contains(t, index, want, "README.md")
	}
	assert.NotContains(t, index, "endpoint service", "README.md of a resourceGateway-only customer")
}

// A template with both modes keeps each mode's sections: the load
// balancer's connection to accept and the gateway's ARN to send.
func TestGuideOfBothModes(t *testing.T) {
	wayne := example.fleet.Customer("wayne")
	require.NotNil(t, wayne, "wayne in the example fleet")
	acme := example.fleet.Customer("acme")
	require.NotNil(t, acme, "acme in the example fleet")
	both := *acme
	pl := *acme.PrivateLink
	pl.Services = append(append([]config.Service(nil), acme.PrivateLink.Services...), wayne.PrivateLink.Services...)
	both.PrivateLink = &pl
	bundles, err := Build(example.fleet.Vendor, []*config.Customer{&both})
	require.NoError(t, err)
	guide := string(bundles[0].Files[ProducerFile])
	for _, want := range []string{
		"## Accept Example Integrations' connection request", "## Admit the load balancer on your targets",
		"## Admit the resource gateway on your databases", "## Send Example Integrations the resource configuration ARNs",
		"describe-target-health", "aws vpc-lattice get-resource-configuration", "## Notifications",
		"### Moving a service to a load balancer with a security group",
	} {
		assert.Contains(t, guide, want, "PRODUCER.md of both modes")
	}
	assert.Equal(t, 1, strings.Count(guide, "## Check that it works"), "one check section")
	assert.NotContains(t, guide, "\n\n\n", "PRODUCER.md has no double blank lines")
}
