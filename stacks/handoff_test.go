package stacks

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/constructs/producer"
	"github.com/privateconnect/privateconnect/internal/cdktest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// handedOver is one template a customer deploys, with where it must deploy.
type handedOver struct {
	name     string
	customer *config.Customer
	region   string
	tmpl     cdktest.Template
}

// handedOverTemplates are the example fleet's handed-over templates, and
// variants for the branches the example has no customer for: an inbound
// template across regions, and one with the service's private DNS name.
func handedOverTemplates(t *testing.T) []handedOver {
	t.Helper()
	var out []handedOver
	for _, c := range example.fleet.Customers {
		if HasProducer(c) {
			out = append(out, handedOver{StackName(c, ModeProducer), c, ProducerRegion(c), example.templates[StackName(c, ModeProducer)]})
		}
		if HasInbound(c) {
			out = append(out, handedOver{StackName(c, ModeInbound), c, c.InboundPrivateLink.Region, example.templates[StackName(c, ModeInbound)]})
		}
	}
	far := withInbound(inboundExample(t), "far", "246813579024", func(in *config.InboundPrivateLink) {
		in.Region, in.CrossRegion, in.AvailabilityZones = "us-west-2", true, []string{"usw2-az1", "usw2-az2"}
	})
	dns := withInbound(inboundExample(t), "dnsmode", "864213579024", func(in *config.InboundPrivateLink) {
		in.DnsMode = config.DnsModePrivateDnsName
	})
	for _, c := range []*config.Customer{far, dns} {
		out = append(out, handedOver{StackName(c, ModeInbound), c, c.InboundPrivateLink.Region,
			cdktest.TemplateOf(t, NewInboundStack(NewApp(""), example.fleet.Vendor, c))})
	}
	return out
}

var (
	regionShape  = regexp.MustCompile(`\b(us|eu|ap|sa|ca|me|af|il|mx)-(gov-)?[a-z]+-[0-9]\b`)
	accountShape = regexp.MustCompile(`\b[0-9]{12}\b`)
)

// strings calls fn with every string in v and the path of keys to it.
func walkStrings(v any, path []string, fn func(path []string, s string)) {
	switch v := v.(type) {
	case string:
		fn(path, v)
	case []any:
		for _, x := range v {
			walkStrings(x, path, fn)
		}
	case map[string]any:
		for k, x := range v {
			walkStrings(x, append(slices.Clone(path), k), fn)
		}
	}
}

// A handed-over template names no account and no region in its resources:
// ARNs are built from AWS::Partition, AWS::Region and AWS::AccountId, so
// the template behaves the same in a sandbox account. Only what names the
// vendor's side may be literal: its principal, its service's name and
// regions.
func TestHandedOverTemplatesNameNoAccountOrRegion(t *testing.T) {
	vendorSide := map[string]bool{"AllowedPrincipals": true, "Principals": true, "ServiceName": true, "SupportedRegions": true, "ServiceRegion": true}
	for _, h := range handedOverTemplates(t) {
		t.Run(h.name, func(t *testing.T) {
			customerAccounts := append([]string{h.customer.Account}, h.customer.InboundAccounts()...)
			checked := 0
			for _, section := range []string{"Resources", "Outputs", "Conditions"} {
				walkStrings(h.tmpl[section], []string{section}, func(path []string, s string) {
					checked++
					where := strings.Join(path, ".")
					for _, a := range customerAccounts {
						assert.NotContains(t, s, a, "%s names the customer's account", where)
					}
					allowed := slices.ContainsFunc(path, func(k string) bool { return vendorSide[k] })
					if allowed {
						return
					}
					assert.NotRegexp(t, regionShape, s, "%s names a region literally", where)
					assert.NotRegexp(t, accountShape, s, "%s names an account literally", where)
					assert.False(t, strings.HasPrefix(s, "arn:aws"), "%s is a literal ARN: %q", where, s)
				})
			}
			assert.GreaterOrEqual(t, checked, 20, "strings checked: fewer, and the walk missed the template")
		})
	}
}

