package stacks

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/internal/cdktest"
	"github.com/privateconnect/privateconnect/internal/cfnvalidate"
	"github.com/privateconnect/privateconnect/internal/jsiiclose"
	"github.com/privateconnect/privateconnect/internal/templatecheck"
)

var update = flag.Bool("update", false, "rewrite stacks/testdata/*.golden from the example fleet")

// example is the example fleet in config/, synthesized once for all tests.
var example struct {
	fleet     *config.Fleet
	outdir    string
	stacks    []string
	built     []awscdk.Stack
	templates map[string]cdktest.Template
}

func TestMain(m *testing.M) {
	flag.Parse()
	cfnvalidate.Setup() // before the first CDK call: templates are checked on every core
	code := func() int {
		defer jsiiclose.Close() // jsii.Close, without its stray "exited abnormally" line
		defer cfnvalidate.Close()
		fleet, err := config.Load("../config")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		outdir, err := os.MkdirTemp("", "privateconnect-stacks-test")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(outdir)
		app := NewApp(outdir)
		built := append(Build(app, fleet, fleet.Customers), BuildHandoff(app, fleet.Vendor, fleet.Customers)...)
		app.Synth(nil)
		example.fleet, example.outdir, example.built = fleet, outdir, built
		example.templates = map[string]cdktest.Template{}
		for _, s := range built {
			name := *s.StackName()
			raw, err := os.ReadFile(filepath.Join(outdir, name+".template.json"))
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			var tmpl cdktest.Template
			if err := json.Unmarshal(raw, &tmpl); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			example.stacks = append(example.stacks, name)
			example.templates[name] = tmpl
		}
		defer func() {
			if examplePipeline.outdir != "" {
				os.RemoveAll(examplePipeline.outdir)
			}
		}()
		return m.Run()
	}()
	os.Exit(code)
}

// nondeterministic matches what may differ between runs or CDK versions
// without changing what is deployed: asset hashes.
var nondeterministic = regexp.MustCompile(`\b[0-9a-f]{64}\b`)

func normalize(raw []byte) []byte {
	return nondeterministic.ReplaceAll(raw, []byte("<asset-hash>"))
}

// TestGolden compares every synthesized template with its snapshot. A change
// here is a change to what customers' accounts run: review it, and treat any
// changed logical ID as a resource replacement.
func TestGolden(t *testing.T) {
	want := map[string]bool{}
	for _, name := range example.stacks {
		path := filepath.Join("testdata", name+".golden")
		want[path] = true
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		require.NoError(t, enc.Encode(example.templates[name]))
		got := normalize(buf.Bytes())
		if *update {
			require.NoError(t, os.WriteFile(path, got, 0o644))
			continue
		}
		old, err := os.ReadFile(path)
		if !assert.NoError(t, err, "%s: no snapshot (run go test ./stacks -update and review it)", name) {
			continue
		}
		assert.Equal(t, string(old), string(got), "%s differs from %s at %s\nrun go test ./stacks -update if the change is intended, and review the diff", name, path, firstDiff(old, got))
	}
	// A snapshot without a stack is a stack that silently disappeared.
	files, _ := filepath.Glob(filepath.Join("testdata", "*.golden"))
	for _, f := range files {
		if !want[f] && *update {
			os.Remove(f)
			continue
		}
		assert.True(t, want[f], "%s has no stack in the example fleet (remove it with go test ./stacks -update)", f)
	}
}

// firstDiff shows the first differing line with a little context.
func firstDiff(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(la) || i < len(lb); i++ {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			// Long lines (the inline registrar code) are cut to where they differ.
			col := 0
			for col < len(x) && col < len(y) && x[col] == y[col] {
				col++
			}
			from := max(0, col-60)
			cut := func(s string) string { return s[min(from, len(s)):min(col+60, len(s))] }
			return fmt.Sprintf("line %d, column %d:\n  snapshot: …%s…\n  now:      …%s…", i+1, col+1, cut(x), cut(y))
		}
	}
	return "(only whitespace differs)"
}

func TestEveryExampleCustomerHasItsStacks(t *testing.T) {
	var want []string
	for _, c := range example.fleet.Customers {
		if c.PrivateLink != nil {
			want = append(want, StackName(c, ModePrivateLink))
			if slices.ContainsFunc(c.PrivateLink.Services, func(s config.Service) bool { return s.Producer != nil }) {
				want = append(want, StackName(c, ModeProducer))
			}
		}
		if c.Vpn != nil {
			want = append(want, StackName(c, ModeVpn))
		}
		if HasInbound(c) {
			want = append(want, StackName(c, ModeInbound))
			if shared := InboundServiceStackName(c.Region); !slices.Contains(want, shared) {
				want = append(want, shared)
			}
		}
	}
	for _, region := range config.DashboardRegions(example.fleet.Customers) {
		want = append(want, DashboardStackName(region))
	}
	got := append([]string(nil), example.stacks...)
	sort.Strings(want)
	sort.Strings(got)
	assert.NotEmpty(t, got, "stacks")
	assert.Equal(t, want, got, "stacks")
}

// Every stack, vendor-side and handed-over, passes the AWS Solutions checks:
// a new finding must be fixed or suppressed with its reason beside the construct.
func TestNoCdkNagFindings(t *testing.T) {
	findings, err := NagFindings(example.outdir, example.built)
	require.NoError(t, err)
	assert.Empty(t, findings, "cdk-nag findings:\n%s", strings.Join(findings, "\n"))
}

func exampleTemplateFiles() []string {
	var files []string
	for _, name := range example.stacks {
		files = append(files, filepath.Join(example.outdir, name+".template.json"))
	}
	return files
}

// Every synthesized template passes cfn-lint, with the settings in .cfnlintrc.yaml.
func TestTemplatesPassCfnLint(t *testing.T) {
	templatecheck.CfnLint(t, exampleTemplateFiles()...)
}

// Every synthesized template meets the Control Tower rules, but for the
// exceptions in cfn-guard-exceptions.yaml.
func TestTemplatesPassControlTowerRules(t *testing.T) {
	templatecheck.CfnGuard(t, exampleTemplateFiles()...)
}
