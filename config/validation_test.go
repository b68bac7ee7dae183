package config

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A small valid fleet the cases below break one edit at a time.
const (
	vendorFile = "fleet/vendor.yaml"
	acmeFile   = "fleet/customers/acme.yaml"
	betaFile   = "fleet/customers/beta.yaml"
)

const baseVendor = `apiVersion: privateconnect/v1
kind: Vendor
name: Example Integrations
account: "111122223333"
principalArn: arn:aws:iam::111122223333:root
regions: [us-east-1, eu-west-1]
vpcCidrPools: [10.64.0.0/12]
vpcPrefixLength: 24
internalDomain: connect.internal.example.com
alarmTopicArns:
  us-east-1: arn:aws:sns:us-east-1:111122223333:alarms
  eu-west-1: arn:aws:sns:eu-west-1:111122223333:alarms
logRetentionDays: 365
tags:
  Owner: platform
` + baseVendorInbound

// baseVendorInbound is the platform inbound customers reach: a service in
// us-east-1 (with a private DNS name, deployed) and one in eu-west-1.
const baseVendorInbound = `inboundPrivateLink:
  domains: [platform.example.com]
  hostnames: [api.platform.example.com, hub.platform.example.com]
  regions:
    us-east-1:
      nlbArn: arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/platform/0a1b2c3d4e5f6071
      availabilityZones: [use1-az1, use1-az2, use1-az4]
      privateDnsName: "*.platform.example.com"
      serviceName: com.amazonaws.vpce.us-east-1.vpce-svc-0f1e2d3c4b5a69788
    eu-west-1:
      nlbArn: arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/net/platform/1b2c3d4e5f607182
      availabilityZones: [euw1-az1, euw1-az2]
`

// acmeInbound gives acme an inbound section: inserted before its privateLink.
const acmeInbound = "inboundPrivateLink:\n  availabilityZones: [use1-az1, use1-az2]\n"

const baseAcme = `apiVersion: privateconnect/v1
kind: Customer
name: acme
account: "444455556666"
region: us-east-1
networks: [10.0.0.0/16]
tags:
  Tier: gold
privateLink:
  vpcCidr: 10.64.0.0/24
  availabilityZones: [use1-az1, use1-az2]
  services:
    - name: db
      serviceName: com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f60718
      ports: [5432]
`

const baseBeta = `apiVersion: privateconnect/v1
kind: Customer
name: beta
account: "777788889999"
region: eu-west-1
networks: [172.16.0.0/16]
privateLink:
  vpcCidr: 10.64.1.0/24
  availabilityZones: [euw1-az1, euw1-az2]
  services:
    - name: api
      serviceName: com.amazonaws.vpce.eu-west-1.vpce-svc-0123abcd
      ports: [443]
` + baseBetaVpn

// baseBetaVpn is beta's VPN section: static routing, two tunnels with inside CIDRs.
const baseBetaVpn = `vpn:
  vpcCidr: 10.64.4.0/24
  availabilityZones: [euw1-az2, euw1-az3]
  customerGateway:
    ipAddress: 198.51.100.7
  routing: static
  remoteNetworks: [172.16.0.0/16]
  ports: [443, 8443]
  tunnels:
    - insideCidr: 169.254.10.0/30
    - insideCidr: 169.254.11.0/30
`

type testFleet struct{ vendor, acme, beta string }

func baseFleet() testFleet { return testFleet{baseVendor, baseAcme, baseBeta} }

func (f testFleet) build() (*Fleet, error) {
	return build("fleet", source{vendorFile, []byte(f.vendor)},
		[]source{{acmeFile, []byte(f.acme)}, {betaFile, []byte(f.beta)}})
}

// replace edits one file of the fleet; the old text must be there, so a case
// cannot silently stop testing anything when the base files change.
func replace(t *testing.T, text, old, new string) string {
	t.Helper()
	require.Contains(t, text, old, "test setup: the text is not in the base file")
	return strings.Replace(text, old, new, 1)
}

func TestBaseFleetIsValid(t *testing.T) {
	f, err := baseFleet().build()
	require.NoError(t, err, "base fleet")
	var names []string
	for _, c := range f.Customers {
		names = append(names, c.Name)
	}
	assert.Equal(t, []string{"acme", "beta"}, names, "customers in name order")
}

// Every message names what is wrong, the value found and how to fix it.
var wellFormed = regexp.MustCompile(`^.+ \(got .+; .+\)$`)

// edit replaces old by new in one file of the base fleet (vendor, acme, beta).
type edit struct{ file, old, new string }

// validationCase is a bad fleet, made by editing the base one, and the error
// it must give.
type validationCase struct {
	name  string
	edits []edit
	file  string // file the error must name
	path  string // YAML path the error must name
	msg   string // part of the message
}

