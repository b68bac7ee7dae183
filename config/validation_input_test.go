package config

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The classes of bad input of issue 12: values that land in AWS names, stack
// limits, cross-customer sharing, facts from AWS, the internet on the
// inbound endpoint, sections written empty. Each case is a whole fleet that
// must fail with the file, path and message given.
func TestValidationErrorsInput(t *testing.T) {
	const acmeServices = "      ports: [5432]\n"
	addService := func(yaml string) edit { return edit{"acme", acmeServices, acmeServices + yaml} }
	vendorName := func(name string) []edit {
		return []edit{{"vendor", "name: Example Integrations", "name: " + name}}
	}
	display := func(name string) []edit {
		return []edit{{"acme", "name: acme\n", "name: acme\ndisplayName: " + name + "\n"}}
	}
	runValidationCases(t, []validationCase{
		// Names: the vendor's name lands in tags, security group descriptions and a stack name.
		{"vendor name with an ampersand", vendorName("Example & Integrations"), vendorFile, "name", "ASCII letter first"},
		{"vendor name with a comma", vendorName(`"Example Integrations, Inc"`), vendorFile, "name", "ASCII letter first"},
		{"vendor name with a leading digit", vendorName("3M Integrations"), vendorFile, "name", "ASCII letter first"},
		{"vendor name with accents", vendorName("Société Générale"), vendorFile, "name", "ASCII letter first"},
		{"vendor name in another script", vendorName("株式会社サンプル"), vendorFile, "name", "ASCII letter first"},
		{"vendor name with a bidi override", vendorName("\"Example\u202eInc\""), vendorFile, "name", "ASCII letter first"},
		{"vendor name with a trailing space", vendorName(`"Example "`), vendorFile, "name", "single spaces"},
		{"vendor name too long", vendorName(strings.Repeat("x", 65)), vendorFile, "name", "longer than 64 characters"},
		// Names: display names land in descriptions and the guides' titles.
		{"display name with a bidi override", display("\"Acme\u202eCorp\""), acmeFile, "displayName", "bidi control"},
		{"display name with a zero-width space", display("\"Ac\u200bme\""), acmeFile, "displayName", "invisible formatting character (U+200B)"},
		{"display name with a control character", display(`"Acme\a"`), acmeFile, "displayName", "a control character"},
		{"display name with a line separator", display("\"Acme\u2028Corp\""), acmeFile, "displayName", "a control character or a line break"},
		{"display name with a no-break space", display("\"Acme\u00a0Corp\""), acmeFile, "displayName", "a space other than the plain space"},
		{"display name with markup", display(`"<b>Acme</b>"`), acmeFile, "displayName", "read as markup"},
		{"display name with a private-use character", display("\"Acme\ue000\""), acmeFile, "displayName", "private-use or unassigned"},
		{"display name with a leading space", display(`" Acme"`), acmeFile, "displayName", "starts or ends with a space"},
		// Names: service labels become logical IDs without their hyphens.
		{"labels that differ in hyphens", []edit{addService("    - name: a-1\n      serviceName: com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d\n      ports: [80]\n    - name: a1\n      serviceName: com.amazonaws.vpce.us-east-1.vpce-svc-1a1b2c3d\n      ports: [81]\n")},
			acmeFile, "privateLink.services[2].name", `privateLink.services[1].name ("a-1") and this one would both become the logical ID A1EndpointId`},
		{"label whose IDs take another's", []edit{addService("    - name: db-endpoint\n      serviceName: com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d\n      ports: [80]\n")},
			acmeFile, "privateLink.services[1].name", "DbEndpointDnsName"},
		{"label that takes a fixed parameter", []edit{{"acme", "- name: db", "- name: vpc-id"}, {"acme", "ports: [5432]", "ports: [5432]\n      producer: {target: ip}"}},
			acmeFile, "privateLink.services[0].name", "would become the logical ID VpcId of the stack acme-Producer, which the stack already uses"},
		{"label that takes a condition", []edit{{"acme", "- name: db", "- name: has-alarm-topic"}, {"acme", "ports: [5432]", "ports: [5432]\n      producer: {target: rds}"}},
			acmeFile, "privateLink.services[0].name", "logical ID HasAlarmTopic"},
		{"producer labels that collide", []edit{{"acme", acmeServices, acmeServices + "      producer: {target: ip}\n    - name: db-service-name\n      ports: [80]\n      producer: {target: ip}\n"}},
			acmeFile, "privateLink.services[1].name", "logical ID DbServiceName"},
		{"network listed twice", []edit{{"acme", "[10.0.0.0/16]", "[10.0.0.0/16, 10.0.0.0/16]"}}, acmeFile, "networks[1]", "network listed twice"},
		{"network of every address", []edit{{"acme", "[10.0.0.0/16]", "[0.0.0.0/0]"}}, acmeFile, "networks[0]", "every address"},
		// Limits, estimated before synth.
		{"too many outputs", []edit{addService(manyServices(40, "", 1))}, acmeFile, "privateLink", "acme-PrivateLink would exceed the 200 outputs in a template"},
		{"too many parameters", []edit{addService(manyServices(10, "      producer: {target: ip, count: 20}\n", 1))}, acmeFile, "privateLink.services", "acme-Producer would exceed the 200 parameters in a template"},
		{"too many resources", []edit{addService(pending(32, "rds", 1))}, acmeFile, "privateLink.services", "acme-Producer would exceed the 500 resources in a template"},
		// Without its own security group a load balancer may have more than 15 ports (see TestLoadBalancerGroupRuleQuota).
		{"registrar environment too large", []edit{addService("    - name: big\n      ports: [" + portRange(6000, 26) + "]\n      producer: {target: rds, loadBalancerSecurityGroup: false}\n")},
			acmeFile, "privateLink.services[1].ports", "exceed the 4096 bytes of Lambda environment variables"},
		{"security group description too long", []edit{addService("    - name: wide\n      serviceName: com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d\n      ports: [" + portRange(10000, 40) + "]\n")},
			acmeFile, "privateLink.services[1].ports", "exceed the 255 characters of security group description"},
		{"inbound template too large to pass inline", []edit{{"vendor", "hostnames: [api.platform.example.com, hub.platform.example.com]", "hostnames: [" + hostnames(70) + "]"}, {"acme", "privateLink:\n", acmeInbound + "privateLink:\n"}},
			acmeFile, "inboundPrivateLink", "acme-Inbound would exceed the 51200 bytes of template body (passed inline)"},
		{"shared inbound stack's principal list too long for SSM", []edit{{"acme", "privateLink:\n", acmeInbound + "  accounts: [" + accounts(140) + "]\nprivateLink:\n"}},
			vendorFile, "inboundPrivateLink.regions.us-east-1", "exceed the 4096 bytes of SSM parameter value"},
		// Cross-customer: what reaches one customer is not in another's file.
		{"two customers, one endpoint service", []edit{{"beta", "com.amazonaws.vpce.eu-west-1.vpce-svc-0123abcd", "com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f60718"}, {"beta", "      ports: [443]\n", "      serviceRegion: us-east-1\n      ports: [443]\n"}},
			betaFile, "privateLink.services[0].serviceName", "customer acme (" + acmeFile + ", privateLink.services[0].serviceName) has the same endpoint service"},
		{"two customers, one gateway IP", []edit{{"acme", "privateLink:\n", "vpn:\n  vpcCidr: 10.64.8.0/24\n  availabilityZones: [use1-az1, use1-az2]\n  customerGateway: {ipAddress: 198.51.100.7}\n  routing: static\n  remoteNetworks: [10.0.0.0/16]\n  ports: [443]\nprivateLink:\n"}},
			betaFile, "vpn.customerGateway.ipAddress", "customer acme (" + acmeFile + ", vpn.customerGateway.ipAddress) has the same customer gateway IP address"},
		{"two customers, one key secret", []edit{{"acme", "privateLink:\n", "vpn:\n  vpcCidr: 10.64.8.0/24\n  availabilityZones: [use1-az1, use1-az2]\n  customerGateway: {ipAddress: 198.51.100.8}\n  routing: static\n  remoteNetworks: [10.0.0.0/16]\n  ports: [443]\n  tunnels:\n    - preSharedKeySecret: shared/psk\nprivateLink:\n"},
			{"beta", "    - insideCidr: 169.254.10.0/30\n", "    - insideCidr: 169.254.10.0/30\n      preSharedKeySecret: arn:aws:secretsmanager:eu-west-1:111122223333:secret:shared/psk-AbCdEf\n"}},
			betaFile, "vpn.tunnels[0].preSharedKeySecret", "has the same pre-shared key secret"},
		// Facts from AWS: tables, not prefixes.
		{"AZ ID the region does not have", []edit{{"acme", "[use1-az1, use1-az2]", "[use1-az1, use1-az9]"}}, acmeFile, "privateLink.availabilityZones[1]", "us-east-1 has no AZ with this ID"},
		{"AZ ID closed to new accounts", []edit{{"vendor", "regions: [us-east-1, eu-west-1]", "regions: [us-east-1, eu-west-1, us-west-1]"}, {"vendor", "alarmTopicArns:\n", "alarmTopicArns:\n  us-west-1: arn:aws:sns:us-west-1:111122223333:alarms\n"},
			{"acme", "region: us-east-1", "region: us-west-1"}, {"acme", "[use1-az1, use1-az2]", "[usw1-az1, usw1-az2]"}, {"acme", "vpce.us-east-1.", "vpce.us-west-1."}}, acmeFile, "privateLink.availabilityZones[1]", "us-west-1 has no AZ with this ID"},
		{"pending service in an unknown region", []edit{{"acme", "      serviceName: com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f60718\n      ports: [5432]", "      serviceRegion: us-north-9\n      ports: [5432]\n      producer: {target: ip}"}},
			acmeFile, "privateLink.services[0].serviceRegion", "unknown AWS region"},
		{"inbound region unknown", []edit{{"acme", "privateLink:\n", acmeInbound + "  region: eu-east-5\n  crossRegion: true\nprivateLink:\n"}}, acmeFile, "inboundPrivateLink.region", "unknown AWS region"},
		{"principal role name too long", []edit{{"vendor", "arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:role/" + strings.Repeat("r", 65)}}, vendorFile, "principalArn", "not a role name IAM accepts"},
		{"principal role path with an empty segment", []edit{{"vendor", "arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:role/ops//connector"}}, vendorFile, "principalArn", "not a role path IAM accepts"},
		{"principal a user", []edit{{"vendor", "arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:user/alice"}}, vendorFile, "principalArn", "not an account root or a role"},
		// The inbound endpoint admits private networks only, unless told so loudly.
		{"inbound client network public", []edit{{"acme", "privateLink:\n", acmeInbound + "  clientCidrs: [10.0.0.0/16, 8.8.8.0/24]\nprivateLink:\n"}}, acmeFile, "inboundPrivateLink.clientCidrs[1]", "public address space"},
		{"inbound client network partly public", []edit{{"acme", "privateLink:\n", acmeInbound + "  clientCidrs: [10.0.0.0/7]\nprivateLink:\n"}}, acmeFile, "inboundPrivateLink.clientCidrs[0]", "public address space"},
		{"inbound default from a public network", []edit{{"acme", "[10.0.0.0/16]", "[10.0.0.0/16, 203.0.113.0/24]"}, {"acme", "privateLink:\n", acmeInbound + "privateLink:\n"}},
			acmeFile, "inboundPrivateLink.clientCidrs", "defaults to networks, and networks[1] is public address space"},
		{"inbound public opt-in unused", []edit{{"acme", "privateLink:\n", acmeInbound + "  insecureAllowPublicClientCidrs: true\nprivateLink:\n"}}, acmeFile, "inboundPrivateLink.insecureAllowPublicClientCidrs", "every client network is private"},
		// A section written but empty is an error, not a section left out.
		{"section with every line commented out", []edit{{"beta", "privateLink:\n  vpcCidr: 10.64.1.0/24\n  availabilityZones: [euw1-az1, euw1-az2]\n  services:\n    - name: api\n      serviceName: com.amazonaws.vpce.eu-west-1.vpce-svc-0123abcd\n      ports: [443]\n",
			"privateLink:\n#  vpcCidr: 10.64.1.0/24\n#  availabilityZones: [euw1-az1, euw1-az2]\n#  services:\n#    - name: api\n"}},
			betaFile, "privateLink", "the section is empty"},
		{"empty vpn section", []edit{{"beta", baseBetaVpn, "vpn:\n"}}, betaFile, "vpn", "the section is empty"},
		{"empty nested section", []edit{{"beta", "  routing: static", "  tunnelLogs:\n  routing: static"}}, betaFile, "vpn.tunnelLogs", "the section is empty"},
		{"empty required section", []edit{{"beta", "  customerGateway:\n    ipAddress: 198.51.100.7\n", "  customerGateway:\n"}}, betaFile, "vpn.customerGateway", "the section is empty"},
		{"empty list item", []edit{{"acme", "  services:\n", "  services:\n    -\n"}}, acmeFile, "privateLink.services[0]", "an empty list item"},
		{"empty vendor section", []edit{{"vendor", baseVendorInbound, "inboundPrivateLink:\n"}}, vendorFile, "inboundPrivateLink", "the section is empty"},
		{"empty region entry", []edit{{"vendor", "    eu-west-1:\n      nlbArn: arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/net/platform/1b2c3d4e5f607182\n      availabilityZones: [euw1-az1, euw1-az2]\n", "    eu-west-1:\n"}},
			vendorFile, "inboundPrivateLink.regions.eu-west-1", "the section is empty"},
		{"required value written empty", []edit{{"vendor", `account: "111122223333"`, `account: ""`}}, vendorFile, "account", "a required value is empty"},
		{"required customer value written empty", []edit{{"acme", "region: us-east-1", `region: ""`}}, acmeFile, "region", "a required value is empty"},
		{"tag value empty", []edit{{"acme", "Tier: gold", `Tier: ""`}}, acmeFile, "tags.Tier", "a tag value must not be empty"},
		// The file to fix: the vendor's tags are the vendor's.
		{"vendor tags alone too many", []edit{{"vendor", "tags:\n  Owner: platform\n", "tags:\n" + tags(46)}}, vendorFile, "tags", "more than 45 tags"},
	})
}

