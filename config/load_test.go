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
	if v := f.Customer("initech").Vpn; v == nil || v.Routing != "static" || len(v.RemoteNetworks) != 2 {
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
		where string // its YAML path: (document) or (directory)
		msg   string
	}{
		{"no vendor file", map[string]string{"customers/acme.yaml": baseAcme}, "vendor.yaml", "(document)", "cannot read the vendor file"},
		{"vendor file misnamed", map[string]string{"vendor.yml": baseVendor, "customers/acme.yaml": baseAcme}, "vendor.yaml", "(document)", "rename "},
		{"no customers directory", map[string]string{"vendor.yaml": baseVendor}, "customers", "(directory)", "no customers directory"},
		{"customers directory misnamed", map[string]string{"vendor.yaml": baseVendor, "Customers/acme.yaml": baseAcme}, "customers", "(directory)", "Customers to customers"},
		{"customer directory singular", map[string]string{"vendor.yaml": baseVendor, "customer/acme.yaml": baseAcme}, "customers", "(directory)", "customer to customers"},
		{".yml extension", map[string]string{"vendor.yaml": baseVendor, "customers/acme.yml": baseAcme}, "customers/acme.yml", "(document)", "rename it to acme.yaml"},
		{"uppercase extension", map[string]string{"vendor.yaml": baseVendor, "customers/acme.YAML": baseAcme}, "customers/acme.YAML", "(document)", "rename it to acme.yaml"},
		{"uppercase name", map[string]string{"vendor.yaml": baseVendor, "customers/Acme.YAML": baseAcme}, "customers/Acme.YAML", "(document)", "rename it to acme.yaml"},
		{"capitalised file name", map[string]string{"vendor.yaml": baseVendor, "customers/Acme.yaml": baseAcme}, "customers/Acme.yaml", "name", "(got \"acme\"; rename the file to acme.yaml)"},
		{"JSON file", map[string]string{"vendor.yaml": baseVendor, "customers/acme.json": "{}"}, "customers/acme.json", "(document)", "customer files are YAML"},
		{"backup copy", map[string]string{"vendor.yaml": baseVendor, "customers/acme.yaml": baseAcme, "customers/acme.yaml.txt": baseAcme}, "customers/acme.yaml.txt", "(document)", "this copy or backup would be ignored"},
		{"notes", map[string]string{"vendor.yaml": baseVendor, "customers/acme.yaml": baseAcme, "customers/README.md": "notes"}, "customers/README.md", "(document)", "not a customer file"},
		{"hidden file", map[string]string{"vendor.yaml": baseVendor, "customers/acme.yaml": baseAcme, "customers/.acme.yaml.swp": "junk"}, "customers/.acme.yaml.swp", "(document)", "a hidden file"},
		{"subdirectory", map[string]string{"vendor.yaml": baseVendor, "customers/acme.yaml": baseAcme, "customers/archive/old.yaml": baseAcme}, "customers/archive", "(directory)", "no directories"},
		{"name of only an extension", map[string]string{"vendor.yaml": baseVendor, "customers/.yaml": baseAcme}, "customers/.yaml", "(document)", "a hidden file"},
		{"empty customer file", map[string]string{"vendor.yaml": baseVendor, "customers/acme.yaml": "# nothing yet\n"}, "customers/acme.yaml", "(document)", "the file is empty"},
		{"two documents", map[string]string{"vendor.yaml": baseVendor, "customers/acme.yaml": baseAcme + "---\n" + baseAcme}, "customers/acme.yaml", "(document)", "more than one YAML document"},
		{"syntax error", map[string]string{"vendor.yaml": baseVendor + "tags: [\n", "customers/acme.yaml": baseAcme}, "vendor.yaml", "(document)", "fix the YAML syntax"},
		{"too large", map[string]string{"vendor.yaml": baseVendor, "customers/acme.yaml": baseAcme + "# " + strings.Repeat("x", MaxFileBytes) + "\n"}, "customers/acme.yaml", "(document)", "larger than the 1048576 bytes"},
		{"not a mapping", map[string]string{"vendor.yaml": baseVendor, "customers/acme.yaml": "- a\n- b\n"}, "customers/acme.yaml", "(document)", "not a YAML mapping"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFleet(t, tc.files)
			_, err := Load(dir)
			if err == nil {
				t.Fatal("fleet accepted")
			}
			assertFSError(t, err, filepath.Join(dir, tc.path), tc.where, tc.msg)
		})
	}
}

// assertFSError checks that err holds a well-formed error for path.
func assertFSError(t *testing.T, err error, path, where, msg string) {
	t.Helper()
	for _, e := range err.(Errors) {
		if e.File == path && e.Path == where && strings.Contains(e.Msg, msg) {
			if !wellFormed.MatchString(e.Msg) && !strings.Contains(e.Msg, "fix the YAML syntax") && !strings.Contains(e.Msg, "more than one YAML document") && !strings.Contains(e.Msg, "the file is empty") {
				t.Errorf("message lacks \"(got <value>; <fix>)\": %s", e.Msg)
			}
			return
		}
	}
	t.Errorf("no error for %s: %s containing %q; got:\n%v", path, where, msg, err)
}
