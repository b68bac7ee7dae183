package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExampleFleetLoads(t *testing.T) {
	f, err := Load(".")
	if err != nil {
		t.Fatalf("the example fleet in config/ is invalid:\n%v", err)
	}
	var names []string
	for _, c := range f.Customers {
		names = append(names, c.Name)
		if c.File != filepath.Join(CustomersDir, c.Name+".yaml") {
			t.Errorf("%s: File = %q", c.Name, c.File)
		}
	}
	if got := strings.Join(names, ","); got != "acme,globex,hooli,initech,umbrella" {
		t.Errorf("customers = %s, want acme,globex,hooli,initech,umbrella in name order", got)
	}
	if f.Vendor.Account != "111122223333" || *f.Vendor.VpcPrefixLength != 24 {
		t.Errorf("vendor not read: %+v", f.Vendor)
	}
	if pl := f.Customer("initech").PrivateLink; pl.Services[0].ServiceRegion != "us-west-2" || len(pl.Services[0].Ports) != 2 {
		t.Errorf("initech service not read: %+v", pl.Services[0])
	}
	// The examples cover both VPN routings.
	if v := f.Customer("initech").Vpn; v == nil || v.Routing != "static" || len(v.StaticRoutes) != 2 {
		t.Errorf("initech VPN not read: %+v", v)
	}
	if v := f.Customer("hooli").Vpn; v == nil || v.Routing != "bgp" || *v.CustomerGateway.BgpAsn != 4200000040 || v.Tunnels[1].PreSharedKeyJSONKey != "tunnel2" {
		t.Errorf("hooli VPN not read: %+v", v)
	}
	// An inbound customer, and the platform it reaches.
	if in := f.Customer("umbrella").InboundPrivateLink; in == nil || len(in.AvailabilityZones) != 2 || len(in.Hostnames) != 2 {
		t.Errorf("umbrella inbound section not read: %+v", in)
	}
	if p := f.Vendor.InboundPrivateLink; p == nil || p.Regions["us-east-1"].ServiceName == "" || p.Regions["us-east-1"].PrivateDnsName != "*.platform.example.com" {
		t.Errorf("vendor inbound platform not read: %+v", p)
	}
}

// writeFleet lays out a fleet directory from file name to content.
func writeFleet(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadDirectoryProblems(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		path  string // file the error names, relative to the fleet directory
		msg   string
	}{
		{"no vendor file", map[string]string{"customers/acme.yaml": baseAcme}, "vendor.yaml", "cannot read the vendor file"},
		{".yml extension", map[string]string{"vendor.yaml": baseVendor, "customers/acme.yml": baseAcme}, "customers/acme.yml", "rename it to acme.yaml"},
		{"empty customer file", map[string]string{"vendor.yaml": baseVendor, "customers/acme.yaml": "# nothing yet\n"}, "customers/acme.yaml", "the file is empty"},
		{"two documents", map[string]string{"vendor.yaml": baseVendor, "customers/acme.yaml": baseAcme + "---\n" + baseAcme}, "customers/acme.yaml", "more than one YAML document"},
		{"syntax error", map[string]string{"vendor.yaml": baseVendor + "tags: [\n"}, "vendor.yaml", "fix the YAML syntax"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFleet(t, tc.files)
			_, err := Load(dir)
			if err == nil {
				t.Fatal("fleet accepted")
			}
			want := filepath.Join(dir, tc.path) + ": (document): "
			if !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error:\n%v\nwant it to start %q and contain %q", err, want, tc.msg)
			}
		})
	}
}

func TestLoadIgnoresHiddenFilesAndDirectories(t *testing.T) {
	dir := writeFleet(t, map[string]string{
		"vendor.yaml":                baseVendor,
		"customers/acme.yaml":        baseAcme,
		"customers/.acme.yaml.swp":   "binary junk: [",
		"customers/archive/old.yaml": "not: a customer",
		"customers/README.md":        "notes",
	})
	f, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Customers) != 1 {
		t.Errorf("want only acme, got %d customers", len(f.Customers))
	}
}
