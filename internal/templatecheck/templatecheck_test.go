package templatecheck

import (
	"os"
	"path/filepath"
	"testing"
)

// The report parser must name the rule and the failing resource.
func TestGuardReportsRuleAndResource(t *testing.T) {
	guard, rules := guardPaths()
	if _, err := os.Stat(guard); err != nil {
		t.Fatalf("cfn-guard is not installed (%v): run make deps", err)
	}
	tmpl := filepath.Join(t.TempDir(), "t.json")
	body := `{"Resources": {
		"Plain": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 365}},
		"Keyed": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 365, "KmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/abc"}}}}`
	if err := os.WriteFile(tmpl, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	failures, err := runGuard(guard, rules, tmpl)
	if err != nil {
		t.Fatal(err)
	}
	want := Failure{Template: tmpl, Rule: "cloudwatch_log_group_encrypted_check", LogicalID: "Plain", ResourceType: "AWS::Logs::LogGroup"}
	if len(failures) != 1 || failures[0] != want {
		t.Errorf("failures = %+v, want only %+v", failures, want)
	}
}

func TestExceptionsFileIsWellFormed(t *testing.T) {
	exceptions, err := LoadExceptions()
	if err != nil {
		t.Fatal(err)
	}
	if len(exceptions) == 0 {
		t.Error("no exceptions read")
	}
}
