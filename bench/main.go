// Command bench measures synthesis at fleet scale (make bench): for synthetic
// fleets of several sizes, in cells of benchfleet.CellSize, the wall time
// and peak memory of a full-fleet synth and of a one-customer synth, each
// the median of several runs (a one-customer synth's ratio to the smallest
// fleet's is the median over pairs of runs taken in turn). It
// prints a table and writes JSON so runs can be compared, then checks the
// targets (Targets) and exits non-zero, with a FAIL line each, when one is
// missed. With -gotest it also times a warm go test ./..., which is no
// target and means something only on an otherwise idle machine. With
// -status it times privateconnect status instead, against the emulator
// (make bench-status).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/privateconnect/privateconnect/bench/benchfleet"
)

// Result is one fleet size's measurements.
type Result struct {
	Customers     int     `json:"customers"`
	Stacks        int     `json:"stacks"`
	FullSeconds   float64 `json:"fullSynthSeconds"`
	FullPeakMiB   float64 `json:"fullSynthPeakMiB"`
	OneSeconds    float64 `json:"oneCustomerSynthSeconds"`
	OnePeakMiB    float64 `json:"oneCustomerSynthPeakMiB"`
	OneVsSmallest float64 `json:"oneCustomerVsSmallestFleet"`
}

// Report is what bench writes.
type Report struct {
	Date               string   `json:"date"`
	Runs               int      `json:"runsPerMeasurement"`
	Results            []Result `json:"results"`
	PerExtraStackMs    float64  `json:"fullSynthMsPerAdditionalStack"`
	Targets            Targets  `json:"targets"`
	Missed             []string `json:"missedTargets"`
	GoTestWarmSeconds  float64  `json:"goTestWarmSeconds,omitempty"`
	MachineDescription string   `json:"machine"`
}

// Targets are what a full synth and a one-customer synth must keep to.
type Targets struct {
	// Full synth time per stack beyond the smallest fleet's.
	MaxMsPerAdditionalStack float64 `json:"maxMsPerAdditionalStack"`
	// One customer's synth in the largest fleet over that in the smallest.
	MaxOneCustomerVsSmallest float64 `json:"maxOneCustomerVsSmallestFleet"`
	// Peak memory of any synth, full or one customer.
	MaxPeakMiB float64 `json:"maxPeakMiB"`
}

var targets = Targets{MaxMsPerAdditionalStack: 150, MaxOneCustomerVsSmallest: 1.2, MaxPeakMiB: 2048}

// missed lists the targets r misses, one sentence each.
func missed(r Report) []string {
	out := []string{}
	t := r.Targets
	if len(r.Results) > 1 && r.PerExtraStackMs >= t.MaxMsPerAdditionalStack {
		out = append(out, fmt.Sprintf("full synth: %.0f ms per additional stack, target under %.0f ms", r.PerExtraStackMs, t.MaxMsPerAdditionalStack))
	}
	for _, x := range r.Results {
		if x.OneVsSmallest > t.MaxOneCustomerVsSmallest {
			out = append(out, fmt.Sprintf("%d customers: one customer's synth is %.2fx that in the smallest fleet, target at most %.1fx", x.Customers, x.OneVsSmallest, t.MaxOneCustomerVsSmallest))
		}
		if peak := max(x.FullPeakMiB, x.OnePeakMiB); peak >= t.MaxPeakMiB {
			out = append(out, fmt.Sprintf("%d customers: peak memory %.0f MiB, target under %.0f MiB", x.Customers, peak, t.MaxPeakMiB))
		}
	}
	return out
}

