package stacks

import (
	"encoding/json"
	"fmt"
	"slices"

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
	checked(stack)
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

// pattern is a parameter's AllowedPattern with what the console says when a
// value does not match, and its MaxLength (0: none).
type pattern struct {
	re, says string
	max      int
}

// noPattern is a parameter CloudFormation takes as given.
var noPattern = pattern{}

// parameters collects the template's parameters with the groups and labels
// the CloudFormation console shows (AWS::CloudFormation::Interface).
type parameters struct {
	stack  awscdk.Stack
	groups []string
	byName map[string][]string
	labels map[string]any
}

func newParameters(stack awscdk.Stack) *parameters {
	return &parameters{stack: stack, byName: map[string][]string{}, labels: map[string]any{}}
}

func (p *parameters) add(id, group, label, typ, description string, pat pattern) awscdk.CfnParameter {
	props := &awscdk.CfnParameterProps{Type: jsii.String(typ), Description: jsii.String(description)}
	if pat.re != "" {
		props.AllowedPattern = jsii.String(pat.re)
		props.ConstraintDescription = jsii.String("must be " + pat.says)
	}
	if pat.max > 0 {
		props.MaxLength = jsii.Number(float64(pat.max))
	}
	param := awscdk.NewCfnParameter(p.stack, jsii.String(id), props)
	if _, ok := p.byName[group]; !ok {
		p.groups = append(p.groups, group)
	}
	p.byName[group] = append(p.byName[group], id)
	p.labels[id] = map[string]string{"default": label}
	return param
}

// numbered adds n parameters id1..idn for the targets of a service and
// returns their values. what describes one target.
func (p *parameters) numbered(id, group string, n int, typ, what, service string, pat pattern) *[]*string {
	var out []*string
	for i := 1; i <= n; i++ {
		label := fmt.Sprintf("%s target %d", service, i)
		desc := fmt.Sprintf("%s target %d of %d: %s", service, i, n, what)
		out = append(out, p.add(fmt.Sprint(id, i), group, label, typ, desc, pat).ValueAsString())
	}
	return &out
}

// last moves a parameter group to the end of the console form.
func (p *parameters) last(group string) {
	if i := slices.Index(p.groups, group); i >= 0 {
		p.groups = append(slices.Delete(p.groups, i, i+1), group)
	}
}

func (p *parameters) interfaceMetadata(stack awscdk.Stack) {
	var groups []any
	for _, g := range p.groups {
		groups = append(groups, map[string]any{"Label": map[string]string{"default": g}, "Parameters": p.byName[g]})
	}
	stack.TemplateOptions().SetMetadata(&map[string]any{
		"AWS::CloudFormation::Interface": map[string]any{"ParameterGroups": groups, "ParameterLabels": p.labels},
	})
}
