// Package jsiiclose ends the jsii runtime (the node process that hosts the
// CDK for Go) without the stray "Runtime process exited abnormally: waitid:
// no child processes" that jsii.Close prints in about half the runs.
//
// The cause, in jsii-runtime-go v1.140.0 (internal/kernel/process/process.go):
// the node process is waited for twice at once. ensureStarted starts a
// goroutine that sits in cmd.Wait() and prints any error it returns as an
// abnormal exit; Process.Close writes {"exit":0} to node's stdin and then
// calls cmd.Wait() itself. Both block in waitid(2) on the same child; when
// node exits (with 0), whichever is woken first reaps it and the other gets
// ECHILD. When Close wins, the goroutine prints the line. Two concurrent
// (*exec.Cmd).Wait calls on one command are also a data race in os/exec.
//
// Close avoids the double wait: it asks node to exit first, with the same
// {"exit":0} written into its stdin through /proc/<pid>/fd/0, waits until the
// runtime's own goroutine has reaped it (the only waiter then, so its Wait
// succeeds and it closes the process itself), and only then calls
// jsii.Close, which finds nothing left to wait for. Where that is not
// possible (no /proc, another runtime command in JSII_RUNTIME), it is plain
// jsii.Close.
package jsiiclose

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aws/jsii-runtime-go"
)

// exitRequest is what Process.Close sends: the jsii kernel exits with 0.
const exitRequest = "{\"exit\":0}\n"

// Close ends the jsii runtime, if it was started, and frees what it holds.
func Close() {
	if pid, ok := runtimePid(); ok && askExit(pid) {
		waitReaped(pid, 10*time.Second)
	}
	jsii.Close()
}

// runtimePid finds this process's child that runs the embedded jsii runtime
// (node .../jsii-runtime.*/bin/jsii-runtime.js).
func runtimePid() (int, bool) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, false
	}
	self := os.Getpid()
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || parentOf(pid) != self {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && bytes.Contains(cmdline, []byte("bin/jsii-runtime.js")) {
			return pid, true
		}
	}
	return 0, false
}

// parentOf returns pid's parent process ID, or -1 if pid is gone.
func parentOf(pid int) int {
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return -1
	}
	// "pid (comm) state ppid ...": comm may hold spaces and parentheses.
	rest := string(stat[bytes.LastIndexByte(stat, ')')+1:])
	fields := strings.Fields(rest)
	if len(fields) < 2 {
		return -1
	}
	ppid, err := strconv.Atoi(fields[1])
	if err != nil {
		return -1
	}
	return ppid
}

// askExit writes the exit request into the runtime's stdin, the pipe jsii
// writes its requests to; no request is in flight when the app closes.
func askExit(pid int) bool {
	f, err := os.OpenFile(filepath.Join("/proc", strconv.Itoa(pid), "fd", "0"), os.O_WRONLY, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	_, err = f.WriteString(exitRequest)
	return err == nil
}

// waitReaped waits until pid is no longer this process's child: it exited
// and its parent's Wait collected it (a zombie still shows its parent).
func waitReaped(pid int, limit time.Duration) {
	self := os.Getpid()
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); {
		if parentOf(pid) != self {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}
