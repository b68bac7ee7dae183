package handoff

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/internal/templatecheck"
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
	t.Fatalf("%s has no handed-over service", c.Name)
	return nil, ""
}

// The README, its security review and its outputs follow each service's
// load balancer: with its own group (admit the group, the group's output),
// or kept from the first release without one (admit the subnets, no group
// output, the migration); and the template still passes cfn-lint, cfn-guard
// (with the listed exceptions) and cdk-nag (Build fails on a finding).
func TestReadmeFollowsTheLoadBalancerShape(t *testing.T) {
	acme := example.fleet.Customer("acme")
	if acme == nil || len(producerServicesOf(acme)) < 2 {
		t.Fatal("the example fleet's acme no longer has two handed-over services")
	}
	variant, kept := keptFirst(t, acme)
	bundles, err := Build(example.fleet.Vendor, []*config.Customer{variant})
	if err != nil {
		t.Fatal(err)
	}
	readme := string(bundles[0].Files[ProducerFile])
	var secured []string
	for _, s := range producerServicesOf(acme) {
		if s.Name != kept {
			secured = append(secured, s.Name)
		}
	}
	keptID := "Db"
	if kept != "db" {
		t.Fatalf("test setup: acme's first service is %s, not db", kept)
	}

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
		if !strings.Contains(readme, w) {
			t.Errorf("the README with %s kept lacks %q", kept, w)
		}
	}
	for _, w := range []string{keptID + "NlbSecurityGroupId", "--group-id \"${DB_TARGETS_SG:?set DB_TARGETS_SG first}\" --source-group"} {
		if strings.Contains(readme, w) {
			t.Errorf("the README with %s kept has %q", kept, w)
		}
	}
	if out := section(readme, "## Outputs"); !strings.Contains(out, "ReportsNlbSecurityGroupId") || strings.Contains(out, "DbNlbSecurityGroupId") {
		t.Errorf("outputs table:\n%s", out)
	}

	// The example fleet's READMEs (every service secured) say nothing of a kept load balancer.
	for _, b := range producerBundles() {
		r := string(b.Files[ProducerFile])
		for _, w := range []string{"No security group on the load balancer", "<CIDR of each load balancer subnet>", "has no security group: an earlier version"} {
			if strings.Contains(r, w) {
				t.Errorf("%s: the README has %q with every load balancer secured", b.Customer.Name, w)
			}
		}
		if !strings.Contains(r, "### Moving a service to a load balancer with a security group") || !strings.Contains(r, "ExistingVpcEndpointConnections") {
			t.Errorf("%s: the README does not say how a service moves to a secured load balancer", b.Customer.Name)
		}
	}

	// The template with a kept load balancer passes the same checks.
	name, data := templateOf(t, bundles[0])
	dir := t.TempDir()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	templatecheck.CfnLint(t, path)
	raw, err := json.Marshal(yamlValue(t, data))
	if err != nil {
		t.Fatal(err)
	}
	jsonPath := filepath.Join(dir, "template.json")
	if err := os.WriteFile(jsonPath, raw, 0o644); err != nil {
		t.Fatal(err)
	}
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