func manyServices(n int, producer string, ports int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "    - name: s%d\n      serviceName: com.amazonaws.vpce.us-east-1.vpce-svc-%08x\n      ports: [%s]\n%s", i, 0x10000000+i, portRange(1000+i*ports, ports), producer)
	}
	return b.String()
}

func pending(n int, target string, ports int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "    - name: p%d\n      ports: [%s]\n      producer: {target: %s}\n", i, portRange(2000+i*ports, ports), target)
	}
	return b.String()
}

func hostnames(n int) string {
	s := make([]string, n)
	for i := range s {
		s[i] = fmt.Sprintf("host-%d.platform.example.com", i)
	}
	return strings.Join(s, ", ")
}

func accounts(n int) string {
	s := make([]string, n)
	for i := range s {
		s[i] = fmt.Sprintf("%q", fmt.Sprintf("5%011d", i))
	}
	return strings.Join(s, ", ")
}

func tags(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  Tag%d: value\n", i)
	}
	return b.String()
}

// A customer cannot take a name the shared stacks use.
func TestReservedCustomerName(t *testing.T) {
	const file = "fleet/customers/inbound.yaml"
	_, err := build("fleet", source{vendorFile, []byte(baseVendor)}, []source{{file, []byte(strings.Replace(baseAcme, "name: acme", "name: inbound", 1))}})
	assertOneError(t, err, file, "name", "reserved: /privateconnect/inbound/")
}

