package cfnvalidate

import (
	"bufio"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"

	"github.com/aws/aws-cdk-go/awscdk/v2"
)

//go:embed worker.js
var workerJS string

// Stack is one template to check, as the CDK hands it to a plugin.
type Stack struct {
	TemplatePath       string `json:"templatePath"`
	StackConstructPath string `json:"stackConstructPath"`
	AccountID          string `json:"accountId,omitempty"`
	Region             string `json:"region,omitempty"`
}

// pool holds the worker processes, kept for the life of this process: every
// app it synthesizes (a test synthesizes hundreds) reuses them.
type pool struct {
	lib     string // the aws-cdk-lib directory the workers load
	version string // its version, that of the CDK the app runs on ("" unknown)
	max     int    // workers at most
	mu      sync.Mutex
	workers []*worker
}

// worker is one node process running worker.js.
type worker struct {
	ready   chan struct{} // closed once the hello (or a failure) is read
	exited  chan struct{} // closed once the process is reaped
	err     error         // why it cannot serve; set before ready closes
	version string        // the plugin's, from the hello
	in      io.WriteCloser
	out     *bufio.Reader
}

// start launches a worker; it loads its engine while the app goes on.
func (p *pool) start() *worker {
	w := &worker{ready: make(chan struct{}), exited: make(chan struct{})}
	// --single-threaded: no V8 helper threads, which on a small machine take
	// the cores the other workers need (about 12% less CPU a template).
	cmd := exec.Command(node(), "--single-threaded", "-e", workerJS, "--", p.lib)
	cmd.Stderr = os.Stderr
	in, err1 := cmd.StdinPipe()
	out, err2 := cmd.StdoutPipe()
	if err := errors.Join(err1, err2); err != nil {
		close(w.exited)
		w.fail(err)
		return w
	}
	if err := cmd.Start(); err != nil {
		close(w.exited)
		w.fail(fmt.Errorf("starting %s: %v", cmd.Path, err))
		return w
	}
	go func() { // reaped once its stdin closes (Close, or this process's exit)
		_ = cmd.Wait()
		close(w.exited)
	}()
	w.in, w.out = in, bufio.NewReaderSize(out, 1<<20)
	go func() {
		var hello struct {
			Ready *struct{ Lib, Plugin string }
			Error string
		}
		if err := w.read(&hello); err != nil {
			w.fail(err)
			return
		}
		switch {
		case hello.Ready == nil:
			w.fail(errors.New(hello.Error))
		case p.version != "" && hello.Ready.Lib != p.version:
			w.fail(fmt.Errorf("%s is aws-cdk-lib %s, and the app runs on %s: run make deps", p.lib, hello.Ready.Lib, p.version))
		default:
			w.version = hello.Ready.Plugin
			close(w.ready)
		}
	}()
	return w
}

// fail ends a worker that never became ready.
func (w *worker) fail(err error) {
	w.err = fmt.Errorf("template check worker: %w", err)
	w.stop()
	close(w.ready)
}

// stop closes the worker's stdin, on which it exits.
func (w *worker) stop() {
	if w.in != nil {
		w.in.Close()
	}
}

// read decodes the worker's next line into v.
func (w *worker) read(v any) error {
	line, err := w.out.ReadBytes('\n')
	if err != nil {
		return fmt.Errorf("the worker exited (%v)", err)
	}
	if err := json.Unmarshal(line, v); err != nil {
		return fmt.Errorf("unreadable answer %q: %v", strings.TrimSpace(string(line)), err)
	}
	return nil
}

// check sends the worker templates (one, but for the tests) and returns
// the plugin's report on them.
func (w *worker) check(stacks ...Stack) (*awscdk.PolicyValidationPluginReport, error) {
	line, err := json.Marshal(stacks)
	if err != nil {
		return nil, err
	}
	if _, err := w.in.Write(append(line, '\n')); err != nil {
		return nil, fmt.Errorf("template check worker: %v", err)
	}
	var answer struct {
		Report *awscdk.PolicyValidationPluginReport
		Error  string
	}
	if err := w.read(&answer); err != nil {
		return nil, fmt.Errorf("template check worker: %v", err)
	}
	if answer.Report == nil {
		return nil, fmt.Errorf("template check of %s: %s", stacks[0].TemplatePath, answer.Error)
	}
	return answer.Report, nil
}

// grow starts workers until n run (at most p.max); each loads its engine
// while the app goes on.
func (p *pool) grow(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.workers) < min(n, p.max) {
		p.workers = append(p.workers, p.start())
	}
}

// want is how many workers templates are worth: another one for each
// perWorker templates (its engine takes 1 to 2.5 s of CPU to load, against
// about 65 ms a template).
func (p *pool) want(templates int) int { return min(p.max, 1+templates/perWorker) }

const perWorker = 16

// close ends every worker and waits until each has exited.
func (p *pool) close() {
	p.mu.Lock()
	workers := p.workers
	p.workers = nil
	p.mu.Unlock()
	for _, w := range workers {
		w.stop()
		<-w.exited
	}
}

// checkAll checks stacks on up to p.max workers at once, each taking the
// next template when it is done with one, and returns the reports in the
// order of stacks. A worker that fails is dropped and its error returned.
func (p *pool) checkAll(stacks []Stack) ([]*awscdk.PolicyValidationPluginReport, error) {
	p.grow(p.want(len(stacks)))
	p.mu.Lock()
	workers := append([]*worker(nil), p.workers...)
	p.mu.Unlock()

	next := make(chan int, len(stacks))
	for i := range stacks {
		next <- i
	}
	close(next)
	reports := make([]*awscdk.PolicyValidationPluginReport, len(stacks))
	errs := make([]error, len(workers))
	var wg sync.WaitGroup
	for k, w := range workers {
		wg.Go(func() {
			<-w.ready
			if errs[k] = w.err; w.err != nil {
				return
			}
			for i := range next {
				if reports[i], errs[k] = w.check(stacks[i]); errs[k] != nil {
					w.stop()
					return
				}
			}
		})
	}
	wg.Wait()
	p.drop(workers, errs)
	// Nothing half-checked: a worker that failed fails the check, even when
	// the others took all the templates.
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return reports, nil
}

// drop removes the workers that failed, so that the next app starts anew.
func (p *pool) drop(workers []*worker, errs []error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for k, err := range errs {
		if err == nil {
			continue
		}
		for i, w := range p.workers {
			if w == workers[k] {
				p.workers = append(p.workers[:i], p.workers[i+1:]...)
				break
			}
		}
	}
}

// pluginVersion is the plugin version a ready worker reported, or "".
func (p *pool) pluginVersion() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, w := range p.workers {
		select {
		case <-w.ready:
			if w.err == nil {
				return w.version
			}
		default:
		}
	}
	return ""
}
