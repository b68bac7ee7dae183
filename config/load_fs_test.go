//go:build unix

package config

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The file-system cases a hostile pull request or a careless operator can
// create: links, pipes, directories where files belong. Each is an error that
// names the path, and none is read, followed or waited on.
func TestLoadRefusesWhatIsNotARegularFile(t *testing.T) {
	const secret = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n"
	cases := []struct {
		name  string
		setup func(t *testing.T, dir, outside string)
		path  string
		where string
		msg   string
	}{
		{"customer file is a link out of the fleet", func(t *testing.T, dir, outside string) {
			symlink(t, filepath.Join(outside, "id_ed25519"), filepath.Join(dir, "customers", "beta.yaml"))
		}, "customers/beta.yaml", "(document)", "a symbolic link"},
		{"customer file is a link inside the fleet", func(t *testing.T, dir, _ string) {
			symlink(t, "acme.yaml", filepath.Join(dir, "customers", "beta.yaml"))
		}, "customers/beta.yaml", "(document)", "never follows"},
		{"vendor file is a link", func(t *testing.T, dir, outside string) {
			os.Rename(filepath.Join(dir, "vendor.yaml"), filepath.Join(outside, "vendor.yaml"))
			symlink(t, filepath.Join(outside, "vendor.yaml"), filepath.Join(dir, "vendor.yaml"))
		}, "vendor.yaml", "(document)", "a symbolic link"},
		{"customers directory is a link", func(t *testing.T, dir, outside string) {
			os.Rename(filepath.Join(dir, "customers"), filepath.Join(outside, "customers"))
			symlink(t, filepath.Join(outside, "customers"), filepath.Join(dir, "customers"))
		}, "customers", "(directory)", "a symbolic link is never followed"},
		{"customer file is a named pipe", func(t *testing.T, dir, _ string) {
			if err := syscall.Mkfifo(filepath.Join(dir, "customers", "beta.yaml"), 0o644); err != nil {
				t.Skipf("mkfifo: %v", err)
			}
		}, "customers/beta.yaml", "(document)", "got a named pipe"},
		{"vendor file is a named pipe", func(t *testing.T, dir, _ string) {
			os.Remove(filepath.Join(dir, "vendor.yaml"))
			if err := syscall.Mkfifo(filepath.Join(dir, "vendor.yaml"), 0o644); err != nil {
				t.Skipf("mkfifo: %v", err)
			}
		}, "vendor.yaml", "(document)", "got a named pipe"},
		{"directory named like a customer file", func(t *testing.T, dir, _ string) {
			mkdir(t, filepath.Join(dir, "customers", "beta.yaml"))
		}, "customers/beta.yaml", "(directory)", "a directory named like a customer file"},
		{"directory named like the vendor file", func(t *testing.T, dir, _ string) {
			os.Remove(filepath.Join(dir, "vendor.yaml"))
			mkdir(t, filepath.Join(dir, "vendor.yaml"))
		}, "vendor.yaml", "(document)", "a directory where a file belongs"},
		{"customers is a file", func(t *testing.T, dir, _ string) {
			os.RemoveAll(filepath.Join(dir, "customers"))
			os.WriteFile(filepath.Join(dir, "customers"), []byte(baseAcme), 0o644)
		}, "customers", "(directory)", "must be a directory"},
		{"file name with a terminal escape", func(t *testing.T, dir, _ string) {
			os.WriteFile(filepath.Join(dir, "customers", "\x1b[2Jbeta.yaml"), []byte(baseBeta), 0o644)
		}, "customers", "(directory)", `"\x1b[2Jbeta.yaml"`},
		{"file name with a bidi override", func(t *testing.T, dir, _ string) {
			os.WriteFile(filepath.Join(dir, "customers", "beta\u202elmay.yaml"), []byte(baseBeta), 0o644)
		}, "customers", "(directory)", `"beta\u202elmay.yaml"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFleet(t, map[string]string{"vendor.yaml": baseVendor, "customers/acme.yaml": baseAcme})
			outside := t.TempDir()
			os.WriteFile(filepath.Join(outside, "id_ed25519"), []byte(secret), 0o600)
			tc.setup(t, dir, outside)
			done := make(chan error, 1)
			go func() { _, err := Load(dir); done <- err }()
			var err error
			select {
			case err = <-done:
			case <-time.After(5 * time.Second):
				require.FailNow(t, "Load blocked: it waited on something that is not a regular file")
			}
			require.Error(t, err, "fleet accepted")
			assertFSError(t, err, filepath.Join(dir, tc.path), tc.where, tc.msg)
			assert.NotContains(t, err.Error(), "b3BlbnNzaC1rZXkt", "the error repeats the linked file's content")
			assert.NotContains(t, err.Error(), "\x1b", "the error repeats a terminal escape")
			assert.NotContains(t, err.Error(), "\u202e", "the error repeats a bidi override")
		})
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	require.NoError(t, os.Symlink(target, link))
}

func mkdir(t *testing.T, path string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(path, 0o755))
}
