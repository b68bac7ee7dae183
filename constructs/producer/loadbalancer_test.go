package producer

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/internal/cdktest"
)

func TestListenerAndTargetGroupPerPort(t *testing.T) {
	p := base()
	p.Ips = jsii.Strings("10.0.1.10", "10.0.2.10")
	tmpl, _ := synth(t, p)
	lb := tmpl.One(t, "AWS::ElasticLoadBalancingV2::LoadBalancer")
	require.Equal(t, "network", lb.Properties["Type"], "an NLB")
	require.Equal(t, "internal", lb.Properties["Scheme"], "an internal NLB")
	sgs := tmpl.Resources("AWS::EC2::SecurityGroup")
	if assert.Len(t, cdktest.LogicalIDs(sgs), 1, "security groups") {
		cdktest.JSONEq(t, []any{cdktest.GetAtt(sgs[0].LogicalID, "GroupId")}, lb.Properties["SecurityGroups"], "the NLB's security groups: its own group")
	}
	assert.Equal(t, "off", lb.Properties["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"], "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic")
	assert.Contains(t, cdktest.Show(lb.Properties["LoadBalancerAttributes"]), `{"Key":"load_balancing.cross_zone.enabled","Value":"true"}`, "cross-zone load balancing is on")
	groups := tmpl.Resources("AWS::ElasticLoadBalancingV2::TargetGroup")
	listeners := tmpl.Resources("AWS::ElasticLoadBalancingV2::Listener")
	require.Len(t, cdktest.LogicalIDs(groups), 2, "target groups")
	require.Len(t, cdktest.LogicalIDs(listeners), 2, "listeners")
	for _, l := range listeners {
		port := l.Properties["Port"]
		action := l.Properties["DefaultActions"].([]any)[0].(map[string]any)
		tg := tmpl.Resource(action["TargetGroupArn"].(map[string]any)["Ref"].(string))["Properties"].(map[string]any)
		assert.Equal(t, port, tg["Port"], "listener %v forwards to %s", port, cdktest.Show(tg))
		assert.Equal(t, "TCP", tg["Protocol"], "listener %v forwards to %s", port, cdktest.Show(tg))
		assert.Equal(t, "ip", tg["TargetType"], "listener %v forwards to %s", port, cdktest.Show(tg))
		want := `[{"Id":"10.0.1.10","Port":` + cdktest.Show(port) + `},{"Id":"10.0.2.10","Port":` + cdktest.Show(port) + `}]`
		assert.JSONEq(t, want, cdktest.Show(tg["Targets"]), "targets on %v", port)
		for _, attr := range []string{"proxy_protocol_v2.enabled", "preserve_client_ip.enabled", "stickiness.enabled"} {
			assert.Contains(t, cdktest.Show(tg["TargetGroupAttributes"]), `{"Key":"`+attr+`","Value":"false"}`, "target group %v: %s is off", port, attr)
		}
	}
	tmpl.ResourceCountIs(t, "AWS::Lambda::Function", 0, "functions for ip targets")
}

// The load balancer's group admits nothing directly; it sends only the
// service ports, to private addresses.
func TestLoadBalancerSecurityGroup(t *testing.T) {
	p := base()
	p.Ips = jsii.Strings("10.0.1.10")
	tmpl, prod := synth(t, p)
	sg := tmpl.One(t, "AWS::EC2::SecurityGroup")
	assert.NotContains(t, sg.Properties, "SecurityGroupIngress", "the load balancer's group has inbound rules")
	tmpl.ResourceCountIs(t, "AWS::EC2::SecurityGroupIngress", 0, "the load balancer's group has inbound rules")
	want := map[string]bool{}
	for _, port := range []int{5432, 6432} {
		for _, block := range TargetRanges {
			want[fmt.Sprintf("tcp %d-%d %s", port, port, block)] = true
		}
	}
	got := map[string]bool{}
	for _, r := range sg.Properties["SecurityGroupEgress"].([]any) {
		m := r.(map[string]any)
		got[fmt.Sprintf("%v %v-%v %v", m["IpProtocol"], m["FromPort"], m["ToPort"], m["CidrIp"])] = true
	}
	assert.Equal(t, want, got, "egress")
	assert.NotNil(t, prod.SecurityGroupId(), "the security group ID")
}

func TestTargetGroupTuning(t *testing.T) {
	attrs := func(tg cdktest.Resource) map[string]string {
		out := map[string]string{}
		for _, a := range tg.Properties["TargetGroupAttributes"].([]any) {
			m := a.(map[string]any)
			out[m["Key"].(string)] = m["Value"].(string)
		}
		return out
	}
	check := func(t *testing.T, p *ProducerProps, want map[string]any, wantAttrs map[string]string) {
		t.Helper()
		tmpl, _ := synth(t, p)
		for _, tg := range tmpl.Resources("AWS::ElasticLoadBalancingV2::TargetGroup") {
			for k, v := range want {
				cdktest.JSONEq(t, v, tg.Properties[k], "%s: %s", tg.LogicalID, k)
			}
			got := attrs(tg)
			for k, v := range wantAttrs {
				assert.Equal(t, v, got[k], "%s: %s", tg.LogicalID, k)
			}
		}
	}
	t.Run("rds defaults", func(t *testing.T) {
		check(t, rdsProps(RdsByHostname, ""),
			map[string]any{"HealthCheckIntervalSeconds": 10, "HealthCheckTimeoutSeconds": 5, "HealthyThresholdCount": 2, "UnhealthyThresholdCount": 2},
			map[string]string{"deregistration_delay.timeout_seconds": "30", "deregistration_delay.connection_termination.enabled": "true"})
	})
	t.Run("ip defaults are AWS's", func(t *testing.T) {
		p := base()
		p.Ips = jsii.Strings("10.0.1.10")
		check(t, p,
			map[string]any{"HealthCheckIntervalSeconds": 30, "HealthCheckTimeoutSeconds": 10, "HealthyThresholdCount": 5, "UnhealthyThresholdCount": 2},
			map[string]string{"deregistration_delay.timeout_seconds": "300", "deregistration_delay.connection_termination.enabled": "false"})
	})
	t.Run("given", func(t *testing.T) {
		p := base()
		p.InstanceIds = jsii.Strings("i-0123456789abcdef0")
		p.TargetGroup = &TargetGroupProps{DeregistrationDelaySeconds: jsii.Number(0), ConnectionTermination: jsii.Bool(true),
			HealthCheckIntervalSeconds: jsii.Number(5), HealthyThresholdCount: jsii.Number(3), UnhealthyThresholdCount: jsii.Number(4)}
		check(t, p,
			map[string]any{"HealthCheckIntervalSeconds": 5, "HealthCheckTimeoutSeconds": 2, "HealthyThresholdCount": 3, "UnhealthyThresholdCount": 4},
			map[string]string{"deregistration_delay.timeout_seconds": "0", "deregistration_delay.connection_termination.enabled": "true"})
	})
	for interval, timeout := range map[float64]float64{5: 2, 10: 5, 15: 7, 30: 10, 300: 10} {
		assert.Equal(t, timeout, defaultTimeout(interval), "defaultTimeout(%v)", interval)
	}
}