func TestValidationErrors(t *testing.T) {
	runValidationCases(t, []validationCase{
		// Decoding.
		{"unknown key with suggestion", []edit{{"acme", "region:", "regoin:"}}, acmeFile, "regoin", `did you mean "region"?`},
		{"unknown nested key", []edit{{"acme", "      ports:", "      port:"}}, acmeFile, "privateLink.services[0].port", `did you mean "ports"?`},
		{"duplicate key", []edit{{"acme", "region: us-east-1\n", "region: us-east-1\nregion: eu-west-1\n"}}, acmeFile, "region", "duplicate key"},
		{"duplicate map key", []edit{{"vendor", "  Owner: platform\n", "  Owner: platform\n  Owner: other\n"}}, vendorFile, "tags.Owner", "duplicate key"},
		{"missing required key", []edit{{"acme", "account: \"444455556666\"\n", ""}}, acmeFile, "account", "required key is missing"},
		{"missing nested key", []edit{{"acme", "  vpcCidr: 10.64.0.0/24\n", ""}}, acmeFile, "privateLink.vpcCidr", "required key is missing"},
		{"port not a number", []edit{{"acme", "[5432]", "[postgres]"}}, acmeFile, "privateLink.services[0].ports[0]", "expected a whole number"},
		{"list where a string belongs", []edit{{"acme", "region: us-east-1", "region: [us-east-1]"}}, acmeFile, "region", "expected a single value"},
		{"string where a list belongs", []edit{{"vendor", "regions: [us-east-1, eu-west-1]", "regions: us-east-1"}}, vendorFile, "regions", "expected a list"},
		{"quoted boolean", []edit{{"acme", "  vpcCidr:", "  singleAz: \"yes\"\n  vpcCidr:"}}, acmeFile, "privateLink.singleAz", "expected true or false"},
		{"anchor", []edit{{"acme", "tags:\n  Tier: gold", "tags: &t\n  Tier: gold"}}, acmeFile, "tags", "anchors and aliases"},
		// Header.
		{"wrong apiVersion", []edit{{"acme", "privateconnect/v1", "privateconnect/v2"}}, acmeFile, "apiVersion", "unsupported apiVersion"},
		{"wrong kind", []edit{{"acme", "kind: Customer", "kind: Vendor"}}, acmeFile, "kind", "must be of kind Customer"},
		// Vendor.
		{"vendor account too short", []edit{{"vendor", `account: "111122223333"`, `account: "11112222333"`}}, vendorFile, "account", "not a 12-digit AWS account ID"},
		{"principal not an ARN", []edit{{"vendor", "principalArn: arn:aws:iam::111122223333:root", "principalArn: vendor"}}, vendorFile, "principalArn", "not an IAM principal ARN"},
		{"principal in another account", []edit{{"vendor", "arn:aws:iam::111122223333:root", "arn:aws:iam::999988887777:root"}}, vendorFile, "principalArn", "not in the vendor account"},
		{"unknown region", []edit{{"vendor", "[us-east-1, eu-west-1]", "[us-east-1, eu-west-9]"}}, vendorFile, "regions[1]", "unknown AWS region"},
		{"region twice", []edit{{"vendor", "[us-east-1, eu-west-1]", "[us-east-1, eu-west-1, us-east-1]"}}, vendorFile, "regions[2]", "region listed twice"},
		{"pool not a CIDR", []edit{{"vendor", "[10.64.0.0/12]", "[10.64.0.0/33]"}}, vendorFile, "vpcCidrPools[0]", "invalid CIDR block"},
		{"pool public", []edit{{"vendor", "[10.64.0.0/12]", "[10.64.0.0/12, 8.8.0.0/16]"}}, vendorFile, "vpcCidrPools[1]", "not private address space"},
		{"pools overlap", []edit{{"vendor", "[10.64.0.0/12]", "[10.64.0.0/12, 10.65.0.0/16]"}}, vendorFile, "vpcCidrPools[1]", "overlaps vpcCidrPools[0]"},
		{"prefix length too small", []edit{{"vendor", "vpcPrefixLength: 24", "vpcPrefixLength: 29"}}, vendorFile, "vpcPrefixLength", "/16 to /28"},
		{"domain with underscore", []edit{{"vendor", "connect.internal.example.com", "connect_internal.example.com"}}, vendorFile, "internalDomain", "not a valid DNS domain"},
		{"domain single label", []edit{{"vendor", "connect.internal.example.com", "internal"}}, vendorFile, "internalDomain", "not a valid DNS domain"},
		{"topic in wrong region", []edit{{"vendor", "eu-west-1: arn:aws:sns:eu-west-1:", "eu-west-1: arn:aws:sns:us-east-1:"}}, vendorFile, "alarmTopicArns.eu-west-1", "in another region"},
		{"topic FIFO", []edit{{"vendor", "eu-west-1:111122223333:alarms", "eu-west-1:111122223333:alarms.fifo"}}, vendorFile, "alarmTopicArns.eu-west-1", "not a standard SNS topic ARN"},
		{"topic missing for region", []edit{{"vendor", "  eu-west-1: arn:aws:sns:eu-west-1:111122223333:alarms\n", ""}}, vendorFile, "alarmTopicArns", "no alarm topic for region eu-west-1"},
		{"retention not accepted", []edit{{"vendor", "logRetentionDays: 365", "logRetentionDays: 100"}}, vendorFile, "logRetentionDays", "does not accept this retention"},
		{"reserved tag prefix aws", []edit{{"vendor", "Owner: platform", "aws:owner: platform"}}, vendorFile, "tags.aws:owner", "reserved by AWS"},
		{"reserved tag prefix ours", []edit{{"acme", "Tier: gold", "privateconnect:tier: gold"}}, acmeFile, "tags.privateconnect:tier", "reserved for tags privateconnect sets"},
		{"tag value bad character", []edit{{"acme", "Tier: gold", "Tier: gold!"}}, acmeFile, "tags.Tier", "tag value may hold"},
		{"tag key too long", []edit{{"acme", "Tier: gold", strings.Repeat("k", 129) + ": gold"}}, acmeFile, `tags["` + strings.Repeat("k", 128) + `"...]`, "1 to 128 characters"}, // the path clips the key
		// Customer.
		{"customer name uppercase", []edit{{"acme", "name: acme", "name: Acme"}}, acmeFile, "name", "not a valid customer name"},
		{"customer name not the file name", []edit{{"acme", "name: acme", "name: acme2"}}, acmeFile, "name", "does not match the file name acme.yaml"},
		{"customer account has letters", []edit{{"acme", `"444455556666"`, `"44445555666O"`}}, acmeFile, "account", "not a 12-digit AWS account ID"},
		{"customer account is the vendor's", []edit{{"acme", `"444455556666"`, `"111122223333"`}}, acmeFile, "account", "the vendor's own account"},
		{"customer region unknown", []edit{{"acme", "region: us-east-1", "region: us-east-7"}}, acmeFile, "region", "unknown AWS region"},
		{"customer region not the vendor's", []edit{{"acme", "region: us-east-1", "region: us-west-2"}, {"acme", "use1-az1, use1-az2", "usw2-az1, usw2-az2"}, {"acme", "vpce.us-east-1.", "vpce.us-west-2."}}, acmeFile, "region", "the vendor does not operate in this region"},
		{"customer network not a CIDR", []edit{{"acme", "[10.0.0.0/16]", "[10.0.0.0/16, 10.300.0.0/16]"}}, acmeFile, "networks[1]", "invalid CIDR block"},
		{"no mode", []edit{{"beta", "privateLink:\n", "other:\n"}}, betaFile, "other", "unknown key"},
		// PrivateLink.
		{"vpc CIDR host bits set", []edit{{"acme", "vpcCidr: 10.64.0.0/24", "vpcCidr: 10.64.0.1/24"}}, acmeFile, "privateLink.vpcCidr", "invalid CIDR block"},
		{"vpc CIDR too large", []edit{{"acme", "vpcCidr: 10.64.0.0/24", "vpcCidr: 10.64.0.0/15"}}, acmeFile, "privateLink.vpcCidr", "/16 to /28"},
		{"vpc CIDR too small", []edit{{"acme", "vpcCidr: 10.64.0.0/24", "vpcCidr: 10.64.0.0/29"}}, acmeFile, "privateLink.vpcCidr", "/16 to /28"},
		{"vpc CIDR outside pool", []edit{{"acme", "vpcCidr: 10.64.0.0/24", "vpcCidr: 10.99.0.0/24"}}, acmeFile, "privateLink.vpcCidr", "outside the vendor's VPC CIDR pools"},
		{"vpc CIDR overlaps customer network", []edit{{"acme", "[10.0.0.0/16]", "[10.64.0.0/20]"}}, acmeFile, "privateLink.vpcCidr", "overlaps the customer's own network networks[0]"},
		{"vpc CIDR overlaps other customer", []edit{{"beta", "vpcCidr: 10.64.1.0/24", "vpcCidr: 10.64.0.128/25"}}, betaFile, "privateLink.vpcCidr", "overlaps 10.64.0.0/24 of customer acme"},
		{"no AZ", []edit{{"acme", "[use1-az1, use1-az2]", "[]"}}, acmeFile, "privateLink.availabilityZones", "no availability zone is listed"},
		{"one AZ without singleAz", []edit{{"acme", "[use1-az1, use1-az2]", "[use1-az1]"}}, acmeFile, "privateLink.availabilityZones", "one AZ gives no redundancy"},
		{"singleAz with two AZs", []edit{{"acme", "  vpcCidr:", "  singleAz: true\n  vpcCidr:"}}, acmeFile, "privateLink.singleAz", "singleAz is set but 2 AZs"},
		{"AZ name instead of ID", []edit{{"acme", "[use1-az1, use1-az2]", "[us-east-1a, use1-az2]"}}, acmeFile, "privateLink.availabilityZones[0]", "this is an AZ name"},
		{"AZ of another region", []edit{{"acme", "[use1-az1, use1-az2]", "[use1-az1, euw1-az2]"}}, acmeFile, "privateLink.availabilityZones[1]", "this AZ is in eu-west-1"},
		{"AZ garbage", []edit{{"acme", "[use1-az1, use1-az2]", "[use1-az1, zone-b]"}}, acmeFile, "privateLink.availabilityZones[1]", "not an AZ ID"},
		{"AZ twice", []edit{{"acme", "[use1-az1, use1-az2]", "[use1-az1, use1-az1]"}}, acmeFile, "privateLink.availabilityZones[1]", "AZ listed twice"},
		{"too many AZs for a /28", []edit{{"acme", "vpcCidr: 10.64.0.0/24", "vpcCidr: 10.64.0.0/28"}}, acmeFile, "privateLink.availabilityZones", "holds at most 1 subnets"},
		{"no service", []edit{{"beta", "  services:\n    - name: api\n      serviceName: com.amazonaws.vpce.eu-west-1.vpce-svc-0123abcd\n      ports: [443]\n", "  services: []\n"}}, betaFile, "privateLink.services", "no service is listed"},
		{"service label invalid", []edit{{"acme", "- name: db", "- name: DB"}}, acmeFile, "privateLink.services[0].name", "not a valid service label"},
		{"service label twice", []edit{{"acme", "      ports: [5432]\n", "      ports: [5432]\n    - name: db\n      serviceName: com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d\n      ports: [80]\n"}}, acmeFile, "privateLink.services[1].name", "service name used twice"},
		{"endpoint service twice", []edit{{"acme", "      ports: [5432]\n", "      ports: [5432]\n    - name: db2\n      serviceName: com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f60718\n      ports: [80]\n"}}, acmeFile, "privateLink.services[1].serviceName", "endpoint service listed twice"},
		{"service name malformed", []edit{{"acme", "vpce-svc-0a1b2c3d4e5f60718", "vpce-svc-0a1b2c3d4e5f6071"}}, acmeFile, "privateLink.services[0].serviceName", "not an endpoint service name"},
		{"service name uppercase hex", []edit{{"acme", "vpce-svc-0a1b2c3d4e5f60718", "vpce-svc-0A1B2C3D4E5F60718"}}, acmeFile, "privateLink.services[0].serviceName", "not an endpoint service name"},
		{"service in another region", []edit{{"acme", "vpce.us-east-1.", "vpce.us-west-2."}}, acmeFile, "privateLink.services[0].serviceName", "set serviceRegion: us-west-2"},
		{"service region mismatch", []edit{{"acme", "      ports: [5432]", "      serviceRegion: eu-west-1\n      ports: [5432]"}}, acmeFile, "privateLink.services[0].serviceRegion", "does not match the region in serviceName (us-east-1)"},
		{"service name unknown region", []edit{{"acme", "vpce.us-east-1.", "vpce.mars-east-1."}}, acmeFile, "privateLink.services[0].serviceName", "unknown AWS region"},
		{"no port", []edit{{"acme", "[5432]", "[]"}}, acmeFile, "privateLink.services[0].ports", "no port is listed"},
		{"port zero", []edit{{"acme", "[5432]", "[0]"}}, acmeFile, "privateLink.services[0].ports[0]", "not a TCP port"},
		{"port too large", []edit{{"acme", "[5432]", "[5432, 65536]"}}, acmeFile, "privateLink.services[0].ports[1]", "not a TCP port"},
		{"port twice", []edit{{"acme", "[5432]", "[5432, 5432]"}}, acmeFile, "privateLink.services[0].ports[1]", "port listed twice"},
		// Producer (the handed-over customer side).
		{"no service name and no producer", []edit{{"acme", "      serviceName: com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f60718\n", ""}}, acmeFile, "privateLink.services[0].serviceName", "no endpoint service name"},
		{"producer unknown target", []edit{{"acme", "ports: [5432]", "ports: [5432]\n      producer:\n        target: lambda"}}, acmeFile, "privateLink.services[0].producer.target", "unknown target type"},
		{"producer count for rds", []edit{{"acme", "ports: [5432]", "ports: [5432]\n      producer:\n        target: rds\n        count: 2"}}, acmeFile, "privateLink.services[0].producer.count", "count applies to ip and instance targets only"},
		{"producer count zero", []edit{{"acme", "ports: [5432]", "ports: [5432]\n      producer:\n        target: ip\n        count: 0"}}, acmeFile, "privateLink.services[0].producer.count", "must be 1 to 20"},
		{"producer rds section for ip", []edit{{"acme", "ports: [5432]", "ports: [5432]\n      producer:\n        target: ip\n        rds: {by: hostname}"}}, acmeFile, "privateLink.services[0].producer.rds", "rds applies to rds targets only"},
		{"producer registrar for instance", []edit{{"acme", "ports: [5432]", "ports: [5432]\n      producer:\n        target: instance\n        registrar: {scheduleMinutes: 5}"}}, acmeFile, "privateLink.services[0].producer.registrar", "runs for rds targets only"},
		{"producer rds unknown by", []edit{{"acme", "ports: [5432]", "ports: [5432]\n      producer:\n        target: rds\n        rds: {by: arn}"}}, acmeFile, "privateLink.services[0].producer.rds.by", "unknown way to find the database"},
		{"producer role without cluster", []edit{{"acme", "ports: [5432]", "ports: [5432]\n      producer:\n        target: rds\n        rds: {by: dbInstance, role: reader}"}}, acmeFile, "privateLink.services[0].producer.rds.role", "role applies to by: dbCluster only"},
		{"producer unknown role", []edit{{"acme", "ports: [5432]", "ports: [5432]\n      producer:\n        target: rds\n        rds: {by: dbCluster, role: primary}"}}, acmeFile, "privateLink.services[0].producer.rds.role", "unknown role"},
		{"producer schedule zero", []edit{{"acme", "ports: [5432]", "ports: [5432]\n      producer:\n        target: rds\n        registrar: {scheduleMinutes: 0}"}}, acmeFile, "privateLink.services[0].producer.registrar.scheduleMinutes", "must be 1 to 60 minutes"},
		{"producer misses too many", []edit{{"acme", "ports: [5432]", "ports: [5432]\n      producer:\n        target: rds\n        registrar: {deregisterAfterMisses: 11}"}}, acmeFile, "privateLink.services[0].producer.registrar.deregisterAfterMisses", "must be 1 to 10 runs"},
		{"target group delay too long", []edit{{"acme", "ports: [5432]", "ports: [5432]\n      producer:\n        target: rds\n        targetGroup: {deregistrationDelaySeconds: 3601}"}}, acmeFile, "privateLink.services[0].producer.targetGroup.deregistrationDelaySeconds", "must be 0 to 3600"},
		{"health check interval too short", []edit{{"acme", "ports: [5432]", "ports: [5432]\n      producer:\n        target: ip\n        targetGroup: {healthCheckIntervalSeconds: 4}"}}, acmeFile, "privateLink.services[0].producer.targetGroup.healthCheckIntervalSeconds", "must be 5 to 300"},
		{"healthy threshold one", []edit{{"acme", "ports: [5432]", "ports: [5432]\n      producer:\n        target: rds\n        targetGroup: {healthyThresholdCount: 1}"}}, acmeFile, "privateLink.services[0].producer.targetGroup.healthyThresholdCount", "must be 2 to 10"},
		{"health check timeout over the interval", []edit{{"acme", "ports: [5432]", "ports: [5432]\n      producer:\n        target: rds\n        targetGroup: {healthCheckTimeoutSeconds: 20}"}}, acmeFile, "privateLink.services[0].producer.targetGroup.healthCheckTimeoutSeconds", "cannot exceed the interval between checks (10 s)"},
		{"producer too many listeners", []edit{{"acme", "[5432]", "[" + portRange(2000, 51) + "]\n      producer:\n        target: ip"}}, acmeFile, "privateLink.services[0].producer.target", "at most 50 listeners"},
		{"producers in two regions", []edit{{"acme", "      ports: [5432]\n", "      ports: [5432]\n      producer: {target: ip}\n    - name: api\n      serviceName: com.amazonaws.vpce.us-west-2.vpce-svc-0a1b2c3d\n      serviceRegion: us-west-2\n      ports: [443]\n      producer: {target: ip}\n"}}, acmeFile, "privateLink.services[1].serviceRegion", "must share one region"},
		{"too many ports", []edit{{"acme", "[5432]", "[" + portRange(1000, 61) + "]"}}, acmeFile, "privateLink.services", "more than 60 egress rules"},
		// VPN: the vendor VPC.
		{"no mode at all", []edit{{"beta", "privateLink:\n  vpcCidr: 10.64.1.0/24\n  availabilityZones: [euw1-az1, euw1-az2]\n  services:\n    - name: api\n      serviceName: com.amazonaws.vpce.eu-west-1.vpce-svc-0123abcd\n      ports: [443]\n", ""}, {"beta", baseBetaVpn, ""}}, betaFile, "(document)", "no connectivity mode is configured"},
		{"vpn CIDR overlaps other customer", []edit{{"beta", "vpcCidr: 10.64.4.0/24", "vpcCidr: 10.64.0.0/23"}}, betaFile, "vpn.vpcCidr", "overlaps 10.64.0.0/24 of customer acme"},
		{"vpn CIDR overlaps own PrivateLink VPC", []edit{{"beta", "vpcCidr: 10.64.4.0/24", "vpcCidr: 10.64.1.128/25"}}, betaFile, "vpn.vpcCidr", "overlaps 10.64.1.0/24 of customer beta"},
		{"vpn CIDR outside pool", []edit{{"beta", "vpcCidr: 10.64.4.0/24", "vpcCidr: 192.168.0.0/24"}}, betaFile, "vpn.vpcCidr", "outside the vendor's VPC CIDR pools"},
		{"vpn CIDR too small for NAT subnets", []edit{{"beta", "vpcCidr: 10.64.4.0/24", "vpcCidr: 10.64.4.0/28"}}, betaFile, "vpn.vpcCidr", "too small for a VPN VPC"},
		{"vpn too many AZs for the private slots", []edit{{"beta", "[euw1-az2, euw1-az3]", "[euw1-az1, euw1-az2, euw1-az3]"}, {"beta", "vpcCidr: 10.64.4.0/24", "vpcCidr: 10.64.4.0/27"}}, betaFile, "vpn.availabilityZones", "holds at most 1 connector subnets"},
		{"vpn one AZ without singleAz", []edit{{"beta", "[euw1-az2, euw1-az3]", "[euw1-az2]"}}, betaFile, "vpn.availabilityZones", "one AZ gives no redundancy"},
		{"vpn AZ of another region", []edit{{"beta", "[euw1-az2, euw1-az3]", "[euw1-az2, use1-az3]"}}, betaFile, "vpn.availabilityZones[1]", "this AZ is in us-east-1"},
		{"vpn NAT per AZ without room", []edit{{"beta", "vpcCidr: 10.64.4.0/24", "vpcCidr: 10.64.4.0/26"}, {"beta", "  routing: static", "  natGateways: perAz\n  routing: static"}}, betaFile, "vpn.natGateways", "room for 1 public subnet"},
		{"vpn NAT mode unknown", []edit{{"beta", "  routing: static", "  natGateways: two\n  routing: static"}}, betaFile, "vpn.natGateways", "unknown NAT gateway mode"},
		// VPN: the customer gateway and ASNs.
		{"gateway IP private", []edit{{"beta", "ipAddress: 198.51.100.7", "ipAddress: 10.1.2.3"}}, betaFile, "vpn.customerGateway.ipAddress", "a private address (10.0.0.0/8)"},
		{"gateway IP carrier-grade NAT", []edit{{"beta", "ipAddress: 198.51.100.7", "ipAddress: 100.72.1.9"}}, betaFile, "vpn.customerGateway.ipAddress", "carrier-grade NAT"},
		{"gateway IP loopback", []edit{{"beta", "ipAddress: 198.51.100.7", "ipAddress: 127.0.0.1"}}, betaFile, "vpn.customerGateway.ipAddress", "a loopback address"},
		{"gateway IP multicast", []edit{{"beta", "ipAddress: 198.51.100.7", "ipAddress: 239.1.1.1"}}, betaFile, "vpn.customerGateway.ipAddress", "a multicast address"},
		{"gateway IP a hostname", []edit{{"beta", "ipAddress: 198.51.100.7", "ipAddress: vpn.beta.example"}}, betaFile, "vpn.customerGateway.ipAddress", "not an IPv4 address"},
		{"gateway IP IPv6", []edit{{"beta", "ipAddress: 198.51.100.7", "ipAddress: \"2001:db8::1\""}}, betaFile, "vpn.customerGateway.ipAddress", "not an IPv4 address"},
		{"gateway ASN missing with BGP", []edit{{"beta", "routing: static", "routing: bgp"}}, betaFile, "vpn.customerGateway.bgpAsn", "routing: bgp needs the customer device's BGP ASN"},
		{"gateway ASN zero", []edit{{"beta", "ipAddress: 198.51.100.7", "ipAddress: 198.51.100.7\n    bgpAsn: 0"}}, betaFile, "vpn.customerGateway.bgpAsn", "a BGP ASN is 1 to 4294967295"},
		{"gateway ASN above 32 bits", []edit{{"beta", "ipAddress: 198.51.100.7", "ipAddress: 198.51.100.7\n    bgpAsn: 4294967296"}}, betaFile, "vpn.customerGateway.bgpAsn", "a BGP ASN is 1 to 4294967295"},
		{"gateway ASN reserved everywhere", []edit{{"beta", "ipAddress: 198.51.100.7", "ipAddress: 198.51.100.7\n    bgpAsn: 7224"}}, betaFile, "vpn.customerGateway.bgpAsn", "AWS reserves this ASN in every region"},
		{"gateway ASN reserved in the region", []edit{{"beta", "ipAddress: 198.51.100.7", "ipAddress: 198.51.100.7\n    bgpAsn: 9059"}}, betaFile, "vpn.customerGateway.bgpAsn", "AWS reserves this ASN in eu-west-1"},
		{"amazon ASN public", []edit{{"beta", "  routing: static", "  amazonSideAsn: 16509\n  routing: static"}}, betaFile, "vpn.amazonSideAsn", "takes a private ASN"},
		{"amazon ASN above the 32-bit private range", []edit{{"beta", "  routing: static", "  amazonSideAsn: 4294967295\n  routing: static"}}, betaFile, "vpn.amazonSideAsn", "takes a private ASN"},
		{"amazon ASN equals the customer's", []edit{{"beta", "ipAddress: 198.51.100.7", "ipAddress: 198.51.100.7\n    bgpAsn: 64512"}}, betaFile, "vpn.amazonSideAsn", "equals the customer gateway's ASN"},
		// VPN: routing.
		{"routing unknown", []edit{{"beta", "routing: static", "routing: ospf"}}, betaFile, "vpn.routing", "unknown routing"},
		{"no remote networks", []edit{{"beta", "  remoteNetworks: [172.16.0.0/16]\n", ""}}, betaFile, "vpn.remoteNetworks", "required key is missing"},
		{"remote networks empty", []edit{{"beta", "remoteNetworks: [172.16.0.0/16]", "remoteNetworks: []"}}, betaFile, "vpn.remoteNetworks", "the connectors could reach nothing over the VPN"},
		{"remote network overlaps the vendor VPC", []edit{{"beta", "[172.16.0.0/16]\n  ports", "[172.16.0.0/16, 10.64.4.128/25]\n  ports"}, {"beta", "networks: [172.16.0.0/16]", "networks: [172.16.0.0/16, 10.64.4.128/25]"}}, betaFile, "vpn.remoteNetworks[1]", "overlaps the vendor VPC vpn.vpcCidr (10.64.4.0/24)"},
		{"remote default route", []edit{{"beta", "remoteNetworks: [172.16.0.0/16]", "remoteNetworks: [0.0.0.0/0]"}}, betaFile, "vpn.remoteNetworks[0]", "a default route through the VPN cannot work"},
		{"remote network twice", []edit{{"beta", "remoteNetworks: [172.16.0.0/16]", "remoteNetworks: [172.16.0.0/16, 172.16.0.0/16]"}}, betaFile, "vpn.remoteNetworks[1]", "network listed twice"},
		{"remote network not a CIDR", []edit{{"beta", "remoteNetworks: [172.16.0.0/16]", "remoteNetworks: [172.16.0.0/16, 172.16.300.0/24]"}}, betaFile, "vpn.remoteNetworks[1]", "invalid CIDR block"},
		{"remote network outside networks", []edit{{"beta", "remoteNetworks: [172.16.0.0/16]", "remoteNetworks: [172.16.0.0/16, 192.168.7.0/24]"}}, betaFile, "vpn.remoteNetworks[1]", "not inside any of the customer's networks"},
		{"remote network wider than its network", []edit{{"beta", "remoteNetworks: [172.16.0.0/16]", "remoteNetworks: [172.16.0.0/12]"}}, betaFile, "vpn.remoteNetworks[0]", "add 172.16.0.0/12 (or a block that holds it) to networks"},
		{"remote network public", []edit{{"beta", "remoteNetworks: [172.16.0.0/16]", "remoteNetworks: [172.16.0.0/16, 8.8.8.0/24]"}, {"beta", "networks: [172.16.0.0/16]", "networks: [172.16.0.0/16, 8.8.8.0/24]"}}, betaFile, "vpn.remoteNetworks[1]", "would leave through the NAT gateway to the internet"},
		{"public allowed needlessly", []edit{{"beta", "  routing: static\n", "  routing: static\n  insecureAllowPublicRemoteNetworks: true\n"}}, betaFile, "vpn.insecureAllowPublicRemoteNetworks", "every remote network is private"},
		{"old key staticRoutes", []edit{{"beta", "remoteNetworks: [172.16.0.0/16]", "staticRoutes: [172.16.0.0/16]"}}, betaFile, "vpn.staticRoutes", "this key was renamed to remoteNetworks"},
		{"both names", []edit{{"beta", "remoteNetworks: [172.16.0.0/16]", "remoteNetworks: [172.16.0.0/16]\n  staticRoutes: [172.16.0.0/16]"}}, betaFile, "vpn.staticRoutes", "written under both its names"},
		{"vpn port zero", []edit{{"beta", "ports: [443, 8443]", "ports: [443, 0]"}}, betaFile, "vpn.ports[1]", "not a TCP port"},
		{"vpn too many egress rules", []edit{{"beta", "ports: [443, 8443]", "ports: [" + portRange(1000, 31) + "]"}, {"beta", "remoteNetworks: [172.16.0.0/16]", "remoteNetworks: [172.16.0.0/16, 172.17.0.0/16]"}, {"beta", "networks: [172.16.0.0/16]", "networks: [172.16.0.0/12]"}}, betaFile, "vpn.ports", "more than 60 egress rules"},
		// VPN: tunnels.
		{"three tunnels", []edit{{"beta", "    - insideCidr: 169.254.11.0/30\n", "    - insideCidr: 169.254.11.0/30\n    - insideCidr: 169.254.12.0/30\n"}}, betaFile, "vpn.tunnels", "exactly 2 tunnels"},
		{"inside CIDR not a /30", []edit{{"beta", "169.254.10.0/30", "169.254.10.0/29"}}, betaFile, "vpn.tunnels[0].insideCidr", "a /30 in 169.254.0.0/16"},
		{"inside CIDR outside link-local", []edit{{"beta", "169.254.10.0/30", "10.254.10.0/30"}}, betaFile, "vpn.tunnels[0].insideCidr", "a /30 in 169.254.0.0/16"},
		{"inside CIDR reserved", []edit{{"beta", "169.254.11.0/30", "169.254.5.0/30"}}, betaFile, "vpn.tunnels[1].insideCidr", "AWS reserves"},
		{"inside CIDR reserved metadata block", []edit{{"beta", "169.254.11.0/30", "169.254.169.252/30"}}, betaFile, "vpn.tunnels[1].insideCidr", "AWS reserves"},
		{"inside CIDR twice", []edit{{"beta", "169.254.11.0/30", "169.254.10.0/30"}}, betaFile, "vpn.tunnels[1].insideCidr", "tunnels[0] has the same inside CIDR"},
		{"IKEv1 without opt-in", []edit{{"beta", "169.254.11.0/30\n", "169.254.11.0/30\n      ikeVersions: [ikev1, ikev2]\n"}}, betaFile, "vpn.tunnels[1].ikeVersions", "IKEv1 is weaker than IKEv2"},
		{"IKEv1 opt-in unused", []edit{{"beta", "  routing: static", "  allowIkev1: true\n  routing: static"}}, betaFile, "vpn.allowIkev1", "no tunnel lists ikev1"},
		{"IKE version unknown", []edit{{"beta", "169.254.10.0/30\n", "169.254.10.0/30\n      ikeVersions: [ikev3]\n"}}, betaFile, "vpn.tunnels[0].ikeVersions[0]", "AWS does not offer this IKE version"},
		{"AWS-started tunnel needs IKEv2", []edit{{"beta", "  routing: static", "  allowIkev1: true\n  routing: static"}, {"beta", "169.254.10.0/30\n", "169.254.10.0/30\n      ikeVersions: [ikev1]\n"}}, betaFile, "vpn.tunnels[0].startupAction", "with IKEv2 only"},
		{"phase 1 cipher unknown", []edit{{"beta", "169.254.10.0/30\n", "169.254.10.0/30\n      phase1EncryptionAlgorithms: [AES256, 3DES]\n"}}, betaFile, "vpn.tunnels[0].phase1EncryptionAlgorithms[1]", "AWS does not offer this phase 1 encryption algorithm"},
		{"phase 2 integrity MD5", []edit{{"beta", "169.254.10.0/30\n", "169.254.10.0/30\n      phase2IntegrityAlgorithms: [MD5]\n"}}, betaFile, "vpn.tunnels[0].phase2IntegrityAlgorithms[0]", "AWS does not offer this phase 2 integrity algorithm"},
		{"phase 1 DH group 5", []edit{{"beta", "169.254.10.0/30\n", "169.254.10.0/30\n      phase1DhGroupNumbers: [5, 14]\n"}}, betaFile, "vpn.tunnels[0].phase1DhGroupNumbers[0]", "AWS does not offer this phase 1 Diffie-Hellman group"},
		{"phase 2 DH group twice", []edit{{"beta", "169.254.10.0/30\n", "169.254.10.0/30\n      phase2DhGroupNumbers: [14, 14]\n"}}, betaFile, "vpn.tunnels[0].phase2DhGroupNumbers[1]", "listed twice"},
		{"empty algorithm list", []edit{{"beta", "169.254.10.0/30\n", "169.254.10.0/30\n      phase2EncryptionAlgorithms: []\n"}}, betaFile, "vpn.tunnels[0].phase2EncryptionAlgorithms", "an empty list accepts nothing"},
		{"phase 1 lifetime too long", []edit{{"beta", "169.254.10.0/30\n", "169.254.10.0/30\n      phase1LifetimeSeconds: 86400\n"}}, betaFile, "vpn.tunnels[0].phase1LifetimeSeconds", "900 to 28800 seconds"},
		{"phase 2 lifetime too short", []edit{{"beta", "169.254.10.0/30\n", "169.254.10.0/30\n      phase2LifetimeSeconds: 600\n"}}, betaFile, "vpn.tunnels[0].phase2LifetimeSeconds", "900 to 3600 seconds"},
		{"phase 2 lifetime not below phase 1", []edit{{"beta", "169.254.10.0/30\n", "169.254.10.0/30\n      phase1LifetimeSeconds: 1800\n      phase2LifetimeSeconds: 1800\n"}}, betaFile, "vpn.tunnels[0].phase2LifetimeSeconds", "less than phase1LifetimeSeconds (1800)"},
		{"DPD timeout too short", []edit{{"beta", "169.254.10.0/30\n", "169.254.10.0/30\n      dpdTimeoutSeconds: 10\n"}}, betaFile, "vpn.tunnels[0].dpdTimeoutSeconds", "at least 30 seconds"},
		{"DPD action unknown", []edit{{"beta", "169.254.10.0/30\n", "169.254.10.0/30\n      dpdTimeoutAction: reset\n"}}, betaFile, "vpn.tunnels[0].dpdTimeoutAction", "unknown DPD timeout action"},
		{"startup action unknown", []edit{{"beta", "169.254.10.0/30\n", "169.254.10.0/30\n      startupAction: wait\n"}}, betaFile, "vpn.tunnels[0].startupAction", "unknown startup action"},
		{"pre-shared key in clear", []edit{{"beta", "169.254.10.0/30\n", "169.254.10.0/30\n      preSharedKey: Abcdefgh.12345678\n"}}, betaFile, "vpn.tunnels[0].preSharedKey", "stored in plain text"},
		{"pre-shared key AWS would reject", []edit{{"beta", "169.254.10.0/30\n", "169.254.10.0/30\n      preSharedKey: 0abcdefgh\n"}}, betaFile, "vpn.tunnels[0].preSharedKey", "it starts with 0"},
		{"pre-shared key too short", []edit{{"beta", "169.254.10.0/30\n", "169.254.10.0/30\n      preSharedKey: abc\n"}}, betaFile, "vpn.tunnels[0].preSharedKey", "it has 3 characters, not 8 to 64"},
		{"pre-shared key bad characters", []edit{{"beta", "169.254.10.0/30\n", "169.254.10.0/30\n      preSharedKey: abc-defgh!\n"}}, betaFile, "vpn.tunnels[0].preSharedKey", "characters other than letters, digits"},
		{"PSK secret in another region", []edit{{"beta", "169.254.10.0/30\n", "169.254.10.0/30\n      preSharedKeySecret: arn:aws:secretsmanager:us-east-1:111122223333:secret:beta/psk-AbCdEf\n"}}, betaFile, "vpn.tunnels[0].preSharedKeySecret", "the secret is in us-east-1"},
		{"PSK secret in another account", []edit{{"beta", "169.254.10.0/30\n", "169.254.10.0/30\n      preSharedKeySecret: arn:aws:secretsmanager:eu-west-1:999988887777:secret:beta/psk-AbCdEf\n"}}, betaFile, "vpn.tunnels[0].preSharedKeySecret", "not in the vendor account"},
		{"PSK secret malformed", []edit{{"beta", "169.254.10.0/30\n", "169.254.10.0/30\n      preSharedKeySecret: \"beta psk}}\"\n"}}, betaFile, "vpn.tunnels[0].preSharedKeySecret", "not a Secrets Manager secret name or ARN"},
		{"PSK JSON key without secret", []edit{{"beta", "169.254.10.0/30\n", "169.254.10.0/30\n      preSharedKeyJsonKey: tunnel1\n"}}, betaFile, "vpn.tunnels[0].preSharedKeyJsonKey", "preSharedKeySecret, which is not set"},
		// Inbound PrivateLink: the vendor's platform.
		{"inbound NLB ARN of an application LB", []edit{{"vendor", "loadbalancer/net/platform/0a1b", "loadbalancer/app/platform/0a1b"}}, vendorFile, "inboundPrivateLink.regions.us-east-1.nlbArn", "not a Network Load Balancer ARN"},
		{"inbound NLB in another region", []edit{{"vendor", "elasticloadbalancing:eu-west-1:", "elasticloadbalancing:us-east-1:"}}, vendorFile, "inboundPrivateLink.regions.eu-west-1.nlbArn", "the load balancer is in us-east-1, not in eu-west-1"},
		{"inbound NLB in another account", []edit{{"vendor", "us-east-1:111122223333:loadbalancer", "us-east-1:999988887777:loadbalancer"}}, vendorFile, "inboundPrivateLink.regions.us-east-1.nlbArn", "not in the vendor account"},
		{"inbound region not the vendor's", []edit{{"vendor", "    eu-west-1:\n      nlbArn", "    us-west-2:\n      nlbArn: arn:aws:elasticloadbalancing:us-west-2:111122223333:loadbalancer/net/platform/2c3d4e5f60718293\n      availabilityZones: [usw2-az1]\n    eu-west-1:\n      nlbArn"}}, vendorFile, "inboundPrivateLink.regions.us-west-2", "the vendor does not operate in this region"},
		{"inbound domain malformed", []edit{{"vendor", "domains: [platform.example.com]", "domains: [platform_example.com]"}}, vendorFile, "inboundPrivateLink.domains[0]", "not a valid DNS domain"},
		{"inbound domains nested", []edit{{"vendor", "domains: [platform.example.com]", "domains: [platform.example.com, eu.platform.example.com]"}}, vendorFile, "inboundPrivateLink.domains[1]", "nested with domains[0]"},
		{"inbound hostname outside the domains", []edit{{"vendor", "hub.platform.example.com]", "hub.example.org]"}}, vendorFile, "inboundPrivateLink.hostnames[1]", "not in any of the domains"},
		{"inbound platform AZ of another region", []edit{{"vendor", "use1-az2, use1-az4]", "use1-az2, euw1-az4]"}}, vendorFile, "inboundPrivateLink.regions.us-east-1.availabilityZones[2]", "this AZ is in eu-west-1"},
		{"inbound service name of another region", []edit{{"vendor", "vpce.us-east-1.vpce-svc-0f1e", "vpce.eu-west-1.vpce-svc-0f1e"}}, vendorFile, "inboundPrivateLink.regions.us-east-1.serviceName", "the service is in eu-west-1, not in us-east-1"},
		{"inbound private DNS name outside the domains", []edit{{"vendor", `"*.platform.example.com"`, `"*.example.org"`}}, vendorFile, "inboundPrivateLink.regions.us-east-1.privateDnsName", "not in any of the domains"},
		// Inbound PrivateLink: the customer.
		{"inbound without a vendor platform", []edit{{"vendor", baseVendorInbound, ""}, {"acme", "privateLink:\n", acmeInbound + "privateLink:\n"}}, acmeFile, "inboundPrivateLink", "vendor.yaml has no inboundPrivateLink section"},
		{"inbound account malformed", []edit{{"acme", "privateLink:\n", acmeInbound + "  accounts: [\"4444555566\"]\nprivateLink:\n"}}, acmeFile, "inboundPrivateLink.accounts[0]", "not a 12-digit AWS account ID"},
		{"inbound account is the vendor's", []edit{{"acme", "privateLink:\n", acmeInbound + "  accounts: [\"444455556666\", \"111122223333\"]\nprivateLink:\n"}}, acmeFile, "inboundPrivateLink.accounts[1]", "the vendor's own account"},
		{"inbound AZ the service is not offered in", []edit{{"acme", "privateLink:\n", "inboundPrivateLink:\n  availabilityZones: [use1-az1, use1-az3, use1-az5]\nprivateLink:\n"}}, acmeFile, "inboundPrivateLink.availabilityZones", "not offered in use1-az3, use1-az5 (it is in use1-az1, use1-az2, use1-az4)"},
		{"inbound cross-region not enabled", []edit{{"acme", "privateLink:\n", "inboundPrivateLink:\n  region: eu-west-1\n  availabilityZones: [euw1-az1, euw1-az2]\nprivateLink:\n"}}, acmeFile, "inboundPrivateLink.region", "set crossRegion: true"},
		{"inbound crossRegion in the same region", []edit{{"acme", "privateLink:\n", acmeInbound + "  crossRegion: true\nprivateLink:\n"}}, acmeFile, "inboundPrivateLink.crossRegion", "crossRegion is set but the VPC is in the service's region"},
		{"inbound AZ of another region than the VPC's", []edit{{"acme", "privateLink:\n", "inboundPrivateLink:\n  region: eu-west-1\n  crossRegion: true\n  availabilityZones: [euw1-az1, use1-az2]\nprivateLink:\n"}}, acmeFile, "inboundPrivateLink.availabilityZones[1]", "this AZ is in us-east-1"},
		{"inbound hostname not the platform's", []edit{{"acme", "privateLink:\n", acmeInbound + "  hostnames: [www.platform.example.com]\nprivateLink:\n"}}, acmeFile, "inboundPrivateLink.hostnames[0]", "not one of the platform's hostnames"},
		{"inbound port the platform does not serve", []edit{{"acme", "privateLink:\n", acmeInbound + "  ports: [443, 8443]\nprivateLink:\n"}}, acmeFile, "inboundPrivateLink.ports[1]", "the platform does not listen on this port"},
		{"inbound DNS mode unknown", []edit{{"acme", "privateLink:\n", acmeInbound + "  dnsMode: public\nprivateLink:\n"}}, acmeFile, "inboundPrivateLink.dnsMode", "unknown DNS mode"},
		{"inbound private DNS mode without a name", []edit{{"vendor", "      privateDnsName: \"*.platform.example.com\"\n", ""}, {"acme", "privateLink:\n", acmeInbound + "  dnsMode: privateDnsName\nprivateLink:\n"}}, acmeFile, "inboundPrivateLink.dnsMode", "has no private DNS name"},
		{"inbound private DNS name does not cover a hostname", []edit{{"vendor", `"*.platform.example.com"`, "api.platform.example.com"}, {"acme", "privateLink:\n", acmeInbound + "  dnsMode: privateDnsName\nprivateLink:\n"}}, acmeFile, "inboundPrivateLink.hostnames", "does not cover hub.platform.example.com"},
		{"inbound client network admits everyone", []edit{{"acme", "privateLink:\n", acmeInbound + "  clientCidrs: [10.0.0.0/16, 0.0.0.0/0]\nprivateLink:\n"}}, acmeFile, "inboundPrivateLink.clientCidrs[1]", "admits every address"},
		{"inbound no client network", []edit{{"acme", "networks: [10.0.0.0/16]\n", ""}, {"acme", "privateLink:\n", acmeInbound + "privateLink:\n"}}, acmeFile, "inboundPrivateLink.clientCidrs", "the endpoint would admit nobody"},
		{"inbound customer region without a platform", []edit{{"vendor", "    eu-west-1:\n      nlbArn: arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/net/platform/1b2c3d4e5f607182\n      availabilityZones: [euw1-az1, euw1-az2]\n", ""}, {"beta", "vpn:\n", "inboundPrivateLink:\n  availabilityZones: [euw1-az1, euw1-az2]\nvpn:\n"}}, betaFile, "inboundPrivateLink", "no platform load balancer in the customer's region eu-west-1"},
		{"probe fail minutes too few", []edit{{"acme", "privateLink:\n", "probe: {failMinutes: 1}\nprivateLink:\n"}}, acmeFile, "probe.failMinutes", "alarms after 2 to 60 failed minutes"},
		{"probe fail minutes too many", []edit{{"acme", "privateLink:\n", "probe: {failMinutes: 61}\nprivateLink:\n"}}, acmeFile, "probe.failMinutes", "alarms after 2 to 60 failed minutes"},
		{"probe tls not a boolean", []edit{{"acme", "      ports: [5432]\n", "      ports: [5432]\n      tls: \"yes\"\n"}}, acmeFile, "privateLink.services[0].tls", "expected true or false"},
		{"probe target outside remote networks", []edit{{"beta", "  routing: static", "  probeTargets: [{host: 10.1.2.3, port: 443}]\n  routing: static"}}, betaFile, "vpn.probeTargets[0].host", "not inside any of vpn.remoteNetworks"},
		{"probe target IPv6", []edit{{"beta", "  routing: static", "  probeTargets: [{host: \"fd00::1\", port: 443}]\n  routing: static"}}, betaFile, "vpn.probeTargets[0].host", "not an IPv4 address"},
		{"probe target a network", []edit{{"beta", "  routing: static", "  probeTargets: [{host: 172.16.0.0/24, port: 443}]\n  routing: static"}}, betaFile, "vpn.probeTargets[0].host", "a network, not a host"},
		{"probe target bad name", []edit{{"beta", "  routing: static", "  probeTargets: [{host: db_1.corp, port: 443}]\n  routing: static"}}, betaFile, "vpn.probeTargets[0].host", "neither an IPv4 address nor a valid DNS name"},
		{"probe target name too long", []edit{{"beta", "  routing: static", "  probeTargets: [{host: " + strings.Repeat("a", 60) + "." + strings.Repeat("b", 60) + "." + strings.Repeat("c", 60) + "." + strings.Repeat("d", 60) + ".corp, port: 443}]\n  routing: static"}}, betaFile, "vpn.probeTargets[0].host", "too long for the target's alarm name"},
		{"probe target port not open", []edit{{"beta", "  routing: static", "  probeTargets: [{host: 172.16.1.10, port: 5432}]\n  routing: static"}}, betaFile, "vpn.probeTargets[0].port", "not one of vpn.ports"},
		{"probe target port missing", []edit{{"beta", "  routing: static", "  probeTargets: [{host: 172.16.1.10}]\n  routing: static"}}, betaFile, "vpn.probeTargets[0].port", "required key is missing"},
		{"probe target twice", []edit{{"beta", "  routing: static", "  probeTargets: [{host: db.corp.example.com, port: 443}, {host: db.corp.example.com, port: 443, tls: true}]\n  routing: static"}}, betaFile, "vpn.probeTargets[1]", "the same host and port as vpn.probeTargets[0]"},
		{"probe targets too many", []edit{{"beta", "  routing: static", "  probeTargets: [" + probeTargets(11) + "]\n  routing: static"}}, betaFile, "vpn.probeTargets", "at most 10 probe targets"},
		{"tunnel log retention not accepted", []edit{{"beta", "  routing: static", "  tunnelLogs: {retentionDays: 100}\n  routing: static"}}, betaFile, "vpn.tunnelLogs.retentionDays", "does not accept this retention"},
	})
}

