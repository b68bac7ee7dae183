package stacks

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/constructs/consumer"
	"github.com/privateconnect/privateconnect/constructs/probe"
	"github.com/privateconnect/privateconnect/constructs/producer"
)

// config estimates every stack before synth (config/footprint.go) and
// validation holds the estimate against AWS's limits. These tests are the
// guard of that estimate: each synthesized stack of the example fleet and of
// a fleet at the edges of what validation allows must fit its limits, hold
// exactly the resources, parameters and outputs config counted, no more
// bytes than config bounded, and only the top-level IDs config knows. A
// change to a stack that fails here needs the same change in config.

func TestFootprintOfTheExampleFleet(t *testing.T) {
	checkFootprints(t, example.fleet, example.built, func(name string) []byte {
		raw, err := os.ReadFile(filepath.Join(example.outdir, name+".template.json"))
		require.NoError(t, err)
		return raw
	})
}

func TestFootprintAtTheEdges(t *testing.T) {
	fleet := edgeFleet(t)
	outdir := t.TempDir()
	app := NewApp(outdir)
	built := append(Build(app, fleet, fleet.Customers), BuildHandoff(app, fleet.Vendor, fleet.Customers)...)
	app.Synth(nil)
	require.Len(t, built, 6, "the stacks of the edge fleet, its region's dashboards included")
	read := func(name string) []byte {
		raw, err := os.ReadFile(filepath.Join(outdir, name+".template.json"))
		require.NoError(t, err)
		return raw
	}
	checkFootprints(t, fleet, built, read)
	checkQuotaUse(t, fleet, read) // stacks/quota_test.go
}

// The registrar's code is inline in every rds service's template; config
// counts it at RegistrarCodeBudget.
func TestRegistrarCodeFitsItsBudget(t *testing.T) {
	escaped, _ := json.Marshal(producer.RegistrarSource)
	n := max(len(escaped), len(producer.RegistrarSource)+strings.Count(producer.RegistrarSource, "\n")*16)
	assert.LessOrEqual(t, n, config.RegistrarCodeBudget, "the registrar's bytes of template, within config.RegistrarCodeBudget: raise the budget")
}

// The probe's code is inline in every probed stack; config counts it at
// ProbeCodeBudget.
func TestProbeCodeFitsItsBudget(t *testing.T) {
	escaped, _ := json.Marshal(probe.Source)
	assert.LessOrEqual(t, len(escaped), config.ProbeCodeBudget, "the probe's bytes of template, within config.ProbeCodeBudget: raise the budget")
}

// The resource endpoints' DNS lookup code is inline in every stack with a
// resource endpoint; config counts it at DnsLookupCodeBudget.
func TestDnsLookupCodeFitsItsBudget(t *testing.T) {
	escaped, _ := json.Marshal(consumer.DnsLookupSource)
	assert.LessOrEqual(t, len(escaped), config.DnsLookupCodeBudget, "the DNS lookup's bytes of template, within config.DnsLookupCodeBudget: raise the budget")
}

func TestFootprintKnowsTheLoadBalancerRanges(t *testing.T) {
	assert.Equal(t, producer.TargetRanges, config.NlbTargetRanges, "config.NlbTargetRanges differ from producer.TargetRanges: make them agree")
}

func checkFootprints(t *testing.T, fleet *config.Fleet, built []awscdk.Stack, template func(name string) []byte) {
	t.Helper()
	estimates := fleet.Footprints()
	for _, s := range built {
		name := *s.Node().Id() // the stack name, or a cell's shared stack's ID
		fp, ok := estimates[name]
		if !assert.True(t, ok, "%s: config has no footprint for this stack", name) {
			continue
		}
		var ids []string
		for _, c := range *s.Node().Children() {
			ids = append(ids, *c.Node().Id())
		}
		raw := template(name)
		problems := fp.Check(ids, raw)
		assert.Empty(t, problems, "%s: the template and config's estimate disagree:\n%s", name, strings.Join(problems, "\n"))
		var tmpl map[string]map[string]any
		json.Unmarshal(raw, &tmpl)
		got := fmt.Sprint(len(tmpl["Resources"]), " resources, ", len(tmpl["Parameters"]), " parameters, ", len(tmpl["Outputs"]), " outputs")
		want := fmt.Sprint(fp.Resources, " resources, ", fp.Parameters, " parameters, ", fp.Outputs, " outputs")
		assert.Equal(t, want, got, "%s: what config/footprint.go counts and what the stack holds: make them agree", name)
		t.Logf("%s: %s; %d bytes, estimated %d", name, got, len(raw), fp.TemplateBytes)
	}
}

