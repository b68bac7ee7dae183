// Package mototest starts the AWS emulator of make e2e (moto, through
// e2e/moto_launcher.py) for a Go test, on 127.0.0.1 only.
package mototest

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Start runs the launcher (repo is the path to the repository's root from
// the test's directory) on a free port of 127.0.0.1 for the test, and points
// the standard credential chain and AWS_ENDPOINT_URL at it, as e2e does. The
// emulator runs Lambda functions without Docker, and its log is shown when
// the test fails.
func Start(t *testing.T, repo string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	logf, err := os.CreateTemp(t.TempDir(), "moto-*.log")
	require.NoError(t, err)
	cmd := exec.Command("python3", filepath.Join(repo, "e2e", "moto_launcher.py"), fmt.Sprint(port))
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(t, cmd.Start(), "the emulator needs python3 with moto (make deps)")
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			raw, _ := os.ReadFile(logf.Name())
			t.Logf("emulator log (tail):\n%s", raw[max(0, len(raw)-3000):])
		}
	})
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Post(url+"/moto-api/config", "application/json", strings.NewReader(`{"lambda": {"use_docker": false}}`))
		if err == nil {
			resp.Body.Close()
			break
		}
		require.True(t, time.Now().Before(deadline), "the emulator did not start: %v", err)
		time.Sleep(200 * time.Millisecond)
	}
	t.Setenv("AWS_ENDPOINT_URL", url)
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_REGION", "us-east-1")
}
