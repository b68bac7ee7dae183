package config

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// need finds a line of the plan.
func need(t *testing.T, plan []QuotaNeed, region, code, where string) QuotaNeed {
	t.Helper()
	for _, n := range plan {
		if n.Region == region && n.Quota.Code == code && n.Where == where {
			return n
		}
	}
	require.Failf(t, "no such line", "%s %s %s", region, code, where)
	return QuotaNeed{}
}

func TestQuotaTableIsComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, q := range QuotaTable {
		assert.False(t, seen[q.Code], "%s listed twice", q.Code)
		seen[q.Code] = true
		assert.NotEmpty(t, q.Service, q.Code)
		assert.Positive(t, q.Default, q.Code)
		assert.True(t, strings.HasPrefix(q.Source, "https://docs.aws.amazon.com/"), "%s: source %s", q.Code, q.Source)
		assert.NotEmpty(t, q.Counts, q.Code)
		if q.Adjustable {
			assert.Regexp(t, `^L-[0-9A-F]{8}$`, q.Code, "an adjustable quota has a Service Quotas code")
		}
	}
}

func TestQuotaPlanOfBaseFleet(t *testing.T) {
	f, err := baseFleet().build()
	require.NoError(t, err)
	plan := f.QuotaPlan()
	// beta: a PrivateLink VPC and a VPN VPC with one NAT gateway in its first AZ.
	assert.Equal(t, 2, need(t, plan, "eu-west-1", QuotaVPCs, "").Need)
	assert.Equal(t, 1, need(t, plan, "eu-west-1", QuotaElasticIPs, "").Need)
	assert.Equal(t, 1, need(t, plan, "eu-west-1", QuotaNatPerAZ, "euw1-az2").Need)
	assert.Equal(t, 1, need(t, plan, "eu-west-1", QuotaVpnGateways, "").Need)
	assert.Equal(t, 1, need(t, plan, "us-east-1", QuotaVPCs, "").Need)
	// Route 53 and IAM count the whole account: a zone per PrivateLink
	// customer; per stack a flow log role, a probe role where it is probed
	// (beta's VPN has no probe targets), and cdk bootstrap's in each region.
	assert.Equal(t, 2, need(t, plan, GlobalQuotaKey, QuotaHostedZones, "").Need)
	assert.Equal(t, 2+2+1+2*CdkBootstrapRoles, need(t, plan, GlobalQuotaKey, QuotaRoles, "").Need)
	ep := need(t, plan, "eu-west-1", QuotaEndpointsPerVPC, "beta-PrivateLink")
	assert.Equal(t, 1, ep.Need)
	assert.Equal(t, 50, ep.Limit)
	assert.False(t, ep.Recorded)
	for _, n := range plan {
		assert.False(t, n.Exceeded(), "%s %s", n.Region, n.Quota.Code)
	}
}

// vpnCustomer is a customer in eu-west-1 with a VPN whose NAT gateways sit in
// each of three AZs.
func vpnCustomer(i int) source {
	return source{fmt.Sprintf("fleet/customers/v%d.yaml", i), []byte(fmt.Sprintf(`apiVersion: privateconnect/v1
kind: Customer
name: v%d
account: "20000000000%d"
region: eu-west-1
networks: [172.%d.0.0/16]
vpn:
  vpcCidr: 10.64.%d.0/24
  availabilityZones: [euw1-az1, euw1-az2, euw1-az3]
  customerGateway:
    ipAddress: 198.51.100.%d
  routing: static
  remoteNetworks: [172.%d.0.0/16]
  ports: [443]
  natGateways: perAz
`, i, i, 20+i, 10+i, 10+i, 20+i))}
}

// The case: a second VPN customer with a NAT gateway in each of three
// AZs needs 6 Elastic IPs in the region, over AWS's default of 5.
func TestSecondPerAzVpnExceedsDefaultElasticIPs(t *testing.T) {
	_, err := build("fleet", source{vendorFile, []byte(baseVendor)}, []source{vpnCustomer(1), vpnCustomer(2)})
	require.Error(t, err)
	errs := err.(Errors)
	var eip []Error
	for _, e := range errs {
		if e.Path == "quotas.eu-west-1."+QuotaElasticIPs {
			eip = append(eip, e)
		}
	}
	require.Len(t, eip, 1, "%v", err)
	e := eip[0]
	assert.Equal(t, vendorFile, e.File)
	assert.Regexp(t, wellFormed, e.Msg)
	assert.Contains(t, e.Msg, "needs 6 of EC2-VPC Elastic IPs (ec2 L-0263D0A3) in account 111122223333 eu-west-1, more than AWS's default of 5")
	assert.Contains(t, e.Msg, "fleet/customers/v2.yaml take it past 5", "names the file that pushes it over, not the first")
	assert.NotContains(t, e.Msg, "v1.yaml")
	assert.Contains(t, e.Msg, "request L-0263D0A3 >= 6 in account 111122223333 eu-west-1")
	assert.Contains(t, e.Msg, "--service-code ec2 --quota-code L-0263D0A3 --desired-value 6 --region eu-west-1")
	assert.Contains(t, e.Msg, "record it under quotas: eu-west-1: L-0263D0A3: 6")
	for _, e := range errs {
		assert.True(t, strings.HasPrefix(e.Path, "quotas."), "only quota errors: %v", e)
	}

	// Recorded, it validates.
	vendor := baseVendor + "quotas:\n  eu-west-1:\n    L-0263D0A3: 6\n"
	_, err = build("fleet", source{vendorFile, []byte(vendor)}, []source{vpnCustomer(1), vpnCustomer(2)})
	assert.NoError(t, err)
}