// A rule stops the deploy in any other region, with a message that says why.
func TestHandedOverTemplatesDeployInTheirRegionOnly(t *testing.T) {
	for _, h := range handedOverTemplates(t) {
		t.Run(h.name, func(t *testing.T) {
			rule := cdktest.Show(h.tmpl["Rules"].(map[string]any)[RegionRule])
			want := `"Assert":{"Fn::Equals":[{"Ref":"AWS::Region"},"` + h.region + `"]}`
			assert.Contains(t, rule, want, "the region rule")
			assert.Equal(t, h.region, TemplateRegion([]byte(cdktest.Show(h.tmpl))), "TemplateRegion")
			desc := h.tmpl["Rules"].(map[string]any)[RegionRule].(map[string]any)["Assertions"].([]any)[0].(map[string]any)["AssertDescription"].(string)
			assert.True(t, strings.HasPrefix(desc, "Deploy this template in "+h.region+": "), "rule message %q does not say where to deploy", desc)
			// Same region: the message names the AZ IDs the template is built for.
			azs := h.customer.InboundPrivateLink
			if strings.HasSuffix(h.name, ModeProducer) {
				if h.region == h.customer.Region {
					assert.Contains(t, desc, strings.Join(h.customer.PrivateLink.AvailabilityZones, ", "), "the rule message names the vendor's AZ IDs")
				}
			} else {
				assert.Contains(t, desc, strings.Join(azs.AvailabilityZones, ", "), "the rule message names the subnets' AZ IDs")
			}
		})
	}
}

// evaluate resolves the Fn::If and Ref of a property for given parameter
// values, as CloudFormation would; ok is false when it is AWS::NoValue.
func evaluate(t *testing.T, tmpl cdktest.Template, v any, params map[string]string) (any, bool) {
	t.Helper()
	m, isMap := v.(map[string]any)
	if !isMap {
		return v, true
	}
	if ref, ok := m["Ref"].(string); ok {
		if ref == "AWS::NoValue" {
			return nil, false
		}
		return params[ref], true
	}
	if args, ok := m["Fn::If"].([]any); ok {
		cond := tmpl["Conditions"].(map[string]any)[args[0].(string)]
		if evalCondition(t, cond, params) {
			return evaluate(t, tmpl, args[1], params)
		}
		return evaluate(t, tmpl, args[2], params)
	}
	require.FailNow(t, "cannot evaluate "+cdktest.Show(v))
	return nil, false
}

func evalCondition(t *testing.T, c any, params map[string]string) bool {
	t.Helper()
	m := c.(map[string]any)
	if not, ok := m["Fn::Not"].([]any); ok {
		return !evalCondition(t, not[0], params)
	}
	if eq, ok := m["Fn::Equals"].([]any); ok {
		side := func(x any) string {
			if ref, ok := dig(x, "Ref").(string); ok {
				return params[ref]
			}
			return fmt.Sprint(x)
		}
		return side(eq[0]) == side(eq[1])
	}
	require.FailNow(t, "cannot evaluate condition "+cdktest.Show(c))
	return false
}

func dig(v any, key string) any {
	m, _ := v.(map[string]any)
	return m[key]
}

// With a registrar, every role takes the optional boundary and every log
// group the optional key; left empty (the default), they vanish. Without a
// registrar, the parameters do not exist.
func TestProducerPermissionsBoundaryAndLogsKey(t *testing.T) {
	const boundary = "arn:aws:iam::135792468024:policy/landing-zone-boundary"
	const key = "arn:aws:kms:us-east-1:135792468024:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	producerCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		params, _ := tmpl["Parameters"].(map[string]any)
		roles, logs := tmpl.Resources("AWS::IAM::Role"), tmpl.Resources("AWS::Logs::LogGroup")
		hasRegistrar := slices.ContainsFunc(NlbServices(c), func(s config.Service) bool { return s.Producer.Target == "rds" })
		for _, name := range []string{"PermissionsBoundaryArn", "LogsKmsKeyArn"} {
			p, _ := params[name].(map[string]any)
			require.Equal(t, hasRegistrar, p != nil, "parameter %s present as the template has a registrar", name)
			if p != nil {
				assert.Equal(t, "", p["Default"], "%s defaults to empty", name)
			}
		}
		if !hasRegistrar {
			assert.Empty(t, cdktest.LogicalIDs(roles), "roles without a registrar")
			assert.Empty(t, cdktest.LogicalIDs(logs), "log groups without a registrar")
			conds, _ := tmpl["Conditions"].(map[string]any)
			assert.NotContains(t, conds, "HasPermissionsBoundary", "a condition on a parameter the template does not have")
			assert.NotContains(t, conds, "HasLogsKmsKey", "a condition on a parameter the template does not have")
			return
		}
		require.NotEmpty(t, roles, "roles with a registrar")
		require.NotEmpty(t, logs, "log groups with a registrar")
		empty := map[string]string{"PermissionsBoundaryArn": "", "LogsKmsKeyArn": ""}
		given := map[string]string{"PermissionsBoundaryArn": boundary, "LogsKmsKeyArn": key}
		for _, r := range roles {
			_, ok := evaluate(t, tmpl, r.Properties["PermissionsBoundary"], empty)
			assert.False(t, ok, "%s has a boundary with PermissionsBoundaryArn empty", r.LogicalID)
			got, ok := evaluate(t, tmpl, r.Properties["PermissionsBoundary"], given)
			assert.True(t, ok, "%s has no boundary with PermissionsBoundaryArn given", r.LogicalID)
			assert.Equal(t, boundary, got, "%s: boundary", r.LogicalID)
		}
		for _, l := range logs {
			_, ok := evaluate(t, tmpl, l.Properties["KmsKeyId"], empty)
			assert.False(t, ok, "%s has a key with LogsKmsKeyArn empty", l.LogicalID)
			got, ok := evaluate(t, tmpl, l.Properties["KmsKeyId"], given)
			assert.True(t, ok, "%s has no key with LogsKmsKeyArn given", l.LogicalID)
			assert.Equal(t, key, got, "%s: key", l.LogicalID)
		}
	})
}

