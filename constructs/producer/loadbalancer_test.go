package producer

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/privateconnect/privateconnect/internal/cdktest"
)

func TestListenerAndTargetGroupPerPort(t *testing.T) {
	p := base()
	p.Ips = jsii.Strings("10.0.1.10", "10.0.2.10")
	tmpl, _ := synth(t, p)
	lbs := tmpl.Resources("AWS::ElasticLoadBalancingV2::LoadBalancer")
	if len(lbs) != 1 || lbs[0].Properties["Type"] != "network" || lbs[0].Properties["Scheme"] != "internal" {
		t.Fatalf("want one internal NLB, got %s", cdktest.Show(lbs))
	}
	sgs := tmpl.Resources("AWS::EC2::SecurityGroup")
	if len(sgs) != 1 || !cdktest.Equal(lbs[0].Properties["SecurityGroups"], []any{cdktest.GetAtt(sgs[0].LogicalID, "GroupId")}) {
		t.Errorf("the NLB's security groups are %s, want its own group %s", cdktest.Show(lbs[0].Properties["SecurityGroups"]), cdktest.Show(sgs))
	}
	if got := lbs[0].Properties["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"]; got != "off" {
		t.Errorf("EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic = %v, want off", got)
	}
	if !strings.Contains(cdktest.Show(lbs[0].Properties["LoadBalancerAttributes"]), `{"Key":"load_balancing.cross_zone.enabled","Value":"true"}`) {
		t.Error("cross-zone load balancing is not on")
	}
	groups := tmpl.Resources("AWS::ElasticLoadBalancingV2::TargetGroup")
	listeners := tmpl.Resources("AWS::ElasticLoadBalancingV2::Listener")
	if len(groups) != 2 || len(listeners) != 2 {
		t.Fatalf("%d target groups and %d listeners, want 2 each", len(groups), len(listeners))
	}
	for _, l := range listeners {
		port := l.Properties["Port"]
		action := l.Properties["DefaultActions"].([]any)[0].(map[string]any)
		tg := tmpl.Resource(action["TargetGroupArn"].(map[string]any)["Ref"].(string))["Properties"].(map[string]any)
		if tg["Port"] != port || tg["Protocol"] != "TCP" || tg["TargetType"] != "ip" {
			t.Errorf("listener %v forwards to %s", port, cdktest.Show(tg))
		}
		want := `[{"Id":"10.0.1.10","Port":` + cdktest.Show(port) + `},{"Id":"10.0.2.10","Port":` + cdktest.Show(port) + `}]`
		if got := cdktest.Show(tg["Targets"]); got != want {
			t.Errorf("targets on %v = %s, want %s", port, got, want)
		}
		for _, attr := range []string{"proxy_protocol_v2.enabled", "preserve_client_ip.enabled", "stickiness.enabled"} {
			if !strings.Contains(cdktest.Show(tg["TargetGroupAttributes"]), `{"Key":"`+attr+`","Value":"false"}`) {
				t.Errorf("target group %v: %s is not off", port, attr)
			}
		}
	}
	if n := len(tmpl.Resources("AWS::Lambda::Function")); n != 0 {
		t.Errorf("%d functions for ip targets", n)
	}
}

// The load balancer's group admits nothing directly; it sends only the
// service ports, to private addresses.
func TestLoadBalancerSecurityGroup(t *testing.T) {
	p := base()
	p.Ips = jsii.Strings("10.0.1.10")
	tmpl, prod := synth(t, p)
	sgs := tmpl.Resources("AWS::EC2::SecurityGroup")
	if len(sgs) != 1 {
		t.Fatalf("%d security groups, want 1", len(sgs))
	}
	sg := sgs[0]
	if _, ok := sg.Properties["SecurityGroupIngress"]; ok || len(tmpl.Resources("AWS::EC2::SecurityGroupIngress")) > 0 {
		t.Errorf("the load balancer's group has inbound rules: %s", cdktest.Show(sg.Properties["SecurityGroupIngress"]))
	}
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
	if !cdktest.Equal(got, want) {
		t.Errorf("egress %v, want %v", got, want)
	}
	if cdktest.Show(prod.SecurityGroupId()) == "" {
		t.Error("no security group ID")
	}
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
				if !cdktest.Equal(tg.Properties[k], v) {
					t.Errorf("%s: %s = %v, want %v", tg.LogicalID, k, tg.Properties[k], v)
				}
			}
			got := attrs(tg)
			for k, v := range wantAttrs {
				if got[k] != v {
					t.Errorf("%s: %s = %q, want %q", tg.LogicalID, k, got[k], v)
				}
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
		if got := defaultTimeout(interval); got != timeout {
			t.Errorf("defaultTimeout(%v) = %v, want %v", interval, got, timeout)
		}
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
			lbs := tmpl.Resources("AWS::ElasticLoadBalancingV2::LoadBalancer")
			if len(lbs) != 1 {
				t.Fatalf("%d load balancers", len(lbs))
			}
			lb := lbs[0]
			if got := strings.TrimRight(lb.LogicalID, "0123456789ABCDEF"); got != tc.lb {
				t.Errorf("load balancer %s, want logical ID %s...", lb.LogicalID, tc.lb)
			}
			var keys []string
			for k := range lb.Properties {
				keys = append(keys, k)
			}
			if !cdktest.Equal(sorted(keys), tc.lbKeys) {
				t.Errorf("load balancer properties %v, want %v", sorted(keys), tc.lbKeys)
			}
			for what, got := range map[string][]string{"target groups": prefixed(tmpl, "AWS::ElasticLoadBalancingV2::TargetGroup"),
				"listeners": prefixed(tmpl, "AWS::ElasticLoadBalancingV2::Listener"), "security groups": prefixed(tmpl, "AWS::EC2::SecurityGroup")} {
				want := map[string][]string{"target groups": tc.targetGroups, "listeners": tc.listeners, "security groups": tc.sgs}[what]
				if !cdktest.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
					t.Errorf("%s %v, want %v", what, got, want)
				}
			}
			for _, l := range tmpl.Resources("AWS::ElasticLoadBalancingV2::Listener") {
				if !cdktest.Equal(l.Properties["LoadBalancerArn"], cdktest.Ref(lb.LogicalID)) {
					t.Errorf("listener %s on %s", l.LogicalID, cdktest.Show(l.Properties["LoadBalancerArn"]))
				}
			}
			if svc := tmpl.Resources("AWS::EC2::VPCEndpointService"); len(svc) != 1 || !cdktest.Equal(svc[0].Properties["NetworkLoadBalancerArns"], []any{cdktest.Ref(lb.LogicalID)}) {
				t.Errorf("endpoint service %s, want it on %s", cdktest.Show(svc), lb.LogicalID)
			}
			if id := prod.SecurityGroupId(); (id != nil) != (tc.group != "") {
				t.Errorf("SecurityGroupId() = %v with the setting %v", cdktest.Show(id), cdktest.Show(tc.setting))
			}
			if tc.group != "" && !cdktest.Equal(lb.Properties["SecurityGroups"], []any{cdktest.GetAtt(tmpl.Resources("AWS::EC2::SecurityGroup")[0].LogicalID, "GroupId")}) {
				t.Errorf("load balancer groups %s", cdktest.Show(lb.Properties["SecurityGroups"]))
			}
		})
	}
}

func sorted(xs []string) []string {
	out := append([]string(nil), xs...)
	sort.Strings(out)
	return out
}