func TestRecordedQuotaExceeded(t *testing.T) {
	fl := baseFleet()
	fl.vendor += "quotas:\n  eu-west-1:\n    L-F678F1CE: 1\n"
	_, err := fl.build()
	require.Error(t, err)
	errs := err.(Errors)
	require.Len(t, errs, 1, "%v", err)
	assert.Equal(t, "quotas.eu-west-1.L-F678F1CE", errs[0].Path)
	assert.Contains(t, errs[0].Msg, "needs 2 of VPCs per Region (vpc L-F678F1CE) in account 111122223333 eu-west-1, more than the 1 recorded")
	assert.Contains(t, errs[0].Msg, betaFile)
	assert.Greater(t, errs[0].Line, 0, "sorted at the recorded value's line")
}

// A quota per VPC is the customer's: its file is named, at the section that drives it.
func TestQuotaPerVpcReportedInCustomerFile(t *testing.T) {
	fl := baseFleet()
	fl.vendor += "quotas:\n  us-east-1:\n    L-29B6F2EB: 1\n"
	fl.acme += `    - name: cache
      serviceName: com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f60719
      ports: [6379]
`
	_, err := fl.build()
	require.Error(t, err)
	errs := err.(Errors)
	require.Len(t, errs, 1, "%v", err)
	assert.Equal(t, acmeFile, errs[0].File)
	assert.Equal(t, "privateLink.services", errs[0].Path)
	assert.Contains(t, errs[0].Msg, "the stack acme-PrivateLink needs 2 of Interface VPC endpoints per VPC (vpc L-29B6F2EB)")
	assert.Regexp(t, wellFormed, errs[0].Msg)
}

func TestRecordedQuotaValues(t *testing.T) {
	cases := []struct{ name, quotas, path, msg string }{
		{"unknown code", "  us-east-1:\n    L-00000000: 10\n", "quotas.us-east-1.L-00000000", "not a quota privateconnect plans"},
		{"non-positive", "  us-east-1:\n    L-F678F1CE: 0\n", "quotas.us-east-1.L-F678F1CE", "a quota value must be positive (got 0;"},
		{"other region", "  us-west-2:\n    L-F678F1CE: 10\n", "quotas.us-west-2", "quotas for a region the account does not operate in"},
		{"account-wide under a region", "  us-east-1:\n    L-4EA4796A: 1000\n", "quotas.us-east-1.L-4EA4796A", "is a quota of the whole account"},
		{"regional under global", "  global:\n    L-F678F1CE: 10\n", "quotas.global.L-F678F1CE", "is a quota per region"},
		{"fixed limit", "  us-east-1:\n    ssm-standard-parameters: 20000\n", "quotas.us-east-1.ssm-standard-parameters", "AWS does not raise Standard parameters"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fl := baseFleet()
			fl.vendor += "quotas:\n" + c.quotas
			_, err := fl.build()
			require.Error(t, err)
			errs := err.(Errors)
			require.Len(t, errs, 1, "%v", err)
			assert.Equal(t, vendorFile, errs[0].File)
			assert.Equal(t, c.path, errs[0].Path)
			assert.Contains(t, errs[0].Msg, c.msg)
			assert.Regexp(t, wellFormed, errs[0].Msg)
		})
	}
	fl := baseFleet()
	fl.vendor += "quotas:\n  global:\n    L-4EA4796A: 1000\n  eu-west-1:\n    L-F678F1CE: 40\n"
	f, err := fl.build()
	require.NoError(t, err)
	n := need(t, f.QuotaPlan(), "eu-west-1", QuotaVPCs, "")
	assert.Equal(t, 40, n.Limit)
	assert.True(t, n.Recorded)
	assert.Equal(t, 38, n.Headroom())
}

// make quotas reads a fleet over its quotas: LoadForPlan does not hold it to them.
func TestLoadForPlanSkipsTheQuotaCheck(t *testing.T) {
	dir := writeFleet(t, map[string]string{"vendor.yaml": baseVendor + "quotas:\n  eu-west-1:\n    L-F678F1CE: 1\n",
		"customers/acme.yaml": baseAcme, "customers/beta.yaml": baseBeta})
	_, err := Load(dir)
	require.Error(t, err)
	f, err := LoadForPlan(dir)
	require.NoError(t, err)
	assert.True(t, need(t, f.QuotaPlan(), "eu-west-1", QuotaVPCs, "").Exceeded())
	req, err := RequiredQuotas(dir)
	require.NoError(t, err)
	assert.Equal(t, map[string]map[string]map[string]int{}, req, "nothing above AWS's defaults")
}