// Names that every place they land in accepts are accepted.
func TestNamesAcceptedWhereTheyLand(t *testing.T) {
	for _, name := range []string{"Société Générale & Cie, S.A.", "株式会社サンプル", "3M España", "O'Brien (EU) + Partners: 2026"} {
		f := baseFleet()
		f.acme = replace(t, f.acme, "name: acme\n", fmt.Sprintf("name: acme\ndisplayName: %q\n", name))
		f.vendor = replace(t, f.vendor, "name: Example Integrations", "name: Example-Integrations 2.0 @EU")
		// Labels that only share a prefix give distinct IDs.
		f.acme = replace(t, f.acme, "      ports: [5432]\n", "      ports: [5432]\n    - name: db-replica\n      serviceName: com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d\n      ports: [5433]\n")
		_, err := f.build()
		assert.NoError(t, err, "displayName %q refused", name)
	}
}

// A problem of vendor.yaml is reported once, against vendor.yaml, however
// many customers it touches.
func TestVendorProblemsReportedOnce(t *testing.T) {
	f := baseFleet()
	f.acme = replace(t, f.acme, "tags:\n  Tier: gold\n", "")
	// 45 tags as long as AWS allows, of 4-byte letters: on every resource of
	// every vendor stack, they alone push each over CloudFormation's 1 MB.
	var b strings.Builder
	for i := 0; i < 45; i++ {
		fmt.Fprintf(&b, "  %s%03d: %s\n", strings.Repeat("\U0001D538", 125), i, strings.Repeat("\U0001D539", 256))
	}
	f.vendor = replace(t, f.vendor, "tags:\n  Owner: platform\n", "tags:\n"+b.String())
	_, err := f.build()
	errs, _ := err.(Errors)
	require.Len(t, errs, 1, "want one error against %s: tags, got:\n%v", vendorFile, err)
	assert.Equal(t, vendorFile, errs[0].File)
	assert.Equal(t, "tags", errs[0].Path)
	assert.Contains(t, errs[0].Msg, "they alone would make a customer's stack exceed")
}

