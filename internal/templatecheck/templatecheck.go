// Package templatecheck runs the external template checkers, cfn-lint and
// cfn-guard with the Control Tower rules, from the tests, with the project's
// committed settings (.cfnlintrc.yaml, cfn-guard-exceptions.yaml). A missing
// tool fails the test with how to install it: a check that silently does not
// run is not a check.
package templatecheck

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// Root is the project's root directory.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// CfnLint fails t on any cfn-lint error or warning in the templates.
func CfnLint(t testing.TB, templates ...string) {
	t.Helper()
	lint, err := exec.LookPath("cfn-lint")
	require.NoError(t, err, "cfn-lint is not installed: pip install cfn-lint (the tests check every template with it)")
	args := append([]string{"--config-file", filepath.Join(Root(), ".cfnlintrc.yaml"), "--"}, templates...)
	out, err := exec.Command(lint, args...).CombinedOutput()
	if assert.NoError(t, err, "cfn-lint:\n%s", out) {
		assert.Empty(t, strings.TrimSpace(string(out)), "cfn-lint prints nothing on clean templates")
	}
}

// Exception is a Control Tower rule a resource type is allowed to fail.
type Exception struct {
	Rule         string `yaml:"rule"`
	ResourceType string `yaml:"resourceType"`
	Reason       string `yaml:"reason"`
	// Templates, when given, limit the exception to the template files
	// whose names match one of these globs (path.Match), e.g. the
	// pipeline's own stacks.
	Templates []string `yaml:"templates"`
}

// Covers reports whether the exception applies to the template file.
func (e Exception) Covers(template string) bool {
	if len(e.Templates) == 0 {
		return true
	}
	for _, g := range e.Templates {
		if ok, _ := filepath.Match(g, filepath.Base(template)); ok {
			return true
		}
	}
	return false
}

// Failure is one rule a resource of a template does not meet.
type Failure struct {
	Template, Rule, LogicalID, ResourceType string
}

// CfnGuard runs every Control Tower rule on the templates (JSON) and fails t
// on a failure cfn-guard-exceptions.yaml does not list, and on an exception
// that matched nothing.
func CfnGuard(t testing.TB, templates ...string) {
	t.Helper()
	guard, rules := guardPaths()
	_, err := os.Stat(guard)
	require.NoError(t, err, "cfn-guard is not installed: run make deps (it comes with @cdklabs/cdk-validator-cfnguard in .tools/package.json)")
	exceptions, err := LoadExceptions()
	require.NoError(t, err)
	// One cfn-guard process per template, side by side: each reads every rule.
	results := make([][]Failure, len(templates))
	errs := make([]error, len(templates))
	var wg sync.WaitGroup
	for i, tmpl := range templates {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = runGuard(guard, rules, tmpl)
		}()
	}
	wg.Wait()
	used := map[int]bool{}
	inScope := map[int]bool{}
	for i, e := range exceptions {
		for _, tmpl := range templates {
			inScope[i] = inScope[i] || e.Covers(tmpl)
		}
	}
	for i, failures := range results {
		require.NoError(t, errs[i])
	next:
		for _, f := range failures {
			for i, e := range exceptions {
				if e.Rule == f.Rule && e.ResourceType == f.ResourceType && e.Covers(f.Template) {
					used[i] = true
					continue next
				}
			}
			assert.Fail(t, fmt.Sprintf("%s: %s (%s) fails Control Tower rule %s", filepath.Base(f.Template), f.LogicalID, f.ResourceType, f.Rule),
				"fix it, or add it to cfn-guard-exceptions.yaml with the reason")
		}
	}
	for i, e := range exceptions {
		// An exception limited to other templates has nothing to match here.
		if inScope[i] {
			assert.True(t, used[i], "cfn-guard-exceptions.yaml: %s on %s matches no failure any more: remove it", e.Rule, e.ResourceType)
		}
	}
}

