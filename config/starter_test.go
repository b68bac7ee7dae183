package config

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewCustomerWritesStarterWithNextFreeBlock(t *testing.T) {
	// acme holds 10.64.0.0/24 and beta 10.64.2.0/24: the gap is proposed,
	// and neither existing file is touched.
	beta := replace(t, baseBeta, "10.64.1.0/24", "10.64.2.0/24")
	dir := writeFleet(t, map[string]string{"vendor.yaml": baseVendor, "customers/acme.yaml": baseAcme, "customers/beta.yaml": beta})
	st, err := NewCustomer(dir, "hooli", "", StarterOptions{})
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "customers", "hooli.yaml"), st.Path)
	assert.Equal(t, "10.64.1.0/24", st.VpcCidrs[ModePrivateLink], "the first free /24")
	wantTodo := []string{"account", "networks[0]", "privateLink.availabilityZones[0]", "privateLink.availabilityZones[1]",
		"privateLink.services[0].serviceName", "privateLink.services[0].ports"}
	assert.Equal(t, wantTodo, todoPaths(st), "todo")
	for name, want := range map[string]string{"customers/acme.yaml": baseAcme, "customers/beta.yaml": beta} {
		got, _ := os.ReadFile(filepath.Join(dir, name))
		assert.Equal(t, want, string(got), "%s was modified", name)
	}
	// The starter decodes; the fleet fails only on its placeholders, so it
	// cannot be deployed unfinished.
	_, err = Load(dir)
	errs, ok := err.(Errors)
	require.True(t, ok, "unfinished starter accepted: %v", err)
	var paths []string
	for _, e := range errs {
		assert.Equal(t, st.Path, e.File, "error outside the starter: %v", e)
		paths = append(paths, e.Path)
	}
	assert.Equal(t, wantTodo, paths, "errors at exactly the placeholders:\n%v", err)
	data, _ := os.ReadFile(st.Path)
	for _, want := range []string{"region: us-east-1", "vpcCidr: 10.64.1.0/24", "$schema=../schema/customer.schema.json"} {
		assert.Contains(t, string(data), want, "starter")
	}
}

// A VPN VPC's block is taken like any other: the proposal skips it.
func TestNewCustomerSkipsVpnBlocks(t *testing.T) {
	beta := replace(t, baseBeta, "vpcCidr: 10.64.1.0/24", "vpcCidr: 10.64.2.0/24")
	beta = replace(t, beta, "vpcCidr: 10.64.4.0/24", "vpcCidr: 10.64.1.0/24")
	dir := writeFleet(t, map[string]string{"vendor.yaml": baseVendor, "customers/acme.yaml": baseAcme, "customers/beta.yaml": beta})
	st, err := NewCustomer(dir, "hooli", "", StarterOptions{})
	require.NoError(t, err)
	assert.Equal(t, "10.64.3.0/24", st.VpcCidrs[ModePrivateLink], "10.64.0-2.0/24 are taken, 10.64.1.0/24 by beta's VPN")
}

func TestNewCustomerWithEverythingGivenIsValid(t *testing.T) {
	dir := writeFleet(t, map[string]string{"vendor.yaml": baseVendor, "customers/acme.yaml": baseAcme})
	st, err := NewCustomer(dir, "hooli", "eu-west-1", StarterOptions{
		Account:           "000011112222",
		Networks:          []string{"172.20.0.0/16"},
		AvailabilityZones: []string{"euw1-az1", "euw1-az3"},
		ServiceName:       "com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0",
		Ports:             []int{443, 8443},
	})
	require.NoError(t, err)
	assert.Empty(t, st.Todo, "starter = %+v", st)
	assert.Equal(t, "10.64.1.0/24", st.VpcCidrs[ModePrivateLink], "starter = %+v", st)
	f, err := Load(dir)
	require.NoError(t, err, "complete starter is invalid")
	c := f.Customer("hooli")
	assert.Equal(t, "000011112222", c.Account, "account read back")
	assert.Equal(t, "eu-west-1", c.Region, "region read back")
	assert.Equal(t, []int{443, 8443}, c.PrivateLink.Services[0].Ports, "ports read back")
}

func TestNewCustomerRefusesAndWritesNothing(t *testing.T) {
	cases := []struct {
		name     string
		vendor   string
		customer string
		region   string
		opts     StarterOptions
		msg      string
	}{
		{"existing customer", baseVendor, "acme", "", StarterOptions{}, `name "acme": customer already exists`},
		{"invalid name", baseVendor, "Hooli", "", StarterOptions{}, `name "Hooli": not a valid customer name`},
		{"region not the vendor's", baseVendor, "hooli", "ap-south-1", StarterOptions{}, `region "ap-south-1": the vendor does not operate in this region`},
		{"bad AZ given", baseVendor, "hooli", "", StarterOptions{AvailabilityZones: []string{"use1-az1", "us-east-1b"}}, "availabilityZones[1]: this is an AZ name"},
		{"bad port given", baseVendor, "hooli", "", StarterOptions{Ports: []int{70000}}, "ports[0]: not a TCP port"},
		{"bad account given", baseVendor, "hooli", "", StarterOptions{Account: "1234"}, "account: not a 12-digit AWS account ID"},
		{"fleet invalid", replace(t, baseVendor, "logRetentionDays: 365", "logRetentionDays: 2"), "hooli", "", StarterOptions{}, "logRetentionDays"},
		{"pool exhausted", replace(t, baseVendor, "[10.64.0.0/12]", "[10.64.0.0/24]"), "hooli", "", StarterOptions{}, "no free /24 block is left"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFleet(t, map[string]string{"vendor.yaml": tc.vendor, "customers/acme.yaml": baseAcme})
			_, err := NewCustomer(dir, tc.customer, tc.region, tc.opts)
			assert.ErrorContains(t, err, tc.msg)
			entries, _ := os.ReadDir(filepath.Join(dir, "customers"))
			assert.Len(t, entries, 1, "files left in customers/")
		})
	}
}

// With a target, the starter hands the producer side over: the service is
// pending (no serviceName) and the fleet is valid once the rest is filled in.
func TestNewCustomerWithProducerIsPending(t *testing.T) {
	dir := writeFleet(t, map[string]string{"vendor.yaml": baseVendor, "customers/acme.yaml": baseAcme})
	st, err := NewCustomer(dir, "hooli", "", StarterOptions{
		Account: "000011112222", Networks: []string{"172.20.0.0/16"}, AvailabilityZones: []string{"use1-az1", "use1-az2"}, Ports: []int{5432}, Target: "rds",
	})
	require.NoError(t, err)
	assert.Empty(t, st.Todo, "todo")
	f, err := Load(dir)
	require.NoError(t, err, "starter with a producer is invalid")
	s := f.Customer("hooli").PrivateLink.Services[0]
	assert.Empty(t, s.ServiceName, "a pending service")
	if assert.NotNil(t, s.Producer, "service read back as %+v", s) {
		assert.Equal(t, "rds", s.Producer.Target)
		assert.Equal(t, DefaultRdsBy, s.Producer.Rds.By)
	}
	_, err = NewCustomer(dir, "initrode", "", StarterOptions{Target: "lambda"})
	assert.ErrorContains(t, err, "unknown target type", "unknown target")
}
