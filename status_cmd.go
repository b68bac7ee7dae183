package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/status"
)

// statusCommand is privateconnect status: what the fleet's connections look
// like in AWS now. Exit code 0 healthy, 1 something unhealthy, 2 a usage
// error or a part of the account that could not be read.
func statusCommand(args []string) int {
	fs := flag.NewFlagSet("status", flag.ContinueOnError)
	dir := fs.String("config", configDir(""), "fleet directory")
	only := fs.String("customer", "", "comma-separated customers (default: all)")
	cell := fs.String("cell", "", "the cell whose account the credentials are for (required when vendor.yaml declares cells)")
	asJSON := fs.Bool("json", false, "write JSON instead of the table")
	timeout := fs.Duration("timeout", 20*time.Second, "give up on a region after this long; the other regions still report")
	parallel := fs.Int("parallel", 4, "regions read at once")
	if code, ok := parsed(fs, args); !ok {
		return code // 0 after -h, 2 after a bad flag
	}
	fleet, customers, err := loadSelected(*dir, *only)
	if err == nil {
		fleet, err = cellFleet(fleet, *cell)
	}
	if err == nil {
		customers = slices.DeleteFunc(customers, func(c *config.Customer) bool { return !slices.Contains(fleet.Customers, c) })
	}
	if err != nil {
		fail(err)
		return status.ExitUnread
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	clients, err := status.NewAWS(ctx)
	if err != nil {
		fmt.Fprintf(os.Stderr, "privateconnect status: %v\n", err)
		return status.ExitUnread
	}
	progress, done := progressLine(os.Stderr, "status")
	rep := status.Read(ctx, fleet, customers, clients, status.Options{Parallel: *parallel, Timeout: *timeout, Progress: progress})
	done()
	if *asJSON {
		if err := status.WriteJSON(os.Stdout, rep); err != nil {
			fail(err)
			return status.ExitUnread
		}
	} else {
		status.WriteTable(os.Stdout, rep, colorful(os.Stdout))
	}
	return rep.ExitCode()
}

// isTerminal reports whether f is a terminal (a character device).
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// colorful: colours only on a terminal, and never with NO_COLOR set
// (https://no-color.org) or TERM=dumb.
func colorful(f *os.File) bool {
	return isTerminal(f) && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
}

// progressLine shows, on a terminal only and only once a run has taken a
// second, which regions are still being read; done clears it. Off a
// terminal (cron, CI, a pipe) it prints nothing.
func progressLine(w *os.File, what string) (func(done, total int, pending []string), func()) {
	if !isTerminal(w) {
		return nil, func() {}
	}
	var mu sync.Mutex
	var shown bool
	text := ""
	start := time.Now()
	stopped := make(chan struct{})
	draw := func() {
		if time.Since(start) < time.Second || text == "" {
			return
		}
		fmt.Fprintf(w, "\r\x1b[K%s", text)
		shown = true
	}
	go func() {
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stopped:
				return
			case <-tick.C:
				mu.Lock()
				draw()
				mu.Unlock()
			}
		}
	}()
	update := func(done, total int, pending []string) {
		mu.Lock()
		defer mu.Unlock()
		text = fmt.Sprintf("%s: %d of %d regions read; waiting for %s", what, done, total, strings.Join(pending, ", "))
		draw()
	}
	mu.Lock()
	text = what + ": reading"
	mu.Unlock()
	return update, func() {
		close(stopped)
		mu.Lock()
		defer mu.Unlock()
		if shown {
			io.WriteString(w, "\r\x1b[K")
		}
	}
}
