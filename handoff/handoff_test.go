package handoff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"gopkg.in/yaml.v3"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/cost"
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
	code := func() int {
		defer jsii.Close()
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
	t.Fatalf("%s: no template in the bundle", b.Customer.Name)
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
	}
	if len(example.bundles) != len(want) {
		t.Fatalf("%d bundles, want one for each of acme, globex, hooli, initech and umbrella", len(example.bundles))
	}
	for _, b := range example.bundles {
		entries, err := os.ReadDir(filepath.Join(example.dir, b.Customer.Name))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range entries {
			got = append(got, e.Name())
		}
		if strings.Join(got, ",") != strings.Join(want[b.Customer.Name], ",") {
			t.Errorf("%s/ holds %v, want %v", b.Customer.Name, got, want[b.Customer.Name])
		}
	}
}

// The handed-over template must deploy with plain CloudFormation.
func TestTemplatesAreSelfContained(t *testing.T) {
	for _, b := range producerBundles() {
		_, data := templateOf(t, b)
		var tmpl map[string]any
		if err := yaml.Unmarshal(data, &tmpl); err != nil {
			t.Fatalf("%s: %v", b.Customer.Name, err)
		}
		if rules, _ := tmpl["Rules"].(map[string]any); len(rules) != 1 || rules[stacks.RegionRule] == nil {
			t.Errorf("%s: rules %v, want only %s (no bootstrap version check)", b.Customer.Name, rules, stacks.RegionRule)
		}
		for _, forbidden := range []string{"CDKMetadata", "BootstrapVersion", "cdk-hnb659fds", "AssetParameters", "S3Bucket"} {
			if strings.Contains(string(data), forbidden) {
				t.Errorf("%s: template mentions %s", b.Customer.Name, forbidden)
			}
		}
		if tmpl["AWSTemplateFormatVersion"] != "2010-09-09" {
			t.Errorf("%s: AWSTemplateFormatVersion = %v", b.Customer.Name, tmpl["AWSTemplateFormatVersion"])
		}
	}
}

// The YAML is the synthesized JSON template, value for value.
func TestTemplateYAMLKeepsEveryValue(t *testing.T) {
	raw, err := os.ReadFile("../stacks/testdata/acme-Producer.golden")
	if err != nil {
		t.Fatal(err)
	}
	yml, err := TemplateYAML(raw)
	if err != nil {
		t.Fatal(err)
	}
	var fromJSON, fromYAML map[string]any
	if err := json.Unmarshal(raw, &fromJSON); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(yml, &fromYAML); err != nil {
		t.Fatal(err)
	}
	delete(fromYAML, "AWSTemplateFormatVersion")
	a, _ := json.Marshal(fromJSON)
	b, _ := json.Marshal(fromYAML)
	if string(a) != string(b) {
		t.Error("the YAML template differs from the JSON one")
	}
	if !strings.Contains(string(yml), "ZipFile: |\n") {
		t.Error("the inline registrar code is not a literal block")
	}
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
			if err := yaml.Unmarshal(data, &tmpl); err != nil {
				t.Fatal(err)
			}
			want := []string{
				example.fleet.Vendor.PrincipalArn,
				"**" + example.fleet.Vendor.Account + "**", // the owner to accept
				"--region " + stacks.ProducerRegion(c),
				"aws cloudformation deploy",
				"accept-vpc-endpoint-connections",
				"describe-target-health",
				c.Name + "-Producer.yaml",
			}
			for name := range tmpl.Parameters {
				want = append(want, "`"+name+"`")
			}
			for name := range tmpl.Outputs {
				if strings.HasSuffix(name, "ServiceName") {
					want = append(want, "`"+name+"`")
				}
			}
			for _, w := range want {
				if !strings.Contains(readme, w) {
					t.Errorf("README lacks %q", w)
				}
			}
			if strings.Contains(readme, "<no value>") {
				t.Error("README has an unfilled template field")
			}
			iam := strings.Contains(readme, "CAPABILITY_IAM")
			if hasRole := strings.Contains(string(data), "AWS::IAM::Role"); iam != hasRole {
				t.Errorf("README asks for CAPABILITY_IAM: %v; template has an IAM role: %v", iam, hasRole)
			}
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
		if err != nil {
			t.Fatal(err)
		}
		e, err := cost.Of(raw, stacks.ProducerRegion(c))
		if err != nil || !e.Priced {
			t.Fatalf("%s: priced %v, err %v", c.Name, e.Priced, err)
		}
		readme := string(b.Files[ProducerFile])
		if total := fmt.Sprintf("**$%.2f**", e.Total); !strings.Contains(readme, total) {
			t.Errorf("%s: README does not show the total %s", c.Name, total)
		}
		for _, rate := range e.PerGB {
			if !strings.Contains(readme, rate) {
				t.Errorf("%s: README lacks the rate %q", c.Name, rate)
			}
		}
	}
}

