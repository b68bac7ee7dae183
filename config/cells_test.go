package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cellsFleet is the base fleet split across two cells: acme in cell-1
// (the first account, us-east-1 and eu-west-1), beta in cell-2 (eu-west-1).
func cellsFleet(t *testing.T) testFleet {
	f := baseFleet()
	v := f.vendor
	v = replace(t, v, "principalArn: arn:aws:iam::111122223333:root\n", "")
	v = replace(t, v, `alarmTopicArns:
  us-east-1: arn:aws:sns:us-east-1:111122223333:alarms
  eu-west-1: arn:aws:sns:eu-west-1:111122223333:alarms
`, "")
	v = v[:strings.Index(v, "  regions:\n    us-east-1:")] + `cells:
  - name: cell-1
    account: "111122223333"
    principalArn: arn:aws:iam::111122223333:role/privateconnect
    regions: [us-east-1, eu-west-1]
    alarmTopicArns:
      us-east-1: arn:aws:sns:us-east-1:111122223333:alarms
      eu-west-1: arn:aws:sns:eu-west-1:111122223333:alarms
    inboundPrivateLink:
      us-east-1:
        nlbArn: arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/platform/0a1b2c3d4e5f6071
        availabilityZones: [use1-az1, use1-az2, use1-az4]
        serviceName: com.amazonaws.vpce.us-east-1.vpce-svc-0f1e2d3c4b5a69788
  - name: cell-2
    account: "222233334444"
    principalArn: arn:aws:iam::222233334444:root
    regions: [eu-west-1]
    vpcCidrPools: [10.64.0.0/20]
    alarmTopicArns:
      eu-west-1: arn:aws:sns:eu-west-1:222233334444:alarms
    inboundPrivateLink:
      eu-west-1:
        nlbArn: arn:aws:elasticloadbalancing:eu-west-1:222233334444:loadbalancer/net/platform/1b2c3d4e5f607182
        availabilityZones: [euw1-az1, euw1-az2]
`
	f.vendor = v
	f.acme = replace(t, f.acme, "region: us-east-1\n", "region: us-east-1\ncell: cell-1\n")
	f.beta = replace(t, f.beta, "region: eu-west-1\n", "region: eu-west-1\ncell: cell-2\n")
	return f
}

func TestCellsFleetIsValid(t *testing.T) {
	f, err := cellsFleet(t).build()
	require.NoError(t, err)
	acme, beta := f.Customer("acme"), f.Customer("beta")

	// Each customer sees its own cell's account, principal, topics and platform.
	a, b := f.Vendor.ForCustomer(acme), f.Vendor.ForCustomer(beta)
	assert.Equal(t, []string{"cell-1", "111122223333", "arn:aws:iam::111122223333:role/privateconnect"}, []string{a.CellName, a.Account, a.PrincipalArn})
	assert.Equal(t, []string{"cell-2", "222233334444", "arn:aws:iam::222233334444:root"}, []string{b.CellName, b.Account, b.PrincipalArn})
	assert.Equal(t, "arn:aws:sns:eu-west-1:222233334444:alarms", b.AlarmTopicArns["eu-west-1"])
	assert.Equal(t, []string{"10.64.0.0/20"}, b.VpcCidrPools, "cell-2's own pool")
	assert.Equal(t, []string{"10.64.0.0/12"}, a.VpcCidrPools, "cell-1 takes the vendor's pools")
	assert.Contains(t, b.InboundPrivateLink.Regions["eu-west-1"].NlbArn, ":222233334444:")
	assert.Equal(t, []string{"platform.example.com"}, b.InboundPrivateLink.Domains, "domains stay the vendor's")
	assert.Equal(t, "111122223333", f.Vendor.Account, "the vendor itself is unchanged")
	assert.Nil(t, f.Vendor.InboundPrivateLink.Regions, "no view leaks into the vendor")

	cells := f.Cells()
	require.Len(t, cells, 2)
	assert.Equal(t, []*Customer{acme}, cells[0].Customers)
	assert.Equal(t, []*Customer{beta}, cells[1].Customers)
	assert.Empty(t, cells[1].Vendor.Cells, "a cell's view has no cells")
	assert.Equal(t, "Vendor-Inbound-eu-west-1-cell-2", cells[1].Vendor.SharedStackID("Vendor-Inbound-eu-west-1"))
	assert.Equal(t, "cells[1].inboundPrivateLink.eu-west-1", cells[1].Vendor.InboundRegionPath("eu-west-1"))
}

