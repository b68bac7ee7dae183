package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func todoPaths(st *Starter) []string {
	var out []string
	for _, t := range st.Todo {
		out = append(out, t.Path)
	}
	return out
}

// fillTodos replaces a starter's placeholders as the vendor would with what
// the customer sent.
func fillTodos(t *testing.T, path string, values map[string]string) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	text := string(data)
	for todo, v := range values {
		require.Contains(t, text, todo, "test setup")
		text = strings.ReplaceAll(text, todo, v)
	}
	require.NotContains(t, text, "TODO-", "a placeholder is left")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
}

// loadErrorPaths loads the fleet and returns the YAML paths of its errors,
// each of which must be in file.
func loadErrorPaths(t *testing.T, dir, file string) []string {
	t.Helper()
	_, err := Load(dir)
	require.Error(t, err, "an unfinished starter must not validate")
	errs, ok := err.(Errors)
	require.True(t, ok, "%T: %v", err, err)
	var paths []string
	for _, e := range errs {
		assert.Equal(t, file, e.File, "error outside the starter: %v", e)
		paths = append(paths, e.Path)
	}
	return paths
}

func starterFleet(t *testing.T) string {
	return writeFleet(t, map[string]string{"vendor.yaml": baseVendor, "customers/acme.yaml": baseAcme})
}

// A VPN customer with BGP: what the vendor knows is written, the rest is a
// TODO that fails validation until filled in; then the file validates.
func TestNewCustomerVpnBgp(t *testing.T) {
	dir := starterFleet(t)
	asn := 65010
	st, err := NewCustomer(dir, "wayne", "eu-west-1", StarterOptions{
		Modes: []string{"vpn"}, Routing: "bgp", GatewayIP: "198.51.100.60", BgpAsn: &asn, VpnPorts: []int{443, 5432},
	})
	require.NoError(t, err)
	want := []string{"account", "networks[0]", "vpn.remoteNetworks[0]"}
	assert.Equal(t, want, todoPaths(st))
	assert.Equal(t, map[string]string{ModeVpn: "10.64.1.0/24"}, st.VpcCidrs)
	assert.Equal(t, want, loadErrorPaths(t, dir, st.Path), "the errors are exactly the placeholders")

	data, _ := os.ReadFile(st.Path)
	for _, w := range []string{"routing: bgp", "bgpAsn: 65010", "ipAddress: 198.51.100.60", "ports: [443, 5432]",
		"availabilityZones: [euw1-az1, euw1-az2]", "# natGateways: single", "not the customer's AWS VPC"} {
		assert.Contains(t, strings.ToLower(string(data)), strings.ToLower(w))
	}
	assert.NotContains(t, string(data), "privateLink:\n", "only the vpn section is written")

	fillTodos(t, st.Path, map[string]string{
		"TODO-customer-account-id":      `"000011112222"`,
		"TODO-customer-network-cidr":    "10.40.0.0/16, 172.22.0.0/16",
		"TODO-network-reached-over-vpn": "10.40.0.0/16",
	})
	f, err := Load(dir)
	require.NoError(t, err, "the filled-in starter must validate")
	vpn := f.Customer("wayne").Vpn
	assert.Equal(t, "bgp", vpn.Routing)
	assert.Equal(t, 65010, *vpn.CustomerGateway.BgpAsn)
	assert.Equal(t, []string{"10.40.0.0/16"}, vpn.RemoteNetworks)
	assert.Equal(t, DefaultNatGateways, vpn.NatGateways)
}

// With nothing known but the mode, every VPN value is a placeholder; the
// routing placeholder takes static or bgp.
func TestNewCustomerVpnUnknown(t *testing.T) {
	dir := starterFleet(t)
	st, err := NewCustomer(dir, "wayne", "", StarterOptions{Modes: []string{"VPN"}})
	require.NoError(t, err)
	want := []string{"account", "networks[0]", "vpn.customerGateway.ipAddress", "vpn.customerGateway.bgpAsn",
		"vpn.routing", "vpn.remoteNetworks[0]", "vpn.ports"}
	assert.Equal(t, want, todoPaths(st))
	assert.ElementsMatch(t, want, dedupe(loadErrorPaths(t, dir, st.Path)))

	fillTodos(t, st.Path, map[string]string{
		"TODO-customer-account-id":      `"000011112222"`,
		"TODO-customer-network-cidr":    "10.40.0.0/16",
		"TODO-vpn-device-public-ip":     "198.51.100.61",
		"TODO-vpn-device-bgp-asn":       "4200000001",
		"TODO-bgp-or-static":            "bgp",
		"TODO-network-reached-over-vpn": "10.40.0.0/16",
		"ports: []":                     "ports: [1521]",
	})
	_, err = Load(dir)
	require.NoError(t, err)
}

