package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bin is this app, built once for the tests that run it as the CDK CLI would.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "privateconnect-main")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "privateconnect")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// run starts the app with the environment the CDK CLI gives it.
func run(t *testing.T, outdir, contextJSON string, env ...string) (stdout, stderr string, code int) {
	t.Helper()
	return runArgs(t, append([]string{"CDK_OUTDIR=" + outdir, "CDK_CONTEXT_JSON=" + contextJSON}, env...))
}

// runArgs runs the app with args and extra environment.
func runArgs(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return o.String(), e.String(), ee.ExitCode()
	}
	require.NoError(t, err)
	return o.String(), e.String(), 0
}

func templates(t *testing.T, dir string) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.template.json"))
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(filepath.Base(f), ".template.json"))
	}
	sort.Strings(names)
	return names
}

func TestSynthSelectedCustomerOnly(t *testing.T) {
	out := filepath.Join(t.TempDir(), "cdk.out")
	require.NoError(t, os.Mkdir(out, 0o755))
	_, stderr, code := run(t, out, `{"customer":"globex"}`)
	require.Zero(t, code, "exit code, with stderr:\n%s", stderr)
	// And its region's dashboards, built from the whole fleet like the inbound stack.
	assert.Equal(t, []string{"Vendor-Dashboard-eu-west-1", "globex-PrivateLink"}, templates(t, out), "synthesized only globex's stack and its region's dashboards")
}

func TestInvalidFleetFailsAndWritesNothing(t *testing.T) {
	fleet := t.TempDir()
	copyTree(t, "config", fleet)
	bad := filepath.Join(fleet, "customers", "acme.yaml")
	raw, _ := os.ReadFile(bad)
	raw = bytes.Replace(raw, []byte("ports: [5432]"), []byte("ports: [0]"), 1)
	raw = bytes.Replace(raw, []byte("region: us-east-1"), []byte("region: mars-1"), 1)
	require.NoError(t, os.WriteFile(bad, raw, 0o644))
	out := filepath.Join(t.TempDir(), "cdk.out")
	require.NoError(t, os.Mkdir(out, 0o755)) // the CLI creates it before running the app
	for name, how := range map[string][2]string{
		"context": {`{"config":"` + fleet + `"}`, ""},
		"env":     {`{}`, "PRIVATECONNECT_CONFIG=" + fleet},
	} {
		t.Run(name, func(t *testing.T) {
			os.Mkdir(out, 0o755)
			_, stderr, code := run(t, out, how[0], how[1])
			require.NotZero(t, code, "an invalid fleet synthesized")
			for _, want := range []string{
				bad + ": privateLink.services[0].ports[0]: not a TCP port (got 0;",
				bad + `: region: unknown AWS region (got "mars-1";`,
			} {
				assert.Contains(t, stderr, want, "stderr lacks %q:\n%s", want, stderr)
			}
			_, err := os.Stat(out)
			assert.True(t, os.IsNotExist(err), "the empty output directory was left behind (stat: %v)", err)
		})
	}
}

func TestUnknownCustomerIsAnError(t *testing.T) {
	_, stderr, code := run(t, t.TempDir(), `{"customer":"acme,nobody"}`)
	assert.NotZero(t, code, "exit code")
	assert.Contains(t, stderr, `unknown customer "nobody"`, "an error naming the unknown customer")
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.Walk(from, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		dst := filepath.Join(to, rel)
		if info.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	require.NoError(t, err)
}