func TestFleetWithoutCellsIsOneCell(t *testing.T) {
	f, err := baseFleet().build()
	require.NoError(t, err)
	assert.Equal(t, []*Fleet{f}, f.Cells())
	assert.Same(t, f.Vendor, f.Vendor.ForCustomer(f.Customers[0]))
	assert.Equal(t, "Vendor-Inbound-us-east-1", f.Vendor.SharedStackID("Vendor-Inbound-us-east-1"), "stack IDs unchanged")
	assert.Equal(t, "inboundPrivateLink.regions.us-east-1", f.Vendor.InboundRegionPath("us-east-1"))
}

func TestCellsValidationErrors(t *testing.T) {
	base := cellsFleet(t)
	runValidationCasesOn(t, base, []validationCase{
		{"customer without a cell", []edit{{"acme", "cell: cell-1\n", ""}}, acmeFile, "cell", "vendor.yaml declares cells"},
		{"unknown cell", []edit{{"acme", "cell: cell-1", "cell: cell-9"}}, acmeFile, "cell", "not one of vendor.yaml's cells"},
		{"region not the cell's", []edit{{"beta", "region: eu-west-1", "region: us-east-1"}, {"beta", "vpce.eu-west-1", "vpce.us-east-1"}}, betaFile, "region", "cell cell-2 does not operate in this region"},
		{"customer in a cell's account", []edit{{"acme", `account: "444455556666"`, `account: "222233334444"`}}, acmeFile, "account", "account of the vendor's cell cell-2"},
		{"cell name twice", []edit{{"vendor", "name: cell-2", "name: cell-1"}, {"beta", "cell: cell-2", "cell: cell-1"}}, vendorFile, "cells[1].name", "already used by cells[0]"},
		{"cell name not a label", []edit{{"vendor", "name: cell-2", "name: Cell_2"}, {"beta", "cell: cell-2", "cell: Cell_2"}}, vendorFile, "cells[1].name", "not a valid cell name"},
		{"two cells in one account", []edit{{"vendor", `account: "222233334444"`, `account: "111122223333"`}}, vendorFile, "cells[1].account", "same account"},
		{"cell principal in another account", []edit{{"vendor", "arn:aws:iam::222233334444:root", "arn:aws:iam::111122223333:root"}}, vendorFile, "cells[1].principalArn", "not in the vendor account"},
		{"cell region not the vendor's", []edit{{"vendor", "regions: [eu-west-1]", "regions: [eu-west-1, us-west-2]"}}, vendorFile, "cells[1].regions[1]", "not one of the vendor's regions"},
		{"cell without a topic for its region", []edit{{"vendor", "      eu-west-1: arn:aws:sns:eu-west-1:222233334444:alarms\n", "      us-east-1: arn:aws:sns:us-east-1:222233334444:alarms\n"}}, vendorFile, "cells[1].alarmTopicArns", "no alarm topic for region eu-west-1"},
		{"cell load balancer in another account", []edit{{"vendor", "eu-west-1:222233334444:loadbalancer", "eu-west-1:111122223333:loadbalancer"}}, vendorFile, "cells[1].inboundPrivateLink.eu-west-1.nlbArn", "not in the vendor account"},
		{"top-level principal with cells", []edit{{"vendor", "regions: [us-east-1, eu-west-1]\n", "regions: [us-east-1, eu-west-1]\nprincipalArn: arn:aws:iam::111122223333:root\n"}}, vendorFile, "principalArn", "each cell has its own"},
		{"top-level quotas with cells", []edit{{"vendor", "logRetentionDays: 365\n", "logRetentionDays: 365\nquotas:\n  us-east-1:\n    L-F678F1CE: 20\n"}}, vendorFile, "quotas", "each cell has its own"},
		{"cell pool not private", []edit{{"vendor", "[10.64.0.0/20]", "[8.8.0.0/16]"}}, vendorFile, "cells[1].vpcCidrPools[0]", "not private address space"},
		{"cell inbound for a customer's region missing", []edit{{"beta", "vpn:", "inboundPrivateLink:\n  availabilityZones: [euw1-az1, euw1-az2]\nvpn:"}, {"vendor", `    inboundPrivateLink:
      eu-west-1:
        nlbArn: arn:aws:elasticloadbalancing:eu-west-1:222233334444:loadbalancer/net/platform/1b2c3d4e5f607182
        availabilityZones: [euw1-az1, euw1-az2]
`, ""}}, betaFile, "inboundPrivateLink", "cells[1].inboundPrivateLink.eu-west-1"},
	})
	// Without cells, a customer names none.
	runValidationCases(t, []validationCase{
		{"cell without cells", []edit{{"acme", "region: us-east-1\n", "region: us-east-1\ncell: cell-1\n"}}, acmeFile, "cell", "declares no cells"},
		{"principal missing without cells", []edit{{"vendor", "principalArn: arn:aws:iam::111122223333:root\n", ""}}, vendorFile, "principalArn", "required key is missing"},
	})
}

