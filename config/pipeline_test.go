package config

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// basePipeline is a valid pipeline section, appended to the base vendor.
const basePipeline = `pipeline:
  region: us-east-1
  connectionArn: arn:aws:codeconnections:us-east-1:111122223333:connection/8b0f7c52-6d1e-4a3b-9c2f-1e5d7a9b3c40
  repository: example/fleet
  canaries: [acme]
`

// withPipeline is the base fleet with basePipeline.
func withPipeline() testFleet {
	f := baseFleet()
	f.vendor += basePipeline
	return f
}

func pipelineEdit(old, new string) []edit {
	return []edit{{"vendor", "logRetentionDays: 365\n", "logRetentionDays: 365\n" + strings.Replace(basePipeline, old, new, 1)}}
}

func TestPipelineValidation(t *testing.T) {
	arn := "arn:aws:codeconnections:us-east-1:111122223333:connection/8b0f7c52-6d1e-4a3b-9c2f-1e5d7a9b3c40"
	runValidationCases(t, []validationCase{
		{"region unknown", pipelineEdit("region: us-east-1", "region: us-east-9"), vendorFile, "pipeline.region", "unknown AWS region"},
		{"region missing", pipelineEdit("  region: us-east-1\n", ""), vendorFile, "pipeline.region", "required key is missing"},
		{"connection not an ARN", pipelineEdit(arn, "my-github-connection"), vendorFile, "pipeline.connectionArn", "not a CodeConnections connection ARN"},
		{"connection of another service", pipelineEdit(arn, "arn:aws:codecommit:us-east-1:111122223333:connection/8b0f7c52-6d1e-4a3b-9c2f-1e5d7a9b3c40"), vendorFile, "pipeline.connectionArn", "not a CodeConnections connection ARN"},
		{"connection id not a UUID", pipelineEdit(arn, "arn:aws:codeconnections:us-east-1:111122223333:connection/abc"), vendorFile, "pipeline.connectionArn", "not a CodeConnections connection ARN"},
		{"connection in another region", pipelineEdit(arn, strings.Replace(arn, "us-east-1", "eu-west-1", 1)), vendorFile, "pipeline.connectionArn", "the connection is in eu-west-1, the pipeline in us-east-1"},
		{"connection in another account", pipelineEdit(arn, strings.Replace(arn, "111122223333", "999988887777", 1)), vendorFile, "pipeline.connectionArn", "belongs to account 999988887777"},
		{"repository without owner", pipelineEdit("example/fleet", "fleet"), vendorFile, "pipeline.repository", "not owner/name with exactly one slash"},
		{"repository as a URL", pipelineEdit("example/fleet", "https://github.com/example/fleet"), vendorFile, "pipeline.repository", "not owner/name with exactly one slash"},
		{"repository nested", pipelineEdit("example/fleet", "example/infra/fleet"), vendorFile, "pipeline.repository", "not owner/name with exactly one slash"},
		{"repository bad owner", pipelineEdit("example/fleet", "exa mple/fleet"), vendorFile, "pipeline.repository", "the owner has characters"},
		{"repository bad name", pipelineEdit("example/fleet", "example/.."), vendorFile, "pipeline.repository", "the name has characters"},
		{"branch with a space", pipelineEdit("  canaries:", "  branch: my branch\n  canaries:"), vendorFile, "pipeline.branch", "cannot hold spaces"},
		{"branch with ..", pipelineEdit("  canaries:", "  branch: release..1\n  canaries:"), vendorFile, "pipeline.branch", "cannot hold .. or //"},
		{"branch ending .lock", pipelineEdit("  canaries:", "  branch: main.lock\n  canaries:"), vendorFile, "pipeline.branch", "cannot end with .lock"},
		{"branch starting with -", pipelineEdit("  canaries:", "  branch: -main\n  canaries:"), vendorFile, "pipeline.branch", "cannot start with / or -"},
		{"branch part starting with .", pipelineEdit("  canaries:", "  branch: release/.hidden\n  canaries:"), vendorFile, "pipeline.branch", "no part of a branch name can start with ."},
		{"branch @", pipelineEdit("  canaries:", "  branch: \"@\"\n  canaries:"), vendorFile, "pipeline.branch", "cannot be @"},
		{"pipeline name with a space", pipelineEdit("  canaries:", "  name: private connect\n  canaries:"), vendorFile, "pipeline.name", "not a pipeline name"},
		{"pipeline name too long", pipelineEdit("  canaries:", "  name: "+strings.Repeat("p", 101)+"\n  canaries:"), vendorFile, "pipeline.name", "not a pipeline name"},
		{"no canary", pipelineEdit("canaries: [acme]", "canaries: []"), vendorFile, "pipeline.canaries", "no canary customer"},
		{"canary twice", pipelineEdit("canaries: [acme]", "canaries: [acme, acme]"), vendorFile, "pipeline.canaries[1]", "customer listed twice"},
		{"canary unknown", pipelineEdit("canaries: [acme]", "canaries: [acme, wayne]"), vendorFile, "pipeline.canaries[1]", "no customer of the fleet has this name"},
		{"maxParallel zero", pipelineEdit("  canaries:", "  maxParallel: 0\n  canaries:"), vendorFile, "pipeline.maxParallel", "a wave deploys 1 to 50 stages at once"},
		{"maxParallel too large", pipelineEdit("  canaries:", "  maxParallel: 51\n  canaries:"), vendorFile, "pipeline.maxParallel", "a wave deploys 1 to 50 stages at once"},
		{"approval topic not an ARN", pipelineEdit("  canaries:", "  approvalTopicArn: approvals\n  canaries:"), vendorFile, "pipeline.approvalTopicArn", "not a standard SNS topic ARN"},
		{"approval topic FIFO", pipelineEdit("  canaries:", "  approvalTopicArn: arn:aws:sns:us-east-1:111122223333:approvals.fifo\n  canaries:"), vendorFile, "pipeline.approvalTopicArn", "not a standard SNS topic ARN"},
		{"approval topic in another region", pipelineEdit("  canaries:", "  approvalTopicArn: arn:aws:sns:eu-west-1:111122223333:approvals\n  canaries:"), vendorFile, "pipeline.approvalTopicArn", "not in the pipeline's account and region"},
		{"approval topic in another account", pipelineEdit("  canaries:", "  approvalTopicArn: arn:aws:sns:us-east-1:999988887777:approvals\n  canaries:"), vendorFile, "pipeline.approvalTopicArn", "not in the pipeline's account and region"},
	})
}

