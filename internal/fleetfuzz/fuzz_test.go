package fleetfuzz

import (
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/handoff"
	"github.com/privateconnect/privateconnect/internal/toolchain"
	"github.com/privateconnect/privateconnect/stacks"
)

// FuzzFleet is the property of issue 12: a fleet that validates synthesizes,
// vendor stacks and handed-over templates alike, without a panic and within
// AWS's limits (and within config's estimate of each stack); a fleet that
// does not validate builds nothing and says why, file and path first.
//
// The fleets are the examples of config/, edited by the fuzzer's bytes (see
// generate): the seeds below are the examples as they are and a few edits.
// A synth costs seconds, so each worker process keeps one jsii runtime and
// synthesizes only fleets that validated and whose shape (keys, and the kind
// and size of each value) it has not synthesized yet; validation alone runs
// in milliseconds.
func FuzzFleet(f *testing.F) {
	base := loadExamples(f)
	f.Add([]byte{})                          // the example fleet
	f.Add([]byte{0x01, 4, 1, 2, 0})          // acme alone, with a service added
	f.Add([]byte{0x0c, 5, 0, 0, 5, 1})       // hooli and initech, with more sections
	f.Add([]byte{0x10, 1, 2, 3, 1, 0})       // umbrella alone, one value changed
	f.Add([]byte{0x02, 0, 1, 4, 0, 3})       // globex and a copy of it
	f.Add([]byte{0x00, 8, 0, 0, 2, 3})       // the fleet split into two cells
	f.Add([]byte{0x01, 4, 1, 1, 6, 0, 0, 0}) // acme with a resource configuration it shared
	f.Add([]byte{0x01, 4, 2, 1, 5, 2, 0})    // acme with a pending Aurora cluster in mode resourceGateway
	if fuzzWorker() {
		// A fuzzing process gives each input 10 seconds, and starting the
		// jsii runtime may take longer: start it before the first input.
		warmUp(f, base)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFleet(t, generate(base, data))
	})
}

// fuzzWorker reports whether this process runs inputs for go test -fuzz.
func fuzzWorker() bool {
	w := flag.Lookup("test.fuzzworker")
	return w != nil && w.Value.String() == "true"
}

func warmUp(f *testing.F, base fleet) {
	dir := f.TempDir()
	base.write(f, dir)
	fleet, err := config.Load(dir)
	require.NoError(f, err)
	_, err = stacks.Synthesize(func(app awscdk.App) []awscdk.Stack { return stacks.Build(app, fleet, fleet.Customers[:1]) })
	require.NoError(f, err)
}

var wellFormed = regexp.MustCompile(`^.+ \(got .+; .+\)$`)

func checkFleet(t *testing.T, f fleet) {
	dir := t.TempDir()
	f.write(t, dir)
	loaded, err := loadWithin(t, dir, 2*time.Second)
	if err != nil {
		// Nothing is built from a fleet that does not validate, and every
		// problem says which file, where, what, and how to fix it.
		require.Nil(t, loaded, "Load returned a fleet with its errors:\n%v", err)
		errs, ok := err.(config.Errors)
		require.True(t, ok, "error is not config.Errors: %T %v", err, err)
		require.NotEmpty(t, errs, "config.Errors without an error")
		for _, e := range errs {
			require.NotEmpty(t, e.File, "malformed error: %q", e.Error())
			require.NotEmpty(t, e.Path, "malformed error: %q", e.Error())
			require.NotEmpty(t, e.Msg, "malformed error: %q", e.Error())
			require.False(t, strings.ContainsAny(e.Error(), "\n\x1b\u202e"), "malformed error: %q", e.Error())
			require.True(t, wellFormed.MatchString(e.Msg) || strings.Contains(e.Msg, "YAML") || strings.Contains(e.Msg, "the file is empty"),
				"error without (got ...; fix): %q", e.Error())
		}
		return
	}
	if !newShape(f) {
		return
	}
	synthesize(t, loaded)
}

// loadWithin loads the fleet, failing when it takes longer than limit: a
// file that hangs validation is as bad as one that crashes it.
func loadWithin(t *testing.T, dir string, limit time.Duration) (*config.Fleet, error) {
	type result struct {
		f   *config.Fleet
		err error
	}
	done := make(chan result, 1)
	go func() {
		f, err := config.Load(dir)
		done <- result{f, err}
	}()
	select {
	case r := <-done:
		return r.f, r.err
	case <-time.After(limit):
		require.FailNow(t, "validation took over "+limit.String())
	}
	return nil, nil
}