// runValidationCases builds each case's fleet and checks that the error it
// wants is among those reported, well formed.
func runValidationCases(t *testing.T, cases []validationCase) {
	t.Helper()
	runValidationCasesOn(t, baseFleet(), cases)
}

// runValidationCasesOn is runValidationCases from another valid fleet.
func runValidationCasesOn(t *testing.T, base testFleet, cases []validationCase) {
	t.Helper()
	files := func(f *testFleet, name string) *string {
		switch name {
		case "vendor":
			return &f.vendor
		case "acme":
			return &f.acme
		case "beta":
			return &f.beta
		}
		require.FailNow(t, fmt.Sprintf("test setup: no file %q", name))
		return nil
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := base
			for _, e := range tc.edits {
				p := files(&f, e.file)
				*p = replace(t, *p, e.old, e.new)
			}
			fleet, err := f.build()
			if err == nil {
				require.FailNow(t, fmt.Sprintf("fleet accepted (%d customers); want an error at %s: %s", len(fleet.Customers), tc.path, tc.msg))
			}
			errs, ok := err.(Errors)
			require.True(t, ok, "error is %T, not Errors: %v", err, err)
			var found *Error
			for i := range errs {
				if errs[i].File == tc.file && errs[i].Path == tc.path && strings.Contains(errs[i].Msg, tc.msg) {
					found = &errs[i]
				}
			}
			require.NotNil(t, found, "no error at %s: %s containing %q; got:\n%v", tc.file, tc.path, tc.msg, err)
			assert.Regexp(t, wellFormed, found.Msg, "message lacks \"(got <value>; <fix>)\"")
			want := tc.file + ": " + tc.path + ": "
			assert.True(t, strings.HasPrefix(found.Error(), want), "Error() = %q, want prefix %q", found.Error(), want)
		})
	}
}

