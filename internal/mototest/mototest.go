// Package mototest starts the AWS emulator of make e2e (moto, through
// e2e/moto_launcher.py) for a Go test or the status benchmark, on
// 127.0.0.1 only.
package mototest

import (
	"fmt"
	"io"
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

// Launch runs the launcher (repo is the path to the repository's root) on a
// free port of 127.0.0.1, its output to log, and waits until it answers,
// with Lambda functions run without Docker. It returns the emulator's
// address and how to stop it.
func Launch(repo string, log io.Writer) (url string, stop func(), err error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command("python3", filepath.Join(repo, "e2e", "moto_launcher.py"), fmt.Sprint(port))
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("the emulator needs python3 with moto (make deps): %v", err)
	}
	stop = func() { cmd.Process.Kill(); cmd.Wait() }
	url = fmt.Sprintf("http://127.0.0.1:%d", port)
	for deadline := time.Now().Add(60 * time.Second); ; {
		resp, err := http.Post(url+"/moto-api/config", "application/json", strings.NewReader(`{"lambda": {"use_docker": false}}`))
		if err == nil {
			resp.Body.Close()
			return url, stop, nil
		}
		if time.Now().After(deadline) {
			stop()
			return "", nil, fmt.Errorf("the emulator did not start: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Env is the environment that points the standard credential chain and
// AWS_ENDPOINT_URL at the emulator at url, as e2e does; empty values are to
// be unset, and the config files named are in dir (which holds none).
func Env(url, dir string) map[string]string {
	return map[string]string{
		"AWS_ENDPOINT_URL":            url,
		"AWS_ACCESS_KEY_ID":           "testing",
		"AWS_SECRET_ACCESS_KEY":       "testing",
		"AWS_SESSION_TOKEN":           "",
		"AWS_PROFILE":                 "",
		"AWS_CONFIG_FILE":             filepath.Join(dir, "none"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "none"),
		"AWS_REGION":                  "us-east-1",
	}
}

// Start launches the emulator for the test and sets Env for it; the
// emulator's log is shown when the test fails.
func Start(t *testing.T, repo string) {
	t.Helper()
	logf, err := os.CreateTemp(t.TempDir(), "moto-*.log")
	require.NoError(t, err)
	url, stop, err := Launch(repo, logf)
	require.NoError(t, err)
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			raw, _ := os.ReadFile(logf.Name())
			t.Logf("emulator log (tail):\n%s", raw[max(0, len(raw)-3000):])
		}
	})
	for k, v := range Env(url, t.TempDir()) {
		t.Setenv(k, v)
	}
}
