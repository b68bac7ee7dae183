package stacks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/internal/cdktest"
	"github.com/privateconnect/privateconnect/internal/templatecheck"
	"github.com/privateconnect/privateconnect/internal/toolchain"
)

// examplePipeline is the example fleet's pipeline layout, synthesized once.
var examplePipeline struct {
	once      sync.Once
	err       error
	outdir    string
	tools     toolchain.Versions
	p         *Pipeline
	templates map[string]cdktest.Template // by stack name
	files     map[string]string           // template file by stack name
}

func pipelineExample(t *testing.T) *Pipeline {
	t.Helper()
	e := &examplePipeline
	e.once.Do(func() {
		e.tools, e.err = toolchain.Read(templatecheck.Root())
		if e.err != nil {
			return
		}
		e.outdir, e.err = os.MkdirTemp("", "privateconnect-pipeline-test")
		if e.err != nil {
			return
		}
		app := NewApp(e.outdir)
		e.p = BuildPipeline(app, example.fleet, e.tools)
		app.Synth(nil)
		e.templates, e.files = map[string]cdktest.Template{}, map[string]string{}
		for _, s := range e.p.All() {
			file := filepath.Join(*awscdk.Stage_Of(s).Outdir(), *s.TemplateFile())
			raw, err := os.ReadFile(file)
			if err != nil {
				e.err = err
				return
			}
			var tmpl cdktest.Template
			if e.err = json.Unmarshal(raw, &tmpl); e.err != nil {
				return
			}
			e.templates[*s.StackName()], e.files[*s.StackName()] = tmpl, file
		}
	})
	require.NoError(t, e.err, "synthesizing the example fleet's pipeline")
	return e.p
}

// pipelineOwn are the stacks of the pipeline itself: Vendor-Pipeline and
// its support stacks in the other regions.
func pipelineOwn(p *Pipeline) []awscdk.Stack { return append([]awscdk.Stack{p.Stack}, p.Support...) }

// TestGoldenPipeline snapshots the pipeline's own stacks; the stacks its
// stages deploy are the laptop route's, held by TestGolden (see
// TestPipelineDeploysTheLaptopTemplates).
func TestGoldenPipeline(t *testing.T) {
	p := pipelineExample(t)
	dir := filepath.Join("testdata", "pipeline")
	want := map[string]bool{}
	for _, s := range pipelineOwn(p) {
		name := *s.StackName()
		path := filepath.Join(dir, name+".golden")
		want[path] = true
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		require.NoError(t, enc.Encode(examplePipeline.templates[name]))
		got := normalize(buf.Bytes())
		if *update {
			require.NoError(t, os.MkdirAll(dir, 0o755))
			require.NoError(t, os.WriteFile(path, got, 0o644))
			continue
		}
		old, err := os.ReadFile(path)
		if !assert.NoError(t, err, "%s: no snapshot (run go test ./stacks -run TestGolden -update and review it)", name) {
			continue
		}
		assert.Equal(t, string(old), string(got), "%s differs from %s at %s\nrun go test ./stacks -run TestGolden -update if the change is intended, and review the diff", name, path, firstDiff(old, got))
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.golden"))
	for _, f := range files {
		if !want[f] && *update {
			os.Remove(f)
			continue
		}
		assert.True(t, want[f], "%s has no stack in the example pipeline", f)
	}
}

// The pipeline deploys exactly what the laptop route deploys: the same
// stack names, environments and templates (logical IDs included), so a
// fleet can move from one route to the other without replacing anything.
func TestPipelineDeploysTheLaptopTemplates(t *testing.T) {
	p := pipelineExample(t)
	var deployed []string
	for _, s := range p.All()[len(pipelineOwn(p)):] {
		name := *s.StackName()
		deployed = append(deployed, name)
		flat, ok := example.templates[name]
		if !assert.True(t, ok, "%s: the laptop route has no such stack", name) {
			continue
		}
		assert.Equal(t, flat, examplePipeline.templates[name], "%s: the pipeline's template differs from the laptop route's", name)
		assert.Equal(t, "111122223333", *s.Account(), name)
	}
	var laptop []string
	for _, name := range example.stacks {
		// The handed-over templates are the customers' to deploy.
		if !strings.HasSuffix(name, "-"+ModeProducer) && !strings.HasSuffix(name, "-"+ModeInbound) {
			laptop = append(laptop, name)
		}
	}
	slices.Sort(deployed)
	slices.Sort(laptop)
	assert.Equal(t, laptop, deployed, "every vendor stack of the fleet, each once")
}

type pipelineAction struct {
	Name           string
	ActionTypeId   struct{ Category, Provider string }
	RunOrder       int
	Region         string
	RoleArn        any
	Configuration  map[string]any
	InputArtifacts []struct{ Name string }
}

type pipelineStage struct {
	Name    string
	Actions []pipelineAction
}

// pipelineStages reads the CodePipeline stages of the pipeline's template.
func pipelineStages(t *testing.T) []pipelineStage {
	t.Helper()
	pipelineExample(t)
	tmpl := examplePipeline.templates[PipelineStackName]
	var stages []pipelineStage
	for _, r := range tmpl["Resources"].(map[string]any) {
		res := r.(map[string]any)
		if res["Type"] != "AWS::CodePipeline::Pipeline" {
			continue
		}
		raw, err := json.Marshal(res["Properties"].(map[string]any)["Stages"])
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(raw, &stages))
	}
	require.NotEmpty(t, stages, "no AWS::CodePipeline::Pipeline in the template")
	return stages
}