func TestPipelineAcceptsBothConnectionPrefixes(t *testing.T) {
	for _, arn := range []string{
		"arn:aws:codeconnections:us-east-1:111122223333:connection/8b0f7c52-6d1e-4a3b-9c2f-1e5d7a9b3c40",
		"arn:aws:codestar-connections:us-east-1:111122223333:connection/8b0f7c52-6d1e-4a3b-9c2f-1e5d7a9b3c40",
	} {
		f := baseFleet()
		f.vendor += strings.Replace(basePipeline, "arn:aws:codeconnections:us-east-1:111122223333:connection/8b0f7c52-6d1e-4a3b-9c2f-1e5d7a9b3c40", arn, 1)
		_, err := f.build()
		assert.NoError(t, err, arn)
	}
}

func TestPipelineDefaults(t *testing.T) {
	f, err := withPipeline().build()
	require.NoError(t, err)
	p := f.Vendor.Pipeline
	assert.Equal(t, "main", p.Branch)
	assert.Equal(t, "privateconnect", p.Name)
	assert.Equal(t, 10, *p.MaxParallel)
	assert.True(t, *p.ChangeSets)
	assert.Empty(t, p.ApprovalTopicArn)
}

// plan renders a plan as "wave[pre]: stage(stacks) ..." lines.
func plan(p PipelinePlan) []string {
	var out []string
	for _, w := range p.Waves {
		line := w.Name
		if len(w.Pre) > 0 {
			line += "[" + strings.Join(w.Pre, ",") + "]"
		}
		line += ":"
		for _, s := range w.Stages {
			line += " " + s.Name + "(" + strings.Join(s.Stacks, ",") + ")"
		}
		out = append(out, line)
	}
	return out
}

