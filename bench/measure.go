package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// sample is one measured run.
type sample struct {
	Wall    time.Duration
	PeakRSS int64 // bytes, summed over the process and its descendants
}

// run executes cmd and samples the resident memory of its whole process tree
// (the Go app and its Node child) every 20 ms.
func run(cmd *exec.Cmd) (sample, error) {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return sample{}, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var peak int64
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			s := sample{Wall: time.Since(start), PeakRSS: peak}
			if err != nil {
				return s, fmt.Errorf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, lastLines(stderr.String(), 20))
			}
			return s, nil
		case <-tick.C:
			if rss := treeRSS(cmd.Process.Pid); rss > peak {
				peak = rss
			}
		}
	}
}

// treeRSS sums VmRSS over pid and its descendants, from /proc.
func treeRSS(root int) int64 {
	children := map[int][]int{}
	rss := map[int]int64{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		status, err := os.ReadFile(filepath.Join("/proc", e.Name(), "status"))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(status), "\n") {
			f := strings.Fields(line)
			switch {
			case len(f) >= 2 && f[0] == "PPid:":
				ppid, _ := strconv.Atoi(f[1])
				children[ppid] = append(children[ppid], pid)
			case len(f) >= 2 && f[0] == "VmRSS:":
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				rss[pid] = kb * 1024
			}
		}
	}
	var total int64
	stack := []int{root}
	for len(stack) > 0 {
		pid := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		total += rss[pid]
		stack = append(stack, children[pid]...)
	}
	return total
}

// median of the samples by wall time, and the median peak memory.
func median(samples []sample) sample {
	walls := make([]time.Duration, len(samples))
	mems := make([]int64, len(samples))
	for i, s := range samples {
		walls[i], mems[i] = s.Wall, s.PeakRSS
	}
	sort.Slice(walls, func(i, j int) bool { return walls[i] < walls[j] })
	sort.Slice(mems, func(i, j int) bool { return mems[i] < mems[j] })
	return sample{Wall: walls[len(walls)/2], PeakRSS: mems[len(mems)/2]}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// buildApp builds the app into dir, so that runs time the program, not go
// run's compile, and returns the binary's path.
func buildApp(dir string) (string, error) {
	bin := filepath.Join(dir, "privateconnect")
	if b, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, b)
	}
	return bin, nil
}