// Source, synth, self-mutation; the canary wave (tests first, then acme and
// its region's dashboards); the approval; then the other customers region
// by region, each wave's stacks side by side.
func TestPipelineWaves(t *testing.T) {
	stages := pipelineStages(t)
	var names []string
	for _, s := range stages {
		names = append(names, s.Name)
	}
	assert.Equal(t, []string{"Source", "Build", "UpdatePipeline", "Canary", "us-east-1", "eu-west-1"}, names)

	deploys := func(s pipelineStage) []string {
		var out []string
		for _, a := range s.Actions {
			if a.ActionTypeId.Provider == "CloudFormation" && strings.HasSuffix(a.Name, ".Deploy") {
				out = append(out, a.Configuration["StackName"].(string))
			}
		}
		slices.Sort(out)
		return out
	}
	byName := map[string]pipelineStage{}
	for i, s := range stages {
		byName[s.Name] = s
		if i < 3 {
			assert.Empty(t, deploys(s), "%s deploys nothing", s.Name)
		}
	}
	assert.Equal(t, []string{"Vendor-Dashboard-us-east-1", "acme-PrivateLink"}, deploys(byName["Canary"]))
	assert.Equal(t, []string{"Vendor-Inbound-us-east-1", "initech-PrivateLink", "initech-Vpn", "wayne-PrivateLink"}, deploys(byName["us-east-1"]))
	assert.Equal(t, []string{"Vendor-Dashboard-eu-west-1", "globex-PrivateLink", "hooli-PrivateLink", "hooli-Vpn"}, deploys(byName["eu-west-1"]))

	// first runs before every other action of its stage; the stage's
	// deploys then run side by side (one run order for every change set).
	before := func(stage, first, provider string) {
		s := byName[stage]
		i := slices.IndexFunc(s.Actions, func(a pipelineAction) bool { return a.Name == first })
		if !assert.GreaterOrEqual(t, i, 0, "%s has no action %s", stage, first) {
			return
		}
		assert.Equal(t, provider, s.Actions[i].ActionTypeId.Provider, first)
		orders := map[int]bool{}
		for _, a := range s.Actions {
			if a.Name != first {
				assert.Greater(t, a.RunOrder, s.Actions[i].RunOrder, "%s: %s runs before %s", stage, a.Name, first)
				if strings.HasSuffix(a.Name, ".Prepare") {
					orders[a.RunOrder] = true
				}
			}
		}
		assert.Len(t, orders, 1, "%s: every stack's change set is created in one step", stage)
	}
	before("Canary", "Test", "CodeBuild")
	before("us-east-1", "Approve", "Manual")
	assert.Equal(t, "arn:aws:sns:us-east-1:111122223333:privateconnect-approvals", byName["us-east-1"].Actions[0].Configuration["NotificationArn"], "the approval tells the topic")
	for _, s := range stages[5:] {
		for _, a := range s.Actions {
			assert.NotEqual(t, "Manual", a.ActionTypeId.Provider, "%s: one approval only, after the canaries", s.Name)
		}
	}
	assert.Equal(t, "UpdatePipeline", stages[2].Name)
	assert.Equal(t, "SelfMutate", stages[2].Actions[0].Name, "self-mutation on")
}

// buildSpec is the build spec of the CodeBuild project the action runs.
func buildSpec(t *testing.T, project string) (spec struct {
	Phases map[string]struct{ Commands []string }
}, env map[string]any) {
	t.Helper()
	tmpl := examplePipeline.templates[PipelineStackName]
	res, ok := tmpl["Resources"].(map[string]any)[project].(map[string]any)
	require.True(t, ok, "no resource %s", project)
	props := res["Properties"].(map[string]any)
	require.NoError(t, json.Unmarshal([]byte(props["Source"].(map[string]any)["BuildSpec"].(string)), &spec))
	return spec, props["Environment"].(map[string]any)
}

