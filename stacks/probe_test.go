package stacks

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/internal/cdktest"
)

// probeAlarms are a template's probe alarms by name.
func probeAlarms(tmpl cdktest.Template) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, a := range tmpl.Resources("AWS::CloudWatch::Alarm") {
		if a.Properties["Namespace"] == "PrivateConnect/Probe" {
			out[a.Properties["AlarmName"].(string)] = a.Properties
		}
	}
	return out
}

// probeFunction is the properties of the stack's one probe function; a
// resource endpoint's DNS lookup has a function too.
func probeFunction(t *testing.T, tmpl cdktest.Template) map[string]any {
	t.Helper()
	var fn map[string]any
	for _, f := range tmpl.Resources("AWS::Lambda::Function") {
		if strings.HasPrefix(f.LogicalID, "ProbeFunction") {
			require.Nil(t, fn, "one probe function")
			fn = f.Properties
		}
	}
	require.NotNil(t, fn, "the probe's function")
	return fn
}

// checkProbe holds a stack's probe to its customer's settings: one alarm per
// target, named by the contract config states, failMinutes long, to the
// region's topic; the function in the stack's subnets and connectors group.
func checkProbe(t *testing.T, c *config.Customer, tmpl cdktest.Template, targets []string, subnets any, group string) {
	t.Helper()
	alarms := probeAlarms(tmpl)
	var want []string
	for _, target := range targets {
		want = append(want, config.ProbeAlarmName(c.Name, target))
	}
	var got []string
	for name := range alarms {
		got = append(got, name)
	}
	assert.ElementsMatch(t, want, got, "probe alarms")
	topic := []any{example.fleet.Vendor.AlarmTopicArns[c.Region]}
	for i, target := range targets {
		a, ok := alarms[want[i]]
		if !ok {
			continue
		}
		assert.EqualValues(t, *c.Probe.FailMinutes, a["EvaluationPeriods"], "%s: probe.failMinutes", want[i])
		assert.EqualValues(t, *c.Probe.FailMinutes, a["DatapointsToAlarm"], "%s", want[i])
		cdktest.JSONEq(t, topic, a["AlarmActions"], "%s: the region's topic", want[i])
		cdktest.JSONEq(t, []any{map[string]any{"Name": "Customer", "Value": c.Name}, map[string]any{"Name": "Target", "Value": target}}, a["Dimensions"], "%s", want[i])
	}
	fn := probeFunction(t, tmpl)
	vpc := fn["VpcConfig"].(map[string]any)
	cdktest.JSONEq(t, subnets, vpc["SubnetIds"], "the connectors' subnets")
	cdktest.JSONEq(t, []any{cdktest.GetAtt(group, "GroupId")}, vpc["SecurityGroupIds"], "the connectors' group, and no other")
	assert.Equal(t, c.Name, fn["Environment"].(map[string]any)["Variables"].(map[string]any)["CUSTOMER"])
}

// Every port of every service with an endpoint is probed by its private
// name; a pending service is not (it has no endpoint yet).
func TestPrivateLinkProbe(t *testing.T) {
	privateLinkCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		var targets []string
		var tls []string
		for _, s := range deployed(c) {
			for _, p := range s.Ports {
				targets = append(targets, config.ProbeTargetName(s.Name, "", p))
			}
			tls = append(tls, fmt.Sprintf("[%q,%s,%v]", s.Name, strings.ReplaceAll(fmt.Sprint(s.Ports), " ", ","), s.TLS))
		}
		group := named(t, tmpl, "AWS::EC2::SecurityGroup", "privateconnect-"+c.Name+"-connectors")
		subnets := tmpl.Resource(named(t, tmpl, "AWS::EC2::VPC", "privateconnect-"+c.Name))
		require.NotNil(t, subnets)
		var ids []any
		for _, az := range c.PrivateLink.AvailabilityZones {
			ids = append(ids, cdktest.Ref(named(t, tmpl, "AWS::EC2::Subnet", "privateconnect-"+c.Name+"-"+az)))
		}
		checkProbe(t, c, tmpl, targets, ids, group)
		env := probeFunction(t, tmpl)["Environment"].(map[string]any)["Variables"].(map[string]any)
		assert.Equal(t, c.Name+"."+example.fleet.Vendor.InternalDomain, env["ZONE"], "services are reached by their private names")
		assert.JSONEq(t, "["+strings.Join(tls, ",")+"]", env["SERVICES"].(string), "services, ports and tls")
	})
	// The example fleet has a pending service and a TLS one.
	acme := probeAlarms(example.templates["acme-PrivateLink"])
	assert.NotContains(t, acme, "acme-probe-reports-5432", "a pending service has no endpoint to probe")
	assert.Contains(t, probeAlarms(example.templates["hooli-PrivateLink"])["hooli-probe-erp-8443"]["AlarmDescription"], "TLS handshake")
}

func TestVpnProbe(t *testing.T) {
	vpnCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		require.NotEmpty(t, c.Vpn.ProbeTargets, "every VPN customer of the example fleet lists probe targets")
		var targets []string
		for _, pt := range c.Vpn.ProbeTargets {
			targets = append(targets, config.ProbeTargetName("", pt.Host, *pt.Port))
		}
		group := named(t, tmpl, "AWS::EC2::SecurityGroup", prefix(c)+"-connectors")
		var ids []any
		for _, az := range c.Vpn.AvailabilityZones {
			ids = append(ids, cdktest.Ref(named(t, tmpl, "AWS::EC2::Subnet", prefix(c)+"-"+az)))
		}
		checkProbe(t, c, tmpl, targets, ids, group)
	})
	alarms := probeAlarms(example.templates["hooli-Vpn"])
	require.Contains(t, alarms, "hooli-probe-vpn-10.48.1.25-5432")
	assert.EqualValues(t, 5, alarms["hooli-probe-vpn-10.48.1.25-5432"]["EvaluationPeriods"], "hooli sets probe.failMinutes: 5")
	assert.Contains(t, alarms["hooli-probe-vpn-10.40.2.10-443"]["AlarmDescription"], "TLS handshake")
}

// No probe targets, or the probe turned off: no function, no alarm, and
// synth says what is not watched.
func TestNoProbeIsNoted(t *testing.T) {
	c := *example.fleet.Customer("hooli")
	vp := *c.Vpn
	vp.ProbeTargets = nil
	c.Vpn = &vp
	stack := NewVpnStack(NewApp(""), example.fleet.Vendor, &c)
	tmpl := cdktest.TemplateOf(t, stack)
	assert.Empty(t, tmpl.Resources("AWS::Lambda::Function"), "no targets, no probe")
	assert.Empty(t, probeAlarms(tmpl))
	assert.Contains(t, strings.Join(Notes([]awscdk.Stack{stack}), "\n"), "hooli-Vpn: customer hooli's VPN has no probe targets")

	off := *example.fleet.Customer("hooli")
	off.Probe = &config.Probe{Enabled: new(bool), FailMinutes: c.Probe.FailMinutes}
	pl := NewPrivateLinkStack(NewApp(""), example.fleet.Vendor, &off)
	tmpl = cdktest.TemplateOf(t, pl)
	assert.Empty(t, tmpl.Resources("AWS::Lambda::Function"), "probe.enabled: false")
	assert.Empty(t, probeAlarms(tmpl))
	assert.NotContains(t, tmpl["Outputs"], "ProbeLogGroup")
	assert.Contains(t, strings.Join(Notes([]awscdk.Stack{pl}), "\n"), "hooli-PrivateLink: the reachability probe is off (probe.enabled: false in ")
}
