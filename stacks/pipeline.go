package stacks

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscodebuild"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/pipelines"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/internal/english"
	"github.com/privateconnect/privateconnect/internal/toolchain"
)

// PipelineStackName is the stack of the vendor's pipeline.
const PipelineStackName = "Vendor-Pipeline"

// Pipeline is the pipeline layout BuildPipeline made: the pipeline's stack
// and, per wave, the stages and their stacks.
type Pipeline struct {
	Stack awscdk.Stack
	// Support are the stacks CDK Pipelines adds in the pipeline's account in
	// each other region it deploys to: an artifact bucket and key there.
	Support []awscdk.Stack
	Plan    config.PipelinePlan
	Stages  map[string]awscdk.Stage   // by stage name
	Stacks  map[string][]awscdk.Stack // the stacks of each stage
}

// All is every stack of the layout: the pipeline's, its support stacks,
// then the stages' in wave order.
func (p *Pipeline) All() []awscdk.Stack {
	out := append([]awscdk.Stack{p.Stack}, p.Support...)
	for _, w := range p.Plan.Waves {
		for _, s := range w.Stages {
			out = append(out, p.Stacks[s.Name]...)
		}
	}
	return out
}

// BuildPipeline builds the pipeline layout of the fleet f, which has a
// pipeline section: the Vendor-Pipeline stack, and one CDK stage per
// customer (its stacks) and per shared stage of a cell's region, each added
// to its wave of f.PipelinePlan(). The stacks are the laptop route's own
// (same stack names, same logical IDs); only their place in the construct
// tree differs, under their stage. tools are the pinned versions the
// pipeline's build steps install.
func BuildPipeline(scope constructs.Construct, f *config.Fleet, tools toolchain.Versions) *Pipeline {
	v, p := f.Vendor, f.Vendor.Pipeline
	tags := stackTags(v.Tags, map[string]string{"privateconnect:mode": "pipeline"})
	stack := awscdk.NewStack(scope, jsii.String(PipelineStackName), &awscdk.StackProps{
		StackName:   jsii.String(PipelineStackName),
		Description: jsii.String(fmt.Sprintf("privateconnect: the pipeline that rolls %s fleet out from %s (%s), canaries first", english.Possessive(v.Name), p.Repository, p.Branch)),
		Env:         &awscdk.Environment{Account: jsii.String(v.Account), Region: jsii.String(p.Region)},
		// Deleting it leaves the fleet deployed but orphans its rollout.
		TerminationProtection: jsii.Bool(true),
		AnalyticsReporting:    jsii.Bool(false),
		Tags:                  &tags,
	})
	tagResources(stack, tags)
	checked(stack)

	buildLogs := awslogs.NewLogGroup(stack, jsii.String("BuildLogs"), &awslogs.LogGroupProps{RemovalPolicy: awscdk.RemovalPolicy_RETAIN})
	buildLogs.Node().DefaultChild().(awslogs.CfnLogGroup).SetRetentionInDays(jsii.Number(float64(*v.LogRetentionDays)))

	source := pipelines.CodePipelineSource_Connection(jsii.String(p.Repository), jsii.String(p.Branch), &pipelines.ConnectionSourceOptions{
		ConnectionArn: jsii.String(p.ConnectionArn),
		ActionName:    jsii.String("Source"),
	})
	synth := pipelines.NewCodeBuildStep(jsii.String("Synth"), &pipelines.CodeBuildStepProps{
		Input:           source,
		InstallCommands: jsii.Strings(InstallCommands(tools)...),
		// make synth as on a laptop, with the pipeline's layout.
		Commands:               jsii.Strings("make synth PIPELINE=true"),
		PrimaryOutputDirectory: jsii.String("cdk.out"),
	})
	pipe := pipelines.NewCodePipeline(stack, jsii.String("Pipeline"), &pipelines.CodePipelineProps{
		PipelineName: jsii.String(p.Name),
		Synth:        synth,
		// Cells live in other accounts: the artifacts are encrypted with a
		// customer managed key those accounts' deploy roles may use.
		CrossAccountKeys:  jsii.Bool(true),
		EnableKeyRotation: jsii.Bool(true),
		SelfMutation:      jsii.Bool(true),
		// The CLI of .tools/package-lock.json: npm's latest (3.x) cannot
		// read this library's cloud assembly.
		CliVersion:    jsii.String(tools.CdkCli),
		UseChangeSets: jsii.Bool(*p.ChangeSets),
		CodeBuildDefaults: &pipelines.CodeBuildOptions{
			// Ubuntu 22.04 with Go 1.21 or later and Node.js with npm, which
			// the install commands need to fetch the pinned versions, and
			// Python 3.11 or later for make deps.
			BuildEnvironment: &awscodebuild.BuildEnvironment{
				BuildImage:  awscodebuild.LinuxBuildImage_STANDARD_7_0(),
				ComputeType: awscodebuild.ComputeType_MEDIUM,
			},
			// Every build's log, kept as long as the fleet's other logs
			// (CodeBuild's default group would keep them forever).
			Logging: &awscodebuild.LoggingOptions{CloudWatch: &awscodebuild.CloudWatchLoggingOptions{LogGroup: buildLogs}},
		},
	})

	out := &Pipeline{Stack: stack, Plan: f.PipelinePlan(), Stages: map[string]awscdk.Stage{}, Stacks: map[string][]awscdk.Stack{}}
	for _, w := range out.Plan.Waves {
		var pre []pipelines.Step
		for _, step := range w.Pre {
			switch step {
			case config.PreTest:
				pre = append(pre, pipelines.NewCodeBuildStep(jsii.String(config.PreTest), &pipelines.CodeBuildStepProps{
					Input:           source,
					InstallCommands: jsii.Strings(InstallCommands(tools)...),
					Commands:        jsii.Strings("make test"),
				}))
			case config.PreApproval:
				props := &pipelines.ManualApprovalStepProps{Comment: jsii.String(approvalComment(p.Canaries))}
				if p.ApprovalTopicArn != "" {
					props.NotificationTopic = awssns.Topic_FromTopicArn(stack, jsii.String("ApprovalTopic"), jsii.String(p.ApprovalTopicArn))
				}
				pre = append(pre, pipelines.NewManualApprovalStep(jsii.String(config.PreApproval), props))
			}
		}
		wave := pipe.AddWave(jsii.String(w.Name), &pipelines.WaveOptions{Pre: &pre})
		for _, s := range w.Stages {
			stage := awscdk.NewStage(scope, jsii.String(s.Name), &awscdk.StageProps{
				Env: &awscdk.Environment{Account: jsii.String(cellOf(f, s.Cell).Vendor.Account), Region: jsii.String(s.Region)},
			})
			out.Stages[s.Name], out.Stacks[s.Name] = stage, stageStacks(stage, f, s)
			wave.AddStage(stage, nil)
		}
	}
	// Built now rather than at synthesis, so that cdk-nag visits the
	// pipeline's generated roles, projects and buckets.
	pipe.BuildPipeline()
	hardenArtifactBuckets(pipe)
	suppressPipelineFindings(stack, pipe)
	support := *pipe.Pipeline().CrossRegionSupport()
	for _, region := range slices.Sorted(maps.Keys(support)) {
		// Made by CodePipeline, not by a constructor of ours: checked here.
		checked(support[region].Stack)
		out.Support = append(out.Support, support[region].Stack)
	}
	return out
}

