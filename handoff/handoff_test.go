package handoff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/cost"
	"github.com/privateconnect/privateconnect/internal/cfnvalidate"
	"github.com/privateconnect/privateconnect/internal/jsiiclose"
	"github.com/privateconnect/privateconnect/internal/templatecheck"
	"github.com/privateconnect/privateconnect/stacks"
)

// bundles of every example customer with a producer or a vpn section, built once.
var example struct {
	fleet   *config.Fleet
	bundles []Bundle
	dir     string
}

func TestMain(m *testing.M) {
	cfnvalidate.Setup() // before the first CDK call: templates are checked on every core
	code := func() int {
		defer jsiiclose.Close() // jsii.Close, without its stray "exited abnormally" line
		defer cfnvalidate.Close()
		fleet, err := config.Load("../config")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		var customers []*config.Customer
		for _, c := range fleet.Customers {
			if HasHandoff(c) {
				customers = append(customers, c)
			}
		}
		example.fleet = fleet
		if example.bundles, err = Build(fleet.Vendor, customers); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if example.dir, err = os.MkdirTemp("", "privateconnect-handoff-test"); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(example.dir)
		if _, err := Write(example.dir, example.bundles); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return m.Run()
	}()
	os.Exit(code)
}

func templateOf(t *testing.T, b Bundle) (string, []byte) {
	t.Helper()
	for name, data := range b.Files {
		if strings.HasSuffix(name, ".yaml") {
			return name, data
		}
	}
	require.FailNow(t, b.Customer.Name+": no template in the bundle")
	return "", nil
}

// producerBundles are the bundles that hold a template.
func producerBundles() []Bundle {
	var out []Bundle
	for _, b := range example.bundles {
		if stacks.HasProducer(b.Customer) {
			out = append(out, b)
		}
	}
	return out
}

func TestEveryProducerOrVpnCustomerHasABundle(t *testing.T) {
	want := map[string][]string{
		"acme":     {ProducerFile, IndexFile, "acme-Producer.yaml"},
		"globex":   {ProducerFile, IndexFile, "globex-Producer.yaml"},
		"hooli":    {IndexFile, VpnSheetFile}, // PrivateLink without producer, and a VPN
		"initech":  {ProducerFile, IndexFile, VpnSheetFile, "initech-Producer.yaml"},
		"umbrella": {InboundFile, IndexFile, "umbrella-Inbound.yaml"}, // inbound PrivateLink only
		"wayne":    {ProducerFile, IndexFile, "wayne-Producer.yaml"},  // resourceGateway services only
	}
	require.Len(t, example.bundles, len(want), "bundles: one for each of acme, globex, hooli, initech, umbrella and wayne")
	for _, b := range example.bundles {
		entries, err := os.ReadDir(filepath.Join(example.dir, b.Customer.Name))
		require.NoError(t, err)
		var got []string
		for _, e := range entries {
			got = append(got, e.Name())
		}
		assert.Equal(t, want[b.Customer.Name], got, "%s/ holds", b.Customer.Name)
	}
}

// The handed-over template must deploy with plain CloudFormation.
func TestTemplatesAreSelfContained(t *testing.T) {
	for _, b := range producerBundles() {
		_, data := templateOf(t, b)
		var tmpl map[string]any
		require.NoError(t, yaml.Unmarshal(data, &tmpl), b.Customer.Name)
		rules, _ := tmpl["Rules"].(map[string]any)
		assert.Len(t, rules, 1, "%s: rules, only %s (no bootstrap version check)", b.Customer.Name, stacks.RegionRule)
		assert.Contains(t, rules, stacks.RegionRule, "%s: rules", b.Customer.Name)
		for _, forbidden := range []string{"CDKMetadata", "BootstrapVersion", "cdk-hnb659fds", "AssetParameters", "S3Bucket"} {
			assert.NotContains(t, string(data), forbidden, "%s: template mentions %s", b.Customer.Name, forbidden)
		}
		assert.Equal(t, "2010-09-09", tmpl["AWSTemplateFormatVersion"], "%s: AWSTemplateFormatVersion", b.Customer.Name)
	}
}

