package handoff

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/internal/templatecheck"
	"github.com/privateconnect/privateconnect/stacks"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// keptFirst is c with its first handed-over service set to
// loadBalancerSecurityGroup: false (a customer who deployed the first
// release), the others keeping the default.
func keptFirst(t *testing.T, c *config.Customer) (*config.Customer, string) {
	t.Helper()
	out := *c
	pl := *c.PrivateLink
	pl.Services = append([]config.Service(nil), pl.Services...)
	for i, s := range pl.Services {
		if s.Producer != nil {
			pr := *s.Producer
			pr.LoadBalancerSecurityGroup = new(bool)
			pl.Services[i].Producer = &pr
			out.PrivateLink = &pl
			return &out, s.Name
		}
	}
	require.FailNow(t, c.Name+" has no handed-over service")
	return nil, ""
}

// The README, its security review and its outputs follow each service's
// load balancer: with its own group (admit the group, the group's output),
// or kept from the first release without one (admit the subnets, no group
// output, the migration); and the template still passes cfn-lint, cfn-guard
// (with the listed exceptions) and cdk-nag (Build fails on a finding).
func TestReadmeFollowsTheLoadBalancerShape(t *testing.T) {
	acme := example.fleet.Customer("acme")
	require.NotNil(t, acme, "the example fleet's acme")
	require.GreaterOrEqual(t, len(producerServicesOf(acme)), 2, "the example fleet's acme no longer has two handed-over services")
	variant, kept := keptFirst(t, acme)
	bundles, err := Build(example.fleet.Vendor, []*config.Customer{variant})
	require.NoError(t, err)
	readme := string(bundles[0].Files[ProducerFile])
	var secured []string
	for _, s := range producerServicesOf(acme) {
		if s.Name != kept {
			secured = append(secured, s.Name)
		}
	}
	keptID := "Db"
	require.Equal(t, "db", kept, "test setup: acme's first service")

	for _, w := range []string{
		"**No security group on the load balancer.**",
		"`" + kept + "` keeps the load balancer of the stack you deployed from an earlier",
		"--port 5432 \\\n    --group-id \"${DB_TARGETS_SG:?set DB_TARGETS_SG first}\" --cidr \"$cidr\"",
		"OutputKey==`ReportsNlbSecurityGroupId`",
		"--port 5432 \\\n  --group-id \"${REPORTS_TARGETS_SG:?set REPORTS_TARGETS_SG first}\" --source-group \"$nlb_sg\"",
		"`" + kept + "`: this template keeps the load balancer as earlier versions created it",
		"`" + secured[0] + "`: the load balancer has a security group of its own",
		"### Moving a service to a load balancer with a security group",
		"Load balancer `" + keptID + "LoadBalancer",
		"has no security group: an earlier version of this template created it without one",
	} {
		assert.Contains(t, readme, w, "the README with %s kept lacks %q", kept, w)
	}
	for _, w := range []string{keptID + "NlbSecurityGroupId", "--group-id \"${DB_TARGETS_SG:?set DB_TARGETS_SG first}\" --source-group"} {
		assert.NotContains(t, readme, w, "the README with %s kept has %q", kept, w)
	}
	out := section(readme, "## Outputs")
	assert.Contains(t, out, "ReportsNlbSecurityGroupId", "outputs table")
	assert.NotContains(t, out, "DbNlbSecurityGroupId", "outputs table")

	// The example fleet's READMEs (every service secured) say nothing of a kept load balancer.
	for _, b := range producerBundles() {
		if len(stacks.NlbServices(b.Customer)) == 0 {
			continue // no load balancer to move
		}
		r := string(b.Files[ProducerFile])
		for _, w := range []string{"No security group on the load balancer", "<CIDR of each load balancer subnet>", "has no security group: an earlier version"} {
			assert.NotContains(t, r, w, "%s: the README has %q with every load balancer secured", b.Customer.Name, w)
		}
		for _, w := range []string{"### Moving a service to a load balancer with a security group", "ExistingVpcEndpointConnections"} {
			assert.Contains(t, r, w, "%s: the README does not say how a service moves to a secured load balancer", b.Customer.Name)
		}
	}

	// The template with a kept load balancer passes the same checks.
	name, data := templateOf(t, bundles[0])
	dir := t.TempDir()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, data, 0o644))
	templatecheck.CfnLint(t, path)
	raw, err := json.Marshal(yamlValue(t, data))
	require.NoError(t, err)
	jsonPath := filepath.Join(dir, "template.json")
	require.NoError(t, os.WriteFile(jsonPath, raw, 0o644))
	templatecheck.CfnGuard(t, jsonPath)
}

func producerServicesOf(c *config.Customer) []config.Service {
	var out []config.Service
	for _, s := range c.PrivateLink.Services {
		if s.Producer != nil {
			out = append(out, s)
		}
	}
	return out
}
