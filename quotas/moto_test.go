package quotas

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	sqtypes "github.com/aws/aws-sdk-go-v2/service/servicequotas/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/internal/mototest"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/internal/awsconf"
)

// The emulator's account, which its STS reports for any credentials.
const emulatorAccount = "123456789012"

// liveFleet: 6 VPCs in us-east-1 (3 customers with PrivateLink and a VPN
// each), the vendor having recorded 10 VPCs there, which the account does not
// have: validation passes (recorded 10 >= 6) and -live must say the increase
// is still to be requested.
func liveFleet(t *testing.T) string {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "customers"), 0o755))
	vendor := `apiVersion: privateconnect/v1
kind: Vendor
name: Live Test
account: "` + emulatorAccount + `"
principalArn: arn:aws:iam::` + emulatorAccount + `:root
regions: [us-east-1]
vpcCidrPools: [10.64.0.0/12]
internalDomain: connect.internal.example.com
alarmTopicArns:
  us-east-1: arn:aws:sns:us-east-1:` + emulatorAccount + `:alarms
quotas:
  us-east-1:
    L-F678F1CE: 10
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "vendor.yaml"), []byte(vendor), 0o644))
	for i := 0; i < 3; i++ {
		c := fmt.Sprintf(`apiVersion: privateconnect/v1
kind: Customer
name: c%d
account: "20000000000%d"
region: us-east-1
networks: [172.%d.0.0/16]
privateLink:
  vpcCidr: 10.64.%d.0/24
  availabilityZones: [use1-az1, use1-az2]
  services:
    - name: db
      serviceName: com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f6071%d
      ports: [5432]
vpn:
  vpcCidr: 10.65.%d.0/24
  availabilityZones: [use1-az1, use1-az2]
  customerGateway:
    ipAddress: 198.51.100.%d
  routing: static
  remoteNetworks: [172.%d.0.0/16]
  ports: [443]
`, i, i, 20+i, i, i, i, 10+i, 20+i)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "customers", fmt.Sprintf("c%d.yaml", i)), []byte(c), 0o644))
	}
	return dir
}

func TestLiveAgainstTheEmulator(t *testing.T) {
	mototest.Start(t, "..")
	ctx := context.Background()
	fleet, err := config.Load(liveFleet(t))
	require.NoError(t, err, "the recorded 10 VPCs cover the 6 needed")
	cfg, err := awsconf.Load(ctx)
	require.NoError(t, err)
	account, err := CallerAccount(ctx, cfg)
	require.NoError(t, err)
	require.Equal(t, emulatorAccount, account)

	lines := Lines(fleet.QuotaPlan())
	require.False(t, Short(lines), "offline, every need fits what is recorded")
	assert.Zero(t, ReadLive(ctx, lines, account, NewAPI(cfg)), "every value read")

	find := func(code string) Line {
		for _, l := range lines {
			if l.Code == code {
				return l
			}
		}
		require.Failf(t, "no line", code)
		return Line{}
	}
	vpcs := find(config.QuotaVPCs)
	require.NotNil(t, vpcs.Live)
	assert.Equal(t, 5, *vpcs.Live, "the account has AWS's default")
	assert.Equal(t, 6, vpcs.Need)
	assert.True(t, vpcs.IncreaseNeeded, "recorded 10, but the account has 5")
	assert.Contains(t, vpcs.Request, "request L-F678F1CE >= 6 in account "+emulatorAccount+" us-east-1")
	assert.Contains(t, vpcs.Request, "(recorded 10, but the account has 5 now)")

	// ec2's quotas, which moto alone does not serve; the VPN gateways need 3 of 5.
	vgw := find(config.QuotaVpnGateways)
	require.NotNil(t, vgw.Live)
	assert.Equal(t, 5, *vgw.Live)
	assert.False(t, vgw.IncreaseNeeded)
	// A global quota, read in us-east-1.
	roles := find(config.QuotaRoles)
	require.NotNil(t, roles.Live)
	assert.Equal(t, 1000, *roles.Live)
	// Not in Service Quotas: said, not read.
	ssm := find(config.QuotaSsmParameters)
	assert.Nil(t, ssm.Live)
	assert.Contains(t, ssm.LiveNote, "not in Service Quotas")
	assert.True(t, Short(lines))

	var out strings.Builder
	WriteTable(&out, lines, true)
	assert.Contains(t, out.String(), "1 to request before deploying:")
	assert.Contains(t, out.String(), "live")

	// Another account's lines are not read, and say how to read them.
	other := Lines(fleet.QuotaPlan())
	assert.Zero(t, ReadLive(ctx, other, "999988887777", NewAPI(cfg)))
	assert.Nil(t, other[0].Live)
	assert.Contains(t, other[0].LiveNote, "account "+emulatorAccount+" not read: the credentials are for 999988887777")
}

// The emulator refuses what AWS refuses: an unknown code, and a global quota
// outside us-east-1; GetAWSDefaultServiceQuota answers like GetServiceQuota.
func TestEmulatorServiceQuotasAsAWS(t *testing.T) {
	mototest.Start(t, "..")
	ctx := context.Background()
	cfg, err := awsconf.Load(ctx)
	require.NoError(t, err)
	api := NewAPI(cfg)
	var missing *sqtypes.NoSuchResourceException
	_, err = api("us-east-1").GetServiceQuota(ctx, &servicequotas.GetServiceQuotaInput{ServiceCode: aws.String("ec2"), QuotaCode: aws.String("L-00000000")})
	assert.True(t, errors.As(err, &missing), "unknown code: %v", err)
	_, err = api("eu-west-1").GetServiceQuota(ctx, &servicequotas.GetServiceQuotaInput{ServiceCode: aws.String("route53"), QuotaCode: aws.String(config.QuotaHostedZones)})
	assert.True(t, errors.As(err, &missing), "a global quota outside us-east-1: %v", err)
	def, err := api("eu-west-1").GetAWSDefaultServiceQuota(ctx, &servicequotas.GetAWSDefaultServiceQuotaInput{ServiceCode: aws.String("ec2"), QuotaCode: aws.String(config.QuotaElasticIPs)})
	require.NoError(t, err)
	assert.Equal(t, 5.0, aws.ToFloat64(def.Quota.Value))
	assert.Equal(t, "EC2-VPC Elastic IPs", aws.ToString(def.Quota.QuotaName))
	// Every quota of the table with a Service Quotas code is served, at its default.
	for _, q := range config.QuotaTable {
		if !strings.HasPrefix(q.Code, "L-") {
			continue
		}
		region := "eu-west-1"
		if q.Scope == config.PerAccount {
			region = "us-east-1"
		}
		out, err := api(region).GetServiceQuota(ctx, &servicequotas.GetServiceQuotaInput{ServiceCode: aws.String(q.Service), QuotaCode: aws.String(q.Code)})
		if assert.NoError(t, err, q.Code) {
			assert.Equal(t, float64(q.Default), aws.ToFloat64(out.Quota.Value), "%s: config's default is the emulator's", q.Code)
		}
	}
}
