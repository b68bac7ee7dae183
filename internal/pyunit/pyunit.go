// Package pyunit runs a construct's Python unit tests (the inline Lambda
// code beside it) from go test, so that one test command covers both.
package pyunit

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Run discovers and runs the test_*.py files in dir with python3. what names
// the code under test in failures; imports, when set, is a Python import
// line the tests need, checked first so a missing package says so, with
// install (how to get it).
func Run(t *testing.T, dir, what, imports, install string) {
	t.Helper()
	python, err := exec.LookPath("python3")
	require.NoError(t, err, "python3 is needed to test the %s: install Python 3.11+ %s", what, install)
	if imports != "" {
		out, err := exec.Command(python, "-c", imports).CombinedOutput()
		require.NoError(t, err, "the %s tests need %q (%s): %s", what, imports, install, strings.TrimSpace(string(out)))
	}
	cmd := exec.Command(python, "-m", "unittest", "discover", "-s", dir, "-p", "test_*.py")
	cmd.Env = append(cmd.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s tests failed:\n%s", what, out)
	assert.Contains(t, string(out), "OK", "unittest's summary")
}
