// Package cfnvalidate checks an app's templates with the CDK's own
// CloudFormation Validate plugin (its built-in rules and resource schemas),
// on several cores at once.
//
// The CDK runs that plugin by default at the end of every synthesis, inside
// the one Node process that hosts the app, a template after the other: for
// a fleet of hundreds of stacks it was over a third of the synthesis time
// (about 70 ms a template), with the machine's other cores idle. Plugin replaces
// it: it hands the templates to worker processes that each run the same
// plugin class from the same aws-cdk-lib version (pinned beside the CLI in
// .tools/package.json), a template at a time, and merges their reports as
// the plugin merges its own. Findings, severities, acknowledgements
// (Validations.of(scope).acknowledge, matched on the plugin's name) and the
// validation report are the CDK's; only where the work runs differs.
//
// The default plugin is switched off with CDK_VALIDATION=false, which the
// Node runtime reads from the environment it starts with. The jsii runtime
// for Go prepares that process, environment included, when the CDK's
// packages are initialised, before main: Setup, called first in main and
// in a test's TestMain, sets the variable and discards the prepared (not yet
// started) runtime so that the first CDK call starts one that reads it.
// Where Setup did not run, Active is false, the CDK's own plugin runs as it
// always did, and the app registers no second one.
package cfnvalidate

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// maxWorkers bounds the workers whatever the cores: each holds about
// 500 MiB once it has checked a few hundred templates.
const maxWorkers = 4

// workers is the process's pool, made by the first New.
var (
	workers   *pool
	workersMu sync.Mutex
)

// offAtStart: the process started with CDK_VALIDATION=false, the CDK's
// check off; the app's check runs anyway (a finding is an error here).
var offAtStart = os.Getenv("CDK_VALIDATION") == "false"

var setup bool

// Setup switches the CDK's default template check off for the runtime this
// process will start. It must run before the first call into the CDK: the
// runtime prepared at initialisation is closed unstarted (jsii.Close; the
// next call prepares another, which reads the environment anew).
func Setup() {
	if setup || offAtStart {
		setup = true
		return
	}
	os.Setenv("CDK_VALIDATION", "false")
	jsii.Close()
	setup = true
}

// Active says whether the CDK's default check is off in this process's
// runtime, so that the app must register Plugin (see New).
func Active() bool { return setup || offAtStart }

// New returns the plugin that replaces the CDK's default check, for
// awscdk.Validations_Of(app).AddPlugins; its workers run the aws-cdk-lib
// under root (the project's source tree). The first worker starts loading
// its rules now, while the app is being built.
func New(root string) *Plugin {
	workersMu.Lock()
	if workers == nil {
		lib := filepath.Join(root, ".tools", "node_modules", "aws-cdk-lib")
		workers = &pool{lib: lib, version: cdkVersion(), max: max(1, min(runtime.NumCPU(), maxWorkers))}
	}
	p := workers
	workersMu.Unlock()
	p.grow(1)
	return &Plugin{pool: p}
}

// Expect says how many templates the app about to be synthesized holds, so
// that the workers it needs load their rules while the CDK prepares them,
// rather than once the check has begun. Without it they start then.
func Expect(templates int) {
	workersMu.Lock()
	p := workers
	workersMu.Unlock()
	if p != nil {
		p.grow(p.want(templates))
	}
}

// Close ends the workers; the next New starts others.
func Close() {
	workersMu.Lock()
	p := workers
	workers = nil
	workersMu.Unlock()
	if p != nil {
		p.close()
	}
}

// cdkVersion is the version of aws-cdk-lib that the app's CDK for Go
// module embeds (its module version, "v2.270.0"), or "" when the binary
// carries no module information.
func cdkVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, m := range info.Deps {
		if m.Path == "github.com/aws/aws-cdk-go/awscdk/v2" {
			return strings.TrimPrefix(m.Version, "v")
		}
	}
	return ""
}