// Each service's load balancer has its own group, PrivateLink enforcement
// off, and the outputs the README's checks use.
func TestProducerLoadBalancerGroupAndOutputs(t *testing.T) {
	producerCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		outputs, _ := tmpl["Outputs"].(map[string]any)
		for _, s := range NlbServices(c) {
			id := OutputID(s.Name)
			var lb cdktest.Resource
			for _, r := range tmpl.Resources("AWS::ElasticLoadBalancingV2::LoadBalancer") {
				if strings.HasPrefix(r.LogicalID, id+"NetworkLoadBalancer") {
					lb = r
				}
			}
			require.NotEmpty(t, lb.LogicalID, "%s: the load balancer", s.Name)
			groups := lb.Properties["SecurityGroups"].([]any)
			sg := dig(groups[0], "Fn::GetAtt").([]any)[0].(string)
			assert.Len(t, groups, 1, "%s: load balancer groups", s.Name)
			assert.True(t, strings.HasPrefix(sg, id+"NlbSecurityGroup"), "%s: load balancer group %s, want its own", s.Name, sg)
			assert.Equal(t, "off", lb.Properties["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"], "%s: PrivateLink enforcement", s.Name)
			group := tmpl.Resource(sg)["Properties"].(map[string]any)
			assert.Nil(t, group["SecurityGroupIngress"], "%s: the load balancer's group has inbound rules", s.Name)
			assert.Len(t, group["SecurityGroupEgress"].([]any), len(s.Ports)*len(producer.TargetRanges), "%s: outbound rules, each port to each private range", s.Name)
			cdktest.JSONEq(t, cdktest.GetAtt(sg, "GroupId"), dig(outputs[id+"NlbSecurityGroupId"], "Value"), "%s: NlbSecurityGroupId output", s.Name)
			for _, port := range s.Ports {
				ref, _ := dig(dig(outputs[fmt.Sprint(id, "TargetGroup", port)], "Value"), "Ref").(string)
				tg := tmpl.Resource(ref)
				assert.Equal(t, "AWS::ElasticLoadBalancingV2::TargetGroup", tg["Type"], "%s: output TargetGroup%d is %q", s.Name, port, ref)
				assert.Equal(t, float64(port), dig(tg["Properties"], "Port"), "%s: output TargetGroup%d is %q", s.Name, port, ref)
			}
			_, hasLogs := outputs[id+"RegistrarLogGroup"]
			assert.Equal(t, s.Producer.Target == "rds", hasLogs, "%s (%s): RegistrarLogGroup output", s.Name, s.Producer.Target)
		}
	})
}

// RDS stores identifiers in lowercase and IAM compares ARNs case by case:
// the parameter takes only what RDS keeps.
func TestRdsIdentifierParameter(t *testing.T) {
	re := regexp.MustCompile(identifierPattern.re)
	for _, ok := range []string{"a", "mydb", "my-db-1", "reports2", strings.Repeat("a", 63)} {
		assert.Regexp(t, re, ok, "refused")
	}
	for _, bad := range []string{"", "MyDb", "1db", "-db", "my--db", "mydb-", "my_db", "my.db", "mydb "} {
		assert.NotRegexp(t, re, bad, "accepted")
	}
	assert.Equal(t, 63, identifierPattern.max, "MaxLength")
	n := 0
	producerCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		for name, p := range tmpl["Parameters"].(map[string]any) {
			if strings.HasSuffix(name, "RdsInstanceId") || strings.HasSuffix(name, "RdsClusterId") {
				n++
				m := p.(map[string]any)
				assert.Equal(t, identifierPattern.re, m["AllowedPattern"], "%s: pattern", name)
				assert.Equal(t, float64(63), m["MaxLength"], "%s: MaxLength", name)
			}
		}
	})
	assert.NotZero(t, n, "identifier parameters in the example fleet")
}
