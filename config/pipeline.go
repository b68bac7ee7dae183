package config

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Pipeline is vendor.yaml's pipeline section: the fleet rolled out by a CDK
// Pipelines pipeline (stack Vendor-Pipeline) in the vendor's account, from a
// repository reached through a CodeConnections connection, in waves.
type Pipeline struct {
	Region        string `yaml:"region" pc:"required" doc:"Region of the pipeline (stack Vendor-Pipeline), in the vendor's account (account); the connection must be in the same account and region." enum:"$regions"`
	ConnectionArn string `yaml:"connectionArn" pc:"required" doc:"ARN of the CodeConnections connection to the repository host, created and authorized in the console: arn:aws:codeconnections:<region>:<account>:connection/<uuid>, or arn:aws:codestar-connections:... for a connection made before the service was renamed (March 2024)." pattern:"^arn:aws:(codeconnections|codestar-connections):[a-z0-9-]+:[0-9]{12}:connection/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"`
	Repository    string `yaml:"repository" pc:"required" doc:"The repository that holds this fleet, as owner/name (e.g. example-integrations/privateconnect-fleet)." pattern:"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}/[A-Za-z0-9._-]{1,100}$"`
	Branch        string `yaml:"branch" doc:"Branch whose every push runs the pipeline." default:"main"`
	Name          string `yaml:"name" doc:"Name of the CodePipeline pipeline: unique in the account and region; letters, digits and . @ - _ (at most 100)." default:"privateconnect" pattern:"^[A-Za-z0-9.@_-]{1,100}$"`

	Canaries    []string `yaml:"canaries" pc:"required" doc:"Customers deployed first, in a wave of their own, before the manual approval that lets the rest follow: names of customers of the fleet, each once."`
	MaxParallel *int     `yaml:"maxParallel" doc:"Most customers (and shared stacks' stages) a wave deploys at once; a cell's region with more customers is split into several waves." default:"10" minimum:"1" maximum:"50"`
	ChangeSets  *bool    `yaml:"changeSets" doc:"Set false to deploy each stack directly, without first creating a change set: one pipeline action per stack instead of two (CodePipeline allows 500 actions per pipeline), but a failed deploy cannot be retried from its change set." default:"true"`

	ApprovalTopicArn string `yaml:"approvalTopicArn" doc:"SNS topic, in the pipeline's account and region, told when the manual approval after the canaries waits for someone."`
}

// Defaults of the pipeline section.
const (
	DefaultPipelineBranch      = "main"
	DefaultPipelineName        = "privateconnect"
	DefaultPipelineMaxParallel = 10
	DefaultPipelineChangeSets  = true
)

// CodePipeline's fixed limits (not adjustable), from
// https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html:
// 50 stages per pipeline, 50 actions per stage, 500 actions per pipeline.
const (
	MaxPipelineStages       = 50
	MaxPipelineStageActions = 50
	MaxPipelineActions      = 500
)

func setPipelineDefaults(p *Pipeline) {
	if p == nil {
		return
	}
	if p.Branch == "" {
		p.Branch = DefaultPipelineBranch
	}
	if p.Name == "" {
		p.Name = DefaultPipelineName
	}
	if p.MaxParallel == nil {
		p.MaxParallel = ptr(DefaultPipelineMaxParallel)
	}
	if p.ChangeSets == nil {
		p.ChangeSets = ptr(DefaultPipelineChangeSets)
	}
}

