package producer

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/internal/cdktest"
)

const vendorAccount = "111122223333"

func gatewayProps() *ResourceGatewayProps {
	return &ResourceGatewayProps{
		VpcId:     jsii.String("vpc-0123456789abcdef0"),
		SubnetIds: jsii.Strings("subnet-0123456789abcdef0", "subnet-0123456789abcdef1"),
		Ports:     &[]*float64{jsii.Number(5432), jsii.Number(3306)},
		Name:      jsii.String("example-wayne"),
	}
}

func sharedProps(by string) *SharedDatabaseProps {
	return &SharedDatabaseProps{
		ResourceGatewayId: jsii.String("rgw-0123456789abcdef0"),
		By:                jsii.String(by),
		Target:            jsii.String("ledger-db"),
		Ports:             &[]*float64{jsii.Number(5432)},
		Accounts:          jsii.Strings(vendorAccount),
		Name:              jsii.String("example-wayne-ledger"),
	}
}

func synthGateway(t *testing.T, g *ResourceGatewayProps, dbs ...*SharedDatabaseProps) (cdktest.Template, ResourceGateway) {
	t.Helper()
	stack := cdktest.NewStack("G")
	gw := NewResourceGateway(stack, jsii.String("Gateway"), g)
	for i, d := range dbs {
		NewSharedDatabase(stack, jsii.String("Db"+string(rune('A'+i))), d)
	}
	return cdktest.TemplateOf(t, stack), gw
}

// The gateway's group admits nothing and sends only to the database ports,
// in the private ranges; the gateway is IPv4 in the given subnets.
func TestResourceGatewaySecurityGroup(t *testing.T) {
	tmpl, _ := synthGateway(t, gatewayProps())
	sg := tmpl.One(t, "AWS::EC2::SecurityGroup")
	assert.Nil(t, sg.Properties["SecurityGroupIngress"], "gateway group has inbound rules")
	tmpl.ResourceCountIs(t, "AWS::EC2::SecurityGroupIngress", 0, "separate inbound rules")
	egress, _ := sg.Properties["SecurityGroupEgress"].([]any)
	require.Len(t, egress, 2*len(TargetRanges), "egress: one rule per port and private range")
	seen := map[string]bool{}
	for _, e := range egress {
		r := e.(map[string]any)
		assert.Equal(t, "tcp", r["IpProtocol"], "egress protocol")
		assert.Equal(t, r["FromPort"], r["ToPort"], "egress to a single port")
		assert.Contains(t, []any{5432.0, 3306.0}, r["FromPort"], "egress port")
		assert.Contains(t, TargetRanges, r["CidrIp"], "egress range")
		seen[cdktest.Show(r["FromPort"])+" "+r["CidrIp"].(string)] = true
	}
	assert.Len(t, seen, 2*len(TargetRanges), "every port to every private range, once")
	gw := tmpl.One(t, "AWS::VpcLattice::ResourceGateway")
	assert.Equal(t, "IPV4", gw.Properties["IpAddressType"], "gateway address type")
	assert.Equal(t, "example-wayne", gw.Properties["Name"], "gateway name")
	cdktest.JSONEq(t, []any{"subnet-0123456789abcdef0", "subnet-0123456789abcdef1"}, gw.Properties["SubnetIds"], "gateway subnets")
	cdktest.JSONEq(t, []any{cdktest.GetAtt(sg.LogicalID, "GroupId")}, gw.Properties["SecurityGroupIds"], "gateway has exactly its own group")
}

// An RDS instance or cluster is a configuration of type ARN, built from the
// deploying partition, region and account, without ports (AWS takes them
// from the database); a hostname is SINGLE with its ports over TCP.
func TestSharedDatabaseConfiguration(t *testing.T) {
	arn := func(kind string) string {
		return `{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":rds:",{"Ref":"AWS::Region"},":",{"Ref":"AWS::AccountId"},":` + kind + `:ledger-db"]]}`
	}
	for _, tc := range []struct{ by, kind string }{{RdsByInstance, "db"}, {RdsByCluster, "cluster"}} {
		t.Run(tc.by, func(t *testing.T) {
			tmpl, _ := synthGateway(t, gatewayProps(), sharedProps(tc.by))
			cfg := tmpl.One(t, "AWS::VpcLattice::ResourceConfiguration")
			assert.Equal(t, "ARN", cfg.Properties["ResourceConfigurationType"], "type")
			assert.Equal(t, arn(tc.kind), cdktest.Show(cfg.Properties["ResourceConfigurationDefinition"].(map[string]any)["ArnResource"]), "ARN of the database")
			assert.NotContains(t, cfg.Properties, "PortRanges", "type ARN takes its ports from the database")
			assert.NotContains(t, cfg.Properties, "ProtocolType", "type ARN takes its protocol from the database")
			assert.Equal(t, false, cfg.Properties["AllowAssociationToSharableServiceNetwork"], "sharable service networks")
			assert.Equal(t, "rgw-0123456789abcdef0", cfg.Properties["ResourceGatewayId"], "gateway")
		})
	}
	t.Run(RdsByHostname, func(t *testing.T) {
		p := sharedProps(RdsByHostname)
		p.Target = jsii.String("ledger.cluster-abc.us-east-1.rds.amazonaws.com")
		p.Ports = &[]*float64{jsii.Number(5432), jsii.Number(6432)}
		tmpl, _ := synthGateway(t, gatewayProps(), p)
		tmpl.HasResourceProperties(t, "AWS::VpcLattice::ResourceConfiguration", map[string]any{
			"ResourceConfigurationType": "SINGLE",
			"ResourceConfigurationDefinition": assertions.Match_Exact(map[string]any{
				"DnsResource": map[string]any{"DomainName": "ledger.cluster-abc.us-east-1.rds.amazonaws.com", "IpAddressType": "IPV4"},
			}),
			"PortRanges":   []any{"5432", "6432"},
			"ProtocolType": "TCP",
			"AllowAssociationToSharableServiceNetwork": false,
		}, "hostname: SINGLE on its ports")
	})
}

