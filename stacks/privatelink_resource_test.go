package stacks

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/internal/cdktest"
)

const wayneLedgerArn = "arn:aws:vpc-lattice:us-east-1:246813579135:resourceconfiguration/rcfg-0a1b2c3d4e5f60718"

// TestResourceGatewayCustomer checks the PrivateLink stack of the example
// customer of producer mode resourceGateway (wayne: an Aurora cluster shared
// by resource configuration, ready; a MySQL database handed over, pending).
// TestGolden, TestNoCdkNagFindings, TestTemplatesPassCfnLint,
// TestTemplatesPassControlTowerRules and TestFootprintOfTheExampleFleet
// cover it with the fleet's other stacks.
func TestResourceGatewayCustomer(t *testing.T) {
	c := example.fleet.Customer("wayne")
	require.NotNil(t, c, "wayne in the example fleet")
	require.Len(t, c.PrivateLink.Services, 2, "wayne's services")
	require.Equal(t, wayneLedgerArn, c.PrivateLink.Services[0].ResourceConfigurationArn, "wayne's ready service")
	require.True(t, c.PrivateLink.Services[1].Pending(), "wayne's pending service")
	require.True(t, c.Probed(), "wayne is probed")
	stackName := StackName(c, ModePrivateLink)
	i := slices.IndexFunc(example.built, func(s awscdk.Stack) bool { return *s.StackName() == stackName })
	require.NotEqual(t, -1, i, "%s in the example fleet's stacks", stackName)
	stack, tmpl := example.built[i], example.templates[stackName]
	for name, check := range map[string]func(*testing.T, *config.Fleet, awscdk.Stack, cdktest.Template){
		"ResourceEndpoint": resourceGatewayServiceGetsAResourceEndpoint,
		"PendingNote":      pendingResourceGatewayServiceNote,
		"Outputs":          resourceEndpointOutputsAndParameters,
		"Probe":            probeReachesTheResourceEndpoint,
	} {
		t.Run(name, func(t *testing.T) { check(t, example.fleet, stack, tmpl) })
	}
}

func resourceGatewayServiceGetsAResourceEndpoint(t *testing.T, fleet *config.Fleet, stack awscdk.Stack, tmpl cdktest.Template) {
	ep := tmpl.One(t, "AWS::EC2::VPCEndpoint")
	assert.Equal(t, "Resource", ep.Properties["VpcEndpointType"], "the ready service's endpoint type")
	assert.Equal(t, wayneLedgerArn, ep.Properties["ResourceConfigurationArn"], "the endpoint's resource configuration")
	assert.NotContains(t, ep.Properties, "ServiceName", "a resource endpoint names no endpoint service")
	subnets, _ := ep.Properties["SubnetIds"].([]any)
	assert.Len(t, subnets, 2, "the connectors' subnets, one per AZ")
	tmpl.HasResourceProperties(t, "AWS::Route53::RecordSet", map[string]any{
		"Name": "ledger.wayne." + fleet.Vendor.InternalDomain + ".",
		"Type": "CNAME",
	}, "the stable name, as the load balancer route's")
}

// The pending service gets no endpoint, and the note asks for the ARN and
// the RAM invitation's acceptance.
func pendingResourceGatewayServiceNote(t *testing.T, fleet *config.Fleet, stack awscdk.Stack, tmpl cdktest.Template) {
	for _, r := range tmpl.Resources("AWS::EC2::SecurityGroup") {
		assert.NotContains(t, r.Properties["GroupDescription"], "billing", "%s: the pending service has a group", r.LogicalID)
	}
	assert.Contains(t, Notes([]awscdk.Stack{stack}),
		"wayne-PrivateLink: service billing is pending, so it has no endpoint yet: once the customer has deployed its template (make handoff CUSTOMER=wayne), "+
			"set privateLink.services[1].resourceConfigurationArn in "+fleet.Customer("wayne").File+" to the ResourceConfigurationArn the template outputs, then accept the RAM invitation: make accept")
}

func resourceEndpointOutputsAndParameters(t *testing.T, fleet *config.Fleet, stack awscdk.Stack, tmpl cdktest.Template) {
	outputs, _ := tmpl["Outputs"].(map[string]any)
	for _, key := range []string{"LedgerEndpointId", "LedgerEndpointDnsName", "LedgerResourceConfigurationArn", "LedgerDnsName", "LedgerPorts"} {
		assert.Contains(t, outputs, key, "outputs")
	}
	assert.NotContains(t, outputs, "LedgerEndpointDnsEntries", "a resource endpoint's DnsEntries are empty: no output for them")
	for key := range outputs {
		assert.False(t, strings.HasPrefix(key, "Billing"), "output %s of the pending service", key)
	}
	arn, _ := outputs["LedgerResourceConfigurationArn"].(map[string]any)
	assert.Equal(t, wayneLedgerArn, arn["Value"], "output LedgerResourceConfigurationArn")
	dnsName, _ := outputs["LedgerEndpointDnsName"].(map[string]any)
	lookup := tmpl.One(t, "Custom::ResourceEndpointDnsName")
	assert.Equal(t, cdktest.GetAtt(lookup.LogicalID, "DnsName"), dnsName["Value"], "output LedgerEndpointDnsName: the looked-up name")

	var params []string
	for _, r := range tmpl.Resources("AWS::SSM::Parameter") {
		params = append(params, strings.TrimPrefix(r.Properties["Name"].(string), "/privateconnect/wayne/privatelink/"))
	}
	slices.Sort(params)
	assert.Equal(t, []string{"connector-security-group-id", "flow-log-group", "probe-log-group",
		"services/ledger/dns-name", "services/ledger/endpoint-dns-name", "services/ledger/endpoint-id",
		"services/ledger/ports", "services/ledger/resource-configuration-arn", "subnet-ids", "vpc-id"}, params, "SSM parameters")
}

// The probe reaches the ready service at its stable name, as it does an
// interface endpoint's; the pending one is not probed.
func probeReachesTheResourceEndpoint(t *testing.T, fleet *config.Fleet, stack awscdk.Stack, tmpl cdktest.Template) {
	var probeFn map[string]any
	for _, r := range tmpl.Resources("AWS::Lambda::Function") {
		env, _ := r.Properties["Environment"].(map[string]any)
		if vars, _ := env["Variables"].(map[string]any); vars["SERVICES"] != nil {
			probeFn = vars
		}
	}
	require.NotNil(t, probeFn, "the probe function")
	assert.Equal(t, `[["ledger",[5432],false]]`, probeFn["SERVICES"], "the probe's services")
	assert.Equal(t, "wayne."+fleet.Vendor.InternalDomain, probeFn["ZONE"], "the probe's zone")
	alarm := tmpl.One(t, "AWS::CloudWatch::Alarm")
	assert.Equal(t, "wayne-probe-ledger-5432", alarm.Properties["AlarmName"], "the probe's alarm")
	assert.Contains(t, alarm.Properties["AlarmDescription"], "RAM share", "the alarm points at the resource endpoint's path")
}
