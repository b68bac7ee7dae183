package jsiiclose

import (
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParentOf(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	assert.Equal(t, os.Getppid(), parentOf(os.Getpid()))
	assert.Equal(t, -1, parentOf(-5), "no such process")
}

// Close ends the runtime with nothing printed, the node process reaped and
// its directory removed, run after run: plain jsii.Close prints "Runtime
// process exited abnormally: waitid: no child processes" about every other
// time, so six clean runs in a row are what a regression would rarely pass.
func TestCloseIsQuietAndComplete(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the workaround needs /proc; elsewhere Close is jsii.Close")
	}
	out, err := exec.Command("node", "-p", "process.versions.node.split('.')[0]").Output()
	require.NoError(t, err, "node")
	major, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	require.GreaterOrEqual(t, major, 22, "the jsii runtime prints a banner on Node.js before 22: run make test, which puts the Node.js 22 of make deps first on PATH")
	for i := range 6 {
		r, w, err := os.Pipe()
		require.NoError(t, err)
		stderr := os.Stderr
		os.Stderr = w // where the runtime's goroutines write
		captured := make(chan string)
		go func() {
			b, _ := io.ReadAll(r)
			captured <- string(b)
		}()

		awscdk.NewApp(nil) // starts the runtime
		pid, found := runtimePid()
		Close()

		os.Stderr = stderr
		w.Close()
		out := <-captured
		require.True(t, found, "run %d: the runtime's node process was not found among this process's children", i)
		assert.Empty(t, out, "run %d: Close printed", i)
		assert.NotEqual(t, os.Getpid(), parentOf(pid), "run %d: the runtime process is still a child (not reaped)", i)
	}
}