// edgeFleet is one customer with every mode at the edges of what validation
// allows: the longest names, every target kind, many ports (15 on a load
// balancer with its security group, more on one kept without, 60 in all), AZs,
// routes, hostnames, client networks and tags, in letters that take 4 bytes.
func edgeFleet(t *testing.T) *config.Fleet {
	t.Helper()
	long := func(prefix string, n int) string { return prefix + strings.Repeat("x", n-len(prefix)) }
	wide := strings.Repeat("\U0001D538", 20) // 𝔸: a letter, 4 bytes in UTF-8
	var hosts []string
	for i := 0; i < 12; i++ {
		hosts = append(hosts, fmt.Sprintf("%s-%02d.platform-%s.example.com", long("h", 40), i, strings.Repeat("d", 30)))
	}
	var vendorTags, custTags strings.Builder
	for i := 0; i < 8; i++ {
		fmt.Fprintf(&vendorTags, "  %s%d: %s\n", wide, i, strings.Repeat(wide, 6))
		// Seven: with the probe's alarms, an eighth takes the PrivateLink
		// stack past the template size validation allows.
		if i < 7 {
			fmt.Fprintf(&custTags, "  %s%d: %s\n", strings.Repeat("k", 100), i, strings.Repeat("v", 200))
		}
	}
	name := long("c", 40)
	label := func(s string) string { return long(s, 32) }
	files := map[string]string{
		"vendor.yaml": `apiVersion: privateconnect/v1
kind: Vendor
name: ` + long("Example Integrations-", 64) + `
account: "111122223333"
principalArn: arn:aws:iam::111122223333:role/ops/connectors/` + long("r", 64) + `
regions: [us-east-1, eu-west-1]
vpcCidrPools: [10.64.0.0/12]
internalDomain: ` + long("connect", 60) + `.internal.example.com
alarmTopicArns:
  us-east-1: arn:aws:sns:us-east-1:111122223333:` + long("a", 256) + `
  eu-west-1: arn:aws:sns:eu-west-1:111122223333:alarms
tags:
` + vendorTags.String() + `inboundPrivateLink:
  domains: [platform-` + strings.Repeat("d", 30) + `.example.com]
  hostnames: [` + strings.Join(hosts, ", ") + `]
  ports: [443, 8443, 10443, 20443, 30443, 40443, 50443, 60443, 61443, 62443]
  regions:
    us-east-1:
      nlbArn: arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/` + long("p", 32) + `/0a1b2c3d4e5f6071
      availabilityZones: [use1-az1, use1-az2, use1-az3, use1-az4, use1-az5, use1-az6]
      serviceName: com.amazonaws.vpce.us-east-1.vpce-svc-0f1e2d3c4b5a69788
`,
		"customers/" + name + ".yaml": `apiVersion: privateconnect/v1
kind: Customer
name: ` + name + `
displayName: "` + strings.Repeat("\U0001D538", 90) + ` & Co, 3M"
account: "444455556666"
region: us-east-1
networks: [10.0.0.0/16, 10.1.0.0/16, 10.2.0.0/16, 10.3.0.0/16, 10.4.0.0/16, 172.16.0.0/12]
tags:
` + custTags.String() + `privateLink:
  vpcCidr: 10.64.0.0/24
  availabilityZones: [use1-az1, use1-az2, use1-az3, use1-az4]
  services:
    - name: ` + label("cluster") + `
      serviceName: com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f60718
      ports: [5432, 5433, 5434, 5435, 5436, 5437, 5438, 5439, 5440, 5441, 5442, 5443, 5444, 5445, 5446]
      producer:
        target: rds
        rds: {by: dbCluster, role: reader}
        registrar: {scheduleMinutes: 60, deregisterAfterMisses: 10}
    - name: ` + label("host") + `
      ports: [10001, 10002, 10003, 10004, 10005]
      producer: {target: rds}
    - name: ` + label("ips") + `
      serviceName: com.amazonaws.vpce.us-east-1.vpce-svc-1a1b2c3d4e5f60718
      ports: [20001, 20002, 20003]
      producer: {target: ip, count: 20}
    - name: ` + label("vms") + `
      serviceName: com.amazonaws.vpce.us-east-1.vpce-svc-2a1b2c3d4e5f60718
      ports: [` + portList(30001, 22) + `]
      producer: {target: instance, count: 20, insecureAutoAcceptConnections: true, loadBalancerSecurityGroup: false}
    - name: ` + label("api") + `
      serviceName: com.amazonaws.vpce.us-east-1.vpce-svc-3a1b2c3d4e5f60718
      ports: [443, 8443, 9443, 10443, 11443, 12443, 13443, 14443, 15443, 16443, 17443, 18443, 19443, 20443, 21443]
vpn:
  vpcCidr: 10.64.1.0/24
  availabilityZones: [use1-az1, use1-az2, use1-az3]
  customerGateway: {ipAddress: 198.51.100.9, bgpAsn: 4200000001}
  amazonSideAsn: 4200000002
  routing: static
  remoteNetworks: [172.16.0.0/16, 172.17.0.0/16, 172.18.0.0/16, 172.19.0.0/16, 172.20.0.0/16, 172.21.0.0/16, 172.22.0.0/16, 172.23.0.0/16, 172.24.0.0/16, 172.25.0.0/16, 172.26.0.0/16, 172.27.0.0/16, 172.28.0.0/16, 172.29.0.0/16, 172.30.0.0/16]
  ports: [22, 443, 1521, 5432]
  natGateways: perAz
  allowIkev1: true
  tunnels:
    - insideCidr: 169.254.100.0/30
      preSharedKeySecret: arn:aws:secretsmanager:us-east-1:111122223333:secret:` + long("p", 100) + `-AbCdEf
      preSharedKeyJsonKey: ` + long("k", 100) + `
      ikeVersions: [ikev1, ikev2]
      phase1EncryptionAlgorithms: [AES128, AES256, AES128-GCM-16, AES256-GCM-16]
      phase2EncryptionAlgorithms: [AES128, AES256, AES128-GCM-16, AES256-GCM-16]
      phase1IntegrityAlgorithms: [SHA1, SHA2-256, SHA2-384, SHA2-512]
      phase2IntegrityAlgorithms: [SHA1, SHA2-256, SHA2-384, SHA2-512]
      phase1DhGroupNumbers: [2, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24]
      phase2DhGroupNumbers: [2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24]
    - insideCidr: 169.254.100.4/30
inboundPrivateLink:
  accounts: ["444455556666", "444455556667", "444455556668"]
  availabilityZones: [use1-az1, use1-az2, use1-az3, use1-az4, use1-az5, use1-az6]
  clientCidrs: [10.0.0.0/16, 10.1.0.0/16, 10.2.0.0/16]
  ports: [443, 8443, 10443, 20443, 30443, 40443, 50443, 60443, 61443, 62443]
`,
	}
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(path), 0o755)
		require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	}
	fleet, err := config.Load(dir)
	require.NoError(t, err, "the edge fleet does not validate")
	return fleet
}

func portList(from, n int) string {
	ports := make([]string, n)
	for i := range ports {
		ports[i] = fmt.Sprint(from + i)
	}
	return strings.Join(ports, ", ")
}
