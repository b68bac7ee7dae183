// Package failover holds the failover simulator (make failover, Python) and
// the test that runs it briefly against the template the fleet in fleet/
// synthesizes.
package failover

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/handoff"
	"github.com/privateconnect/privateconnect/internal/jsiiclose"
)

func TestSimulatorKeyTargets(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Fatal("python3 is needed to run the failover simulator: install Python 3.11+ with boto3, moto and pyyaml")
	}
	defer jsiiclose.Close() // jsii.Close, without its stray "exited abnormally" line
	fleet, err := config.Load("fleet")
	if err != nil {
		t.Fatal(err)
	}
	bundles, err := handoff.Build(fleet.Vendor, fleet.Customers)
	if err != nil {
		t.Fatal(err)
	}
	template := filepath.Join(t.TempDir(), "failover-Producer.yaml")
	if err := os.WriteFile(template, bundles[0].Files["failover-Producer.yaml"], 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, "-m", "unittest", "test_simulate")
	cmd.Env = append(cmd.Environ(), "PYTHONDONTWRITEBYTECODE=1", "FAILOVER_TEMPLATE="+template)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "OK") {
		t.Fatalf("simulator test failed (%v):\n%s", err, out)
	}
}