// make new-customer in a fleet with cells writes the cell once, takes the
// VPC block from the cell's pool, and chooses a cell of the region.
func TestNewCustomerInACell(t *testing.T) {
	f := cellsFleet(t)
	dir := writeFleet(t, map[string]string{"vendor.yaml": f.vendor, "customers/acme.yaml": f.acme, "customers/beta.yaml": f.beta})
	st, err := NewCustomer(dir, "hooli", "eu-west-1", StarterOptions{Cell: "cell-2"})
	require.NoError(t, err)
	assert.Equal(t, "cell-2", st.Cell)
	assert.Empty(t, st.CellWhy, "given, not chosen")
	assert.Equal(t, "10.64.2.0/24", st.VpcCidrs[ModePrivateLink], "the first free block of cell-2's pool, 10.64.0.0/20")
	data, err := os.ReadFile(st.Path)
	require.NoError(t, err)
	assert.Contains(t, string(data), "\ncell: cell-2\n")
	require.NoError(t, os.Remove(st.Path))

	// Chosen: us-east-1 is cell-1's only.
	st, err = NewCustomer(dir, "hooli", "us-east-1", StarterOptions{})
	require.NoError(t, err)
	assert.Equal(t, "cell-1", st.Cell)
	assert.NotEmpty(t, st.CellWhy)
	require.NoError(t, os.Remove(st.Path))

	for _, tc := range []struct{ region, cell, want string }{
		{"us-east-1", "cell-2", "the cell does not operate in us-east-1"},
		{"eu-west-1", "cell-9", "not one of vendor.yaml's cells"},
	} {
		_, err := NewCustomer(dir, "hooli", tc.region, StarterOptions{Cell: tc.cell})
		assert.ErrorContains(t, err, tc.want)
	}
	_, err = os.Stat(filepath.Join(dir, "customers", "hooli.yaml"))
	assert.True(t, os.IsNotExist(err), "nothing written on an error")

	plain := writeFleet(t, map[string]string{"vendor.yaml": baseVendor, "customers/acme.yaml": baseAcme})
	_, err = NewCustomer(plain, "hooli", "", StarterOptions{Cell: "cell-1"})
	assert.ErrorContains(t, err, "vendor.yaml declares no cells")
}
