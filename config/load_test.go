package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExampleFleetLoads(t *testing.T) {
	f, err := Load(".")
	require.NoError(t, err, "the example fleet in config/ is invalid")
	var names []string
	for _, c := range f.Customers {
		names = append(names, c.Name)
		assert.Equal(t, filepath.Join(CustomersDir, c.Name+".yaml"), c.File, "%s: File", c.Name)
	}
	assert.Equal(t, "acme,globex,hooli,initech,umbrella,wayne", strings.Join(names, ","), "customers in name order")
	assert.Equal(t, "111122223333", f.Vendor.Account, "vendor account")
	assert.Equal(t, 24, *f.Vendor.VpcPrefixLength, "vendor vpcPrefixLength")
	svc := f.Customer("initech").PrivateLink.Services[0]
	assert.Equal(t, "us-west-2", svc.ServiceRegion, "initech service region")
	assert.Len(t, svc.Ports, 2, "initech service ports")
	// The examples cover both VPN routings.
	if v := f.Customer("initech").Vpn; assert.NotNil(t, v, "initech VPN") {
		assert.Equal(t, "static", v.Routing, "initech VPN routing")
		assert.Len(t, v.RemoteNetworks, 2, "initech VPN remote networks")
	}
	if v := f.Customer("hooli").Vpn; assert.NotNil(t, v, "hooli VPN") {
		assert.Equal(t, "bgp", v.Routing, "hooli VPN routing")
		assert.Equal(t, 4200000040, *v.CustomerGateway.BgpAsn, "hooli VPN BGP ASN")
		assert.Equal(t, "tunnel2", v.Tunnels[1].PreSharedKeyJSONKey, "hooli VPN tunnel 2 key")
	}
	// An inbound customer, and the platform it reaches.
	if in := f.Customer("umbrella").InboundPrivateLink; assert.NotNil(t, in, "umbrella inbound section") {
		assert.Len(t, in.AvailabilityZones, 2, "umbrella inbound AZs")
		assert.Len(t, in.Hostnames, 2, "umbrella inbound hostnames")
	}
	if p := f.Vendor.InboundPrivateLink; assert.NotNil(t, p, "vendor inbound platform") {
		assert.NotEmpty(t, p.Regions["us-east-1"].ServiceName, "vendor inbound service name in us-east-1")
		assert.Equal(t, "*.platform.example.com", p.Regions["us-east-1"].PrivateDnsName, "vendor inbound private DNS name in us-east-1")
	}
}

// writeFleet lays out a fleet directory from file name to content.
func writeFleet(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
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
			require.Error(t, err, "fleet accepted")
			assertFSError(t, err, filepath.Join(dir, tc.path), tc.where, tc.msg)
		})
	}
}

// assertFSError checks that err holds a well-formed error for path.
func assertFSError(t *testing.T, err error, path, where, msg string) {
	t.Helper()
	errs, ok := err.(Errors)
	require.True(t, ok, "error is not Errors: %T %v", err, err)
	for _, e := range errs {
		if e.File == path && e.Path == where && strings.Contains(e.Msg, msg) {
			assert.True(t, wellFormed.MatchString(e.Msg) || strings.Contains(e.Msg, "fix the YAML syntax") || strings.Contains(e.Msg, "more than one YAML document") || strings.Contains(e.Msg, "the file is empty"),
				"message lacks \"(got <value>; <fix>)\": %s", e.Msg)
			return
		}
	}
	assert.Fail(t, fmt.Sprintf("no error for %s: %s containing %q", path, where, msg), "got:\n%v", err)
}
