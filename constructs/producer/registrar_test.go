package producer

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The registrar's own tests are Python (unittest against moto's ELBv2, RDS,
// SSM and EC2, in process; test_registrar.py and test_rds.py): run them with
// the Go tests so one command runs all.
func TestRegistrarPython(t *testing.T) {
	python, err := exec.LookPath("python3")
	require.NoError(t, err, "python3 is needed to test the registrar Lambda: install Python 3.11+ with boto3 and moto (pip install boto3 'moto[all]')")
	out, err := exec.Command(python, "-c", "import boto3, moto").CombinedOutput()
	require.NoError(t, err, "the registrar tests need boto3 and moto (pip install boto3 'moto[all]'): %s", strings.TrimSpace(string(out)))
	cmd := exec.Command(python, "-m", "unittest", "discover", "-s", "registrar", "-p", "test_*.py")
	cmd.Env = append(cmd.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	out, err = cmd.CombinedOutput()
	require.NoError(t, err, "registrar tests failed:\n%s", out)
	assert.Contains(t, string(out), "OK", "unittest's summary")
}