func yamlValue(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestWriteReplacesTheWholeFolder(t *testing.T) {
	dir := t.TempDir()
	c := &config.Customer{Name: "acme"}
	if _, err := Write(dir, []Bundle{{Customer: c, Files: map[string][]byte{"old.yaml": []byte("a"), "README.md": []byte("1")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(dir, []Bundle{{Customer: c, Files: map[string][]byte{"new.yaml": []byte("b"), "README.md": []byte("2")}}}); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "acme" {
		t.Errorf("dir holds %v, want only acme/", entries)
	}
	files, _ := os.ReadDir(filepath.Join(dir, "acme"))
	var names []string
	for _, f := range files {
		names = append(names, f.Name())
	}
	if strings.Join(names, ",") != "README.md,new.yaml" {
		t.Errorf("acme/ holds %v, want only the new bundle", names)
	}
}

func TestNoBundleWithoutProducerOrVpn(t *testing.T) {
	c := *example.fleet.Customer("acme")
	pl := *c.PrivateLink
	pl.Services = nil
	c.PrivateLink = &pl
	if _, err := Build(example.fleet.Vendor, []*config.Customer{&c}); err == nil || !strings.Contains(err.Error(), "nothing to hand over") {
		t.Errorf("err = %v", err)
	}
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
		if got := strings.Contains(string(b.Files[ProducerFile]), "--s3-bucket"); got != needs {
			t.Errorf("%s: template %d bytes, deploy command with --s3-bucket: %v", b.Customer.Name, len(data), got)
		}
	}
	if big == 0 {
		t.Error("no example template is over the inline limit: this test no longer checks the S3 path")
	}
}

// CloudFormation reads YAML 1.1, where off, yes or 0755 are not strings: a
// YAML 1.1 parser (PyYAML, as CloudFormation and the emulator read it) must
// get every value of every handed-over template as the JSON has it.
func TestTemplateYAMLReadsTheSameInYAML11(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Fatal("python3 with PyYAML is needed: pip install pyyaml")
	}
	cases := map[string]string{"bools": `{"A":"off","B":"on","C":"yes","D":"No","E":"y","F":"~","G":"0755","H":"1:20","I":"2026-01-01","J":"1e3x","K":".5","L":"0x1F","M":"+12"}`}
	for _, b := range example.bundles {
		for name, data := range b.Files {
			if strings.HasSuffix(name, ".yaml") {
				raw, err := json.Marshal(yamlValue(t, data))
				if err != nil {
					t.Fatal(err)
				}
				cases[name] = string(raw)
			}
		}
	}
	for name, raw := range cases {
		yml, err := TemplateYAML([]byte(raw))
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(python, "-c", "import json, sys, yaml; d = yaml.load(sys.stdin, Loader=yaml.SafeLoader); d.pop('AWSTemplateFormatVersion', None); print(json.dumps(d, sort_keys=True))")
		cmd.Stdin = bytes.NewReader(yml)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
		var want, got map[string]any
		json.Unmarshal([]byte(raw), &want)
		delete(want, "AWSTemplateFormatVersion")
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for k := range want {
			if !reflect.DeepEqual(got[k], want[k]) {
				g, _ := json.Marshal(got[k])
				w, _ := json.Marshal(want[k])
				t.Errorf("%s: %s reads differently in YAML 1.1:\n got  %.300s\n want %.300s", name, k, g, w)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s: %d top-level keys in YAML 1.1, want %d", name, len(got), len(want))
		}
	}
}
