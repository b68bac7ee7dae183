// Package cdktest holds test helpers shared by the construct and stack tests.
package cdktest

import (
	"encoding/json"
	"fmt"
	"sort"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

// Assert runs a CDK assertion. A failed CDK assertion panics, which would
// abort every later test of the package; here it fails only t.
func Assert(t testing.TB, what string, assertion func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s: %v", what, r)
		}
	}()
	assertion()
}

// Template is a synthesized CloudFormation template, as plain Go values.
type Template map[string]any

// TemplateOf synthesizes the stack's template.
func TemplateOf(t *testing.T, stack awscdk.Stack) Template {
	t.Helper()
	return FromCDK(t, assertions.Template_FromStack(stack, nil))
}

// FromCDK converts an assertions.Template into plain Go values.
func FromCDK(t *testing.T, tmpl assertions.Template) Template {
	t.Helper()
	return FromJSON(t, tmpl.ToJSON())
}

// FromJSON converts any JSON-shaped value into a Template.
func FromJSON(t *testing.T, v any) Template {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("template is not JSON: %v", err)
	}
	var out Template
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("template is not a JSON object: %v", err)
	}
	return out
}

// CDK returns the template as an assertions.Template for Match-based checks.
func (tm Template) CDK() assertions.Template {
	m := map[string]any(tm)
	return assertions.Template_FromJSON(&m, nil)
}

// Resource is one entry of the template's Resources.
type Resource struct {
	LogicalID  string
	Type       string
	Properties map[string]any
}

// Resources returns the resources of the given type, sorted by logical ID.
func (tm Template) Resources(typ string) []Resource {
	all, _ := tm["Resources"].(map[string]any)
	var out []Resource
	for id, r := range all {
		res, _ := r.(map[string]any)
		if res["Type"] != typ {
			continue
		}
		props, _ := res["Properties"].(map[string]any)
		out = append(out, Resource{LogicalID: id, Type: typ, Properties: props})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].LogicalID < out[j].LogicalID })
	return out
}

// Resource returns the resource with the logical ID, or nil.
func (tm Template) Resource(logicalID string) map[string]any {
	all, _ := tm["Resources"].(map[string]any)
	r, _ := all[logicalID].(map[string]any)
	return r
}

// Ref is the CloudFormation {"Ref": id} value, for comparisons.
func Ref(logicalID string) map[string]any { return map[string]any{"Ref": logicalID} }

// GetAtt is the {"Fn::GetAtt": [id, attr]} value, for comparisons.
func GetAtt(logicalID, attr string) map[string]any {
	return map[string]any{"Fn::GetAtt": []any{logicalID, attr}}
}

// Equal compares two JSON-shaped values.
func Equal(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// Show renders a value as compact JSON for failure messages.
func Show(v any) string {
	j, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(j)
}

// NewStack returns a stack in a fresh app, in a fixed account and region.
func NewStack(id string) awscdk.Stack {
	app := awscdk.NewApp(nil)
	return awscdk.NewStack(app, jsii.String(id), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("111122223333"), Region: jsii.String("us-east-1")},
	})
}