// node is the Node.js the jsii runtime starts, as it picks it.
func node() string {
	if n := os.Getenv("JSII_NODE"); n != "" {
		return n
	}
	return "node"
}

// Plugin is the CDK's CloudFormation Validate plugin, run in the workers
// (awscdk.IPolicyValidationPlugin).
type Plugin struct {
	pool *pool
}

// Name is the CDK plugin's: acknowledgements name rules after it
// ("CloudFormation-Validate::F3031"), and the reports say it.
func (p *Plugin) Name() *string { return jsii.String(pluginName) }

// pluginName is awscdk.CloudFormationValidatePlugin_PLUGIN_NAME(), which a
// test holds to it (read here without a call into the runtime).
const pluginName = "CloudFormation Validate"

// Version is the plugin's, as the workers report it.
func (p *Plugin) Version() *string {
	v := p.pool.pluginVersion()
	if v == "" {
		return nil
	}
	return jsii.String(v)
}

// RuleIds is left to the workers' reports.
func (p *Plugin) RuleIds() *[]*string { return nil }

// Validate checks the context's templates in the workers and returns one
// report, as the CDK's plugin would for them all. A worker that cannot run
// fails the check with an error finding that says why, and synthesis fails
// as on any error finding: a check that did not run is not passed.
func (p *Plugin) Validate(ctx awscdk.IPolicyValidationContext) *awscdk.PolicyValidationPluginReport {
	var stacks []Stack
	for _, s := range *ctx.StackTemplates() {
		stacks = append(stacks, Stack{
			TemplatePath:       *s.TemplatePath,
			StackConstructPath: *s.StackConstructPath,
			AccountID:          value(s.AccountId),
			Region:             value(s.Region),
		})
	}
	reports, err := p.pool.checkAll(stacks)
	if err != nil {
		return notRun(stacks, err)
	}
	return Merge(reports)
}

// notRun is the failed report of a check that could not run.
func notRun(stacks []Stack, err error) *awscdk.PolicyValidationPluginReport {
	var resources []*awscdk.PolicyViolatingResource
	for _, s := range stacks {
		resources = append(resources, &awscdk.PolicyViolatingResource{
			TemplatePath: jsii.String(s.TemplatePath), ConstructPath: jsii.String(s.StackConstructPath), Locations: &[]*string{},
		})
	}
	return &awscdk.PolicyValidationPluginReport{Success: jsii.Bool(false), Violations: &[]*awscdk.PolicyViolation{{
		RuleName:           jsii.String("CheckNotRun"),
		Severity:           jsii.String("error"),
		Description:        jsii.String(fmt.Sprintf("the templates were not checked: %v", err)),
		Fix:                jsii.String("the check runs aws-cdk-lib from .tools/node_modules on Node.js: run make deps"),
		ViolatingResources: &resources,
	}}}
}

func value(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Merge joins the reports of single templates into the report the CDK's
// plugin gives for them all: a rule's findings of one severity are one
// violation, described by its first finding, listing every resource.
func Merge(reports []*awscdk.PolicyValidationPluginReport) *awscdk.PolicyValidationPluginReport {
	success := true
	violations := []*awscdk.PolicyViolation{}
	for _, r := range reports {
		success = success && *r.Success
		for _, v := range *r.Violations {
			if same := find(violations, v); same != nil {
				merged := append(*same.ViolatingResources, *v.ViolatingResources...)
				same.ViolatingResources = &merged
				continue
			}
			violations = append(violations, v)
		}
	}
	return &awscdk.PolicyValidationPluginReport{Success: jsii.Bool(success), Violations: &violations}
}

func find(violations []*awscdk.PolicyViolation, v *awscdk.PolicyViolation) *awscdk.PolicyViolation {
	for _, w := range violations {
		if *w.RuleName == *v.RuleName && value(w.Severity) == value(v.Severity) {
			return w
		}
	}
	return nil
}
