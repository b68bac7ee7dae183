package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// NewApp returns the app every stack is built in, by the CDK app and by the
// tests alike, so both synthesize under the same settings.
func NewApp(outdir string) awscdk.App {
	props := &awscdk.AppProps{
		Context: &map[string]any{
			// CDK checks templates against CloudFormation's resource schemas;
			// a finding is an error, not a warning scrolled past.
			"@aws-cdk/core:validateAgainstDefaultRules": true,
		},
	}
	if outdir != "" {
		props.Outdir = jsii.String(outdir)
	}
	return awscdk.NewApp(props)
}