// approvalComment is what the approval shows (its CustomData), kept within
// 500 characters: CodePipeline caps an action's configuration values at
// 1000 (https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ActionDeclaration.html),
// and a longer list of names is unread anyway.
func approvalComment(canaries []string) string {
	const after = " deployed: check their connections (make status CUSTOMER=<name>) before the rest of the fleet follows."
	s := "The canaries (" + strings.Join(canaries, ", ") + ") are" + after
	if len(s) > 500 {
		s = fmt.Sprintf("The %d canaries of vendor.yaml's pipeline.canaries are", len(canaries)) + after
	}
	return s
}

// stageStacks builds the stacks of one stage with the laptop route's own
// functions, in the stage's cell.
func stageStacks(stage awscdk.Stage, f *config.Fleet, s config.PipelineStage) []awscdk.Stack {
	switch s.Kind {
	case config.StageCustomer:
		return customerStacks(stage, f, s.Customer)
	case config.StageInbound:
		cell := cellOf(f, s.Cell)
		return []awscdk.Stack{NewInboundServiceStack(stage, cell.Vendor, s.Region, inboundCustomers(cell, s.Region))}
	case config.StageDashboards:
		return dashboardStacks(stage, cellOf(f, s.Cell), s.Region)
	}
	panic("unknown pipeline stage kind " + s.Kind)
}

// cellOf is the fleet of the named cell ("" without cells).
func cellOf(f *config.Fleet, name string) *config.Fleet {
	if cell := f.Cell(name); cell != nil {
		return cell
	}
	panic("no cell " + name)
}

// InstallCommands install the pinned Go and Node.js on the CodeBuild image
// before make runs; make deps then installs the CDK CLI and the Python
// tools from their lock files, as on a laptop.
func InstallCommands(tools toolchain.Versions) []string {
	return []string{
		// The image's Go (1.21 or later) fetches go.mod's toolchain from the
		// Go module proxy, checked against the checksum database
		// (https://go.dev/doc/toolchain); +auto still follows a newer go
		// line in go.mod before the pipeline has updated itself.
		"export GOTOOLCHAIN=go" + tools.Go + "+auto",
		"go version",
		// Node.js from the npm registry, as make deps installs it where the
		// machine's node is older: the jsii runtime supports Node.js 22 and 24.
		"npm install --prefix /opt/privateconnect-node --no-save --no-audit --no-fund node@" + tools.Node,
		"export PATH=/opt/privateconnect-node/node_modules/.bin:$PATH",
		"node --version",
	}
}