// The share names the consumer's account only, and allows it although it is
// outside the owner's organization.
func TestSharedDatabaseShare(t *testing.T) {
	tmpl, _ := synthGateway(t, gatewayProps(), sharedProps(RdsByCluster))
	share := tmpl.One(t, "AWS::RAM::ResourceShare")
	cfg := tmpl.One(t, "AWS::VpcLattice::ResourceConfiguration")
	cdktest.JSONEq(t, []any{vendorAccount}, share.Properties["Principals"], "share principals")
	assert.Equal(t, true, share.Properties["AllowExternalPrincipals"], "external principals")
	cdktest.JSONEq(t, []any{cdktest.GetAtt(cfg.LogicalID, "Arn")}, share.Properties["ResourceArns"], "shares exactly the configuration")
	assert.NotContains(t, share.Properties, "PermissionArns", "AWS's managed permission for resource configurations")
}

func TestSharedDatabaseInvalidPropsPanic(t *testing.T) {
	for name, change := range map[string]func(p *SharedDatabaseProps){
		"any principal":      func(p *SharedDatabaseProps) { p.Accounts = jsii.Strings("*") },
		"an ARN principal":   func(p *SharedDatabaseProps) { p.Accounts = jsii.Strings("arn:aws:iam::111122223333:root") },
		"no principal":       func(p *SharedDatabaseProps) { p.Accounts = nil },
		"hostname no ports":  func(p *SharedDatabaseProps) { p.By, p.Ports = jsii.String(RdsByHostname), nil },
		"unknown by":         func(p *SharedDatabaseProps) { p.By = jsii.String("ip") },
		"uppercase name":     func(p *SharedDatabaseProps) { p.Name = jsii.String("Wayne-Ledger") },
		"long name":          func(p *SharedDatabaseProps) { p.Name = jsii.String(strings.Repeat("a", 41)) },
		"double hyphen name": func(p *SharedDatabaseProps) { p.Name = jsii.String("wayne--ledger") },
		"no gateway":         func(p *SharedDatabaseProps) { p.ResourceGatewayId = nil },
	} {
		p := sharedProps(RdsByCluster)
		change(p)
		assert.Panics(t, func() { NewSharedDatabase(cdktest.NewStack("S"), jsii.String("S"), p) }, "NewSharedDatabase accepted %s", name)
	}
	g := gatewayProps()
	g.Ports = &[]*float64{}
	assert.Panics(t, func() { NewResourceGateway(cdktest.NewStack("G"), jsii.String("G"), g) }, "NewResourceGateway accepted no port")
}

func TestLatticeName(t *testing.T) {
	for _, tc := range []struct{ parts []string }{
		{[]string{"Example Integrations", "wayne", "ledger"}},
		{[]string{"example-integrations", strings.Repeat("c", 40), strings.Repeat("s", 32)}},
		{[]string{"a"}},
		{[]string{"--x--", "Y_Z"}},
	} {
		n := LatticeName(tc.parts...)
		assert.Regexp(t, latticeNameRe, n, "LatticeName(%q)", tc.parts)
		assert.LessOrEqual(t, len(n), maxLatticeName, "LatticeName(%q) = %q", tc.parts, n)
		assert.GreaterOrEqual(t, len(n), 3, "LatticeName(%q) = %q", tc.parts, n)
	}
	assert.Equal(t, "example-integrations-wayne-ledger", LatticeName("Example Integrations", "wayne", "ledger"), "short names are kept")
	long := strings.Repeat("c", 40)
	assert.NotEqual(t, LatticeName("v", long, "one"), LatticeName("v", long, "two"), "long names that differ only at the end stay apart")
}
