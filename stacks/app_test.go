package stacks

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/internal/cdkflags"
)

// Tests, handoff and cost build under cdk.json's feature flags too, as the
// CDK CLI's synth does.
func TestNewAppAppliesCdkJSONFlags(t *testing.T) {
	flags, err := cdkflags.Flags()
	require.NoError(t, err)
	require.NotEmpty(t, flags)
	app := NewApp("")
	for k, want := range flags {
		assert.Equal(t, want, app.Node().TryGetContext(jsii.String(k)), k)
	}
}

// Under @aws-cdk/core:explicitStackTags, Tags.of(stack) tags the resources
// only: the stacks set their CloudFormation stack tags explicitly, so a
// deployed stack stays tagged as before the flag.
func TestVendorStacksAreTagged(t *testing.T) {
	for _, s := range example.built {
		if *awscdk.Token_IsUnresolved(s.Region()) {
			continue // handed over: the customer deploys it, with tags of their own
		}
		tags := s.Tags().TagValues()
		customer := CustomerOf(*s.StackName())
		if customer == SharedCustomer {
			mode := "inbound"
			if strings.HasPrefix(*s.StackName(), config.DashboardStackPrefix) {
				mode = "dashboard"
			}
			assert.Equal(t, mode, *(*tags)["privateconnect:mode"], *s.StackName())
		} else {
			assert.Equal(t, customer, *(*tags)["privateconnect:customer"], *s.StackName())
		}
		for k, v := range example.fleet.Vendor.Tags {
			if c := example.fleet.Customer(customer); c != nil && c.Tags[k] != "" {
				v = c.Tags[k] // the customer's value wins
			}
			assert.Equal(t, v, *(*tags)[k], "%s: tag %s", *s.StackName(), k)
		}
	}
}

// What a stack wants its deployer to know comes as a note printed by the
// app, in the fleet's terms; no stack carries a CDK warning or info, which
// the CLI would print with "Acknowledge with 'Annotation::...'".
func TestStacksSayWhatToDoInNotesNotCdkAnnotations(t *testing.T) {
	for _, s := range example.built {
		for _, c := range *s.Node().FindAll(constructs.ConstructOrder_PREORDER) {
			for _, m := range *c.Node().Metadata() {
				assert.NotContains(t, []string{"aws:cdk:warning", "aws:cdk:info"}, *m.Type, "%s: %v", *c.Node().Path(), m.Data)
			}
		}
	}
	notes := Notes(example.built)
	for _, n := range notes {
		assert.NotContains(t, n, "\n", "a note is one line")
		assert.NotContains(t, n, "Acknowledge")
	}
	assert.Contains(t, strings.Join(notes, "\n"), "Vendor-Inbound-us-east-1: verify the platform load balancer in us-east-1")
}

func TestPendingInboundServiceNote(t *testing.T) {
	vendor := *example.fleet.Vendor
	inbound := *vendor.InboundPrivateLink
	inbound.Regions = maps.Clone(inbound.Regions)
	region := inbound.Regions["us-east-1"]
	region.ServiceName = ""
	inbound.Regions["us-east-1"] = region
	vendor.InboundPrivateLink = &inbound
	var customers []*config.Customer
	for _, c := range example.fleet.Customers {
		if c.InboundPrivateLink != nil {
			customers = append(customers, c)
		}
	}
	require.NotEmpty(t, customers, "the example fleet needs an inbound customer")
	stack := NewInboundServiceStack(NewApp(""), &vendor, "us-east-1", customers)
	assert.Contains(t, Notes([]awscdk.Stack{stack}),
		"Vendor-Inbound-us-east-1: the inbound service in us-east-1 is pending: once this stack is deployed, set inboundPrivateLink.regions.us-east-1.serviceName in vendor.yaml to its ServiceName output; make handoff needs it for umbrella")
}

// Stacks of one name (a shared stack in each cell's account) share a
// cdk-nag report: both stacks' rows are in it, neither overwrites the
// other's.
func TestSameNamedStacksShareOneNagReport(t *testing.T) {
	outdir := t.TempDir()
	app := NewApp(outdir)
	var built []awscdk.Stack
	for _, id := range []string{"Shared-cell-1", "Shared-cell-2"} {
		s := awscdk.NewStack(app, jsii.String(id), &awscdk.StackProps{StackName: jsii.String("Shared")})
		checked(s)
		topic := awssns.NewTopic(s, jsii.String("Topic"), nil)
		cdknag.NagSuppressions_AddResourceSuppressions(topic, &[]*cdknag.NagPackSuppression{
			{Id: jsii.String("AwsSolutions-SNS2"), Reason: jsii.String("a test topic")},
			{Id: jsii.String("AwsSolutions-SNS3"), Reason: jsii.String("a test topic")},
		}, nil)
		built = append(built, s)
	}
	app.Synth(nil)
	findings, err := NagFindings(outdir, built)
	require.NoError(t, err)
	assert.Empty(t, findings)
	report, err := os.ReadFile(filepath.Join(outdir, "AwsSolutions-Shared-NagReport.csv"))
	require.NoError(t, err)
	assert.Contains(t, string(report), "Shared-cell-1/Topic/Resource")
	assert.Contains(t, string(report), "Shared-cell-2/Topic/Resource")
}