// The YAML is the synthesized JSON template, value for value.
func TestTemplateYAMLKeepsEveryValue(t *testing.T) {
	raw, err := os.ReadFile("../stacks/testdata/acme-Producer.golden")
	require.NoError(t, err)
	yml, err := TemplateYAML(raw)
	require.NoError(t, err)
	var fromJSON, fromYAML map[string]any
	require.NoError(t, json.Unmarshal(raw, &fromJSON))
	require.NoError(t, yaml.Unmarshal(yml, &fromYAML))
	delete(fromYAML, "AWSTemplateFormatVersion")
	a, _ := json.Marshal(fromJSON)
	b, _ := json.Marshal(fromYAML)
	assert.JSONEq(t, string(a), string(b), "the YAML template differs from the JSON one")
	assert.Contains(t, string(yml), "ZipFile: |\n", "the inline registrar code is not a literal block")
}

// cfn-lint (errors and warnings) must find nothing in what customers get.
func TestTemplatesPassCfnLint(t *testing.T) {
	var files []string
	for _, b := range producerBundles() {
		name, _ := templateOf(t, b)
		files = append(files, filepath.Join(example.dir, b.Customer.Name, name))
	}
	templatecheck.CfnLint(t, files...)
}

func TestReadmeSaysWhatTheCustomerNeeds(t *testing.T) {
	for _, b := range producerBundles() {
		c := b.Customer
		t.Run(c.Name, func(t *testing.T) {
			readme := string(b.Files[ProducerFile])
			_, data := templateOf(t, b)
			var tmpl struct {
				Parameters map[string]any
				Outputs    map[string]any
			}
			require.NoError(t, yaml.Unmarshal(data, &tmpl))
			want := []string{
				"**" + example.fleet.Vendor.Account + "**", // the owner to accept, or the only account shared with
				"--region " + stacks.ProducerRegion(c),
				"aws cloudformation deploy",
				c.Name + "-Producer.yaml",
			}
			if len(stacks.NlbServices(c)) > 0 {
				want = append(want, example.fleet.Vendor.PrincipalArn, "accept-vpc-endpoint-connections", "describe-target-health")
			}
			if len(stacks.GatewayServices(c)) > 0 {
				want = append(want, "--source-group \"$gateway_sg\"", "aws vpc-lattice get-resource-configuration", "aws ram get-resource-shares")
			}
			for name := range tmpl.Parameters {
				want = append(want, "`"+name+"`")
			}
			for name := range tmpl.Outputs {
				if strings.HasSuffix(name, "ServiceName") || strings.HasSuffix(name, "ResourceConfigurationArn") {
					want = append(want, "`"+name+"`")
				}
			}
			for _, w := range want {
				assert.Contains(t, readme, w, "README lacks %q", w)
			}
			assert.NotContains(t, readme, "<no value>", "README has an unfilled template field")
			iam := strings.Contains(readme, "CAPABILITY_IAM")
			hasRole := strings.Contains(string(data), "AWS::IAM::Role")
			assert.Equal(t, hasRole, iam, "README asks for CAPABILITY_IAM: %v; template has an IAM role: %v", iam, hasRole)
		})
	}
}

// The README states the cost the cost package computes for its template
// (whose figures are checked by hand in cost's own tests).
func TestReadmeShowsTheTemplateCost(t *testing.T) {
	for _, b := range producerBundles() {
		c := b.Customer
		_, data := templateOf(t, b)
		raw, err := json.Marshal(yamlValue(t, data))
		require.NoError(t, err)
		e, err := cost.Of(raw, stacks.ProducerRegion(c))
		require.NoError(t, err, c.Name)
		require.True(t, e.Priced, "%s: priced", c.Name)
		readme := string(b.Files[ProducerFile])
		if len(stacks.GatewayServices(c)) > 0 {
			// What a resource gateway costs, with its dated source.
			assert.Contains(t, readme, fmt.Sprintf("$%.2f per GB", resourceEndpointPricing.PerGB), "%s: README shows the resource endpoints' rate", c.Name)
			assert.Contains(t, readme, "read "+resourceEndpointPricing.Read, "%s: README dates the gateway's prices", c.Name)
		}
		if len(stacks.NlbServices(c)) == 0 {
			assert.NotContains(t, readme, "| **total** |", "%s: a total of the load balancers' table without load balancers", c.Name)
			continue
		}
		assert.Contains(t, readme, fmt.Sprintf("**$%.2f**", e.Total), "%s: README shows the total", c.Name)
		for _, rate := range e.PerGB {
			assert.Contains(t, readme, rate, "%s: README lacks the rate %q", c.Name, rate)
		}
	}
}