// Static routing: the remote networks given start networks, and no ASN is asked for.
func TestNewCustomerVpnStatic(t *testing.T) {
	dir := starterFleet(t)
	st, err := NewCustomer(dir, "wayne", "", StarterOptions{
		Modes: []string{"vpn"}, Account: "000011112222", Routing: "static", GatewayIP: "203.0.113.9",
		RemoteNetworks: []string{"172.24.0.0/16", "172.25.8.0/22"}, VpnPorts: []int{1521},
	})
	require.NoError(t, err)
	assert.Empty(t, st.Todo)
	data, _ := os.ReadFile(st.Path)
	assert.NotContains(t, string(data), "bgpAsn")
	f, err := Load(dir)
	require.NoError(t, err)
	c := f.Customer("wayne")
	assert.Equal(t, []string{"172.24.0.0/16", "172.25.8.0/22"}, c.Networks)
	assert.Equal(t, c.Networks, c.Vpn.RemoteNetworks)
	assert.Equal(t, DefaultStaticCustomerAsn, *c.Vpn.CustomerGateway.BgpAsn)
}

// An inbound customer: its AZs are the placeholder, and the comment names
// the AZs the vendor's service is offered in.
func TestNewCustomerInbound(t *testing.T) {
	dir := starterFleet(t)
	st, err := NewCustomer(dir, "wayne", "us-east-1", StarterOptions{Modes: []string{"inbound"}, Account: "000011112222", Networks: []string{"10.30.0.0/16"}})
	require.NoError(t, err)
	want := []string{"inboundPrivateLink.availabilityZones[0]", "inboundPrivateLink.availabilityZones[1]"}
	assert.Equal(t, want, todoPaths(st))
	assert.Equal(t, want, dedupe(loadErrorPaths(t, dir, st.Path)))
	assert.Empty(t, st.VpcCidrs, "an inbound customer has no vendor VPC")
	data, _ := os.ReadFile(st.Path)
	assert.Contains(t, string(data), "in us-east-1 is offered in: use1-az1, use1-az2, use1-az4")

	fillTodos(t, st.Path, map[string]string{"TODO-az-id-1": "use1-az1", "TODO-az-id-2": "use1-az4"})
	f, err := Load(dir)
	require.NoError(t, err)
	assert.Equal(t, []string{"10.30.0.0/16"}, f.Customer("wayne").InboundClientCidrs())
}

// Every mode at once: two vendor blocks, apart from each other and the fleet.
func TestNewCustomerEveryMode(t *testing.T) {
	dir := starterFleet(t)
	asn := 65010
	st, err := NewCustomer(dir, "wayne", "us-east-1", StarterOptions{
		Modes: []string{"privatelink", "vpn", "inbound"}, Account: "000011112222", Networks: []string{"10.40.0.0/16", "10.50.0.0/16"},
		AvailabilityZones: []string{"use1-az1", "use1-az2"}, Target: "rds", RdsBy: "dbCluster", RdsRole: "reader", Ports: []int{5432},
		Routing: "bgp", GatewayIP: "198.51.100.60", BgpAsn: &asn, RemoteNetworks: []string{"10.40.0.0/16"}, VpnPorts: []int{443},
	})
	require.NoError(t, err)
	assert.Empty(t, st.Todo)
	assert.Equal(t, map[string]string{ModePrivateLink: "10.64.1.0/24", ModeVpn: "10.64.2.0/24"}, st.VpcCidrs)
	data, _ := os.ReadFile(st.Path)
	for _, w := range []string{"by: dbCluster", "role: reader", "For Aurora use dbCluster", "writer (the writer instance"} {
		assert.Contains(t, string(data), w)
	}
	assert.NotContains(t, string(data), "Other sections")
	f, err := Load(dir)
	require.NoError(t, err)
	c := f.Customer("wayne")
	require.NotNil(t, c.PrivateLink)
	require.NotNil(t, c.Vpn)
	require.NotNil(t, c.InboundPrivateLink)
	s := c.PrivateLink.Services[0]
	assert.Empty(t, s.ServiceName, "pending until the customer sends it")
	assert.Equal(t, RdsTarget{By: "dbCluster", Role: "reader"}, *s.Producer.Rds)
}

