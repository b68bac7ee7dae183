package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestNewCustomerWritesStarterWithNextFreeBlock(t *testing.T) {
	// acme holds 10.64.0.0/24 and beta 10.64.2.0/24: the gap is proposed,
	// and neither existing file is touched.
	beta := replace(t, baseBeta, "10.64.1.0/24", "10.64.2.0/24")
	dir := writeFleet(t, map[string]string{"vendor.yaml": baseVendor, "customers/acme.yaml": baseAcme, "customers/beta.yaml": beta})
	st, err := NewCustomer(dir, "hooli", "", StarterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "customers", "hooli.yaml"); st.Path != want {
		t.Errorf("path = %s, want %s", st.Path, want)
	}
	if st.VpcCidrs[ModePrivateLink] != "10.64.1.0/24" {
		t.Errorf("block = %s, want the first free /24, 10.64.1.0/24", st.VpcCidrs[ModePrivateLink])
	}
	wantTodo := []string{"account", "networks[0]", "privateLink.availabilityZones[0]", "privateLink.availabilityZones[1]",
		"privateLink.services[0].serviceName", "privateLink.services[0].ports"}
	if got := todoPaths(st); !reflect.DeepEqual(got, wantTodo) {
		t.Errorf("todo = %q, want %q", got, wantTodo)
	}
	for name, want := range map[string]string{"customers/acme.yaml": baseAcme, "customers/beta.yaml": beta} {
		if got, _ := os.ReadFile(filepath.Join(dir, name)); string(got) != want {
			t.Errorf("%s was modified", name)
		}
	}
	// The starter decodes; the fleet fails only on its placeholders, so it
	// cannot be deployed unfinished.
	_, err = Load(dir)
	errs, ok := err.(Errors)
	if !ok {
		t.Fatalf("unfinished starter accepted: %v", err)
	}
	var paths []string
	for _, e := range errs {
		if e.File != st.Path {
			t.Errorf("error outside the starter: %v", e)
		}
		paths = append(paths, e.Path)
	}
	if !reflect.DeepEqual(paths, wantTodo) {
		t.Errorf("errors at %q, want exactly the placeholders %q:\n%v", paths, wantTodo, err)
	}
	data, _ := os.ReadFile(st.Path)
	for _, want := range []string{"region: us-east-1", "vpcCidr: 10.64.1.0/24", "$schema=../schema/customer.schema.json"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("starter lacks %q:\n%s", want, data)
		}
	}
}

// A VPN VPC's block is taken like any other: the proposal skips it.
func TestNewCustomerSkipsVpnBlocks(t *testing.T) {
	beta := replace(t, baseBeta, "vpcCidr: 10.64.1.0/24", "vpcCidr: 10.64.2.0/24")
	beta = replace(t, beta, "vpcCidr: 10.64.4.0/24", "vpcCidr: 10.64.1.0/24")
	dir := writeFleet(t, map[string]string{"vendor.yaml": baseVendor, "customers/acme.yaml": baseAcme, "customers/beta.yaml": beta})
	st, err := NewCustomer(dir, "hooli", "", StarterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.VpcCidrs[ModePrivateLink] != "10.64.3.0/24" {
		t.Errorf("block = %s, want 10.64.3.0/24 (10.64.0-2.0/24 are taken, 10.64.1.0/24 by beta's VPN)", st.VpcCidrs[ModePrivateLink])
	}
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
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Todo) != 0 || st.VpcCidrs[ModePrivateLink] != "10.64.1.0/24" {
		t.Errorf("starter = %+v", st)
	}
	f, err := Load(dir)
	if err != nil {
		t.Fatalf("complete starter is invalid:\n%v", err)
	}
	c := f.Customer("hooli")
	if c.Account != "000011112222" || c.Region != "eu-west-1" || !reflect.DeepEqual(c.PrivateLink.Services[0].Ports, []int{443, 8443}) {
		t.Errorf("starter read back as %+v %+v", c, c.PrivateLink)
	}
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
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error = %v, want one containing %q", err, tc.msg)
			}
			entries, _ := os.ReadDir(filepath.Join(dir, "customers"))
			if len(entries) != 1 {
				t.Errorf("files left in customers/: %v", entries)
			}
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
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Todo) != 0 {
		t.Errorf("todo = %q, want none", todoPaths(st))
	}
	f, err := Load(dir)
	if err != nil {
		t.Fatalf("starter with a producer is invalid:\n%v", err)
	}
	s := f.Customer("hooli").PrivateLink.Services[0]
	if s.ServiceName != "" || s.Producer == nil || s.Producer.Target != "rds" || s.Producer.Rds.By != DefaultRdsBy {
		t.Errorf("service read back as %+v", s)
	}
	if _, err := NewCustomer(dir, "initrode", "", StarterOptions{Target: "lambda"}); err == nil || !strings.Contains(err.Error(), "unknown target type") {
		t.Errorf("unknown target: err = %v", err)
	}
}
