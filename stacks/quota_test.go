package stacks

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/config"
)

// config counts what each vendor-side stack takes from AWS's quotas
// (config/quota_use.go) for the quota plan and its validation. These tests
// hold that count to the synthesized templates, resource type by resource
// type: a stack that gains a VPC, an Elastic IP, a function or a role fails
// here until config counts it.

func TestQuotaUseOfTheExampleFleet(t *testing.T) {
	checkQuotaUse(t, example.fleet, func(name string) []byte {
		raw, err := os.ReadFile(filepath.Join(example.outdir, name+".template.json"))
		require.NoError(t, err)
		return raw
	})
}

type quotaTemplate struct {
	Resources map[string]struct {
		Type       string
		Properties map[string]any
	}
}

// countedUse counts in a template what config.StackUse estimates.
func countedUse(t *testing.T, raw []byte) (counts, largest map[string]int, natAZs []string) {
	var tmpl quotaTemplate
	require.NoError(t, json.Unmarshal(raw, &tmpl))
	counts, largest = map[string]int{}, map[string]int{}
	byType := map[string]string{
		"AWS::EC2::VPC": config.QuotaVPCs, "AWS::EC2::InternetGateway": config.QuotaInternetGateways,
		"AWS::EC2::EIP": config.QuotaElasticIPs, "AWS::EC2::VPNGateway": config.QuotaVpnGateways,
		"AWS::EC2::CustomerGateway": config.QuotaCustomerGateways, "AWS::EC2::VPNConnection": config.QuotaVpnConnections,
		"AWS::Route53::HostedZone": config.QuotaHostedZones, "AWS::Lambda::Function": config.QuotaLambdaConcurrency,
		"AWS::Events::Rule": config.QuotaEventRules, "AWS::Logs::LogGroup": config.QuotaLogGroups,
		"AWS::IAM::Role": config.QuotaRoles, "AWS::SSM::Parameter": config.QuotaSsmParameters,
		"AWS::EC2::SecurityGroup": config.QuotaSecurityGroups,
	}
	refs := func(v any) int { l, _ := v.([]any); return len(l) }
	type dir struct{ group, direction string }
	rules := map[dir]int{} // rules per security group and direction
	for id, r := range tmpl.Resources {
		if code, ok := byType[r.Type]; ok {
			counts[code]++
		}
		switch r.Type {
		case "AWS::EC2::VPC":
			counts[config.QuotaSecurityGroups]++ // its default group
		case "AWS::EC2::VPCEndpoint":
			// Resource endpoints have a per-VPC quota of their own.
			if r.Properties["VpcEndpointType"] == "Resource" {
				largest[config.QuotaResourceEndpointsPerVPC]++
			} else {
				largest[config.QuotaEndpointsPerVPC]++
			}
			counts[config.QuotaNetworkInterfaces] += refs(r.Properties["SubnetIds"])
		case "AWS::EC2::NatGateway":
			counts[config.QuotaNetworkInterfaces]++
			subnet, _ := r.Properties["SubnetId"].(map[string]any)["Ref"].(string)
			az, _ := tmpl.Resources[subnet].Properties["AvailabilityZoneId"].(string)
			natAZs = append(natAZs, az)
		case "AWS::Lambda::Function":
			vpc, _ := r.Properties["VpcConfig"].(map[string]any)
			counts[config.QuotaNetworkInterfaces] += refs(vpc["SubnetIds"])
		case "AWS::EC2::SecurityGroup":
			rules[dir{id, "egress"}] += refs(r.Properties["SecurityGroupEgress"])
			rules[dir{id, "ingress"}] += refs(r.Properties["SecurityGroupIngress"])
		case "AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress":
			group, _ := r.Properties["GroupId"].(map[string]any)["Fn::GetAtt"].([]any)
			require.NotEmpty(t, group, "rule %s: its group", id)
			direction := "ingress"
			if r.Type == "AWS::EC2::SecurityGroupEgress" {
				direction = "egress"
			}
			rules[dir{group[0].(string), direction}]++
		}
	}
	for _, n := range rules {
		largest[config.QuotaRulesPerGroup] = max(largest[config.QuotaRulesPerGroup], n)
	}
	if counts[config.QuotaVpnGateways] > 0 {
		largest[config.QuotaVpnPerGateway] = counts[config.QuotaVpnConnections] / counts[config.QuotaVpnGateways]
	}
	counts[config.QuotaStacks] = 1
	slices.Sort(natAZs)
	return counts, largest, natAZs
}

func checkQuotaUse(t *testing.T, fleet *config.Fleet, read func(name string) []byte) {
	var uses []config.StackUse
	for _, c := range fleet.Customers {
		uses = append(uses, config.CustomerStackUse(fleet.Vendor, c)...)
	}
	for _, region := range fleet.Vendor.Regions {
		inbound := slices.ContainsFunc(fleet.Customers, func(c *config.Customer) bool {
			return c.InboundPrivateLink != nil && c.Region == region
		})
		uses = append(uses, config.SharedStackUse(fleet.Vendor, region, inbound, fleet.DashboardStacks(region))...)
	}
	require.NotEmpty(t, uses)
	for _, u := range uses {
		counts, largest, natAZs := countedUse(t, read(u.Stack))
		want := map[string]int{}
		for code, n := range u.Counts {
			if n > 0 && code != config.QuotaLambdaConcurrency {
				want[code] = n
			}
		}
		got := map[string]int{}
		for code, n := range counts {
			// A function's concurrency is counted for each function: the
			// probes, which start together every minute, and a resource
			// endpoint's DNS lookup, run at deploy time.
			if n > 0 && code != config.QuotaLambdaConcurrency {
				got[code] = n
			}
		}
		assert.Equal(t, want, got, "%s: what config/quota_use.go counts, by quota code", u.Stack)
		assert.Equal(t, u.Counts[config.QuotaLambdaConcurrency], counts[config.QuotaLambdaConcurrency], "%s: functions", u.Stack)
		for code, n := range largest {
			assert.Equal(t, n, u.Max[code], "%s: largest need of %s", u.Stack, code)
		}
		want2 := slices.Clone(u.NatAZs)
		slices.Sort(want2)
		assert.Equal(t, want2, natAZs, "%s: the AZs of its NAT gateways", u.Stack)
	}
}