// The PrivateLink starter, once the customer's values replace its TODOs, validates.
func TestNewCustomerPrivateLinkFilled(t *testing.T) {
	dir := starterFleet(t)
	st, err := NewCustomer(dir, "wayne", "", StarterOptions{})
	require.NoError(t, err)
	fillTodos(t, st.Path, map[string]string{
		"TODO-customer-account-id":   `"000011112222"`,
		"TODO-customer-network-cidr": "10.40.0.0/16",
		"TODO-az-id-1":               "use1-az1",
		"TODO-az-id-2":               "use1-az2",
		"TODO-endpoint-service-name": "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0",
		"ports: []":                  "ports: [5432]",
	})
	f, err := Load(dir)
	require.NoError(t, err)
	assert.Equal(t, []int{5432}, f.Customer("wayne").PrivateLink.Services[0].Ports)
}

// An rds target without a lookup gets the default, hostname, with the choice explained.
func TestNewCustomerRdsDefaultLookup(t *testing.T) {
	dir := starterFleet(t)
	st, err := NewCustomer(dir, "wayne", "", StarterOptions{Target: "rds"})
	require.NoError(t, err)
	data, _ := os.ReadFile(st.Path)
	assert.Contains(t, string(data), "by: hostname")
	assert.Contains(t, string(data), "For Aurora use dbCluster")
	assert.NotContains(t, todoPaths(st), "privateLink.services[0].serviceName", "a service with a producer is pending, not missing")
}

// A service in producer mode resourceGateway: pending until the customer
// sends its resource configuration ARN, with no registrar.
func TestNewCustomerResourceGateway(t *testing.T) {
	dir := starterFleet(t)
	st, err := NewCustomer(dir, "wayne", "", StarterOptions{
		Account: "000011112222", Networks: []string{"10.40.0.0/16"}, AvailabilityZones: []string{"use1-az1", "use1-az2"},
		Target: "rds", ProducerMode: ModeResourceGateway, RdsBy: "dbCluster", Ports: []int{5432},
	})
	require.NoError(t, err)
	assert.Empty(t, st.Todo)
	data, _ := os.ReadFile(st.Path)
	for _, w := range []string{"mode: resourceGateway", "by: dbCluster", "# resourceConfigurationArn (and accept the AWS RAM share"} {
		assert.Contains(t, string(data), w)
	}
	assert.NotContains(t, string(data), "registrar")
	f, err := Load(dir)
	require.NoError(t, err)
	s := f.Customer("wayne").PrivateLink.Services[0]
	assert.True(t, s.Pending(), "pending until the customer sends the ARN")
	assert.True(t, s.ViaResourceGateway())
	assert.Equal(t, RdsTarget{By: "dbCluster"}, *s.Producer.Rds)
	assert.Nil(t, s.Producer.Registrar)
}