func probeTargets(n int) string {
	s := make([]string, n)
	for i := range s {
		s[i] = fmt.Sprintf("{host: 172.16.1.%d, port: 443}", i+1)
	}
	return strings.Join(s, ", ")
}

func portRange(from, n int) string {
	s := make([]string, n)
	for i := range s {
		s[i] = strconv.Itoa(from + i)
	}
	return strings.Join(s, ", ")
}

// Every problem is reported in one run, ordered by file and line: every
// decoding problem, and every validation problem of each file that decodes.
func TestAllErrorsAtOnce(t *testing.T) {
	f := baseFleet()
	f.vendor = replace(t, f.vendor, "logRetentionDays: 365", "logRetentionDays: 100")
	f.acme = replace(t, f.acme, "region: us-east-1", "regoin: us-east-1")
	f.acme = replace(t, f.acme, "[5432]", "[five]")
	f.beta = replace(t, f.beta, `"777788889999"`, `"7"`)
	f.beta = replace(t, f.beta, "[euw1-az1, euw1-az2]", "[euw1-az1]")
	_, err := f.build()
	errs, ok := err.(Errors)
	require.True(t, ok, "want Errors, got %v", err)
	var got []string
	for _, e := range errs {
		got = append(got, e.File+" "+e.Path)
	}
	want := []string{
		acmeFile + " region", // missing: reported at the line of the mapping that lacks it
		acmeFile + " regoin",
		acmeFile + " privateLink.services[0].ports[0]",
		betaFile + " account",
		betaFile + " privateLink.availabilityZones",
		vendorFile + " logRetentionDays",
	}
	assert.Equal(t, want, got, "errors, in this order; full:\n%v", err)
}

