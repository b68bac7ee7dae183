package stacks

import (
	"strings"
	"testing"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/internal/cdktest"
)

// producerCustomers runs fn for every example customer with a handed-over template.
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
	if n == 0 {
		t.Fatal("the example fleet has no customer with a producer section")
	}
}

func TestProducerServicePerConfiguredService(t *testing.T) {
	producerCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		services := tmpl.Resources("AWS::EC2::VPCEndpointService")
		perms := tmpl.Resources("AWS::EC2::VPCEndpointServicePermissions")
		if len(services) != len(producerServices(c)) || len(perms) != len(services) {
			t.Fatalf("%d services and %d permissions, want %d each", len(services), len(perms), len(producerServices(c)))
		}
		for _, p := range perms {
			if got := cdktest.Show(p.Properties["AllowedPrincipals"]); got != `["`+example.fleet.Vendor.PrincipalArn+`"]` {
				t.Errorf("%s allows %s, want exactly the vendor principal", p.LogicalID, got)
			}
		}
		for _, s := range producerServices(c) {
			svc := tmpl.Resources("AWS::EC2::VPCEndpointService")
			found := false
			for _, r := range svc {
				if strings.HasPrefix(r.LogicalID, OutputID(s.Name)+"EndpointService") {
					found = true
					if r.Properties["AcceptanceRequired"] != !s.Producer.InsecureAutoAcceptConnections {
						t.Errorf("%s: AcceptanceRequired = %v", s.Name, r.Properties["AcceptanceRequired"])
					}
					regions := cdktest.Show(r.Properties["SupportedRegions"])
					if cross := ProducerRegion(c) != c.Region; cross != (regions == `["`+c.Region+`"]`) {
						t.Errorf("%s: SupportedRegions = %s (cross-region: %v)", s.Name, regions, cross)
					}
				}
			}
			if !found {
				t.Errorf("no endpoint service for %s", s.Name)
			}
			if _, ok := tmpl["Outputs"].(map[string]any)[OutputID(s.Name)+"ServiceName"]; !ok {
				t.Errorf("no ServiceName output for %s", s.Name)
			}
			listeners := 0
			for _, l := range tmpl.Resources("AWS::ElasticLoadBalancingV2::Listener") {
				if strings.HasPrefix(l.LogicalID, OutputID(s.Name)+"Listener") {
					listeners++
				}
			}
			if listeners != len(s.Ports) {
				t.Errorf("%s: %d listeners, want one per port (%d)", s.Name, listeners, len(s.Ports))
			}
		}
	})
}

func TestProducerTemplateIsSelfContained(t *testing.T) {
	producerCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		if rules, _ := tmpl["Rules"].(map[string]any); len(rules) != 1 || rules[RegionRule] == nil {
			t.Errorf("template rules %s, want only %s (no bootstrap check: the customer has no CDK bootstrap)", cdktest.Show(rules), RegionRule)
		}
		params, _ := tmpl["Parameters"].(map[string]any)
		if _, ok := params["BootstrapVersion"]; ok {
			t.Error("template has the BootstrapVersion parameter")
		}
		if len(tmpl.Resources("AWS::CDK::Metadata")) > 0 {
			t.Error("template has CDKMetadata")
		}
		for name, p := range params {
			m := p.(map[string]any)
			if m["Description"] == nil || m["Description"] == "" {
				t.Errorf("parameter %s has no description", name)
			}
			if m["Type"] == "String" && m["AllowedPattern"] == nil {
				t.Errorf("string parameter %s has no AllowedPattern", name)
			}
		}
		for _, want := range []string{"VpcId", "SubnetIds", "AlarmTopicArn", "ConnectionTopicArn"} {
			if params[want] == nil {
				t.Errorf("no parameter %s", want)
			}
		}
		iface, _ := tmpl["Metadata"].(map[string]any)["AWS::CloudFormation::Interface"].(map[string]any)
		grouped := cdktest.Show(iface["ParameterGroups"])
		for name := range params {
			if !strings.Contains(grouped, `"`+name+`"`) {
				t.Errorf("parameter %s is in no parameter group", name)
			}
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
				if params[w] == nil {
					t.Errorf("%s: no parameter %s", s.Name, w)
				}
			}
			functions := 0
			for _, f := range tmpl.Resources("AWS::Lambda::Function") {
				if strings.HasPrefix(f.LogicalID, id+"Registrar") {
					functions++
				}
			}
			if (s.Producer.Target == "rds") != (functions == 1) {
				t.Errorf("%s (%s): %d registrar functions", s.Name, s.Producer.Target, functions)
			}
		}
	})
}
