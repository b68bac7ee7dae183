package status

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/internal/mototest"
)

func deployTemplate(t *testing.T, ctx context.Context, cfg aws.Config, region, name string, template map[string]any) {
	t.Helper()
	body, err := json.Marshal(template)
	require.NoError(t, err)
	cfn := cloudformation.NewFromConfig(cfg, func(o *cloudformation.Options) { o.Region = region })
	_, err = cfn.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String(name), TemplateBody: aws.String(string(body))})
	require.NoError(t, err)
	out, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)})
	require.NoError(t, err)
	require.Equal(t, cfntypes.StackStatusCreateComplete, out.Stacks[0].StackStatus, name)
}

type obj = map[string]any

func ref(id string) obj { return obj{"Ref": id} }

// TestAgainstTheEmulator runs status through the real SDK clients
// (credential chain, AWS_ENDPOINT_URL, the wire protocols) against stacks
// shaped like the fleet's, in moto.
func TestAgainstTheEmulator(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the emulator")
	}
	mototest.Start(t, "..")
	ctx := context.Background()
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	require.NoError(t, err)

	deployTemplate(t, ctx, cfg, "us-east-1", "acme-PrivateLink", obj{"Resources": obj{
		"Vpc": obj{"Type": "AWS::EC2::VPC", "Properties": obj{"CidrBlock": "10.64.0.0/24"}},
		"A":   obj{"Type": "AWS::EC2::Subnet", "Properties": obj{"VpcId": ref("Vpc"), "CidrBlock": "10.64.0.0/26", "AvailabilityZoneId": "use1-az1"}},
		"B":   obj{"Type": "AWS::EC2::Subnet", "Properties": obj{"VpcId": ref("Vpc"), "CidrBlock": "10.64.0.64/26", "AvailabilityZoneId": "use1-az2"}},
		"Db": obj{"Type": "AWS::EC2::VPCEndpoint", "Properties": obj{"VpcId": ref("Vpc"), "VpcEndpointType": "Interface",
			"ServiceName": "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", "SubnetIds": []any{ref("A"), ref("B")}}},
	}, "Outputs": obj{"DbEndpointId": obj{"Value": ref("Db")}}})
	deployTemplate(t, ctx, cfg, "eu-west-1", "acme-eu-Vpn", obj{"Resources": obj{
		"Cgw":  obj{"Type": "AWS::EC2::CustomerGateway", "Properties": obj{"Type": "ipsec.1", "IpAddress": "198.51.100.7", "BgpAsn": 65001}},
		"Vgw":  obj{"Type": "AWS::EC2::VPNGateway", "Properties": obj{"Type": "ipsec.1"}},
		"Conn": obj{"Type": "AWS::EC2::VPNConnection", "Properties": obj{"Type": "ipsec.1", "CustomerGatewayId": ref("Cgw"), "VpnGatewayId": ref("Vgw")}},
	}, "Outputs": obj{"VpnConnectionId": obj{"Value": ref("Conn")}}})

	cw := cloudwatch.NewFromConfig(cfg)
	_, err = cw.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String(ProbeNamespace), MetricData: []cwtypes.MetricDatum{{
		MetricName: aws.String(ProbeMetric), Value: aws.Float64(1), Unit: cwtypes.StandardUnitCount, Timestamp: aws.Time(time.Now().Add(-time.Minute)),
		Dimensions: []cwtypes.Dimension{{Name: aws.String("Customer"), Value: aws.String("acme")}, {Name: aws.String("Target"), Value: aws.String("db:5432")}},
	}}})
	require.NoError(t, err)

	f := testFleet()
	f.Customers[0].PrivateLink.Services = f.Customers[0].PrivateLink.Services[:1]
	clients, err := NewAWS(ctx)
	require.NoError(t, err)
	r := Read(ctx, f, f.Customers, clients, Options{})
	require.Empty(t, r.Errors)
	assert.Equal(t, ExitHealthy, r.ExitCode())

	acme := customer(t, r, "acme")
	assert.Equal(t, Healthy, acme.State, acme.Problems)
	require.Len(t, acme.Endpoints, 1)
	assert.Equal(t, "available", acme.Endpoints[0].State)
	assert.Equal(t, []string{"use1-az1", "use1-az2"}, acme.Endpoints[0].AvailabilityZones)
	require.NotNil(t, acme.Endpoints[0].Created)
	require.Len(t, acme.Probes, 1)
	require.NotNil(t, acme.Probes[0].Reachable, "the probe's datapoint is read back")
	assert.True(t, *acme.Probes[0].Reachable)

	eu := customer(t, r, "acme-eu")
	assert.Equal(t, Healthy, eu.State)
	require.Len(t, eu.Vpn.Tunnels, 2)
	assert.Equal(t, "UP", eu.Vpn.Tunnels[0].Status)
	assert.Equal(t, NotDeployed, customer(t, r, "umbrella").State)
	assert.Equal(t, NotDeployed, customer(t, r, "wayne").State)

	// An alarm of acme's stack goes off: status says so, and exits 1.
	_, err = cw.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String("acme-PrivateLink-ProbeDb-ABC123"), Namespace: aws.String(ProbeNamespace),
		MetricName: aws.String(ProbeMetric), Statistic: cwtypes.StatisticMinimum, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(3),
		Threshold: aws.Float64(1), ComparisonOperator: cwtypes.ComparisonOperatorLessThanThreshold})
	require.NoError(t, err)
	_, err = cw.SetAlarmState(ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String("acme-PrivateLink-ProbeDb-ABC123"),
		StateValue: cwtypes.StateValueAlarm, StateReason: aws.String("test")})
	require.NoError(t, err)
	r = Read(ctx, f, f.Customers, clients, Options{})
	assert.Equal(t, ExitUnhealthy, r.ExitCode())
	assert.Equal(t, []string{"alarm acme-PrivateLink-ProbeDb-ABC123 is in ALARM"}, customer(t, r, "acme").Problems)
}

func TestMissingCredentialsIsOneLine(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true") // no instance role to find on a laptop or in CI
	t.Setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "")
	t.Setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "")
	t.Setenv("AWS_WEB_IDENTITY_TOKEN_FILE", "")
	_, err := NewAWS(context.Background())
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "\n")
	assert.Contains(t, err.Error(), "no AWS credentials found")
	assert.Contains(t, err.Error(), "set AWS_PROFILE")
}