// A file that does not decode reports only its decoding problems, not a
// cascade of validation errors about the half-read values.
func TestDecodeErrorsDoNotCascade(t *testing.T) {
	f := baseFleet()
	f.acme = replace(t, f.acme, "[5432]", "[5432")
	_, err := f.build()
	errs, _ := err.(Errors)
	require.Len(t, errs, 1, "want one syntax error for %s, got:\n%v", acmeFile, err)
	require.Equal(t, acmeFile, errs[0].File)
	require.Equal(t, "(document)", errs[0].Path)
	assert.Contains(t, errs[0].Msg, "line", "a syntax error says where")
}

func TestOverlapProposesFreeBlock(t *testing.T) {
	f := baseFleet()
	f.beta = replace(t, f.beta, "vpcCidr: 10.64.1.0/24", "vpcCidr: 10.64.0.0/24")
	_, err := f.build()
	assert.ErrorContains(t, err, "use a free block such as 10.64.1.0/24", "the overlap error proposes the free block")
}

func TestDefaultsApplied(t *testing.T) {
	f := baseFleet()
	f.vendor = replace(t, f.vendor, "vpcPrefixLength: 24\n", "")
	f.vendor = replace(t, f.vendor, "logRetentionDays: 365\n", "")
	fleet, err := f.build()
	require.NoError(t, err)
	assert.Equal(t, DefaultVpcPrefixLength, *fleet.Vendor.VpcPrefixLength, "vpcPrefixLength default")
	assert.Equal(t, DefaultLogRetentionDays, *fleet.Vendor.LogRetentionDays, "logRetentionDays default")
	assert.Equal(t, "acme", fleet.Customer("acme").DisplayName, "displayName default: the name")
}