func yamlValue(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	require.NoError(t, yaml.Unmarshal(data, &v))
	return v
}

func TestWriteReplacesTheWholeFolder(t *testing.T) {
	dir := t.TempDir()
	c := &config.Customer{Name: "acme"}
	_, err := Write(dir, []Bundle{{Customer: c, Files: map[string][]byte{"old.yaml": []byte("a"), "README.md": []byte("1")}}})
	require.NoError(t, err)
	_, err = Write(dir, []Bundle{{Customer: c, Files: map[string][]byte{"new.yaml": []byte("b"), "README.md": []byte("2")}}})
	require.NoError(t, err)
	entries, _ := os.ReadDir(dir)
	var dirs []string
	for _, e := range entries {
		dirs = append(dirs, e.Name())
	}
	assert.Equal(t, []string{"acme"}, dirs, "dir holds only acme/")
	files, _ := os.ReadDir(filepath.Join(dir, "acme"))
	var names []string
	for _, f := range files {
		names = append(names, f.Name())
	}
	assert.Equal(t, []string{"README.md", "new.yaml"}, names, "acme/ holds only the new bundle")
}

func TestNoBundleWithoutProducerOrVpn(t *testing.T) {
	c := *example.fleet.Customer("acme")
	pl := *c.PrivateLink
	pl.Services = nil
	c.PrivateLink = &pl
	_, err := Build(example.fleet.Vendor, []*config.Customer{&c})
	assert.ErrorContains(t, err, "nothing to hand over")
}

// CloudFormation takes at most 51,200 bytes inline: a larger template's
// deploy command must go through the customer's S3 bucket.
func TestDeployCommandFitsTheTemplateSize(t *testing.T) {
	big := 0
	for _, b := range producerBundles() {
		_, data := templateOf(t, b)
		needs := len(data) > MaxTemplateBody
		if needs {
			big++
		}
		got := strings.Contains(string(b.Files[ProducerFile]), "--s3-bucket")
		assert.Equal(t, needs, got, "%s: template %d bytes, deploy command with --s3-bucket", b.Customer.Name, len(data))
	}
	assert.NotZero(t, big, "no example template is over the inline limit: this test no longer checks the S3 path")
}

// CloudFormation reads YAML 1.1, where off, yes or 0755 are not strings: a
// YAML 1.1 parser (PyYAML, as CloudFormation and the emulator read it) must
// get every value of every handed-over template as the JSON has it.
func TestTemplateYAMLReadsTheSameInYAML11(t *testing.T) {
	python, err := exec.LookPath("python3")
	require.NoError(t, err, "python3 with PyYAML is needed: pip install pyyaml")
	cases := map[string]string{"bools": `{"A":"off","B":"on","C":"yes","D":"No","E":"y","F":"~","G":"0755","H":"1:20","I":"2026-01-01","J":"1e3x","K":".5","L":"0x1F","M":"+12"}`}
	for _, b := range example.bundles {
		for name, data := range b.Files {
			if strings.HasSuffix(name, ".yaml") {
				raw, err := json.Marshal(yamlValue(t, data))
				require.NoError(t, err)
				cases[name] = string(raw)
			}
		}
	}
	for name, raw := range cases {
		yml, err := TemplateYAML([]byte(raw))
		require.NoError(t, err)
		cmd := exec.Command(python, "-c", "import json, sys, yaml; d = yaml.load(sys.stdin, Loader=yaml.SafeLoader); d.pop('AWSTemplateFormatVersion', None); print(json.dumps(d, sort_keys=True))")
		cmd.Stdin = bytes.NewReader(yml)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s:\n%s", name, out)
		var want, got map[string]any
		json.Unmarshal([]byte(raw), &want)
		delete(want, "AWSTemplateFormatVersion")
		require.NoError(t, json.Unmarshal(out, &got), name)
		for k := range want {
			assert.Equal(t, want[k], got[k], "%s: %s reads differently in YAML 1.1", name, k)
		}
		assert.Len(t, got, len(want), "%s: top-level keys in YAML 1.1", name)
	}
}
