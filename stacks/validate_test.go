package stacks

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/internal/cfnvalidate"
)

// synthBroken synthesizes an app whose one stack holds a property
// CloudFormation's schema does not know (rule F3002), acknowledged or not,
// and returns the synthesis error and the validation report's plugin names.
func synthBroken(t *testing.T, acknowledge bool) (synthErr error, plugins []string) {
	outdir := t.TempDir()
	app := NewApp(outdir)
	stack := awscdk.NewStack(app, jsii.String("Checked"), nil)
	bad := awscdk.NewCfnResource(stack, jsii.String("Topic"), &awscdk.CfnResourceProps{
		Type:       jsii.String("AWS::SNS::Topic"),
		Properties: &map[string]any{"NoSuchProperty": "x"},
	})
	if acknowledge {
		awscdk.Validations_Of(bad).Acknowledge(&awscdk.Acknowledgment{
			Id: jsii.String("CloudFormation-Validate::F3002"), Reason: jsii.String("the test's own finding"),
		})
	}
	func() {
		defer func() {
			if r := recover(); r != nil {
				synthErr = fmt.Errorf("%v", r)
			}
		}()
		app.Synth(nil)
	}()
	raw, err := os.ReadFile(filepath.Join(outdir, "validation-report.json"))
	require.NoError(t, err)
	var report struct{ PluginReports []struct{ PluginName string } }
	require.NoError(t, json.Unmarshal(raw, &report))
	for _, r := range report.PluginReports {
		plugins = append(plugins, r.PluginName)
	}
	return synthErr, plugins
}

// The app's templates are checked by the CDK's CloudFormation Validate
// rules in the workers (TestMain called cfnvalidate.Setup, as main does),
// and only there: an error finding fails synthesis, the report names the
// plugin once (the CDK's own did not run as well), and an acknowledgement
// in CDK code holds as it does for the CDK's own plugin.
func TestTemplatesAreCheckedOnceInTheWorkers(t *testing.T) {
	require.True(t, cfnvalidate.Active(), "TestMain calls cfnvalidate.Setup before the first CDK call")
	err, plugins := synthBroken(t, false)
	require.Error(t, err, "an F3002 finding fails synthesis")
	assert.Contains(t, err.Error(), "Validation failed")
	assert.Equal(t, []string{"CloudFormation Validate"}, plugins)

	err, _ = synthBroken(t, true)
	assert.NoError(t, err, "the acknowledged finding does not fail synthesis")
}