// Every value given is checked before anything is written.
func TestNewCustomerModesRefuseAndWriteNothing(t *testing.T) {
	asn := func(n int) *int { return &n }
	cases := map[string]struct {
		region string
		opts   StarterOptions
		msg    string
	}{
		"unknown mode":                  {"", StarterOptions{Modes: []string{"directconnect"}}, `modes "directconnect": unknown mode`},
		"vpn option without vpn":        {"", StarterOptions{GatewayIP: "198.51.100.60"}, `gateway-ip "198.51.100.60": is for the vpn section, which modes leaves out (add vpn to modes`},
		"privatelink option without it": {"", StarterOptions{Modes: []string{"vpn"}, Ports: []int{5432}}, "ports [5432]: is for the privateLink section"},
		"rds-by without rds":            {"", StarterOptions{Target: "ip", RdsBy: "dbCluster"}, "rds-by"},
		"rds-role without dbCluster":    {"", StarterOptions{Target: "rds", RdsRole: "reader"}, `rds-role "reader": applies to rds-by dbCluster only`},
		"unknown rds lookup":            {"", StarterOptions{Target: "rds", RdsBy: "endpoint"}, "producer.rds.by: unknown way to find the database"},
		"producer mode without target":  {"", StarterOptions{ProducerMode: ModeResourceGateway}, `producer-mode "resourceGateway": is the mode of a producer section, which target adds`},
		"unknown producer mode":         {"", StarterOptions{Target: "rds", ProducerMode: "lattice"}, "producer.mode: unknown producer mode"},
		"resource gateway for ip":       {"", StarterOptions{Target: "ip", ProducerMode: ModeResourceGateway}, "producer.target: producer.mode: resourceGateway shares an RDS database"},
		"role with a resource gateway":  {"", StarterOptions{Target: "rds", ProducerMode: ModeResourceGateway, RdsBy: "dbCluster", RdsRole: "reader"}, "producer.rds.role: with producer.mode: resourceGateway"},
		"private gateway IP":            {"", StarterOptions{Modes: []string{"vpn"}, GatewayIP: "10.1.2.3"}, "vpn.customerGateway.ipAddress: AWS reaches the customer's VPN device over the internet"},
		"gateway IP of another":         {"", StarterOptions{Modes: []string{"vpn"}, GatewayIP: "198.51.100.7"}, "vpn.customerGateway.ipAddress"},
		"reserved ASN":                  {"", StarterOptions{Modes: []string{"vpn"}, BgpAsn: asn(7224)}, "vpn.customerGateway.bgpAsn: AWS reserves this ASN"},
		"ASN of the gateway":            {"", StarterOptions{Modes: []string{"vpn"}, BgpAsn: asn(64512)}, "equals the customer gateway's ASN"},
		"unknown routing":               {"", StarterOptions{Modes: []string{"vpn"}, Routing: "ospf"}, "vpn.routing: unknown routing"},
		"public remote network":         {"", StarterOptions{Modes: []string{"vpn"}, RemoteNetworks: []string{"8.8.8.0/24"}}, "vpn.remoteNetworks[0]: public address space"},
		"remote network outside":        {"", StarterOptions{Modes: []string{"vpn"}, Networks: []string{"10.0.0.0/16"}, RemoteNetworks: []string{"10.9.0.0/16"}}, "vpn.remoteNetworks[0]: not inside any of the customer's networks"},
		"network overlapping the pool":  {"", StarterOptions{Networks: []string{"10.64.0.0/12"}}, "privateLink.vpcCidr: overlaps the customer's own network"},
		"bad VPN port":                  {"", StarterOptions{Modes: []string{"vpn"}, VpnPorts: []int{0}}, "vpn.ports[0]: not a TCP port"},
		"service name of another":       {"", StarterOptions{ServiceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f60718"}, "customer acme"},
		"inbound AZ not offered":        {"eu-west-1", StarterOptions{Modes: []string{"inbound"}, AvailabilityZones: []string{"euw1-az1", "euw1-az3"}}, "is not offered in euw1-az3"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			dir := writeFleet(t, map[string]string{"vendor.yaml": baseVendor, "customers/acme.yaml": baseAcme, "customers/beta.yaml": baseBeta})
			_, err := NewCustomer(dir, "wayne", tc.region, tc.opts)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.msg)
			_, statErr := os.Stat(filepath.Join(dir, "customers", "wayne.yaml"))
			assert.True(t, os.IsNotExist(statErr), "a refused starter wrote its file")
		})
	}
}

// The stand-ins that check given values against the fleet clash with
// nothing there themselves: a starter with every value unknown is written
// even when the fleet holds the first candidates.
func TestNewCustomerStandInsAvoidTheFleet(t *testing.T) {
	beta := replace(t, baseBeta, "ipAddress: 198.51.100.7", "ipAddress: 192.0.2.1")
	beta = replace(t, beta, `account: "777788889999"`, `account: "000000000001"`)
	beta = replace(t, beta, "privateLink:", "inboundPrivateLink:\n  availabilityZones: [euw1-az1, euw1-az2]\nprivateLink:")
	vendor := replace(t, baseVendor, "vpcCidrPools: [10.64.0.0/12]", "vpcCidrPools: [10.64.0.0/12, 192.168.255.0/24]")
	dir := writeFleet(t, map[string]string{"vendor.yaml": vendor, "customers/acme.yaml": baseAcme, "customers/beta.yaml": beta})
	// Named to sort first: a clash would be reported against beta's file.
	st, err := NewCustomer(dir, "aaron", "eu-west-1", StarterOptions{Modes: []string{"privatelink", "vpn", "inbound"}})
	require.NoError(t, err)
	assert.Contains(t, todoPaths(st), "vpn.customerGateway.ipAddress")
}

func dedupe(xs []string) []string {
	var out []string
	for _, x := range xs {
		if len(out) == 0 || out[len(out)-1] != x {
			out = append(out, x)
		}
	}
	return out
}