func guardPaths() (binary, rules string) {
	pkg := filepath.Join(Root(), ".tools", "node_modules", "@cdklabs", "cdk-validator-cfnguard")
	osDir := map[string]string{"linux": "ubuntu", "darwin": "macos"}[runtime.GOOS]
	arch := map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[runtime.GOARCH]
	return filepath.Join(pkg, "bin", osDir, arch, "cfn-guard"), filepath.Join(pkg, "rules", "control-tower", "cfn-guard")
}

// GuardFailures runs every Control Tower rule on one template (JSON) and
// returns its failures, exceptions or not.
func GuardFailures(template string) ([]Failure, error) {
	guard, rules := guardPaths()
	if _, err := os.Stat(guard); err != nil {
		return nil, fmt.Errorf("cfn-guard is not installed (%v): run make deps", err)
	}
	return runGuard(guard, rules, template)
}

// LoadExceptions reads cfn-guard-exceptions.yaml: the Control Tower rules
// the templates are allowed to fail, each with its reason. The handed-over
// READMEs list the ones that apply to their template from here too.
func LoadExceptions() ([]Exception, error) {
	path := filepath.Join(Root(), "cfn-guard-exceptions.yaml")
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var file struct {
		Exceptions []Exception `yaml:"exceptions"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	dec.KnownFields(true)
	if err := dec.Decode(&file); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	for i, e := range file.Exceptions {
		if e.Rule == "" || e.ResourceType == "" || strings.TrimSpace(e.Reason) == "" {
			return nil, fmt.Errorf("%s: exceptions[%d]: rule, resourceType and reason are all required", path, i)
		}
	}
	return file.Exceptions, nil
}

// runGuard returns the failures of one template, one per rule and resource.
func runGuard(guard, rules, template string) ([]Failure, error) {
	cmd := exec.Command(guard, "validate", "--rules", rules, "--data", template,
		"--show-summary", "none", "--output-format", "json", "--structured")
	out, err := cmd.Output()
	// Exit code 19 means "some rule failed"; the report says which.
	if exit, ok := err.(*exec.ExitError); err != nil && (!ok || exit.ExitCode() != 19) {
		return nil, fmt.Errorf("cfn-guard on %s: %v\n%s", template, err, out)
	}
	var reports []struct {
		NotCompliant []struct {
			Rule json.RawMessage `json:"Rule"`
		} `json:"not_compliant"`
	}
	if err := json.Unmarshal(out, &reports); err != nil {
		return nil, fmt.Errorf("cfn-guard output for %s: %v", template, err)
	}
	types, err := resourceTypes(template)
	if err != nil {
		return nil, err
	}
	seen := map[Failure]bool{}
	var failures []Failure
	for _, r := range reports {
		for _, nc := range r.NotCompliant {
			var rule struct {
				Name string `json:"name"`
			}
			if err := json.Unmarshal(nc.Rule, &rule); err != nil {
				return nil, err
			}
			for _, id := range resourcePaths(string(nc.Rule)) {
				f := Failure{Template: template, Rule: rule.Name, LogicalID: id, ResourceType: types[id]}
				if !seen[f] {
					seen[f] = true
					failures = append(failures, f)
				}
			}
		}
	}
	sort.Slice(failures, func(i, j int) bool {
		return failures[i].LogicalID+failures[i].Rule < failures[j].LogicalID+failures[j].Rule
	})
	return failures, nil
}

// resourcePaths finds the logical IDs in the "/Resources/<id>/..." paths of a report.
func resourcePaths(report string) []string {
	var ids []string
	seen := map[string]bool{}
	for _, part := range strings.Split(report, `"/Resources/`)[1:] {
		id := part[:strings.IndexAny(part, `/"`)]
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}

func resourceTypes(template string) (map[string]string, error) {
	raw, err := os.ReadFile(template)
	if err != nil {
		return nil, err
	}
	var tmpl struct {
		Resources map[string]struct {
			Type string `json:"Type"`
		} `json:"Resources"`
	}
	if err := json.Unmarshal(raw, &tmpl); err != nil {
		return nil, fmt.Errorf("%s: %v", template, err)
	}
	out := map[string]string{}
	for id, r := range tmpl.Resources {
		out[id] = r.Type
	}
	return out, nil
}
