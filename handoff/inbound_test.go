package handoff

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/cost"
	"github.com/privateconnect/privateconnect/internal/templatecheck"
	"github.com/privateconnect/privateconnect/stacks"
)

// inboundBundles are the example bundles of inbound customers.
func inboundBundles(t *testing.T) []Bundle {
	t.Helper()
	var out []Bundle
	for _, b := range example.bundles {
		if stacks.HasInbound(b.Customer) {
			out = append(out, b)
		}
	}
	if len(out) == 0 {
		t.Fatal("the example fleet has no inbound customer")
	}
	return out
}

func inboundTemplateOf(t *testing.T, b Bundle) (string, []byte) {
	t.Helper()
	name := stacks.StackName(b.Customer, stacks.ModeInbound) + ".yaml"
	data, ok := b.Files[name]
	if !ok {
		t.Fatalf("%s: no %s in the bundle", b.Customer.Name, name)
	}
	return name, data
}

// What the customer deploys passes cfn-lint and needs nothing but CloudFormation.
func TestInboundTemplatesPassCfnLintAndAreSelfContained(t *testing.T) {
	var files []string
	for _, b := range inboundBundles(t) {
		name, data := inboundTemplateOf(t, b)
		files = append(files, filepath.Join(example.dir, b.Customer.Name, name))
		for _, forbidden := range []string{"CDKMetadata", "BootstrapVersion", "cdk-hnb659fds", "AssetParameters", "S3Bucket"} {
			if strings.Contains(string(data), forbidden) {
				t.Errorf("%s: template mentions %s", b.Customer.Name, forbidden)
			}
		}
	}
	templatecheck.CfnLint(t, files...)
}

func TestInboundGuideSaysWhatTheCustomerNeeds(t *testing.T) {
	v := example.fleet.Vendor
	for _, b := range inboundBundles(t) {
		c := b.Customer
		t.Run(c.Name, func(t *testing.T) {
			guide := string(b.Files[InboundFile])
			file, data := inboundTemplateOf(t, b)
			var tmpl struct{ Parameters map[string]any }
			if err := yaml.Unmarshal(data, &tmpl); err != nil {
				t.Fatal(err)
			}
			in := c.InboundPrivateLink
			want := []string{
				file,
				"--region " + in.Region,
				"aws cloudformation deploy",
				v.InboundPrivateLink.Regions[c.Region].ServiceName,
				"pendingAcceptance", "EndpointId",
				"nslookup " + in.Hostnames[0],
				"https://" + in.Hostnames[0] + "/",
				"DNS allow-list",
				"**" + strings.Join(in.AvailabilityZones, ", ") + "**",
			}
			for _, a := range c.InboundAccounts() {
				want = append(want, "**"+a+"**")
			}
			for _, h := range in.Hostnames {
				want = append(want, "`"+h+"`")
			}
			for _, z := range stacks.InboundZones(v, c) {
				want = append(want, "private hosted zone** `"+z.Domain+"`", "names ending in\n   `"+z.Domain+"`")
			}
			for name := range tmpl.Parameters {
				want = append(want, "`"+name+"`")
			}
			for _, w := range want {
				if !strings.Contains(guide, w) {
					t.Errorf("INBOUND.md lacks %q", w)
				}
			}
			if strings.Contains(guide, "<no value>") {
				t.Error("INBOUND.md has an unfilled template field")
			}
			raw, err := json.Marshal(yamlValue(t, data))
			if err != nil {
				t.Fatal(err)
			}
			e, err := cost.Of(raw, in.Region)
			if err != nil || !e.Priced {
				t.Fatalf("priced %v, err %v", e.Priced, err)
			}
			if total := fmt.Sprintf("**$%.2f**", e.Total); !strings.Contains(guide, total) {
				t.Errorf("INBOUND.md does not show the total %s", total)
			}
		})
	}
}

// A customer with both a producer and an inbound section gets both
// templates, each with its own guide, under distinct names.
func TestProducerAndInboundSideBySide(t *testing.T) {
	c := *example.fleet.Customer("acme")
	c.InboundPrivateLink = &config.InboundPrivateLink{
		Region: c.Region, AvailabilityZones: []string{"use1-az1", "use1-az2"}, Ports: []int{443},
		Hostnames: []string{"api.platform.example.com"}, DnsMode: config.DnsModePrivateHostedZone,
	}
	bundles, err := Build(example.fleet.Vendor, []*config.Customer{&c})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for name := range bundles[0].Files {
		names = append(names, name)
	}
	for _, want := range []string{IndexFile, ProducerFile, "acme-Producer.yaml", InboundFile, "acme-Inbound.yaml"} {
		if bundles[0].Files[want] == nil {
			t.Errorf("bundle holds %v, want %s too", names, want)
		}
	}
	if !strings.Contains(string(bundles[0].Files[ProducerFile]), "acme-Producer.yaml") || !strings.Contains(string(bundles[0].Files[InboundFile]), "acme-Inbound.yaml") {
		t.Error("a guide names the other template")
	}
}

// Until vendor.yaml has the region's service name, there is nothing to hand over.
func TestInboundPendingServiceIsAnError(t *testing.T) {
	v := *example.fleet.Vendor
	platform := *v.InboundPrivateLink
	platform.Regions = map[string]config.InboundRegion{}
	for reg, r := range v.InboundPrivateLink.Regions {
		r.ServiceName = ""
		platform.Regions[reg] = r
	}
	v.InboundPrivateLink = &platform
	c := example.fleet.Customer("umbrella")
	_, err := Build(&v, []*config.Customer{c})
	if err == nil || !strings.Contains(err.Error(), "pending") || !strings.Contains(err.Error(), "inboundPrivateLink.regions."+c.Region+".serviceName") {
		t.Errorf("err = %v, want one saying the service is pending and where its name goes", err)
	}
}
