package producer

import (
	"os/exec"
	"strings"
	"testing"
)

// The registrar's own tests are Python (unittest against moto's ELBv2, RDS,
// SSM and EC2, in process; test_registrar.py and test_rds.py): run them with
// the Go tests so one command runs all.
func TestRegistrarPython(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Fatal("python3 is needed to test the registrar Lambda: install Python 3.11+ with boto3 and moto (pip install boto3 'moto[all]')")
	}
	if out, err := exec.Command(python, "-c", "import boto3, moto").CombinedOutput(); err != nil {
		t.Fatalf("the registrar tests need boto3 and moto (pip install boto3 'moto[all]'): %s", strings.TrimSpace(string(out)))
	}
	cmd := exec.Command(python, "-m", "unittest", "discover", "-s", "registrar", "-p", "test_*.py")
	cmd.Env = append(cmd.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("registrar tests failed:\n%s", out)
	}
	if !strings.Contains(string(out), "OK") {
		t.Errorf("unexpected unittest output:\n%s", out)
	}
}