func TestPipelinePlan(t *testing.T) {
	f, err := withPipeline().build()
	require.NoError(t, err)
	assert.Equal(t, []string{
		"Canary[Test]: Dashboards-us-east-1(Vendor-Dashboard-us-east-1) acme(acme-PrivateLink)",
		"eu-west-1[Approve]: Dashboards-eu-west-1(Vendor-Dashboard-eu-west-1) beta(beta-PrivateLink,beta-Vpn)",
	}, plan(f.PipelinePlan()))
}

// A canary with inbound needs its region's shared inbound stack in its
// wave; the approval still comes before every other customer.
func TestPipelinePlanCanaryNeedsInbound(t *testing.T) {
	fl := withPipeline()
	fl.acme = replace(t, fl.acme, "privateLink:", acmeInbound+"privateLink:")
	fl.vendor = replace(t, fl.vendor, "canaries: [acme]", "canaries: [beta]")
	f, err := fl.build()
	require.NoError(t, err)
	assert.Equal(t, []string{
		"Canary[Test]: Dashboards-eu-west-1(Vendor-Dashboard-eu-west-1) beta(beta-PrivateLink,beta-Vpn)",
		"us-east-1[Approve]: Inbound-us-east-1(Vendor-Inbound-us-east-1) Dashboards-us-east-1(Vendor-Dashboard-us-east-1) acme(acme-PrivateLink)",
	}, plan(f.PipelinePlan()))

	fl.vendor = replace(t, fl.vendor, "canaries: [beta]", "canaries: [acme]")
	f, err = fl.build()
	require.NoError(t, err)
	assert.Equal(t, []string{
		"Canary[Test]: Inbound-us-east-1(Vendor-Inbound-us-east-1) Dashboards-us-east-1(Vendor-Dashboard-us-east-1) acme(acme-PrivateLink)",
		"eu-west-1[Approve]: Dashboards-eu-west-1(Vendor-Dashboard-eu-west-1) beta(beta-PrivateLink,beta-Vpn)",
	}, plan(f.PipelinePlan()))
}

// A group larger than maxParallel is split into parts, each at most
// maxParallel stages; the shared stages come with the first customer.
func TestPipelinePlanSplitsWaves(t *testing.T) {
	f := bigFleet(t, 5, "  maxParallel: 2\n", "canaries: [c000]")
	require.NotNil(t, f)
	assert.Equal(t, []string{
		"Canary[Test]: Dashboards-us-east-1(Vendor-Dashboard-us-east-1) c000(c000-PrivateLink)",
		"us-east-1-part1[Approve]: c001(c001-PrivateLink) c002(c002-PrivateLink)",
		"us-east-1-part2: c003(c003-PrivateLink) c004(c004-PrivateLink)",
	}, plan(f.PipelinePlan()))
	f = bigFleet(t, 2, "  maxParallel: 1\n", "canaries: [c000, c001]")
	assert.Equal(t, []string{
		"Canary-part1[Test]: Dashboards-us-east-1(Vendor-Dashboard-us-east-1)",
		"Canary-part2: c000(c000-PrivateLink)",
		"Canary-part3: c001(c001-PrivateLink)",
	}, plan(f.PipelinePlan()), "with no other customer there is nothing to approve")
}

