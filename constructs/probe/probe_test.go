package probe

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/internal/cdktest"
	"github.com/privateconnect/privateconnect/internal/pyunit"
)

// The probe code's own tests are Python (unittest against TCP and TLS
// servers on 127.0.0.1, code/test_probe.py): run them with the Go tests so
// one command runs all.
func TestProbePython(t *testing.T) {
	pyunit.Run(t, "code", "probe", "import cryptography", "with the cryptography package (pip install cryptography)")
}

func props() *ProbeProps {
	return &ProbeProps{
		Customer: jsii.String("acme"),
		Services: &[]*Service{
			{Name: jsii.String("db"), Ports: &[]*float64{jsii.Number(5432)}},
			{Name: jsii.String("api"), Ports: &[]*float64{jsii.Number(443), jsii.Number(8443)}, Tls: jsii.Bool(true)},
		},
		Zone:             jsii.String("acme.connect.example.com"),
		Hosts:            &[]*Host{{Host: jsii.String("10.48.1.25"), Port: jsii.Number(5432)}},
		SubnetIds:        jsii.Strings("subnet-1", "subnet-2"),
		SecurityGroupId:  jsii.String("sg-connectors"),
		FailMinutes:      jsii.Number(5),
		AlarmTopicArn:    jsii.String("arn:aws:sns:us-east-1:111122223333:alarms"),
		LogRetentionDays: jsii.Number(30),
		Name:             jsii.String("privateconnect-acme"),
	}
}

func synth(t *testing.T, p *ProbeProps) (Probe, cdktest.Template) {
	t.Helper()
	stack := cdktest.NewStack("V")
	pr := NewProbe(stack, jsii.String("Probe"), p)
	return pr, cdktest.TemplateOf(t, stack)
}

// One alarm per target, named by the shared contract, on Reachable with the
// Customer and Target dimensions: failMinutes of 60-second periods, missing
// data breaching, the topic told on alarm and on recovery.
func TestOneAlarmPerTarget(t *testing.T) {
	pr, tmpl := synth(t, props())
	var names []string
	for _, tg := range pr.Targets() {
		names = append(names, *tg.Name)
	}
	assert.Equal(t, []string{"db:5432", "api:443", "api:8443", "vpn:10.48.1.25:5432"}, names)
	alarms := tmpl.Resources("AWS::CloudWatch::Alarm")
	require.Len(t, alarms, 4)
	byName := map[string]map[string]any{}
	for _, a := range alarms {
		byName[a.Properties["AlarmName"].(string)] = a.Properties
	}
	for _, want := range []string{"acme-probe-db-5432", "acme-probe-api-443", "acme-probe-api-8443", "acme-probe-vpn-10.48.1.25-5432"} {
		a, ok := byName[want]
		if !assert.True(t, ok, "no alarm named %s among %v", want, cdktest.LogicalIDs(alarms)) {
			continue
		}
		assert.Equal(t, "PrivateConnect/Probe", a["Namespace"])
		assert.Equal(t, "Reachable", a["MetricName"])
		assert.Equal(t, "Maximum", a["Statistic"])
		assert.EqualValues(t, 60, a["Period"])
		assert.EqualValues(t, 5, a["EvaluationPeriods"])
		assert.EqualValues(t, 5, a["DatapointsToAlarm"])
		assert.EqualValues(t, 1, a["Threshold"])
		assert.Equal(t, "LessThanThreshold", a["ComparisonOperator"])
		assert.Equal(t, "breaching", a["TreatMissingData"])
		assert.Equal(t, []any{"arn:aws:sns:us-east-1:111122223333:alarms"}, a["AlarmActions"])
		assert.Equal(t, a["AlarmActions"], a["OKActions"])
		assert.LessOrEqual(t, len(a["AlarmDescription"].(string)), 1024, "CloudWatch's limit on a description")
	}
	target := strings.TrimPrefix("acme-probe-api-443", "acme-probe-")
	cdktest.JSONEq(t, []any{map[string]any{"Name": "Customer", "Value": "acme"}, map[string]any{"Name": "Target", "Value": "api:443"}},
		byName["acme-probe-api-443"]["Dimensions"], "dimensions of %s", target)
	assert.Contains(t, byName["acme-probe-api-443"]["AlarmDescription"], "TLS handshake")
	assert.NotContains(t, byName["acme-probe-db-5432"]["AlarmDescription"], "TLS handshake")
	assert.Contains(t, byName["acme-probe-vpn-10.48.1.25-5432"]["AlarmDescription"], "tunnels")
}

