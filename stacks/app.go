package stacks

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/privateconnect/privateconnect/internal/cdkflags"
	"github.com/privateconnect/privateconnect/internal/cfnvalidate"
)

// NewApp returns the app every stack is built in, by the CDK app and by the
// tests alike, so both synthesize under the same settings: the feature flags
// of cdk.json (which the CDK CLI passes too, and which win when it does), and
// the CDK's CloudFormation Validate check, run on every core where the
// process called cfnvalidate.Setup first (the CDK runs it on one otherwise).
// It panics if cdk.json cannot be read; the app checks that first
// (cdkflags.Flags) to fail with a message instead.
func NewApp(outdir string) awscdk.App {
	flags, err := cdkflags.Flags()
	if err != nil {
		panic(err)
	}
	props := &awscdk.AppProps{
		Context: &flags,
		PostCliContext: &map[string]any{
			// CDK checks templates against CloudFormation's resource schemas;
			// a finding is an error, not a warning scrolled past, whatever
			// the context says.
			"@aws-cdk/core:validateAgainstDefaultRules": true,
		},
	}
	if outdir != "" {
		props.Outdir = jsii.String(outdir)
	}
	app := awscdk.NewApp(props)
	if cfnvalidate.Active() {
		root, err := cdkflags.Root()
		if err != nil {
			panic(err)
		}
		awscdk.Validations_Of(app).AddPlugins(cfnvalidate.New(root))
	}
	return app
}

// checked adds the AWS Solutions checks of cdk-nag to stack: every stack,
// the vendor's and the handed-over ones, is checked, and each accepted
// finding is suppressed, with its reason, beside the construct it covers.
// Every stack constructor calls it on its new stack.
//
// Each stack gets a check of its own rather than the app one for all: a
// check's report logger searches the list of every stack it has reported
// on, once per rule and resource, so one check for a 600-stack app spent
// more time in that search than in the rules. The rules, the annotations
// and the reports (AwsSolutions-<stack>-NagReport.csv) are the same.
//
// Stacks of one name in one assembly (a shared stack in each cell's account)
// share one check: cdk-nag names a report after the stack's name, and a
// second check would start that report anew, dropping the first's rows.
func checked(stack awscdk.Stack) {
	key := *awscdk.Stage_Of(stack).Outdir() + "\x00" + *stack.StackName()
	checksMu.Lock()
	pack, ok := checks[key]
	if !ok {
		pack = cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)})
		checks[key] = pack
	}
	checksMu.Unlock()
	awscdk.Aspects_Of(stack).Add(pack, nil)
}

// checks holds the check of each assembly directory and stack name.
var (
	checksMu sync.Mutex
	checks   = map[string]cdknag.AwsSolutionsChecks{}
)

// NagFindings lists the unsuppressed cdk-nag findings an app synthesized into
// outdir reported, one "<stack resource>: <rule>: <info>" per finding. It is
// an error when a stack has no report: the checks did not run.
func NagFindings(outdir string, stacks []awscdk.Stack) ([]string, error) {
	var out []string
	read := map[string]bool{}
	for _, s := range stacks {
		// cdk-nag names a report after the stack's name, and stacks of one
		// name (a shared stack in each cell's account) add to one report,
		// each row naming its resource's path: read it once.
		path := filepath.Join(outdir, "AwsSolutions-"+*s.StackName()+"-NagReport.csv")
		if read[path] {
			continue
		}
		read[path] = true
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("no cdk-nag report for %s: %v", *s.StackName(), err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		for _, r := range rows[1:] { // Rule ID, Resource ID, Compliance, Exception Reason, Rule Level, Rule Info
			if len(r) >= 6 && r[2] == "Non-Compliant" {
				out = append(out, fmt.Sprintf("%s: %s (%s): %s", r[1], r[0], r[4], r[5]))
			}
		}
	}
	return out, nil
}

// Synthesized is one stack's template, synthesized by Synthesize. Account
// is "" for a handed-over template, which deploys in any account.
type Synthesized struct {
	// ID is the stack's ID in the app: its name, but for a cell's shared
	// stack (config.Vendor.SharedStackID), whose name other cells share.
	ID                    string
	Name, Account, Region string
	Template              []byte // JSON
}

// Synthesize builds stacks in a fresh app in a temporary directory and
// returns their templates, in build order. Unsuppressed cdk-nag findings
// are an error: such a template is neither deployed nor handed over.
func Synthesize(build func(app awscdk.App) []awscdk.Stack) ([]Synthesized, error) {
	outdir, err := os.MkdirTemp("", "privateconnect-synth")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(outdir)
	app := NewApp(outdir)
	built := build(app)
	cfnvalidate.Expect(len(built))
	app.Synth(nil)
	findings, err := NagFindings(outdir, built)
	if err != nil {
		return nil, err
	}
	if len(findings) > 0 {
		return nil, fmt.Errorf("cdk-nag findings (fix each, or suppress it with its reason beside the construct):\n  %s", strings.Join(findings, "\n  "))
	}
	var out []Synthesized
	for _, s := range built {
		raw, err := os.ReadFile(filepath.Join(outdir, *s.ArtifactId()+".template.json"))
		if err != nil {
			return nil, err
		}
		account, region := *s.Account(), *s.Region()
		if *awscdk.Token_IsUnresolved(s.Region()) {
			// A handed-over template names no account or region; its rule
			// says where it deploys.
			account, region = "", TemplateRegion(raw)
		}
		out = append(out, Synthesized{ID: *s.Node().Id(), Name: *s.StackName(), Account: account, Region: region, Template: raw})
	}
	return out, nil
}