func TestVpnDefaultsApplied(t *testing.T) {
	f := baseFleet()
	f.vendor = replace(t, f.vendor, "logRetentionDays: 365", "logRetentionDays: 90")
	fleet, err := f.build()
	require.NoError(t, err)
	v := fleet.Customer("beta").Vpn
	assert.Equal(t, DefaultAmazonSideAsn, *v.AmazonSideAsn, "Amazon side ASN default")
	assert.Equal(t, DefaultStaticCustomerAsn, *v.CustomerGateway.BgpAsn, "customer ASN default")
	assert.Equal(t, "single", v.NatGateways, "NAT gateways default")
	assert.Equal(t, 90, *v.TunnelLogs.RetentionDays, "tunnel log retention: the vendor's")
	require.Len(t, v.Tunnels, TunnelCount, "both tunnels")
	for i, tun := range v.Tunnels {
		got := fmt.Sprintln(tun.IkeVersions, tun.Phase1EncryptionAlgorithms, tun.Phase2IntegrityAlgorithms, tun.Phase1DhGroupNumbers, tun.Phase2DhGroupNumbers,
			*tun.Phase1LifetimeSeconds, *tun.Phase2LifetimeSeconds, *tun.DpdTimeoutSeconds, tun.DpdTimeoutAction, tun.StartupAction)
		want := "[ikev2] [AES256-GCM-16 AES256] [SHA2-256 SHA2-384 SHA2-512] [14 19 20 21] [14 19 20 21] 28800 3600 30 restart start\n"
		assert.Equal(t, want, got, "tunnel %d defaults", i+1)
	}
	// Each tunnel owns its lists: changing one never changes the other.
	v.Tunnels[0].IkeVersions[0] = "changed"
	assert.Equal(t, "ikev2", v.Tunnels[1].IkeVersions[0], "the tunnels share a default list")
}