// Both shapes of the load balancer, by their logical IDs: with its own
// security group (the default), and the first release's, without one, whose
// resources keep that release's logical IDs and properties so a stack
// deployed from it updates in place.
func TestLoadBalancerShapes(t *testing.T) {
	prefixed := func(tmpl cdktest.Template, typ string) []string {
		var out []string
		for _, r := range tmpl.Resources(typ) {
			out = append(out, strings.TrimRight(r.LogicalID, "0123456789ABCDEF"))
		}
		return out
	}
	for _, tc := range []struct {
		name                         string
		setting                      *bool
		lb, group                    string
		lbKeys                       []string
		targetGroups, listeners, sgs []string
	}{
		{"default", nil, "PNetworkLoadBalancer", "PNlbSecurityGroup",
			[]string{"EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic", "IpAddressType", "LoadBalancerAttributes", "Scheme", "SecurityGroups", "Subnets", "Tags", "Type"},
			[]string{"PTargets", "PTargets"}, []string{"PListener", "PListener"}, []string{"PNlbSecurityGroup"}},
		{"true", jsii.Bool(true), "PNetworkLoadBalancer", "PNlbSecurityGroup",
			[]string{"EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic", "IpAddressType", "LoadBalancerAttributes", "Scheme", "SecurityGroups", "Subnets", "Tags", "Type"},
			[]string{"PTargets", "PTargets"}, []string{"PListener", "PListener"}, []string{"PNlbSecurityGroup"}},
		// The first release's properties, exactly.
		{"false", jsii.Bool(false), "PLoadBalancer", "",
			[]string{"IpAddressType", "LoadBalancerAttributes", "Scheme", "Subnets", "Tags", "Type"},
			[]string{"PTargetGroup", "PTargetGroup"}, []string{"PListener", "PListener"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := base()
			p.Ips = jsii.Strings("10.0.1.10")
			p.LoadBalancerSecurityGroup = tc.setting
			tmpl, prod := synth(t, p)
			lb := tmpl.One(t, "AWS::ElasticLoadBalancingV2::LoadBalancer")
			assert.Equal(t, tc.lb, strings.TrimRight(lb.LogicalID, "0123456789ABCDEF"), "load balancer %s: its logical ID's prefix", lb.LogicalID)
			var keys []string
			for k := range lb.Properties {
				keys = append(keys, k)
			}
			assert.Equal(t, tc.lbKeys, sorted(keys), "load balancer properties")
			for what, got := range map[string][]string{"target groups": prefixed(tmpl, "AWS::ElasticLoadBalancingV2::TargetGroup"),
				"listeners": prefixed(tmpl, "AWS::ElasticLoadBalancingV2::Listener"), "security groups": prefixed(tmpl, "AWS::EC2::SecurityGroup")} {
				want := map[string][]string{"target groups": tc.targetGroups, "listeners": tc.listeners, "security groups": tc.sgs}[what]
				if len(got) > 0 || len(want) > 0 {
					assert.Equal(t, want, got, what)
				}
			}
			for _, l := range tmpl.Resources("AWS::ElasticLoadBalancingV2::Listener") {
				cdktest.JSONEq(t, cdktest.Ref(lb.LogicalID), l.Properties["LoadBalancerArn"], "listener %s", l.LogicalID)
			}
			svc := tmpl.Resources("AWS::EC2::VPCEndpointService")
			if assert.Len(t, cdktest.LogicalIDs(svc), 1, "endpoint services") {
				cdktest.JSONEq(t, []any{cdktest.Ref(lb.LogicalID)}, svc[0].Properties["NetworkLoadBalancerArns"], "the endpoint service on the load balancer")
			}
			id := prod.SecurityGroupId()
			assert.Equal(t, tc.group != "", id != nil, "SecurityGroupId() = %v with the setting %v", cdktest.Show(id), cdktest.Show(tc.setting))
			if tc.group != "" {
				cdktest.JSONEq(t, []any{cdktest.GetAtt(tmpl.Resources("AWS::EC2::SecurityGroup")[0].LogicalID, "GroupId")}, lb.Properties["SecurityGroups"], "load balancer groups")
			}
		})
	}
}

func sorted(xs []string) []string {
	out := append([]string(nil), xs...)
	sort.Strings(out)
	return out
}
