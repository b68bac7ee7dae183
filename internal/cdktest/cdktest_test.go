package cdktest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/assert"
)

// recorder is an assert.TestingT that keeps the errors reported to it.
type recorder struct {
	errors []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

var queue = Template{"Resources": map[string]any{"Q": map[string]any{
	"Type": "AWS::SQS::Queue", "Properties": map[string]any{"DelaySeconds": 5},
}}}

// A failed CDK assertion is a jsii panic; Assert must turn it into an error
// on t and return, so the test and the package's other tests go on.
func TestAssertReportsFailedCDKAssertion(t *testing.T) {
	tmpl := queue.CDK()
	rec := &recorder{}
	assert.False(t, Assert(rec, "two queues", func() { tmpl.ResourceCountIs(jsii.String("AWS::SQS::Queue"), jsii.Number(2)) }))
	assert.True(t, Assert(rec, "one queue", func() { tmpl.ResourceCountIs(jsii.String("AWS::SQS::Queue"), jsii.Number(1)) }))
	if assert.Len(t, rec.errors, 1, "exactly one error, for the failed assertion") {
		assert.Contains(t, rec.errors[0], "two queues")
		assert.Contains(t, rec.errors[0], "CDK assertion failed")
	}
}

// Each wrapped check passes on a matching template and fails, through t and
// with what it checked, on one that does not.
func TestChecksReportThroughT(t *testing.T) {
	checks := []struct {
		name  string
		check func(t assert.TestingT) bool
		fails bool
		want  string // in the failure
	}{
		{"HasResourceProperties",
			func(t assert.TestingT) bool {
				return queue.HasResourceProperties(t, "AWS::SQS::Queue", map[string]any{"DelaySeconds": 5}, "delay")
			}, false, ""},
		{"HasResourceProperties other value",
			func(t assert.TestingT) bool {
				return queue.HasResourceProperties(t, "AWS::SQS::Queue", map[string]any{"DelaySeconds": 6}, "delay %d", 6)
			}, true, "delay 6"},
		{"ResourceCountIs",
			func(t assert.TestingT) bool { return queue.ResourceCountIs(t, "AWS::SQS::Queue", 1) }, false, ""},
		{"ResourceCountIs other count",
			func(t assert.TestingT) bool { return queue.ResourceCountIs(t, "AWS::SQS::Queue", 0, "no queue") }, true, "no queue"},
		{"ResourcePropertiesCountIs",
			func(t assert.TestingT) bool {
				return queue.ResourcePropertiesCountIs(t, "AWS::SQS::Queue", map[string]any{"DelaySeconds": 5}, 1)
			}, false, ""},
		{"ResourcePropertiesCountIs other count",
			func(t assert.TestingT) bool {
				return queue.ResourcePropertiesCountIs(t, "AWS::SQS::Queue", map[string]any{"DelaySeconds": 5}, 2, "two delayed")
			}, true, "two delayed"},
		{"JSONEq numbers as JSON",
			func(t assert.TestingT) bool { return JSONEq(t, map[string]any{"a": 1}, map[string]any{"a": 1.0}) }, false, ""},
		{"JSONEq other value",
			func(t assert.TestingT) bool { return JSONEq(t, Ref("A"), Ref("B"), "the ref") }, true, "the ref"},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			rec := &recorder{}
			ok := c.check(rec)
			if !c.fails {
				assert.True(t, ok)
				assert.Empty(t, rec.errors)
				return
			}
			assert.False(t, ok)
			if assert.Len(t, rec.errors, 1) {
				assert.Contains(t, rec.errors[0], c.want)
			}
		})
	}
}

// One stops the test (through t) unless there is exactly one.
func TestOne(t *testing.T) {
	assert.Equal(t, "Q", queue.One(t, "AWS::SQS::Queue").LogicalID)
	rec := &fatalRecorder{}
	func() {
		defer func() { recover() }()
		queue.One(rec, "AWS::SNS::Topic")
	}()
	assert.True(t, rec.failed)
	assert.Contains(t, strings.Join(rec.errors, ""), "AWS::SNS::Topic")
}

// fatalRecorder is a require.TestingT whose FailNow stops the caller as
// t.FailNow does (by unwinding), so One's caller goes no further.
type fatalRecorder struct {
	recorder
	failed bool
}

func (r *fatalRecorder) FailNow() { r.failed = true; panic("FailNow") }
