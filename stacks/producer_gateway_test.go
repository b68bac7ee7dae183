package stacks

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/internal/cdktest"
	"github.com/privateconnect/privateconnect/internal/rgfixture"
	"github.com/privateconnect/privateconnect/internal/templatecheck"
)

// gatewayFixture is the handed-over template of internal/rgfixture's wayne.yaml,
// a customer whose services are all of mode resourceGateway, synthesized
// with the example vendor.
type gatewayFixture struct {
	customer *config.Customer
	outdir   string
	built    []awscdk.Stack
	file     string
	tmpl     cdktest.Template
}

func wayneCustomer(t testing.TB) *config.Customer {
	t.Helper()
	c, err := rgfixture.Wayne()
	require.NoError(t, err)
	return c
}

func gatewayTemplate(t *testing.T) gatewayFixture {
	t.Helper()
	g := gatewayFixture{customer: wayneCustomer(t), outdir: t.TempDir()}
	app := NewApp(g.outdir)
	g.built = BuildHandoff(app, example.fleet.Vendor, []*config.Customer{g.customer})
	require.True(t, cdktest.Assert(t, "synthesizing wayne's templates", func() { app.Synth(nil) }), "synthesis")
	require.Len(t, g.built, 1, "wayne's handed-over templates")
	g.file = filepath.Join(g.outdir, *g.built[0].StackName()+".template.json")
	raw, err := os.ReadFile(g.file)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &g.tmpl))
	return g
}

// One gateway for the template, and per service a configuration of the
// right type and a share with the vendor's cell account only.
func TestProducerResourceGatewayResources(t *testing.T) {
	g := gatewayTemplate(t)
	c, tmpl := g.customer, g.tmpl
	v := example.fleet.Vendor.ForCustomer(c)
	tmpl.ResourceCountIs(t, "AWS::VpcLattice::ResourceGateway", 1, "one gateway for every service")
	for _, typ := range []string{"AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::EC2::VPCEndpointService", "AWS::Lambda::Function", "AWS::IAM::Role", "AWS::CloudWatch::Alarm"} {
		tmpl.ResourceCountIs(t, typ, 0, "no %s in a resourceGateway-only template", typ)
	}
	gw := tmpl.One(t, "AWS::VpcLattice::ResourceGateway")
	assert.Equal(t, "IPV4", gw.Properties["IpAddressType"], "gateway address type")
	cdktest.JSONEq(t, cdktest.Ref("VpcId"), gw.Properties["VpcIdentifier"], "gateway VPC")
	cdktest.JSONEq(t, cdktest.Ref("SubnetIds"), gw.Properties["SubnetIds"], "gateway subnets")

	sg := tmpl.One(t, "AWS::EC2::SecurityGroup")
	assert.Nil(t, sg.Properties["SecurityGroupIngress"], "gateway group admits nothing")
	want := map[float64]bool{}
	for _, s := range c.PrivateLink.Services {
		for _, p := range s.Ports {
			want[float64(p)] = true
		}
	}
	for _, e := range sg.Properties["SecurityGroupEgress"].([]any) {
		r := e.(map[string]any)
		assert.True(t, want[r["FromPort"].(float64)] && r["FromPort"] == r["ToPort"], "egress to a port no service has: %v", r)
		assert.Contains(t, config.NlbTargetRanges, r["CidrIp"], "egress beyond the private ranges")
	}

	configs := tmpl.Resources("AWS::VpcLattice::ResourceConfiguration")
	shares := tmpl.Resources("AWS::RAM::ResourceShare")
	require.Len(t, configs, len(c.PrivateLink.Services), "a configuration per service")
	require.Len(t, shares, len(c.PrivateLink.Services), "a share per service")
	for _, s := range c.PrivateLink.Services {
		id := OutputID(s.Name)
		var cfg cdktest.Resource
		for _, r := range configs {
			if strings.HasPrefix(r.LogicalID, id+"Configuration") {
				cfg = r
			}
		}
		require.NotEmpty(t, cfg.LogicalID, "%s: no configuration", s.Name)
		def := cdktest.Show(cfg.Properties["ResourceConfigurationDefinition"])
		switch s.Producer.Rds.By {
		case "dbCluster", "dbInstance":
			assert.Equal(t, "ARN", cfg.Properties["ResourceConfigurationType"], "%s type", s.Name)
			kind := map[string]string{"dbCluster": ":cluster:", "dbInstance": ":db:"}[s.Producer.Rds.By]
			assert.Contains(t, def, `":rds:"`, "%s: an RDS ARN", s.Name)
			assert.Contains(t, def, `"`+kind+`",{"Ref":"`+id+map[string]string{"dbCluster": "RdsClusterId", "dbInstance": "RdsInstanceId"}[s.Producer.Rds.By]+`"}`, "%s: ARN of the parameter's database", s.Name)
		case "hostname":
			assert.Equal(t, "SINGLE", cfg.Properties["ResourceConfigurationType"], "%s type", s.Name)
			assert.Contains(t, def, `{"DnsResource":{"DomainName":{"Ref":"`+id+`TargetHostname"},"IpAddressType":"IPV4"}}`, "%s: the hostname parameter", s.Name)
			cdktest.JSONEq(t, portStrings(s.Ports), cfg.Properties["PortRanges"], "%s ports", s.Name)
			assert.Equal(t, "TCP", cfg.Properties["ProtocolType"], "%s protocol", s.Name)
		}
		assert.Equal(t, false, cfg.Properties["AllowAssociationToSharableServiceNetwork"], "%s: sharable service networks", s.Name)
		cdktest.JSONEq(t, cdktest.GetAtt(gw.LogicalID, "Id"), cfg.Properties["ResourceGatewayId"], "%s gateway", s.Name)
		found := false
		for _, sh := range shares {
			if cdktest.Equal(sh.Properties["ResourceArns"], []any{cdktest.GetAtt(cfg.LogicalID, "Arn")}) {
				found = true
				cdktest.JSONEq(t, []any{v.Account}, sh.Properties["Principals"], "%s: shared with the vendor's cell account only", s.Name)
				assert.Equal(t, true, sh.Properties["AllowExternalPrincipals"], "%s: external principals", s.Name)
			}
		}
		assert.True(t, found, "%s: no share of its configuration", s.Name)
		outputs, _ := tmpl["Outputs"].(map[string]any)
		for _, o := range []string{"ResourceConfigurationArn", "ResourceGatewaySecurityGroupId", "ResourceShareArn"} {
			assert.Contains(t, outputs, id+o, "%s: output", s.Name)
		}
	}
	params, _ := tmpl["Parameters"].(map[string]any)
	for _, unread := range []string{"AlarmTopicArn", "ConnectionTopicArn", "PermissionsBoundaryArn", "LogsKmsKeyArn"} {
		assert.NotContains(t, params, unread, "a parameter nothing reads")
	}
	for name, p := range params {
		if m := p.(map[string]any); m["Type"] == "String" {
			assert.NotNil(t, m["AllowedPattern"], "string parameter %s has no AllowedPattern", name)
		}
	}
}

