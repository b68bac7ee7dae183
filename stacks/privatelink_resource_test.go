package stacks

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/internal/cdktest"
	"github.com/privateconnect/privateconnect/internal/templatecheck"
)

const wayneLedgerArn = "arn:aws:vpc-lattice:us-east-1:246813579135:resourceconfiguration/rcfg-0a1b2c3d4e5f60718"

// wayneFleet is the example vendor with one customer, the example customer
// of producer mode resourceGateway (internal/rgfixture/wayne.yaml: an Aurora
// cluster shared by resource configuration, ready; a MySQL database handed
// over, pending), loaded and validated as config/customers will hold it.
func wayneFleet(t *testing.T) (*config.Fleet, *config.Customer) {
	t.Helper()
	dir := t.TempDir()
	vendor, err := os.ReadFile(filepath.Join("..", "config", config.VendorFile))
	require.NoError(t, err)
	// The example pipeline's canary is acme, which this fleet does not hold.
	require.Contains(t, string(vendor), "canaries: [acme]", "the example vendor's canaries")
	vendor = bytes.Replace(vendor, []byte("canaries: [acme]"), []byte("canaries: [wayne]"), 1)
	require.NoError(t, os.WriteFile(filepath.Join(dir, config.VendorFile), vendor, 0o644))
	customer, err := os.ReadFile(filepath.Join("..", "internal", "rgfixture", "wayne.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "customers"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "customers", "wayne.yaml"), customer, 0o644))
	fleet, err := config.Load(dir)
	require.NoError(t, err, "the resourceGateway fixture fleet validates")
	c := fleet.Customer("wayne")
	require.NotNil(t, c, "wayne in its fleet")
	require.Equal(t, wayneLedgerArn, c.PrivateLink.Services[0].ResourceConfigurationArn, "the fixture's ready service")
	require.True(t, c.PrivateLink.Services[1].Pending(), "the fixture's pending service")
	require.True(t, c.Probed(), "wayne is probed")
	return fleet, c
}

// TestResourceGatewayCustomer synthesizes wayne's PrivateLink stack once
// and checks it in subtests.
func TestResourceGatewayCustomer(t *testing.T) {
	fleet, c := wayneFleet(t)
	outdir := t.TempDir()
	app := NewApp(outdir)
	stack := NewPrivateLinkStack(app, fleet.Vendor.ForCustomer(c), c)
	app.Synth(nil)
	raw, err := os.ReadFile(filepath.Join(outdir, "wayne-PrivateLink.template.json"))
	require.NoError(t, err)
	var tmpl cdktest.Template
	require.NoError(t, json.Unmarshal(raw, &tmpl))
	for name, check := range map[string]func(*testing.T, *config.Fleet, awscdk.Stack, cdktest.Template, string){
		"ResourceEndpoint": resourceGatewayServiceGetsAResourceEndpoint,
		"PendingNote":      pendingResourceGatewayServiceNote,
		"Outputs":          resourceEndpointOutputsAndParameters,
		"Probe":            probeReachesTheResourceEndpoint,
		"Golden":           resourceGatewayGolden,
		"Checks":           resourceGatewayStackPassesChecks,
		"Footprint":        resourceGatewayFootprint,
	} {
		t.Run(name, func(t *testing.T) { check(t, fleet, stack, tmpl, outdir) })
	}
}

func resourceGatewayServiceGetsAResourceEndpoint(t *testing.T, fleet *config.Fleet, stack awscdk.Stack, tmpl cdktest.Template, outdir string) {
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
func pendingResourceGatewayServiceNote(t *testing.T, fleet *config.Fleet, stack awscdk.Stack, tmpl cdktest.Template, outdir string) {
	for _, r := range tmpl.Resources("AWS::EC2::SecurityGroup") {
		assert.NotContains(t, r.Properties["GroupDescription"], "billing", "%s: the pending service has a group", r.LogicalID)
	}
	assert.Contains(t, Notes([]awscdk.Stack{stack}),
		"wayne-PrivateLink: service billing is pending, so it has no endpoint yet: once the customer has deployed its template (make handoff CUSTOMER=wayne), "+
			"set privateLink.services[1].resourceConfigurationArn in "+fleet.Customer("wayne").File+" to the ResourceConfigurationArn the template outputs, then accept the RAM invitation: make accept")
}

func resourceEndpointOutputsAndParameters(t *testing.T, fleet *config.Fleet, stack awscdk.Stack, tmpl cdktest.Template, outdir string) {
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
func probeReachesTheResourceEndpoint(t *testing.T, fleet *config.Fleet, stack awscdk.Stack, tmpl cdktest.Template, outdir string) {
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

// The stack's snapshot, reviewed like the example fleet's (rewrite it with
// go test ./stacks -run ResourceGatewayCustomer -update).
func resourceGatewayGolden(t *testing.T, fleet *config.Fleet, stack awscdk.Stack, tmpl cdktest.Template, outdir string) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	require.NoError(t, enc.Encode(tmpl))
	got := normalize(buf.Bytes())
	path := filepath.Join("testdata", "resourcegateway", "wayne-PrivateLink.golden")
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	old, err := os.ReadFile(path)
	require.NoError(t, err, "no snapshot (run go test ./stacks -run ResourceGatewayCustomer -update and review it)")
	assert.Equal(t, string(old), string(got), "%s differs at %s", path, firstDiff(old, got))
}

func resourceGatewayStackPassesChecks(t *testing.T, fleet *config.Fleet, stack awscdk.Stack, tmpl cdktest.Template, outdir string) {
	findings, err := NagFindings(outdir, []awscdk.Stack{stack})
	require.NoError(t, err)
	assert.Empty(t, findings, "cdk-nag findings:\n%s", strings.Join(findings, "\n"))
	file := filepath.Join(outdir, "wayne-PrivateLink.template.json")
	templatecheck.CfnLint(t, file)
	// templatecheck.CfnGuard also fails on exceptions this one template does
	// not use (a load balancer's, say): hold its failures to the list alone.
	failures, err := templatecheck.GuardFailures(file)
	require.NoError(t, err)
	exceptions, err := templatecheck.LoadExceptions()
	require.NoError(t, err)
	for _, f := range failures {
		assert.True(t, slices.ContainsFunc(exceptions, func(e templatecheck.Exception) bool {
			return e.Rule == f.Rule && e.ResourceType == f.ResourceType && e.Covers(f.Template)
		}), "%s (%s) fails Control Tower rule %s: fix it, or add it to cfn-guard-exceptions.yaml with the reason", f.LogicalID, f.ResourceType, f.Rule)
	}
}

// config's estimate of the stack (config/footprint.go) holds what it builds.
func resourceGatewayFootprint(t *testing.T, fleet *config.Fleet, stack awscdk.Stack, tmpl cdktest.Template, outdir string) {
	c := fleet.Customer("wayne")
	fps := config.Footprints(fleet.Vendor.ForCustomer(c), c)
	require.NotEmpty(t, fps, "wayne's footprints")
	fp := fps[0]
	require.Equal(t, "wayne-PrivateLink", fp.Stack, "the first footprint")
	var ids []string
	for _, c := range *stack.Node().Children() {
		ids = append(ids, *c.Node().Id())
	}
	raw, err := os.ReadFile(filepath.Join(outdir, "wayne-PrivateLink.template.json"))
	require.NoError(t, err)
	assert.Empty(t, fp.Check(ids, raw), "the template and config's estimate disagree")
	resources, _ := tmpl["Resources"].(map[string]any)
	outputs, _ := tmpl["Outputs"].(map[string]any)
	assert.Equal(t, fp.Resources, len(resources), "resources counted in config/footprint.go")
	assert.Equal(t, fp.Outputs, len(outputs), "outputs counted in config/footprint.go")
	t.Logf("%d resources, %d outputs; %d bytes, estimated %d", len(resources), len(outputs), len(raw), fp.TemplateBytes)
}