// A tunnel written with one option keeps it and gets the defaults for the
// rest; a tunnel not written gets every default. With BGP the customer's ASN
// has no default.
func TestVpnPartialTunnelAndBgp(t *testing.T) {
	f := baseFleet()
	f.beta = replace(t, f.beta, "  tunnels:\n    - insideCidr: 169.254.10.0/30\n    - insideCidr: 169.254.11.0/30\n", "  tunnels:\n    - dpdTimeoutSeconds: 45\n")
	f.beta = replace(t, f.beta, "  routing: static\n", "  routing: bgp\n")
	f.beta = replace(t, f.beta, "ipAddress: 198.51.100.7", "ipAddress: 198.51.100.7\n    bgpAsn: 4200000001")
	fleet, err := f.build()
	require.NoError(t, err)
	c := fleet.Customer("beta")
	v := c.Vpn
	if assert.Len(t, v.Tunnels, 2, "tunnels") {
		assert.Equal(t, 45, *v.Tunnels[0].DpdTimeoutSeconds, "tunnel 1 DPD timeout, as written")
		assert.Equal(t, DefaultDpdTimeoutSeconds, *v.Tunnels[1].DpdTimeoutSeconds, "tunnel 2 DPD timeout, the default")
		assert.Equal(t, "start", v.Tunnels[0].StartupAction, "tunnel 1 startup action, the default")
	}
	assert.True(t, v.CustomerGateway.UsesBgpAsnExtended(), "ASN 4200000001 does not fit BgpAsn and must go in BgpAsnExtended")
	assert.Equal(t, []string{"172.16.0.0/16"}, v.RemoteNetworks, "with BGP the connectors reach the remote networks")
}

