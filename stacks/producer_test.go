package stacks

import (
	"strings"
	"testing"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/internal/cdktest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// producerCustomers runs fn for every example customer with a handed-over
// template.
func producerCustomers(t *testing.T, fn func(t *testing.T, c *config.Customer, tmpl cdktest.Template)) {
	t.Helper()
	n := 0
	for _, c := range example.fleet.Customers {
		if HasProducer(c) {
			n++
			tmpl := example.templates[StackName(c, ModeProducer)]
			t.Run(c.Name, func(t *testing.T) { fn(t, c, tmpl) })
		}
	}
	require.NotZero(t, n, "customers with a producer section in the example fleet")
}

func TestProducerServicePerConfiguredService(t *testing.T) {
	producerCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		services := tmpl.Resources("AWS::EC2::VPCEndpointService")
		perms := tmpl.Resources("AWS::EC2::VPCEndpointServicePermissions")
		require.Len(t, cdktest.LogicalIDs(services), len(NlbServices(c)), "endpoint services")
		require.Len(t, cdktest.LogicalIDs(perms), len(services), "endpoint service permissions")
		for _, p := range perms {
			cdktest.JSONEq(t, []any{example.fleet.Vendor.PrincipalArn}, p.Properties["AllowedPrincipals"], "%s allows exactly the vendor principal", p.LogicalID)
		}
		for _, s := range NlbServices(c) {
			svc := tmpl.Resources("AWS::EC2::VPCEndpointService")
			found := false
			for _, r := range svc {
				if strings.HasPrefix(r.LogicalID, OutputID(s.Name)+"EndpointService") {
					found = true
					assert.Equal(t, !s.Producer.InsecureAutoAcceptConnections, r.Properties["AcceptanceRequired"], "%s: AcceptanceRequired", s.Name)
					regions := cdktest.Show(r.Properties["SupportedRegions"])
					cross := ProducerRegion(c) != c.Region
					assert.Equal(t, cross, regions == `["`+c.Region+`"]`, "%s: SupportedRegions = %s (cross-region: %v)", s.Name, regions, cross)
				}
			}
			assert.True(t, found, "no endpoint service for %s", s.Name)
			assert.Contains(t, tmpl["Outputs"], OutputID(s.Name)+"ServiceName", "no ServiceName output for %s", s.Name)
			listeners := 0
			for _, l := range tmpl.Resources("AWS::ElasticLoadBalancingV2::Listener") {
				if strings.HasPrefix(l.LogicalID, OutputID(s.Name)+"Listener") {
					listeners++
				}
			}
			assert.Equal(t, len(s.Ports), listeners, "%s: listeners, one per port", s.Name)
		}
	})
}

func TestProducerTemplateIsSelfContained(t *testing.T) {
	producerCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		rules, _ := tmpl["Rules"].(map[string]any)
		assert.Len(t, rules, 1, "template rules: only %s (no bootstrap check: the customer has no CDK bootstrap)", RegionRule)
		assert.Contains(t, rules, RegionRule, "template rules")
		params, _ := tmpl["Parameters"].(map[string]any)
		assert.NotContains(t, params, "BootstrapVersion", "template has the BootstrapVersion parameter")
		tmpl.ResourceCountIs(t, "AWS::CDK::Metadata", 0, "template has CDKMetadata")
		for name, p := range params {
			m := p.(map[string]any)
			assert.NotEmpty(t, m["Description"], "parameter %s has no description", name)
			if m["Type"] == "String" {
				assert.NotNil(t, m["AllowedPattern"], "string parameter %s has no AllowedPattern", name)
			}
		}
		for _, want := range []string{"VpcId", "SubnetIds", "AlarmTopicArn", "ConnectionTopicArn"} {
			// The topics are the load balancers' alarms' and endpoint services'.
			assert.Equal(t, want == "VpcId" || want == "SubnetIds" || len(NlbServices(c)) > 0, params[want] != nil, "parameter %s", want)
		}
		iface, _ := tmpl["Metadata"].(map[string]any)["AWS::CloudFormation::Interface"].(map[string]any)
		grouped := cdktest.Show(iface["ParameterGroups"])
		for name := range params {
			assert.Contains(t, grouped, `"`+name+`"`, "parameter %s is in no parameter group", name)
		}
	})
}

// Each configured target kind becomes the right parameters and target type.
func TestProducerTargetsFollowConfig(t *testing.T) {
	producerCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		params, _ := tmpl["Parameters"].(map[string]any)
		for _, s := range producerServices(c) {
			id := OutputID(s.Name)
			var want []string
			switch s.Producer.Target {
			case "ip":
				for i := 1; i <= *s.Producer.Count; i++ {
					want = append(want, id+"TargetIp"+string(rune('0'+i)))
				}
			case "instance":
				for i := 1; i <= *s.Producer.Count; i++ {
					want = append(want, id+"TargetInstance"+string(rune('0'+i)))
				}
			case "rds":
				want = append(want, id+map[string]string{"hostname": "TargetHostname", "dbInstance": "RdsInstanceId", "dbCluster": "RdsClusterId"}[s.Producer.Rds.By])
			}
			for _, w := range want {
				assert.NotNil(t, params[w], "%s: no parameter %s", s.Name, w)
			}
			functions := 0
			for _, f := range tmpl.Resources("AWS::Lambda::Function") {
				if strings.HasPrefix(f.LogicalID, id+"Registrar") {
					functions++
				}
			}
			assert.Equal(t, s.Producer.Target == "rds" && !isGatewayService(s), functions == 1, "%s (%s, %s): %d registrar functions", s.Name, s.Producer.Mode, s.Producer.Target, functions)
		}
	})
}