// projectOf is the CodeBuild project (logical ID) an action of the stage runs.
func projectOf(t *testing.T, stage, action string) string {
	t.Helper()
	for _, s := range pipelineStages(t) {
		for _, a := range s.Actions {
			if s.Name == stage && a.Name == action {
				return a.Configuration["ProjectName"].(map[string]any)["Ref"].(string)
			}
		}
	}
	require.FailNow(t, "no action "+stage+"/"+action)
	return ""
}

// The synth and test steps install the pinned Go and Node.js, then run make
// as on a laptop; self-mutation uses the pinned CDK CLI.
func TestPipelineBuildStepsUsePinnedTools(t *testing.T) {
	pipelineExample(t)
	tools := examplePipeline.tools
	for action, command := range map[string]string{"Synth": "make synth PIPELINE=true", "Test": "make test"} {
		stage := map[string]string{"Synth": "Build", "Test": "Canary"}[action]
		spec, env := buildSpec(t, projectOf(t, stage, action))
		install := strings.Join(spec.Phases["install"].Commands, "\n")
		assert.Contains(t, install, "GOTOOLCHAIN=go"+tools.Go+"+auto", "%s: go.mod's Go", action)
		assert.Contains(t, install, "node@"+tools.Node, "%s: the Node.js of .tools/node/package-lock.json", action)
		assert.Equal(t, []string{command}, spec.Phases["build"].Commands, action)
		assert.Equal(t, "aws/codebuild/standard:7.0", env["Image"], action)
		assert.Equal(t, false, env["PrivilegedMode"], "%s: no Docker needed", action)
	}
	spec, _ := buildSpec(t, projectOf(t, "UpdatePipeline", "SelfMutate"))
	assert.Contains(t, spec.Phases["install"].Commands, "npm install -g aws-cdk@"+tools.CdkCli, "self-mutation with the pinned CLI")
	assert.Contains(t, strings.Join(spec.Phases["build"].Commands, " "), "deploy "+PipelineStackName)
	// The versions are the files' own.
	assert.Regexp(t, `^1\.[0-9]+(\.[0-9]+)?$`, tools.Go)
	assert.Regexp(t, `^22\.`, tools.Node, "the jsii runtime supports Node.js 22 and 24")
	assert.Regexp(t, `^2\.`, tools.CdkCli, "CDK CLI 3.x cannot read this library's cloud assembly")
}

// Cross-account: every deploy runs as the CDK bootstrap's deploy role of the
// stack's account and region, CloudFormation as its execution role, and the
// artifacts are encrypted with keys those deploy roles may use.
func TestPipelineCrossAccountRoles(t *testing.T) {
	tmpl := func() cdktest.Template { pipelineExample(t); return examplePipeline.templates[PipelineStackName] }()
	raw, _ := json.Marshal(tmpl)
	text := string(raw)
	for _, s := range pipelineStages(t)[3:] {
		for _, a := range s.Actions {
			if a.ActionTypeId.Provider != "CloudFormation" {
				continue
			}
			region := a.Region
			if region == "" {
				region = "us-east-1"
			}
			role, _ := json.Marshal(a.RoleArn)
			assert.Contains(t, string(role), ":iam::111122223333:role/cdk-hnb659fds-deploy-role-111122223333-"+region, a.Name)
			// The change set is created with the execution role, then executed.
			if strings.HasSuffix(a.Name, ".Prepare") {
				exec, _ := json.Marshal(a.Configuration["RoleArn"])
				assert.Contains(t, string(exec), ":iam::111122223333:role/cdk-hnb659fds-cfn-exec-role-111122223333-"+region, a.Name)
			}
		}
	}
	keys := 0
	for _, r := range tmpl["Resources"].(map[string]any) {
		res := r.(map[string]any)
		if res["Type"] == "AWS::KMS::Key" {
			keys++
			props := res["Properties"].(map[string]any)
			assert.Equal(t, true, props["EnableKeyRotation"], "key rotation")
			policy, _ := json.Marshal(props["KeyPolicy"])
			assert.Contains(t, string(policy), "cdk-hnb659fds-deploy-role-111122223333-us-east-1", "the deploy role may decrypt the artifacts")
		}
		if res["Type"] == "AWS::CodePipeline::Pipeline" {
			stores, _ := json.Marshal(res["Properties"].(map[string]any)["ArtifactStores"])
			assert.Equal(t, 2, strings.Count(string(stores), `"Type":"KMS"`), "an encrypted artifact store in us-east-1 and eu-west-1")
		}
	}
	assert.Equal(t, 1, keys, "CrossAccountKeys: one customer managed key for the artifacts")
	assert.Contains(t, text, "cdk-hnb659fds-deploy-role-111122223333-eu-west-1", "the eu-west-1 deploy role")
	support := examplePipeline.templates["Vendor-Pipeline-support-eu-west-1"]
	require.NotNil(t, support, "the eu-west-1 support stack")
	sraw, _ := json.Marshal(support)
	assert.Contains(t, string(sraw), "cdk-hnb659fds-deploy-role-111122223333-eu-west-1", "the eu-west-1 deploy role may read the replicated artifacts")
}

