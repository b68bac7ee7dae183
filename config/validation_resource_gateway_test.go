package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rgServices gives acme two services in producer mode resourceGateway: an
// Aurora cluster whose resource configuration ARN came back, and a database
// by hostname still pending.
const rgServices = `    - name: ledger
      resourceConfigurationArn: arn:aws:vpc-lattice:us-east-1:444455556666:resourceconfiguration/rcfg-0a1b2c3d4e5f60718
      ports: [5432]
      producer:
        mode: resourceGateway
        target: rds
        rds: {by: dbCluster}
    - name: billing
      ports: [3306]
      producer:
        mode: resourceGateway
        target: rds
`

const rgArn = "arn:aws:vpc-lattice:us-east-1:444455556666:resourceconfiguration/rcfg-0a1b2c3d4e5f60718"

func rgFleet() testFleet {
	f := baseFleet()
	f.acme += rgServices
	return f
}

// ledger, billing: the start of each resourceGateway service, to edit one.
const (
	ledgerArnLine  = "rcfg-0a1b2c3d4e5f60718\n"
	billingPorts   = "      ports: [3306]\n      producer:\n"
	ledgerProducer = "mode: resourceGateway\n        target: rds\n        rds: {by: dbCluster}"
)

func TestResourceGatewayFleetIsValid(t *testing.T) {
	fleet, err := rgFleet().build()
	require.NoError(t, err)
	svcs := fleet.Customer("acme").PrivateLink.Services
	require.Len(t, svcs, 3)
	ledger, billing := svcs[1], svcs[2]
	assert.True(t, ledger.ViaResourceGateway(), "ledger via a resource gateway")
	assert.False(t, ledger.Pending(), "ledger has its ARN")
	assert.Equal(t, rgArn, ledger.Address())
	assert.True(t, billing.Pending(), "billing waits for its ARN")
	assert.True(t, billing.ViaResourceGateway(), "billing via a resource gateway")
	// Only rds.by is defaulted: the load balancer's keys stay unset.
	for _, s := range []Service{ledger, billing} {
		pr := s.Producer
		assert.Nil(t, pr.Registrar, "%s registrar", s.Name)
		assert.Nil(t, pr.TargetGroup, "%s targetGroup", s.Name)
		assert.Nil(t, pr.LoadBalancerSecurityGroup, "%s loadBalancerSecurityGroup", s.Name)
		assert.Nil(t, pr.Count, "%s count", s.Name)
		assert.Empty(t, pr.Rds.Role, "%s rds.role", s.Name)
	}
	assert.Equal(t, "hostname", billing.Producer.Rds.By)
}

// A resource configuration the customer built itself, without a producer
// section; a database by hostname on several ports (type SINGLE takes port
// ranges).
func TestResourceGatewayAcceptedVariants(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edits []edit
	}{
		{"ARN without producer", []edit{{"acme", "      ports: [5432]\n      producer:\n        " + ledgerProducer + "\n", "      ports: [5432]\n"}}},
		{"hostname on two ports", []edit{{"acme", "ports: [3306]", "ports: [3306, 33060]"}}},
		// ledger's 5432 and billing's 14: 15 distinct ports, 60 rules in the gateway's group.
		{"gateway group at 60 rules", []edit{{"acme", "ports: [3306]", "ports: [3306, 3307, 3308, 3309, 3310, 3311, 3312, 3313, 3314, 3315, 3316, 3317, 3318, 3319]"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := rgFleet()
			for _, e := range tc.edits {
				f.acme = replace(t, f.acme, e.old, e.new)
			}
			_, err := f.build()
			assert.NoError(t, err)
		})
	}
}