// The function runs in the given subnets and the connectors' group, every
// minute, with the targets in a compact environment the code reads.
func TestFunctionInTheConnectorsGroup(t *testing.T) {
	_, tmpl := synth(t, props())
	fn := tmpl.One(t, "AWS::Lambda::Function").Properties
	cdktest.JSONEq(t, map[string]any{"SubnetIds": []any{"subnet-1", "subnet-2"}, "SecurityGroupIds": []any{"sg-connectors"}}, fn["VpcConfig"])
	env := fn["Environment"].(map[string]any)["Variables"].(map[string]any)
	assert.Equal(t, "acme", env["CUSTOMER"])
	assert.Equal(t, "PrivateConnect/Probe", env["NAMESPACE"])
	assert.Equal(t, "acme.connect.example.com", env["ZONE"])
	assert.JSONEq(t, `[["db",[5432],false],["api",[443,8443],true]]`, env["SERVICES"].(string))
	assert.JSONEq(t, `[["10.48.1.25",5432,false]]`, env["HOSTS"].(string))
	assert.Equal(t, Source, fn["Code"].(map[string]any)["ZipFile"])
	assert.Equal(t, "Text", fn["LoggingConfig"].(map[string]any)["LogFormat"])
	assert.Less(t, fn["Timeout"].(float64), 60.0, "a run ends before the next starts")

	rule := tmpl.One(t, "AWS::Events::Rule").Properties
	assert.Equal(t, "rate(1 minute)", rule["ScheduleExpression"])
	perm := tmpl.One(t, "AWS::Lambda::Permission").Properties
	assert.Equal(t, "events.amazonaws.com", perm["Principal"])
	logs := tmpl.One(t, "AWS::Logs::LogGroup").Properties
	assert.EqualValues(t, 30, logs["RetentionInDays"])
}

// The role may manage the function's network interfaces and write its own
// log group: no cloudwatch:PutMetricData (the metrics travel in the logs),
// no logs:* elsewhere.
func TestRoleIsLeastPrivilege(t *testing.T) {
	_, tmpl := synth(t, props())
	role := tmpl.One(t, "AWS::IAM::Role").Properties
	raw, _ := json.Marshal(role["Policies"])
	var policies []struct {
		PolicyDocument struct {
			Statement []struct {
				Sid      string
				Action   []string
				Resource []any
			}
		}
	}
	require.NoError(t, json.Unmarshal(raw, &policies))
	require.Len(t, policies, 1)
	var actions []string
	for _, st := range policies[0].PolicyDocument.Statement {
		actions = append(actions, st.Action...)
		if st.Sid == "WriteLogs" {
			require.Len(t, st.Resource, 1)
			assert.Contains(t, cdktest.Show(st.Resource[0]), "Fn::GetAtt", "logs only to its own group")
		}
	}
	assert.ElementsMatch(t, []string{"ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface",
		"ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses", "logs:CreateLogStream", "logs:PutLogEvents"}, actions)
}

func TestHostsOnly(t *testing.T) {
	p := props()
	p.Services, p.Zone, p.AlarmTopicArn = nil, nil, nil
	pr, tmpl := synth(t, p)
	require.Len(t, pr.Targets(), 1)
	env := tmpl.One(t, "AWS::Lambda::Function").Properties["Environment"].(map[string]any)["Variables"].(map[string]any)
	assert.NotContains(t, env, "SERVICES")
	assert.NotContains(t, env, "ZONE")
	alarm := tmpl.One(t, "AWS::CloudWatch::Alarm").Properties
	assert.NotContains(t, alarm, "AlarmActions", "no topic, no action")
	assert.EqualValues(t, 5, alarm["EvaluationPeriods"])
}

func TestNothingToProbePanics(t *testing.T) {
	p := props()
	p.Services, p.Hosts = nil, nil
	assert.PanicsWithValue(t, "probe: nothing to probe: give at least one service or host", func() {
		NewProbe(cdktest.NewStack("V"), jsii.String("Probe"), p)
	})
}

// make cost counts the custom metrics from the template: 2 per target, 3
// with TLS.
func TestPublishedMetrics(t *testing.T) {
	_, tmpl := synth(t, props())
	env := tmpl.One(t, "AWS::Lambda::Function").Properties["Environment"].(map[string]any)["Variables"].(map[string]any)
	n, ok := PublishedMetrics(env)
	require.True(t, ok)
	assert.Equal(t, 2+3+3+2, n, "db:5432, api:443 and api:8443 with TLS, a VPN host")
	_, ok = PublishedMetrics(map[string]any{"NAMESPACE": "PrivateConnect/Registrar"})
	assert.False(t, ok, "another function")
}

// An alarm says where to look on the target's own path: a resource
// endpoint's (RAM share, resource gateway) or an interface endpoint's.
func TestAlarmNamesThePathToCheck(t *testing.T) {
	p := props()
	(*p.Services)[0].ResourceEndpoint = jsii.Bool(true)
	_, tmpl := synth(t, p)
	byName := map[string]string{}
	for _, a := range tmpl.Resources("AWS::CloudWatch::Alarm") {
		byName[a.Properties["AlarmName"].(string)] = a.Properties["AlarmDescription"].(string)
	}
	assert.Contains(t, byName["acme-probe-db-5432"], "resource endpoint's state", "a resource endpoint's alarm")
	assert.Contains(t, byName["acme-probe-db-5432"], "RAM share", "a resource endpoint's alarm")
	assert.NotContains(t, byName["acme-probe-db-5432"], "pendingAcceptance", "a resource endpoint's alarm")
	assert.Contains(t, byName["acme-probe-api-443"], "interface endpoint's state", "an interface endpoint's alarm")
	assert.Contains(t, byName["acme-probe-vpn-10.48.1.25-5432"], "tunnels' state", "a VPN target's alarm")
}
