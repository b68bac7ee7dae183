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
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
	require.NotEmpty(t, out, "the example fleet has no inbound customer")
	return out
}

func inboundTemplateOf(t *testing.T, b Bundle) (string, []byte) {
	t.Helper()
	name := stacks.StackName(b.Customer, stacks.ModeInbound) + ".yaml"
	data, ok := b.Files[name]
	require.True(t, ok, "%s: no %s in the bundle", b.Customer.Name, name)
	return name, data
}

// What the customer deploys passes cfn-lint and needs nothing but CloudFormation.
func TestInboundTemplatesPassCfnLintAndAreSelfContained(t *testing.T) {
	var files []string
	for _, b := range inboundBundles(t) {
		name, data := inboundTemplateOf(t, b)
		files = append(files, filepath.Join(example.dir, b.Customer.Name, name))
		for _, forbidden := range []string{"CDKMetadata", "BootstrapVersion", "cdk-hnb659fds", "AssetParameters", "S3Bucket"} {
			assert.NotContains(t, string(data), forbidden, "%s: template mentions %s", b.Customer.Name, forbidden)
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
			require.NoError(t, yaml.Unmarshal(data, &tmpl))
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
				assert.Contains(t, guide, w, "INBOUND.md lacks %q", w)
			}
			assert.NotContains(t, guide, "<no value>", "INBOUND.md has an unfilled template field")
			raw, err := json.Marshal(yamlValue(t, data))
			require.NoError(t, err)
			e, err := cost.Of(raw, in.Region)
			require.NoError(t, err)
			require.True(t, e.Priced, "priced")
			assert.Contains(t, guide, fmt.Sprintf("**$%.2f**", e.Total), "INBOUND.md shows the total")
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
	require.NoError(t, err)
	var names []string
	for name := range bundles[0].Files {
		names = append(names, name)
	}
	for _, want := range []string{IndexFile, ProducerFile, "acme-Producer.yaml", InboundFile, "acme-Inbound.yaml"} {
		assert.NotNil(t, bundles[0].Files[want], "bundle holds %v, want %s too", names, want)
	}
	assert.Contains(t, string(bundles[0].Files[ProducerFile]), "acme-Producer.yaml", "PRODUCER.md names its template")
	assert.Contains(t, string(bundles[0].Files[InboundFile]), "acme-Inbound.yaml", "INBOUND.md names its template")
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
	if assert.Error(t, err, "the service is pending") {
		assert.Contains(t, err.Error(), "pending", "the error says the service is pending")
		assert.Contains(t, err.Error(), "inboundPrivateLink.regions."+c.Region+".serviceName", "the error says where its name goes")
	}
}
