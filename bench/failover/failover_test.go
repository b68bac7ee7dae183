// Package failover holds the failover simulator (make failover, Python) and
// the test that runs it briefly against the template the fleet in fleet/
// synthesizes.
package failover

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/handoff"
	"github.com/privateconnect/privateconnect/internal/jsiiclose"
)

func TestSimulatorKeyTargets(t *testing.T) {
	python, err := exec.LookPath("python3")
	require.NoError(t, err, "python3 is needed to run the failover simulator: install Python 3.11+ with boto3, moto and pyyaml")
	defer jsiiclose.Close() // jsii.Close, without its stray "exited abnormally" line
	fleet, err := config.Load("fleet")
	require.NoError(t, err)
	bundles, err := handoff.Build(fleet.Vendor, fleet.Customers)
	require.NoError(t, err)
	template := filepath.Join(t.TempDir(), "failover-Producer.yaml")
	require.NoError(t, os.WriteFile(template, bundles[0].Files["failover-Producer.yaml"], 0o644))
	cmd := exec.Command(python, "-m", "unittest", "test_simulate")
	cmd.Env = append(cmd.Environ(), "PYTHONDONTWRITEBYTECODE=1", "FAILOVER_TEMPLATE="+template)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "simulator test failed:\n%s", out)
	require.Contains(t, string(out), "OK", "unittest's summary")
}
