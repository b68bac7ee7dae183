// Package cdktest holds test helpers shared by the construct and stack tests.
// They report through testify: a failed check fails t with a diff and the
// test goes on, unless the helper's name says it requires.
package cdktest

import (
	"encoding/json"
	"fmt"
	"sort"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// helper marks the caller as a test helper when t supports it, as testify does.
func helper(t assert.TestingT) {
	if h, ok := t.(interface{ Helper() }); ok {
		h.Helper()
	}
}

// Assert runs CDK assertions. A failed CDK assertion panics, which would
// abort every later test of the package; here it fails t through testify and
// returns false. Prefer the Template methods below, one check per call: a
// panic skips the rest of the function.
func Assert(t assert.TestingT, what string, assertion func()) (ok bool) {
	helper(t)
	defer func() {
		if r := recover(); r != nil {
			ok = assert.Fail(t, fmt.Sprintf("CDK assertion failed: %v", r), what)
		}
	}()
	assertion()
	return true
}

// Template is a synthesized CloudFormation template, as plain Go values.
type Template map[string]any

// TemplateOf synthesizes the stack's template.
func TemplateOf(t testing.TB, stack awscdk.Stack) Template {
	t.Helper()
	return FromCDK(t, assertions.Template_FromStack(stack, nil))
}

// FromCDK converts an assertions.Template into plain Go values.
func FromCDK(t testing.TB, tmpl assertions.Template) Template {
	t.Helper()
	return FromJSON(t, tmpl.ToJSON())
}

// FromJSON converts any JSON-shaped value into a Template.
func FromJSON(t testing.TB, v any) Template {
	t.Helper()
	raw, err := json.Marshal(v)
	require.NoError(t, err, "template is not JSON")
	var out Template
	require.NoError(t, json.Unmarshal(raw, &out), "template is not a JSON object")
	return out
}

// CDK returns the template as an assertions.Template for Match-based checks.
// Run its assertions through Assert, or use the methods below.
func (tm Template) CDK() assertions.Template {
	m := map[string]any(tm)
	return assertions.Template_FromJSON(&m, nil)
}

// HasResourceProperties checks that a resource of the type has the
// properties (a CDK pattern: plain values match as objects match, Match_*
// as they say).
func (tm Template) HasResourceProperties(t assert.TestingT, typ string, props any, msgAndArgs ...any) bool {
	helper(t)
	return Assert(t, describe(msgAndArgs), func() { tm.CDK().HasResourceProperties(jsii.String(typ), props) })
}

// ResourceCountIs checks how many resources of the type the template has.
func (tm Template) ResourceCountIs(t assert.TestingT, typ string, count int, msgAndArgs ...any) bool {
	helper(t)
	return assert.Len(t, LogicalIDs(tm.Resources(typ)), count, append([]any{"%s resources", typ}, msgAndArgs...)...)
}

// ResourcePropertiesCountIs checks how many resources of the type have the
// properties (a CDK pattern).
func (tm Template) ResourcePropertiesCountIs(t assert.TestingT, typ string, props any, count int, msgAndArgs ...any) bool {
	helper(t)
	return Assert(t, describe(msgAndArgs), func() {
		tm.CDK().ResourcePropertiesCountIs(jsii.String(typ), props, jsii.Number(count))
	})
}

// describe renders testify's msgAndArgs for Assert's what.
func describe(msgAndArgs []any) string {
	switch {
	case len(msgAndArgs) == 0:
		return ""
	case len(msgAndArgs) == 1:
		return fmt.Sprint(msgAndArgs[0])
	default:
		if format, ok := msgAndArgs[0].(string); ok {
			return fmt.Sprintf(format, msgAndArgs[1:]...)
		}
		return fmt.Sprint(msgAndArgs...)
	}
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

// One requires exactly one resource of the type and returns it.
func (tm Template) One(t require.TestingT, typ string) Resource {
	helper(t)
	all := tm.Resources(typ)
	require.Len(t, LogicalIDs(all), 1, "want exactly one %s", typ)
	return all[0]
}

// LogicalIDs lists the resources' logical IDs, for short failure messages.
func LogicalIDs(rs []Resource) []string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.LogicalID
	}
	return ids
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

// JSONEq checks that two JSON-shaped values are equal as JSON (so 1 and 1.0
// are, and key order does not matter), with a diff when they are not.
func JSONEq(t assert.TestingT, expected, actual any, msgAndArgs ...any) bool {
	helper(t)
	return assert.JSONEq(t, Show(expected), Show(actual), msgAndArgs...)
}

// Equal reports whether two JSON-shaped values are equal as JSON, for
// searching a template (checks use JSONEq).
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
