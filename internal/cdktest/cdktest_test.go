package cdktest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
)

// recorder is a testing.TB that keeps the errors reported to it.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

// A failed CDK assertion is a jsii panic; Assert must turn it into an error
// on t and return, so the test and the package's other tests go on.
func TestAssertReportsFailedCDKAssertion(t *testing.T) {
	tmpl := Template{"Resources": map[string]any{"Q": map[string]any{"Type": "AWS::SQS::Queue"}}}.CDK()
	rec := &recorder{TB: t}
	Assert(rec, "two queues", func() { tmpl.ResourceCountIs(jsii.String("AWS::SQS::Queue"), jsii.Number(2)) })
	Assert(rec, "one queue", func() { tmpl.ResourceCountIs(jsii.String("AWS::SQS::Queue"), jsii.Number(1)) })
	if len(rec.errors) != 1 || !strings.HasPrefix(rec.errors[0], "two queues: ") {
		t.Errorf("recorded %q, want exactly one error, for the failed assertion", rec.errors)
	}
}