// synthesize builds every stack of a valid fleet and every handed-over
// bundle, and holds each template to the limits and config's estimate.
func synthesize(t *testing.T, fleet *config.Fleet) {
	defer func() {
		if r := recover(); r != nil {
			require.FailNow(t, "a fleet that validated panicked in synth", "%v", r)
		}
	}()
	estimates := fleet.Footprints()
	ids := map[string][]string{}
	built, err := stacks.Synthesize(func(app awscdk.App) []awscdk.Stack {
		out := stacks.Build(app, fleet, fleet.Customers)
		for _, s := range out {
			for _, c := range *s.Node().Children() {
				ids[*s.Node().Id()] = append(ids[*s.Node().Id()], *c.Node().Id())
			}
		}
		return out
	})
	require.NoError(t, err, "a fleet that validated does not synthesize")
	for _, s := range built {
		check(t, estimates, s.ID, ids[s.ID], s.Template)
	}
	// The pipeline's layout (-c pipeline=true) of a fleet with a pipeline
	// section: its waves, stages and the pipeline stack itself.
	if fleet.Vendor.Pipeline != nil {
		tools, err := toolchain.Read("../..")
		require.NoError(t, err)
		_, err = stacks.Synthesize(func(app awscdk.App) []awscdk.Stack {
			return []awscdk.Stack{stacks.BuildPipeline(app, fleet, tools).Stack}
		})
		require.NoError(t, err, "a fleet that validated does not synthesize its pipeline")
	}

	// The handed-over side: templates, guides and VPN sheets. A customer
	// whose region's inbound service is pending is refused by design.
	var customers []*config.Customer
	for _, c := range fleet.Customers {
		if handoff.HasHandoff(c) && !(stacks.HasInbound(c) && stacks.InboundServiceName(fleet.Vendor.ForCustomer(c), c) == "") {
			customers = append(customers, c)
		}
	}
	if len(customers) == 0 {
		return
	}
	bundles, err := handoff.Build(fleet.Vendor, customers)
	require.NoError(t, err, "a fleet that validated does not hand off")
	for _, b := range bundles {
		for name, content := range b.Files {
			if !strings.HasSuffix(name, ".yaml") {
				continue
			}
			var doc any
			require.NoError(t, yaml.Unmarshal(content, &doc), "%s: the handed-over template is not YAML", name)
			asJSON, _ := json.Marshal(doc)
			check(t, estimates, strings.TrimSuffix(name, ".yaml"), nil, asJSON, len(content))
		}
	}
}

func check(t *testing.T, estimates map[string]config.Footprint, name string, ids []string, template []byte, sizes ...int) {
	fp, ok := estimates[name]
	require.True(t, ok, "%s: config has no footprint for this stack", name)
	problems := fp.Check(ids, template, sizes...)
	require.Empty(t, problems, "a fleet that validated gives a template config did not foresee")
}

// shapes are the fleet shapes this process has synthesized. One jsii
// runtime serves them all (a fresh one would cost more than the 10 seconds
// a fuzzing process allows an input); it grows by about 1 MB a synth.
var (
	shapesMu sync.Mutex
	shapes   = map[[32]byte]bool{}
)

// newShape reports whether f differs from every fleet synthesized so far in
// its keys or in the kind and size of a value.
func newShape(f fleet) bool {
	var lines []string
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(path+"."+k, e)
			}
		case []any:
			lines = append(lines, fmt.Sprintf("%s[%d]", path, bucket(len(x))))
			for _, e := range x {
				walk(path+"[]", e)
			}
		case string:
			lines = append(lines, path+"="+class(x))
		default:
			lines = append(lines, fmt.Sprintf("%s=%T", path, x))
		}
	}
	walk("vendor", f.vendor)
	for _, c := range f.customers {
		walk("customer", c)
	}
	sort.Strings(lines)
	lines = compactLines(lines)
	key := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	shapesMu.Lock()
	defer shapesMu.Unlock()
	if shapes[key] {
		return false
	}
	shapes[key] = true
	return true
}

// class is the kind of characters in s and its size, e.g. "a0-|9-32".
func class(s string) string {
	var kinds []string
	add := func(k string) {
		for _, x := range kinds {
			if x == k {
				return
			}
		}
		kinds = append(kinds, k)
	}
	for _, r := range s {
		switch {
		case r < 128 && unicode.IsLetter(r):
			add("a")
		case r < 128 && unicode.IsDigit(r):
			add("0")
		case r == '-' || r == '.' || r == '/' || r == ':':
			add(string(r))
		case r < 128:
			add("p")
		case unicode.IsLetter(r):
			add("L")
		case unicode.Is(unicode.Cf, r):
			add("Cf")
		default:
			add("U")
		}
	}
	sort.Strings(kinds)
	return strings.Join(kinds, "") + fmt.Sprintf("|%d", bucket(len(s)))
}

func bucket(n int) int {
	for _, b := range []int{0, 1, 8, 32, 64, 128} {
		if n <= b {
			return b
		}
	}
	return 256
}

func compactLines(lines []string) []string {
	out := lines[:0]
	for i, l := range lines {
		if i == 0 || l != lines[i-1] {
			out = append(out, l)
		}
	}
	return out
}
