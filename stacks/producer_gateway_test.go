package stacks

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/internal/cdktest"
	"github.com/privateconnect/privateconnect/internal/templatecheck"
)

// wayneProducer is the example fleet's customer whose services are all of
// mode resourceGateway, with its handed-over template.
func wayneProducer(t *testing.T) (*config.Customer, cdktest.Template) {
	t.Helper()
	c := example.fleet.Customer("wayne")
	require.NotNil(t, c, "wayne in the example fleet")
	for _, s := range c.PrivateLink.Services {
		require.True(t, s.Producer != nil && s.ViaResourceGateway(), "%s: wayne's services are all of mode resourceGateway", s.Name)
	}
	tmpl, ok := example.templates[StackName(c, ModeProducer)]
	require.True(t, ok, "wayne's handed-over template")
	return c, tmpl
}

// One gateway for the template, and per service a configuration of the
// right type and a share with the vendor's cell account only.
func TestProducerResourceGatewayResources(t *testing.T) {
	c, tmpl := wayneProducer(t)
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

// TestNoCdkNagFindings, TestTemplatesPassCfnLint and
// TestTemplatesPassControlTowerRules check the template with the others;
// here no Control Tower rule fails, not even one of the accepted exceptions.
func TestProducerResourceGatewayFailsNoGuardRule(t *testing.T) {
	c, _ := wayneProducer(t)
	failures, err := templatecheck.GuardFailures(filepath.Join(example.outdir, StackName(c, ModeProducer)+".template.json"))
	require.NoError(t, err)
	assert.Empty(t, failures, "cfn-guard failures")
}
