package templatecheck

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The report parser must name the rule and the failing resource.
func TestGuardReportsRuleAndResource(t *testing.T) {
	guard, rules := guardPaths()
	_, err := os.Stat(guard)
	require.NoError(t, err, "cfn-guard is not installed: run make deps")
	tmpl := filepath.Join(t.TempDir(), "t.json")
	body := `{"Resources": {
		"Plain": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 365}},
		"Keyed": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 365, "KmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/abc"}}}}`
	require.NoError(t, os.WriteFile(tmpl, []byte(body), 0o644))
	failures, err := runGuard(guard, rules, tmpl)
	require.NoError(t, err)
	want := Failure{Template: tmpl, Rule: "cloudwatch_log_group_encrypted_check", LogicalID: "Plain", ResourceType: "AWS::Logs::LogGroup"}
	assert.Equal(t, []Failure{want}, failures)
}

func TestExceptionsFileIsWellFormed(t *testing.T) {
	exceptions, err := LoadExceptions()
	require.NoError(t, err)
	assert.NotEmpty(t, exceptions, "no exceptions read")
}

// An exception limited to some templates covers those only.
func TestExceptionCoversItsTemplates(t *testing.T) {
	global := Exception{Rule: "r", ResourceType: "AWS::S3::Bucket", Reason: "why"}
	scoped := Exception{Rule: "r", ResourceType: "AWS::S3::Bucket", Reason: "why", Templates: []string{"Vendor-Pipeline.template.json", "cross-region-stack-*.template.json"}}
	assert.True(t, global.Covers("/tmp/x/acme-PrivateLink.template.json"))
	assert.True(t, scoped.Covers("/tmp/x/Vendor-Pipeline.template.json"))
	assert.True(t, scoped.Covers("/tmp/x/cross-region-stack-111122223333_eu-west-1.template.json"))
	assert.False(t, scoped.Covers("/tmp/x/acme-PrivateLink.template.json"))
	assert.False(t, scoped.Covers("/tmp/Vendor-Pipeline.template.json/acme.json"), "the file's name, not a directory's")
}
