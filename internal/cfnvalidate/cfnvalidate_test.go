package cfnvalidate

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/internal/cdkflags"
	"github.com/privateconnect/privateconnect/internal/jsiiclose"
)

func lib(t *testing.T) string {
	root, err := cdkflags.Root()
	require.NoError(t, err)
	return filepath.Join(root, ".tools", "node_modules", "aws-cdk-lib")
}

// The workers must run the rules of the CDK the app runs on: the version
// pinned in .tools/package.json is the CDK for Go module's.
func TestToolsPinTheAppsCDKVersion(t *testing.T) {
	root, err := cdkflags.Root()
	require.NoError(t, err)
	raw, err := os.ReadFile(filepath.Join(root, ".tools", "package.json"))
	require.NoError(t, err)
	var pkg struct{ Dependencies map[string]string }
	require.NoError(t, json.Unmarshal(raw, &pkg))
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^\s*github\.com/aws/aws-cdk-go/awscdk/v2 v(\S+)`).FindSubmatch(mod)
	require.NotNil(t, m, "go.mod requires the CDK for Go")
	assert.Equal(t, string(m[1]), pkg.Dependencies["aws-cdk-lib"],
		".tools/package.json pins aws-cdk-lib at the version of github.com/aws/aws-cdk-go/awscdk/v2 in go.mod")
}

// templates writes templates with findings: one rule found in two of them,
// so that a merge has something to join.
func templates(t *testing.T) []Stack {
	dir := t.TempDir()
	bodies := []string{
		// RetentionInDays takes listed values only; 4 is not one.
		`{"Resources": {"A": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 4}}}}`,
		`{"Resources": {"B": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 4, "Unknown": 1}}}}`,
		`{"Resources": {"C": {"Type": "AWS::SNS::Topic", "Properties": {}}}}`,
	}
	var out []Stack
	for i, b := range bodies {
		path := filepath.Join(dir, string(rune('a'+i))+".template.json")
		require.NoError(t, os.WriteFile(path, []byte(b), 0o644))
		out = append(out, Stack{TemplatePath: path, StackConstructPath: "S" + string(rune('a'+i)), AccountID: "111122223333", Region: "us-east-1"})
	}
	return out
}

// A report merged from single templates is the one the CDK's plugin gives
// for them all in one call.
func TestMergeIsThePluginsReportOnAllTemplates(t *testing.T) {
	p := &pool{lib: lib(t), version: cdkVersion(), max: 2}
	defer p.close()
	stacks := templates(t)
	reports, err := p.checkAll(stacks)
	require.NoError(t, err)
	require.Len(t, reports, len(stacks))

	p.grow(1)
	w := p.workers[0]
	<-w.ready
	require.NoError(t, w.err)
	whole, err := w.check(stacks...)
	require.NoError(t, err)

	merged := Merge(reports)
	require.False(t, *whole.Success, "the templates hold errors")
	assert.Equal(t, *whole.Success, *merged.Success)
	got, _ := json.Marshal(merged.Violations)
	want, _ := json.Marshal(whole.Violations)
	assert.JSONEq(t, string(want), string(got))
	joined := 0
	for _, v := range *merged.Violations {
		joined = max(joined, len(*v.ViolatingResources))
	}
	assert.GreaterOrEqual(t, joined, 2, "a rule found in two templates is one violation listing both: %s", got)
}

// A check that cannot run fails: no worker, no pass.
func TestAWorkerThatCannotStartFailsTheCheck(t *testing.T) {
	stacks := templates(t)[2:]
	p := &pool{lib: filepath.Join(t.TempDir(), "aws-cdk-lib"), max: 1}
	defer p.close()
	_, err := p.checkAll(stacks)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "loading the CloudFormation Validate plugin")
	assert.Empty(t, p.workers, "the failed worker is dropped: the next app starts another")

	report := notRun(stacks, err)
	assert.False(t, *report.Success)
	v := (*report.Violations)[0]
	assert.Equal(t, "error", *v.Severity)
	assert.Contains(t, *v.Fix, "make deps")
	assert.Equal(t, stacks[0].TemplatePath, *(*v.ViolatingResources)[0].TemplatePath)
}

// Rules of another CDK version are not the app's: refused, with the fix.
func TestWorkersOfAnotherCDKVersionAreRefused(t *testing.T) {
	p := &pool{lib: lib(t), version: "2.0.0", max: 1}
	defer p.close()
	_, err := p.checkAll(templates(t)[2:])
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the app runs on 2.0.0: run make deps")
}

// Close ends every worker process.
func TestCloseEndsTheWorkers(t *testing.T) {
	p := &pool{lib: lib(t), version: cdkVersion(), max: 2}
	p.grow(2)
	require.Len(t, p.workers, 2)
	workers := p.workers
	p.close()
	for _, w := range workers {
		select {
		case <-w.exited:
		default:
			t.Fatal("a worker still runs after close")
		}
	}
	assert.Empty(t, p.workers)
}

// The name is the CDK's: acknowledgements of its rules
// ("CloudFormation-Validate::<rule>") are matched on it.
func TestPluginNameIsTheCDKs(t *testing.T) {
	defer jsiiclose.Close()
	assert.Equal(t, *awscdk.CloudFormationValidatePlugin_PLUGIN_NAME(), *(&Plugin{}).Name())
}
