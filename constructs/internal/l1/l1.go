// Package l1 holds the pieces of CloudFormation-level (L1) properties that
// several constructs write the same way: IAM policy statements, a role's
// trust in an AWS service, Name tags and the functions' runtime. One copy, so that the registrar's
// and the probe's roles cannot drift apart in shape.
package l1

import (
	"sync"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"
)

// Python is the name of the Lambda runtime of the project's functions, as
// the CDK names it; read from Node once (two round trips per function
// otherwise).
var Python = sync.OnceValue(func() string { return *awslambda.Runtime_PYTHON_3_14().Name() })

// Statement is an Allow statement of an IAM policy document.
func Statement(sid string, actions []string, resources ...*string) map[string]any {
	return map[string]any{"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources}
}

// AssumedBy is the trust policy of a role that only the AWS service
// (e.g. lambda.amazonaws.com) may assume.
func AssumedBy(service string) map[string]any {
	return map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect": "Allow", "Action": "sts:AssumeRole",
			"Principal": map[string]any{"Service": service},
		}},
	}
}

// NameTag is a Name tag of name plus suffix, or none when name is nil.
func NameTag(name *string, suffix string) *[]*awscdk.CfnTag {
	if name == nil {
		return nil
	}
	return &[]*awscdk.CfnTag{{Key: jsii.String("Name"), Value: jsii.String(*name + suffix)}}
}