// A file that does not parse hides none of the other files' problems; one
// that parses is checked in full past its unknown keys and wrong types.
func TestOneBrokenFileHidesNothingElse(t *testing.T) {
	f := baseFleet()
	f.vendor = replace(t, f.vendor, "regions: [us-east-1, eu-west-1]", "regions: [us-east-1, eu-west-1")
	f.acme = replace(t, f.acme, "region: us-east-1", "regoin: us-east-1")       // unknown key (and region missing)
	f.acme = replace(t, f.acme, "[use1-az1, use1-az2]", "[use1-az1, use1-az9]") // and a problem of its own
	f.beta = replace(t, f.beta, "169.254.11.0/30", "169.254.5.0/30")            // another file's problem
	_, err := f.build()
	errs, ok := err.(Errors)
	require.True(t, ok, "error is not Errors: %T %v", err, err)
	var got []string
	for _, e := range errs {
		got = append(got, e.File+" "+e.Path)
	}
	want := []string{
		acmeFile + " region",
		acmeFile + " regoin",
		acmeFile + " privateLink.availabilityZones[1]",
		betaFile + " vpn.tunnels[1].insideCidr",
		vendorFile + " (document)",
	}
	assert.Equal(t, want, got, "full:\n%v", err)
}

// A file that is not YAML config (a key, an env file saved in the wrong
// place) is never repeated in an error: CI logs are read by many.
func TestUnparsableFileNotEchoed(t *testing.T) {
	for _, content := range []string{
		"-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAsecretsecretsecret\n-----END RSA PRIVATE KEY-----\n",
		"AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIsecretsecretsecretEXAMPLEKEY\n",
		"password = \"hunter2secretsecret\" [oops\n",
		"- token: ghp_secretsecretsecretsecret\n",
	} {
		_, err := build("fleet", source{vendorFile, []byte(baseVendor)}, []source{{acmeFile, []byte(content)}})
		if assert.Error(t, err, "content accepted") {
			assert.NotContains(t, err.Error(), "secretsecret", "content echoed")
		}
	}
}

func assertOneError(t *testing.T, err error, file, path, msg string) {
	t.Helper()
	errs, _ := err.(Errors)
	require.Len(t, errs, 1, "want one error %s: %s: ...%s..., got:\n%v", file, path, msg, err)
	assert.Equal(t, file, errs[0].File)
	assert.Equal(t, path, errs[0].Path)
	assert.Contains(t, errs[0].Msg, msg)
	assert.Regexp(t, wellFormed, errs[0].Msg, "an error says what was given and how to fix it")
}
