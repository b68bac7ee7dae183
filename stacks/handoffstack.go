package stacks

import (
	"encoding/json"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// RegionRule is the Rules entry of a handed-over template that stops a
// deploy in any region but the one it is built for.
const RegionRule = "DeployRegion"

// newHandoffStack starts a template handed to a customer. It names no
// account and no region: ARNs use AWS::Partition, AWS::Region and
// AWS::AccountId, so the template behaves the same in any account (a
// sandbox first, then production). Only the region is fixed, by a rule
// CloudFormation checks before creating anything, because the template is
// built for AZ IDs and a service of that region; why says so in the error.
func newHandoffStack(scope constructs.Construct, name, description, region, why string) awscdk.Stack {
	stack := awscdk.NewStack(scope, jsii.String(name), &awscdk.StackProps{
		StackName:   jsii.String(name),
		Description: jsii.String(description),
		// The customer deploys this with plain CloudFormation: no bootstrap
		// version check, no metadata resource.
		Synthesizer:        awscdk.NewDefaultStackSynthesizer(&awscdk.DefaultStackSynthesizerProps{GenerateBootstrapVersionRule: jsii.Bool(false)}),
		AnalyticsReporting: jsii.Bool(false),
	})
	// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/rules-section-structure.html
	awscdk.NewCfnRule(stack, jsii.String(RegionRule), &awscdk.CfnRuleProps{
		Assertions: &[]*awscdk.CfnRuleAssertion{{
			Assert:            awscdk.Fn_ConditionEquals(awscdk.Aws_REGION(), jsii.String(region)),
			AssertDescription: jsii.String("Deploy this template in " + region + ": " + why),
		}},
	})
	return stack
}

// TemplateRegion is the region a handed-over template's rule requires, or
// "" for a template without one.
func TemplateRegion(template []byte) string {
	var t struct {
		Rules map[string]struct {
			Assertions []struct {
				Assert map[string][]any `json:"Assert"`
			} `json:"Assertions"`
		} `json:"Rules"`
	}
	if json.Unmarshal(template, &t) != nil {
		return ""
	}
	for _, a := range t.Rules[RegionRule].Assertions {
		for _, v := range a.Assert["Fn::Equals"] {
			if s, ok := v.(string); ok {
				return s
			}
		}
	}
	return ""
}