func TestCellRooms(t *testing.T) {
	f, err := baseFleet().build()
	require.NoError(t, err)
	rooms := f.CellRooms("eu-west-1")
	require.Len(t, rooms, 1)
	// The tightest in eu-west-1: 2 of 5 VPCs.
	assert.Equal(t, QuotaVPCs, rooms[0].Tight.Quota.Code)
	assert.InDelta(t, 0.6, rooms[0].Free, 1e-9)
	assert.Empty(t, f.CellRooms("ap-south-1"), "no cell operates there")
}

// copyCells copies examples/cells, with old replaced by new in vendor.yaml.
func copyCells(t *testing.T, old, new string) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS("../examples/cells")))
	p := filepath.Join(dir, VendorFile)
	raw, err := os.ReadFile(p)
	require.NoError(t, err)
	require.Contains(t, string(raw), old)
	require.NoError(t, os.WriteFile(p, []byte(strings.Replace(string(raw), old, new, 1)), 0o644))
	return dir
}

// With cells, each cell's account has its own plan, recorded in its cell.
func TestQuotasPerCell(t *testing.T) {
	dir := copyCells(t, "        L-F678F1CE: 20\n", "        L-F678F1CE: 20\n        L-E79EC296: 2\n")
	_, err := Load(dir)
	require.Error(t, err)
	errs := err.(Errors)
	require.Len(t, errs, 1, "%v", err)
	assert.Equal(t, "cells[1].quotas.us-east-1.L-E79EC296", errs[0].Path)
	assert.Contains(t, errs[0].Msg, "needs 3 of VPC security groups per Region (vpc L-E79EC296) in cell cell-2 (account 222233334444 us-east-1), more than the 2 recorded")
	assert.Contains(t, errs[0].Msg, "umbrella.yaml take it past 2")
	assert.Contains(t, errs[0].Msg, "record it under cells[1].quotas: us-east-1: L-E79EC296: 3")
	assert.Greater(t, errs[0].Line, 0)

	f, err := LoadForPlan(dir)
	require.NoError(t, err)
	var cells []string
	for _, n := range f.QuotaPlan() {
		if !slices.Contains(cells, n.Cell) {
			cells = append(cells, n.Cell)
		}
	}
	assert.Equal(t, []string{"cell-1", "cell-2"}, cells, "a plan per cell, in vendor.yaml's order")
	rooms := f.CellRooms("us-east-1")
	require.Len(t, rooms, 2)
	assert.Equal(t, "cell-1", rooms[0].Cell, "cell-2 is short of security groups: cell-1 has the most room")
	assert.Negative(t, rooms[1].Free)
	assert.Equal(t, []string{"cell-1"}, roomCells(f.CellRooms("eu-west-1")), "cell-2 does not operate in eu-west-1")
}

func roomCells(rooms []CellRoom) []string {
	var out []string
	for _, r := range rooms {
		out = append(out, r.Cell)
	}
	return out
}

func TestTopLevelQuotasWithCells(t *testing.T) {
	dir := copyCells(t, "\ncells:\n", "\nquotas:\n  us-east-1:\n    L-F678F1CE: 20\n\ncells:\n")
	_, err := Load(dir)
	require.Error(t, err)
	errs := err.(Errors)
	require.Len(t, errs, 1, "%v", err)
	assert.Equal(t, "quotas", errs[0].Path)
	assert.Contains(t, errs[0].Msg, "with cells, each cell has its own", "validation.go's error, not repeated by the quota checks")
}

// make new-customer puts a new customer in the cell of its region whose
// quotas leave the most room: in examples/cells, cell-2 has 20 VPCs in
// us-east-1 (19 free), cell-1 AWS's default of 5 (4 free).
func TestNewCustomerGoesToTheCellWithMostRoom(t *testing.T) {
	dir := copyCells(t, "name: cell-2", "name: cell-2")
	st, err := NewCustomer(dir, "initech", "us-east-1", StarterOptions{})
	require.NoError(t, err)
	assert.Equal(t, "cell-2", st.Cell)
	assert.Equal(t, "the most quota headroom in us-east-1: its tightest quota, VPCs per Region (vpc L-F678F1CE), has 19 of 20 left", st.CellWhy)
	require.NoError(t, os.Remove(st.Path))

	// Without the recorded increase cell-2 has as little room as cell-1
	// (4 of 5 VPCs each); the tie goes to vendor.yaml's order.
	dir = copyCells(t, "        L-F678F1CE: 20\n", "        L-F678F1CE: 5\n")
	st, err = NewCustomer(dir, "initech", "us-east-1", StarterOptions{})
	require.NoError(t, err)
	assert.Equal(t, "cell-1", st.Cell)
}