func TestResourceGatewayValidationErrors(t *testing.T) {
	const ledger, billing = "privateLink.services[1]", "privateLink.services[2]"
	insert := func(key string) []edit { return []edit{{"acme", billingPorts, billingPorts + "        " + key + "\n"}} }
	// Another customer holding acme's ARN: in its own region and account,
	// so that the only error is the shared ARN.
	betaWithAcmesArn := []edit{{"beta", "      ports: [443]\n", "      ports: [443]\n    - name: stolen\n      resourceConfigurationArn: " + rgArn + "\n      ports: [5432]\n"},
		{"beta", `account: "777788889999"`, `account: "444455556666"`}, {"beta", "region: eu-west-1", "region: us-east-1"}}
	runValidationCasesOn(t, rgFleet(), []validationCase{
		{"mode unknown", []edit{{"acme", ledgerProducer, "mode: lattice\n        target: rds"}}, acmeFile, ledger + ".producer.mode", "unknown producer mode"},
		// Mode resourceGateway: an RDS database only, in the customer's region.
		{"ip target", []edit{{"acme", billingPorts + "        mode: resourceGateway\n        target: rds", billingPorts + "        mode: resourceGateway\n        target: ip"}}, acmeFile, billing + ".producer.target", "use mode: nlb for ip and instance targets"},
		{"instance target", []edit{{"acme", billingPorts + "        mode: resourceGateway\n        target: rds", billingPorts + "        mode: resourceGateway\n        target: instance"}}, acmeFile, billing + ".producer.target", "shares an RDS database (target: rds) only"},
		{"serviceRegion with a producer", []edit{{"acme", billingPorts, "      serviceRegion: us-west-2\n" + billingPorts}}, acmeFile, billing + ".serviceRegion", "reached from that region only"},
		{"serviceRegion with an ARN", []edit{{"acme", ledgerArnLine, ledgerArnLine + "      serviceRegion: us-east-1\n"}}, acmeFile, ledger + ".serviceRegion", "no cross-region resource endpoint"},
		// The load balancer's keys.
		{"registrar", insert("registrar: {scheduleMinutes: 5}"), acmeFile, billing + ".producer.registrar", "mode resourceGateway has none"},
		{"targetGroup", insert("targetGroup: {deregistrationDelaySeconds: 30}"), acmeFile, billing + ".producer.targetGroup", "applies to mode nlb only"},
		{"loadBalancerSecurityGroup false", insert("loadBalancerSecurityGroup: false"), acmeFile, billing + ".producer.loadBalancerSecurityGroup", "applies to mode nlb only"},
		{"loadBalancerSecurityGroup true", insert("loadBalancerSecurityGroup: true"), acmeFile, billing + ".producer.loadBalancerSecurityGroup", "applies to mode nlb only"},
		{"count", insert("count: 1"), acmeFile, billing + ".producer.count", "count applies to ip and instance targets of mode nlb only"},
		{"insecureAutoAcceptConnections", insert("insecureAutoAcceptConnections: true"), acmeFile, billing + ".producer.insecureAutoAcceptConnections", "shared through AWS RAM with the vendor's account alone"},
		// The database.
		{"role", []edit{{"acme", "rds: {by: dbCluster}", "rds: {by: dbCluster, role: writer}"}}, acmeFile, ledger + ".producer.rds.role", "shares the database as a whole"},
		{"role reader", []edit{{"acme", "rds: {by: dbCluster}", "rds: {by: dbCluster, role: reader}"}}, acmeFile, ledger + ".producer.rds.role", "remove role"},
		{"unknown by", []edit{{"acme", "rds: {by: dbCluster}", "rds: {by: endpoint}"}}, acmeFile, ledger + ".producer.rds.by", "unknown way to find the database"},
		{"cluster on two ports", []edit{{"acme", ledgerArnLine + "      ports: [5432]", ledgerArnLine + "      ports: [5432, 5433]"}}, acmeFile, ledger + ".ports", "carries the database's own port, one"},
		// 16 distinct ports over the services of the one gateway: 64 rules in its group.
		{"gateway group over 60 rules", []edit{{"acme", "ports: [3306]", "ports: [3306, 3307, 3308, 3309, 3310, 3311, 3312, 3313, 3314, 3315, 3316, 3317, 3318, 3319, 3320]"}}, acmeFile, "privateLink.services", "at most 15 distinct ports"},
		{"instance on two ports", []edit{{"acme", "rds: {by: dbCluster}", "rds: {by: dbInstance}"}, {"acme", ledgerArnLine + "      ports: [5432]", ledgerArnLine + "      ports: [5432, 5433]"}}, acmeFile, ledger + ".ports", "rds.by: dbInstance"},
		// What the vendor's endpoint connects to.
		{"serviceName in mode resourceGateway", []edit{{"acme", "    - name: billing\n", "    - name: billing\n      serviceName: com.amazonaws.vpce.us-east-1.vpce-svc-0b1c2d3e4f5a60718\n"}}, acmeFile, billing + ".serviceName", "the customer sends a resource configuration ARN"},
		{"ARN in mode nlb", []edit{{"acme", ledgerProducer, "mode: nlb\n        target: rds\n        rds: {by: dbCluster}"}}, acmeFile, ledger + ".resourceConfigurationArn", "this service's mode is nlb"},
		{"ARN in the default mode", []edit{{"acme", ledgerProducer, "target: rds\n        rds: {by: dbCluster}"}}, acmeFile, ledger + ".resourceConfigurationArn", "set producer.mode: resourceGateway"},
		{"ARN and serviceName", []edit{{"acme", "      ports: [5432]\n      producer:\n        " + ledgerProducer + "\n", "      serviceName: com.amazonaws.vpce.us-east-1.vpce-svc-0b1c2d3e4f5a60718\n      ports: [5432]\n"}}, acmeFile, ledger + ".serviceName", "not both"},
		{"ARN malformed", []edit{{"acme", "rcfg-0a1b2c3d4e5f60718", "rcfg-0a1b2c3d"}}, acmeFile, ledger + ".resourceConfigurationArn", "not a resource configuration ARN"},
		{"ARN of a service network", []edit{{"acme", "resourceconfiguration/rcfg-", "servicenetwork/sn-"}}, acmeFile, ledger + ".resourceConfigurationArn", "not a resource configuration ARN"},
		{"ARN in another region", []edit{{"acme", "vpc-lattice:us-east-1:", "vpc-lattice:eu-west-1:"}}, acmeFile, ledger + ".resourceConfigurationArn", "is in eu-west-1 but this customer's stacks deploy to us-east-1"},
		{"ARN of another partition", []edit{{"acme", "arn:aws:vpc-lattice:us-east-1:444455556666", "arn:aws-cn:vpc-lattice:us-east-1:444455556666"}}, acmeFile, ledger + ".resourceConfigurationArn", "partition aws-cn is not the partition of us-east-1"},
		{"ARN in an unknown region", []edit{{"acme", "vpc-lattice:us-east-1:", "vpc-lattice:mars-east-1:"}}, acmeFile, ledger + ".resourceConfigurationArn", "unknown AWS region"},
		{"ARN in another account", []edit{{"acme", "444455556666:resourceconfiguration", "999988887777:resourceconfiguration"}}, acmeFile, ledger + ".resourceConfigurationArn", "belongs to account 999988887777, not to the customer's account 444455556666"},
		{"ARN twice in a file", []edit{{"acme", "    - name: billing\n", "    - name: again\n      resourceConfigurationArn: " + rgArn + "\n      ports: [5432]\n    - name: billing\n"}}, acmeFile, billing + ".resourceConfigurationArn", "resource configuration listed twice"},
		{"ARN of another customer", betaWithAcmesArn, betaFile, "privateLink.services[1].resourceConfigurationArn", "has the same resource configuration"},
		{"neither name nor ARN", []edit{{"acme", "      serviceName: com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f60718\n", ""}}, acmeFile, "privateLink.services[0].serviceName", "add serviceName: (an endpoint service) or resourceConfigurationArn:"},
	})
}