func TestPipelineNoCdkNagFindings(t *testing.T) {
	p := pipelineExample(t)
	findings, err := NagFindings(examplePipeline.outdir, p.All())
	require.NoError(t, err)
	assert.Empty(t, findings, "cdk-nag findings:\n%s", strings.Join(findings, "\n"))
}

func pipelineTemplateFiles(t *testing.T) []string {
	p := pipelineExample(t)
	var files []string
	for _, s := range pipelineOwn(p) {
		files = append(files, examplePipeline.files[*s.StackName()])
	}
	return files
}

func TestPipelineTemplatesPassCfnLint(t *testing.T) {
	templatecheck.CfnLint(t, pipelineTemplateFiles(t)...)
}

// With the fleet's templates, so that each exception must still match
// something in the set as a whole.
func TestPipelineTemplatesPassControlTowerRules(t *testing.T) {
	templatecheck.CfnGuard(t, append(exampleTemplateFiles(), pipelineTemplateFiles(t)...)...)
}

// In a fleet of cells, each stage deploys to its cell's account through
// that account's bootstrap roles, which the artifact key lets decrypt, and
// the cells' shared stacks keep their stack names.
func TestPipelineCellsDeployToTheirAccounts(t *testing.T) {
	f, err := config.Load("../examples/cells")
	require.NoError(t, err)
	maxParallel := 10
	f.Vendor.Pipeline = &config.Pipeline{Region: "us-east-1", Repository: "example/fleet", Branch: "main", Name: "privateconnect",
		ConnectionArn: "arn:aws:codeconnections:us-east-1:111122223333:connection/8b0f7c52-6d1e-4a3b-9c2f-1e5d7a9b3c40",
		Canaries:      []string{"acme"}, MaxParallel: &maxParallel, ChangeSets: jsii.Bool(true)}
	outdir := t.TempDir()
	app := NewApp(outdir)
	p := BuildPipeline(app, f, toolchain.Versions{Go: "1.26.8", Node: "22.23.3", CdkCli: "2.1148.1"})
	app.Synth(nil)
	findings, err := NagFindings(outdir, p.All())
	require.NoError(t, err)
	assert.Empty(t, findings)

	accounts := map[string]string{}
	for _, s := range p.All()[1+len(p.Support):] {
		accounts[*s.StackName()+"@"+*s.Account()] = *s.Region()
	}
	assert.Equal(t, map[string]string{
		"acme-PrivateLink@111122223333": "us-east-1", "Vendor-Inbound-us-east-1@111122223333": "us-east-1", "Vendor-Dashboard-us-east-1@111122223333": "us-east-1",
		"hooli-Vpn@111122223333": "eu-west-1", "Vendor-Dashboard-eu-west-1@111122223333": "eu-west-1",
		"umbrella-PrivateLink@222233334444": "us-east-1", "Vendor-Inbound-us-east-1@222233334444": "us-east-1", "Vendor-Dashboard-us-east-1@222233334444": "us-east-1",
	}, accounts)

	raw, err := os.ReadFile(filepath.Join(outdir, *p.Stack.TemplateFile()))
	require.NoError(t, err)
	var tmpl map[string]any
	require.NoError(t, json.Unmarshal(raw, &tmpl))
	for id, r := range tmpl["Resources"].(map[string]any) {
		res := r.(map[string]any)
		switch res["Type"] {
		case "AWS::CodePipeline::Pipeline":
			stages, _ := json.Marshal(res["Properties"].(map[string]any)["Stages"])
			assert.Contains(t, string(stages), `":iam::222233334444:role/cdk-hnb659fds-deploy-role-222233334444-us-east-1"`, "cell-2's deploys assume cell-2's deploy role")
			assert.Contains(t, string(stages), `"Name":"cell-2-us-east-1"`)
		case "AWS::KMS::Key":
			policy, _ := json.Marshal(res["Properties"])
			assert.Contains(t, string(policy), "cdk-hnb659fds-deploy-role-222233334444-us-east-1", "%s: cell-2's deploy role may decrypt the artifacts", id)
		}
	}
}

func TestApprovalCommentFitsCodePipeline(t *testing.T) {
	assert.Contains(t, approvalComment([]string{"acme", "globex"}), "The canaries (acme, globex) are deployed")
	var many []string
	for i := range 50 {
		many = append(many, strings.Repeat("c", 30)+fmt.Sprint(i))
	}
	long := approvalComment(many)
	assert.LessOrEqual(t, len(long), 500)
	assert.Contains(t, long, "The 50 canaries")
}