// CodePipeline's fixed limits: 50 actions a stage, 50 stages, 500 actions.
func TestPipelineLimits(t *testing.T) {
	_, err := bigFleetErr(30, "  maxParallel: 30\n", "canaries: [c000]")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "pipeline.maxParallel: the wave us-east-1 would have 59 actions (29 stacks); CodePipeline allows 50 in a stage")
	assert.Contains(t, err.Error(), "lower maxParallel to 25, or set changeSets: false")
	_, err = bigFleetErr(30, "  maxParallel: 30\n  changeSets: false\n", "canaries: [c000]")
	assert.NoError(t, err, "without change sets a stack is one action")

	_, err = bigFleetErr(50, "  maxParallel: 1\n", "canaries: [c000]")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "pipeline.maxParallel: the pipeline would have 54 stages (51 waves); CodePipeline allows 50")

	_, err = bigFleetErr(260, "  maxParallel: 20\n", "canaries: [c000]")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "pipeline: the pipeline would have 527 actions for 261 stacks; CodePipeline allows 500 per pipeline")
	assert.Contains(t, err.Error(), "set changeSets: false")
	_, err = bigFleetErr(260, "  maxParallel: 20\n  changeSets: false\n", "canaries: [c000]")
	assert.NoError(t, err)
}

// bigFleet is a valid fleet of n PrivateLink customers c000... in us-east-1
// with a pipeline section, its maxParallel line and canaries line given.
func bigFleet(t *testing.T, n int, extra, canaries string) *Fleet {
	t.Helper()
	f, err := bigFleetErr(n, extra, canaries)
	require.NoError(t, err)
	return f
}

func bigFleetErr(n int, extra, canaries string) (*Fleet, error) {
	vendor := baseVendor + strings.Replace(basePipeline, "  canaries: [acme]\n", extra+"  "+canaries+"\n", 1)
	var customers []source
	for i := range n {
		name := fmt.Sprintf("c%03d", i)
		customers = append(customers, source{"fleet/customers/" + name + ".yaml", []byte(fmt.Sprintf(`apiVersion: privateconnect/v1
kind: Customer
name: %s
account: "444455556666"
region: us-east-1
privateLink:
  vpcCidr: 10.%d.%d.0/24
  availabilityZones: [use1-az1, use1-az2]
  services:
    - name: db
      serviceName: com.amazonaws.vpce.us-east-1.vpce-svc-%08x
      ports: [5432]
`, name, 64+i/256, i%256, 0x10000000+i))})
	}
	// Held to CodePipeline's limits, not to the account's quotas, which a
	// fleet this size in one account exceeds (the quota plan says so).
	return buildFleet("fleet", source{vendorFile, []byte(vendor)}, customers, false)
}

// With cells, the waves go cell by cell (vendor.yaml's order), region by
// region within a cell; shared stages are the cell's own.
func TestPipelinePlanCells(t *testing.T) {
	f, err := Load("../examples/cells")
	require.NoError(t, err)
	f.Vendor.Pipeline = &Pipeline{Canaries: []string{"acme"}}
	setPipelineDefaults(f.Vendor.Pipeline)
	assert.Equal(t, []string{
		"Canary[Test]: Inbound-cell-1-us-east-1(Vendor-Inbound-us-east-1) Dashboards-cell-1-us-east-1(Vendor-Dashboard-us-east-1) acme(acme-PrivateLink)",
		"cell-1-eu-west-1[Approve]: Dashboards-cell-1-eu-west-1(Vendor-Dashboard-eu-west-1) hooli(hooli-Vpn)",
		"cell-2-us-east-1: Inbound-cell-2-us-east-1(Vendor-Inbound-us-east-1) Dashboards-cell-2-us-east-1(Vendor-Dashboard-us-east-1) umbrella(umbrella-PrivateLink)",
	}, plan(f.PipelinePlan()))
	for _, w := range f.PipelinePlan().Waves {
		for _, s := range w.Stages {
			if s.Customer != nil {
				assert.Equal(t, s.Customer.Cell, s.Cell, s.Name)
			}
		}
	}
}