// Apart from the shared ARN, betaWithAcmesArn is a valid fleet: the case
// above fails for the claim, not for something else.
func TestSharedArnIsTheOnlyError(t *testing.T) {
	f := rgFleet()
	f.beta = replace(t, f.beta, "      ports: [443]\n", "      ports: [443]\n    - name: stolen\n      resourceConfigurationArn: "+rgArn+"\n      ports: [5432]\n")
	f.beta = replace(t, f.beta, `account: "777788889999"`, `account: "444455556666"`)
	f.beta = replace(t, f.beta, "region: eu-west-1", "region: us-east-1")
	_, err := f.build()
	errs, ok := err.(Errors)
	require.True(t, ok, "want Errors, got %v", err)
	var paths []string
	for _, e := range errs {
		paths = append(paths, e.File+": "+e.Path)
	}
	assert.Contains(t, paths, betaFile+": privateLink.services[1].resourceConfigurationArn")
	for _, e := range errs {
		if e.Path == "privateLink.services[1].resourceConfigurationArn" {
			continue
		}
		// beta's other sections were written for eu-west-1.
		assert.NotContains(t, e.Msg, "resource configuration", "%s: %s", e.Path, e.Msg)
	}
}

// An unknown mode is one error: the other keys' rules depend on the mode.
func TestUnknownModeIsOneError(t *testing.T) {
	f := rgFleet()
	f.acme = replace(t, f.acme, billingPorts+"        mode: resourceGateway\n        target: rds", billingPorts+"        mode: lattice\n        target: ip\n        count: 99")
	_, err := f.build()
	errs, ok := err.(Errors)
	require.True(t, ok, "want Errors, got %v", err)
	require.Len(t, errs, 1, "%v", err)
	assert.Equal(t, "privateLink.services[2].producer.mode", errs[0].Path)
}

// The example customer of this mode (Wayne: an Aurora cluster shared, a
// MySQL instance pending) in the example fleet; TestExampleFleetLoads and
// TestExamplesMatchSchemas check that it validates and meets the schema.
func TestResourceGatewayExampleCustomer(t *testing.T) {
	fleet, err := Load(".")
	require.NoError(t, err)
	assert.Empty(t, schemaCheck(t, Schemas()[CustomerSchemaFile], []byte(rgFleet().acme)), "the test customer fails the schema")
	c := fleet.Customer("wayne")
	require.NotNil(t, c)
	svcs := c.PrivateLink.Services
	require.Len(t, svcs, 2)
	assert.False(t, svcs[0].Pending(), "ledger")
	assert.True(t, svcs[1].Pending(), "billing")
	assert.Equal(t, "dbCluster", svcs[0].Producer.Rds.By)
	assert.Equal(t, ModeResourceGateway, svcs[1].Producer.Mode)

	// Quotas: the ledger's resource endpoint counts against its own per-VPC
	// quota, not the interface endpoints'.
	uses := CustomerStackUse(fleet.Vendor, c)
	require.Len(t, uses, 1)
	u := uses[0]
	assert.Equal(t, 1, u.Max[QuotaResourceEndpointsPerVPC], "resource endpoints")
	assert.Equal(t, 0, u.Max[QuotaEndpointsPerVPC], "interface endpoints")
	assert.Equal(t, 3, u.Counts[QuotaSecurityGroups], "default, connectors, the endpoint's")
	assert.Equal(t, 2+2, u.Counts[QuotaNetworkInterfaces], "the endpoint and the probe, in each of 2 subnets")
	assert.Equal(t, 4+4+1+1, u.Counts[QuotaSsmParameters], "stack, the endpoint's with its ARN, the probe's")
}