var (
	// Connection ARNs (https://docs.aws.amazon.com/dtconsole/latest/userguide/rename.html):
	// codeconnections since the rename of March 2024, codestar-connections
	// before it; both stay valid, and the resource is connection/<UUID>.
	connectionArnRe = regexp.MustCompile(`^arn:aws:(codeconnections|codestar-connections):([a-z0-9-]+):([0-9]{12}):connection/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`)
	// owner/name: CDK Pipelines' CodePipelineSource.connection splits the
	// repository at its one slash (FullRepositoryId of the
	// CodeStarSourceConnection action); the characters are those GitHub,
	// Bitbucket and GitLab allow in both parts.
	repoPartRe = regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}$`)
	// Pipeline names (https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html).
	pipelineNameRe = regexp.MustCompile(`^[A-Za-z0-9.@_-]{1,100}$`)
)

// validatePipeline checks the pipeline section on its own; checkPipeline
// checks it against the fleet.
func validatePipeline(r *report, v *Vendor, p *Pipeline) {
	regionOK := checkRegion(r, "pipeline.region", p.Region)
	if p.Region == "" {
		r.add("pipeline.region", "no region", raw("nothing"), "name the region the pipeline runs in, e.g. "+firstOr(v.Regions, "us-east-1"))
	}
	switch m := connectionArnRe.FindStringSubmatch(p.ConnectionArn); {
	case p.ConnectionArn == "":
		r.add("pipeline.connectionArn", "no connection", raw("nothing"),
			"create a connection to the repository host in the Developer Tools console (Settings, Connections), authorize it, and write its ARN here")
	case m == nil:
		r.add("pipeline.connectionArn", "not a CodeConnections connection ARN", p.ConnectionArn,
			"copy the connection's ARN from the console: arn:aws:codeconnections:<region>:<account>:connection/<uuid> (or arn:aws:codestar-connections:... for an older one)")
	default:
		if regionOK && m[2] != p.Region {
			r.add("pipeline.connectionArn", fmt.Sprintf("the connection is in %s, the pipeline in %s: a source action uses a connection of its own region", m[2], p.Region), p.ConnectionArn,
				fmt.Sprintf("create the connection in %s, or move the pipeline to %s", p.Region, m[2]))
		}
		if accountRe.MatchString(v.Account) && m[3] != v.Account {
			r.add("pipeline.connectionArn", fmt.Sprintf("the connection belongs to account %s, the pipeline to the vendor account %s", m[3], v.Account), p.ConnectionArn,
				"create the connection in the vendor account (account), where the pipeline runs")
		}
	}
	checkRepository(r, "pipeline.repository", p.Repository)
	if problem := branchProblem(p.Branch); problem != "" {
		r.add("pipeline.branch", problem, p.Branch, "write the branch name as git shows it, e.g. main")
	}
	if !pipelineNameRe.MatchString(p.Name) {
		r.add("pipeline.name", "not a pipeline name CodePipeline accepts: 1 to 100 letters, digits and . @ - _", p.Name, "use a name such as privateconnect")
	}

	if len(p.Canaries) == 0 {
		r.add("pipeline.canaries", "no canary customer", raw("an empty list"),
			"name at least one customer deployed before the others, e.g. [acme]: the manual approval waits for the canaries to be checked")
	}
	seen := map[string]bool{}
	for i, name := range p.Canaries {
		if seen[name] {
			r.add(index("pipeline.canaries", i), "customer listed twice", name, "list each canary once")
		}
		seen[name] = true
	}
	if n := p.MaxParallel; n != nil && (*n < 1 || *n > MaxPipelineStageActions) {
		r.add("pipeline.maxParallel", fmt.Sprintf("a wave deploys 1 to %d stages at once (CodePipeline runs at most %d actions in a stage)", MaxPipelineStageActions, MaxPipelineStageActions), *n,
			fmt.Sprintf("use a number from 1 to %d; %d suits most fleets", MaxPipelineStageActions, DefaultPipelineMaxParallel))
	}

	if arn := p.ApprovalTopicArn; arn != "" {
		m := topicRe.FindStringSubmatch(arn)
		switch {
		case m == nil:
			r.add("pipeline.approvalTopicArn", "not a standard SNS topic ARN", arn, "write arn:aws:sns:<region>:<account>:<topic> (a standard topic: CodePipeline cannot notify a FIFO topic)")
		case regionOK && m[1] != p.Region, accountRe.MatchString(v.Account) && m[2] != v.Account:
			r.add("pipeline.approvalTopicArn", "the topic is not in the pipeline's account and region, where the approval action publishes", arn,
				fmt.Sprintf("use a topic in account %s and region %s", orX(v.Account), orX(p.Region)))
		}
	}
}

func checkRepository(r *report, p, s string) {
	owner, name, ok := strings.Cut(s, "/")
	switch {
	case s == "":
		r.add(p, "no repository", raw("nothing"), "write the repository as owner/name, e.g. example-integrations/privateconnect-fleet")
	case !ok || strings.Contains(name, "/"):
		r.add(p, "not owner/name with exactly one slash", s, "write the repository as owner/name, e.g. example-integrations/privateconnect-fleet (a URL or a nested group does not work)")
	case !repoPartRe.MatchString(owner) || strings.HasPrefix(owner, ".") || strings.HasPrefix(owner, "-"):
		r.add(p, "the owner has characters a repository host does not allow", s, "use the owner as it appears in the repository's address: letters, digits, . _ -")
	case !repoPartRe.MatchString(name) || name == "." || name == "..":
		r.add(p, "the name has characters a repository host does not allow", s, "use the name as it appears in the repository's address: letters, digits, . _ -")
	}
}

// branchProblem says why s is not a branch name git accepts, or "": the
// rules of git check-ref-format (https://git-scm.com/docs/git-check-ref-format).
func branchProblem(s string) string {
	switch {
	case s == "":
		return "no branch"
	case s == "@" || strings.Contains(s, "@{"):
		return "a branch name cannot be @ or hold @{"
	case strings.Contains(s, ".."), strings.Contains(s, "//"):
		return "a branch name cannot hold .. or //"
	case strings.HasPrefix(s, "/"), strings.HasSuffix(s, "/"), strings.HasSuffix(s, "."), strings.HasPrefix(s, "-"):
		return "a branch name cannot start with / or - nor end with / or ."
	case strings.HasSuffix(s, ".lock"):
		return "a branch name cannot end with .lock"
	case strings.ContainsAny(s, " ~^:?*[\\\x7f"):
		return "a branch name cannot hold spaces nor any of ~ ^ : ? * [ \\"
	case strings.ContainsFunc(s, func(c rune) bool { return c < 0x20 }):
		return "a branch name cannot hold control characters"
	}
	for _, part := range strings.Split(s, "/") {
		if strings.HasPrefix(part, ".") {
			return "no part of a branch name can start with ."
		}
	}
	return ""
}

// checkPipeline checks the pipeline section against the fleet: the canaries
// exist, and the waves fit CodePipeline's fixed limits. It is reported
// against vendor.yaml.
func checkPipeline(vr *report, f *Fleet) {
	p := f.Vendor.Pipeline
	if p == nil {
		return
	}
	known := map[string]bool{}
	var names []string
	for _, c := range f.Customers {
		known[c.Name] = true
		names = append(names, c.Name)
	}
	unknown := false
	for i, name := range p.Canaries {
		if !known[name] {
			unknown = true
			vr.add(index("pipeline.canaries", i), "no customer of the fleet has this name", name,
				"name a customer of customers/ ("+strings.Join(firstN(names, 10), ", ")+")")
		}
	}
	if unknown || len(p.Canaries) == 0 {
		return
	}
	plan := f.PipelinePlan()
	waves := plan.FixedStages + len(plan.Waves)
	if waves > MaxPipelineStages {
		vr.add("pipeline.maxParallel", fmt.Sprintf("the pipeline would have %d stages (%d waves); CodePipeline allows %d, a limit AWS does not raise", waves, len(plan.Waves), MaxPipelineStages), *p.MaxParallel,
			"raise maxParallel so that each cell's region takes fewer waves")
	}
	for _, w := range plan.Waves {
		if n := w.Actions(*p.ChangeSets); n > MaxPipelineStageActions {
			fix := fmt.Sprintf("lower maxParallel to %d", max(1, *p.MaxParallel*MaxPipelineStageActions/n))
			if *p.ChangeSets {
				fix += ", or set changeSets: false (one action per stack)"
			}
			vr.add("pipeline.maxParallel", fmt.Sprintf("the wave %s would have %d actions (%d stacks); CodePipeline allows %d in a stage, a limit AWS does not raise", w.Name, n, w.Stacks(), MaxPipelineStageActions), *p.MaxParallel, fix)
		}
	}
	if n := plan.Actions(*p.ChangeSets); n > MaxPipelineActions {
		fix := "deploy part of the fleet from the laptop route (make deploy), or split it into fleets of their own"
		if *p.ChangeSets {
			fix = "set changeSets: false (one action per stack instead of two), or " + fix
		}
		vr.add("pipeline", fmt.Sprintf("the pipeline would have %d actions for %d stacks; CodePipeline allows %d per pipeline, a limit AWS does not raise", n, plan.StackCount(), MaxPipelineActions),
			raw(fmt.Sprintf("%d customers", len(f.Customers))), fix)
	}
}

func firstOr(xs []string, def string) string {
	if len(xs) > 0 {
		return xs[0]
	}
	return def
}

func firstN(xs []string, n int) []string {
	if len(xs) <= n {
		return xs
	}
	return append(slices.Clip(xs[:n]), "...")
}