// A customer may have a VPN and no PrivateLink.
func TestVpnOnlyCustomerIsValid(t *testing.T) {
	f := baseFleet()
	f.beta = replace(t, f.beta, "privateLink:\n  vpcCidr: 10.64.1.0/24\n  availabilityZones: [euw1-az1, euw1-az2]\n  services:\n    - name: api\n      serviceName: com.amazonaws.vpce.eu-west-1.vpce-svc-0123abcd\n      ports: [443]\n", "")
	fleet, err := f.build()
	require.NoError(t, err)
	c := fleet.Customer("beta")
	assert.Nil(t, c.PrivateLink, "a VPN-only customer")
	assert.NotNil(t, c.Vpn, "a VPN-only customer")
}

// A key written in the file is never repeated in any message.
func TestPreSharedKeyNeverEchoed(t *testing.T) {
	const secret = "Zebra.quartz_0192"
	f := baseFleet()
	f.beta = replace(t, f.beta, "169.254.10.0/30\n", "169.254.10.0/30\n      preSharedKey: "+secret+"\n")
	_, err := f.build()
	require.ErrorContains(t, err, "preSharedKey", "a key in the file was accepted")
	assert.NotContains(t, err.Error(), secret, "the error repeats the key")
	assert.NotContains(t, err.Error(), secret[:8], "the error repeats part of the key")
}

// Where an error is about a value the file does not hold (a default), it is
// ordered at its nearest parent that the file holds.
func TestDefaultedValueErrorsSortAtTheirParent(t *testing.T) {
	f := baseFleet()
	f.beta = replace(t, f.beta, "ipAddress: 198.51.100.7", "ipAddress: 198.51.100.7\n    bgpAsn: 64512")
	_, err := f.build()
	errs, _ := err.(Errors)
	require.Len(t, errs, 1, "want one error at vpn.amazonSideAsn, got:\n%v", err)
	require.Equal(t, "vpn.amazonSideAsn", errs[0].Path)
	// The section's line is where its content starts, the line after "vpn:".
	vpnLine := strings.Count(f.beta[:strings.Index(f.beta, "vpn:")], "\n") + 1
	assert.Equal(t, vpnLine+1, errs[0].Line, "the error is at the vpn section's line")
}

func TestInboundDefaultsApplied(t *testing.T) {
	f := baseFleet()
	f.acme = replace(t, f.acme, "privateLink:\n", acmeInbound+"privateLink:\n")
	fleet, err := f.build()
	require.NoError(t, err)
	c := fleet.Customer("acme")
	in := c.InboundPrivateLink
	assert.Equal(t, "us-east-1", in.Region, "inbound region default")
	assert.Equal(t, DnsModePrivateHostedZone, in.DnsMode, "inbound dnsMode default")
	assert.Equal(t, "[443]", fmt.Sprint(in.Ports), "inbound ports default")
	assert.False(t, in.CrossRegion, "inbound crossRegion default")
	assert.False(t, c.InboundCrossRegion(), "inbound cross-region")
	assert.Equal(t, "[api.platform.example.com hub.platform.example.com]", fmt.Sprint(in.Hostnames), "hostnames default: the vendor's")
	assert.Equal(t, "[444455556666] [10.0.0.0/16]", fmt.Sprint(c.InboundAccounts(), c.InboundClientCidrs()),
		"accounts and client networks default: the customer's account and networks")
	// The customer owns its copy of the vendor's list.
	in.Hostnames[0] = "changed"
	assert.Equal(t, "api.platform.example.com", fleet.Vendor.InboundPrivateLink.Hostnames[0], "the customer shares the vendor's hostname list")
	assert.Equal(t, "[443]", fmt.Sprint(fleet.Vendor.InboundPrivateLink.Ports), "vendor ports default")
}

// Two customers listing one account on one service is an error unless both
// say it is deliberate.
func TestInboundAccountSharedAcrossCustomers(t *testing.T) {
	const gammaFile = "fleet/customers/gamma.yaml"
	gamma := `apiVersion: privateconnect/v1
kind: Customer
name: gamma
account: "123412341234"
region: us-east-1
networks: [10.9.0.0/16]
inboundPrivateLink:
  accounts: ["123412341234", "444455556666"]
  availabilityZones: [use1-az1, use1-az2]
`
	f := baseFleet()
	f.acme = replace(t, f.acme, "privateLink:\n", acmeInbound+"privateLink:\n")
	build := func(acme, gamma string) error {
		_, err := build("fleet", source{vendorFile, []byte(f.vendor)},
			[]source{{acmeFile, []byte(acme)}, {betaFile, []byte(f.beta)}, {gammaFile, []byte(gamma)}})
		return err
	}
	err := build(f.acme, gamma)
	errs, _ := err.(Errors)
	require.Len(t, errs, 1, "want one error at gamma's accounts[1] naming acme, got:\n%v", err)
	require.Equal(t, gammaFile, errs[0].File)
	require.Equal(t, "inboundPrivateLink.accounts[1]", errs[0].Path)
	require.Contains(t, errs[0].Msg, "customer acme ("+acmeFile+", account) already connects this account")
	require.Regexp(t, wellFormed, errs[0].Msg)
	shared := "  allowSharedAccounts: true\n"
	assert.Error(t, build(f.acme, gamma+shared), "one customer's allowSharedAccounts was enough; both must say so")
	assert.NoError(t, build(replace(t, f.acme, acmeInbound, acmeInbound+shared), gamma+shared), "a deliberately shared account")
}
