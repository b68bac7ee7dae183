package producer

import (
	"testing"

	"github.com/privateconnect/privateconnect/internal/pyunit"
)

// The registrar's own tests are Python (unittest against moto's ELBv2, RDS,
// SSM and EC2, in process; test_registrar.py and test_rds.py): run them with
// the Go tests so one command runs all.
func TestRegistrarPython(t *testing.T) {
	pyunit.Run(t, "registrar", "registrar", "import boto3, moto", "with boto3 and moto (pip install boto3 'moto[all]')")
}