func main() {
	sizes := flag.String("sizes", "1,10,100,500", "fleet sizes to measure")
	runs := flag.Int("runs", 3, "runs per measurement (the median is reported)")
	out := flag.String("out", "bench/results.json", "where to write the JSON report")
	goTest := flag.Bool("gotest", false, "also time a warm go test ./... (no target; meaningful on an idle machine only)")
	statusOf := flag.String("status", "", "instead: time privateconnect status against the emulator for the fleet in this directory and for generated fleets of -sizes (writes -out)")
	flag.Parse()
	var err error
	if *statusOf != "" {
		err = benchStatus(*statusOf, *sizes, *runs, *out)
	} else {
		err = bench(*sizes, *runs, *out, *goTest)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func bench(sizeList string, runs int, out string, goTest bool) error {
	tmp, err := os.MkdirTemp("", "privateconnect-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin, err := buildApp(tmp)
	if err != nil {
		return err
	}

	report := Report{Date: time.Now().UTC().Format(time.RFC3339), Runs: runs, Targets: targets, MachineDescription: machine()}
	smallest := "" // the first fleet's directory
	printHeader()
	for _, s := range strings.Split(sizeList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("-sizes: %q is not a fleet size", s)
		}
		fleet := filepath.Join(tmp, fmt.Sprintf("fleet-%d", n))
		// In cells, as a fleet at this scale is run (README: Quotas).
		if err := benchfleet.WriteCells(fleet, n, benchfleet.CellSize); err != nil {
			return err
		}
		full, stacks, err := synth(bin, fleet, filepath.Join(tmp, "out"), "", runs)
		if err != nil {
			return err
		}
		if smallest == "" {
			smallest = fleet
		}
		one, ratio, err := oneCustomer(bin, fleet, smallest, filepath.Join(tmp, "out"), runs)
		if err != nil {
			return err
		}
		r := Result{Customers: n, Stacks: stacks,
			FullSeconds: full.Wall.Seconds(), FullPeakMiB: mib(full.PeakRSS),
			OneSeconds: one.Wall.Seconds(), OnePeakMiB: mib(one.PeakRSS), OneVsSmallest: ratio}
		report.Results = append(report.Results, r)
		printRow(r)
	}
	if len(report.Results) > 1 {
		a, b := report.Results[0], report.Results[len(report.Results)-1]
		report.PerExtraStackMs = (b.FullSeconds - a.FullSeconds) * 1000 / float64(b.Stacks-a.Stacks)
	}
	fmt.Printf("full synth per additional stack: %.0f ms (median of %d runs each)\n", report.PerExtraStackMs, report.Runs)
	var testErr error
	if goTest {
		var samples []sample
		for i := 0; i < runs && testErr == nil; i++ {
			var s sample
			if s, testErr = run(exec.Command("go", "test", "-count=1", "./...")); testErr == nil {
				samples = append(samples, s)
			}
		}
		if testErr == nil {
			report.GoTestWarmSeconds = median(samples).Wall.Seconds()
			fmt.Printf("go test ./... warm: %.1fs\n", report.GoTestWarmSeconds)
		}
	}
	report.Missed = missed(report)
	// The synth figures are written even when the tests fail or a target is missed.
	data, err := json.MarshalIndent(report, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, append(data, '\n'), 0o644); err != nil {
		return err
	}
	if testErr != nil {
		return testErr
	}
	for _, m := range report.Missed {
		fmt.Println("FAIL", m)
	}
	if len(report.Missed) > 0 {
		return fmt.Errorf("%d of the targets missed (figures written to %s)", len(report.Missed), out)
	}
	fmt.Printf("PASS every target: under %.0f ms per additional stack, one customer within %.1fx, under %.0f MiB\n",
		targets.MaxMsPerAdditionalStack, targets.MaxOneCustomerVsSmallest, targets.MaxPeakMiB)
	return nil
}

// synth runs the app on the fleet (one customer when only is set) runs
// times and returns the median and the number of stacks synthesized.
func synth(bin, fleet, outdir, only string, runs int) (sample, int, error) {
	var samples []sample
	stacks := 0
	for i := 0; i < runs; i++ {
		os.RemoveAll(outdir)
		if err := os.MkdirAll(outdir, 0o755); err != nil {
			return sample{}, 0, err
		}
		cmd := exec.Command(bin)
		cmd.Env = append(os.Environ(), "CDK_OUTDIR="+outdir, "PRIVATECONNECT_CONFIG="+fleet)
		if only != "" {
			cmd.Env = append(cmd.Env, `CDK_CONTEXT_JSON={"customer":"`+only+`"}`)
		}
		s, err := run(cmd)
		if err != nil {
			return sample{}, 0, err
		}
		samples = append(samples, s)
		templates, _ := filepath.Glob(filepath.Join(outdir, "*.template.json"))
		stacks = len(templates)
	}
	return median(samples), stacks, nil
}

// oneCustomer times the synth of fleet's first customer runs times, each run
// paired with one in the smallest fleet, run in turn, and returns its median
// and the median of the pairs' ratios. The machine's speed drifts over a
// bench of several minutes: a ratio of medians taken minutes apart measured
// the drift as much as the fleet (up to 1.2x between two sets of runs of one
// fleet here).
func oneCustomer(bin, fleet, smallest, outdir string, runs int) (sample, float64, error) {
	if fleet == smallest {
		one, _, err := synth(bin, fleet, outdir, benchfleet.Name(0), runs)
		return one, 1, err
	}
	var samples []sample
	var ratios []float64
	for i := 0; i < runs; i++ {
		base, _, err := synth(bin, smallest, outdir, benchfleet.Name(0), 1)
		if err != nil {
			return sample{}, 0, err
		}
		one, _, err := synth(bin, fleet, outdir, benchfleet.Name(0), 1)
		if err != nil {
			return sample{}, 0, err
		}
		samples = append(samples, one)
		ratios = append(ratios, one.Wall.Seconds()/base.Wall.Seconds())
	}
	sort.Float64s(ratios)
	return median(samples), ratios[len(ratios)/2], nil
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

func printHeader() {
	fmt.Printf("%9s %7s %12s %11s %12s %11s %9s\n", "customers", "stacks", "full synth", "full peak", "one synth", "one peak", "one/1st")
}

func printRow(x Result) {
	fmt.Printf("%9d %7d %11.2fs %8.0f MiB %11.2fs %8.0f MiB %8.2fx\n",
		x.Customers, x.Stacks, x.FullSeconds, x.FullPeakMiB, x.OneSeconds, x.OnePeakMiB, x.OneVsSmallest)
}

func machine() string {
	out, _ := exec.Command("uname", "-srm").Output()
	cpus, _ := exec.Command("nproc").Output()
	node, _ := exec.Command("node", "--version").Output()
	return fmt.Sprintf("%s, %s CPUs, node %s", strings.TrimSpace(string(out)), strings.TrimSpace(string(cpus)), strings.TrimSpace(string(node)))
}