// The template passes cdk-nag, cfn-lint and cfn-guard, with no finding accepted.
func TestProducerResourceGatewayChecks(t *testing.T) {
	g := gatewayTemplate(t)
	findings, err := NagFindings(g.outdir, g.built)
	require.NoError(t, err)
	assert.Empty(t, findings, "cdk-nag findings:\n%s", strings.Join(findings, "\n"))
	templatecheck.CfnLint(t, g.file)
	// No Control Tower rule fails, not even one of the accepted exceptions.
	failures, err := templatecheck.GuardFailures(g.file)
	require.NoError(t, err)
	assert.Empty(t, failures, "cfn-guard failures")
}

// The fixture's template is reviewed like the example fleet's snapshots;
// -update rewrites it.
func TestProducerResourceGatewayGolden(t *testing.T) {
	tmpl := gatewayTemplate(t).tmpl
	path := filepath.Join("testdata", "resource-gateway", "wayne-Producer.golden")
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	require.NoError(t, enc.Encode(tmpl))
	got := normalize(buf.Bytes())
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	old, err := os.ReadFile(path)
	require.NoError(t, err, "no snapshot (run go test ./stacks -run ResourceGateway -update and review it)")
	assert.Equal(t, string(old), string(got), "%s differs at %s", path, firstDiff(old, got))
}

// config's estimate of the template (config/footprint_handoff.go) holds.
func TestProducerResourceGatewayFootprint(t *testing.T) {
	g := gatewayTemplate(t)
	v := example.fleet.Vendor.ForCustomer(g.customer)
	var fp *config.Footprint
	for _, f := range config.Footprints(v, g.customer) {
		if f.Stack == *g.built[0].StackName() {
			fp = &f
		}
	}
	require.NotNil(t, fp, "config has no footprint for %s", *g.built[0].StackName())
	var ids []string
	for _, c := range *g.built[0].Node().Children() {
		ids = append(ids, *c.Node().Id())
	}
	raw, err := os.ReadFile(g.file)
	require.NoError(t, err)
	assert.Empty(t, fp.Check(ids, raw), "the template and config's estimate disagree")
	assert.Len(t, g.tmpl["Resources"], fp.Resources, "resources")
	assert.Len(t, g.tmpl["Parameters"], fp.Parameters, "parameters")
	assert.Len(t, g.tmpl["Outputs"], fp.Outputs, "outputs")
	t.Logf("%d bytes, estimated %d", len(raw), fp.TemplateBytes)
}
