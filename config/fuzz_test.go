package config

import (
	"strings"
	"testing"
	"time"
)

// The loader reads files people edit by hand: whatever the bytes, it must
// return a fleet or Errors that locate each problem, and never panic.
// Seeds live in testdata/fuzz/ as well as here; go test runs them all.

func FuzzLoadCustomer(f *testing.F) {
	f.Add([]byte(baseAcme))
	f.Add([]byte(baseBeta))
	f.Add([]byte(strings.Replace(baseAcme, "[5432]", "[5432, 0x10, 1e3, -1, 99999999999999999999]", 1)))
	f.Add([]byte("privateLink: &a [*a]\n"))
	f.Add([]byte("? [a, b]\n: c\n"))
	f.Add([]byte("name: !!binary aGVsbG8=\n"))
	f.Add([]byte("---\n---\n"))
	f.Add([]byte("\t- :"))
	f.Fuzz(func(t *testing.T, data []byte) {
		withDeadline(t, data, func() (*Fleet, error) {
			return build("fleet", source{vendorFile, []byte(baseVendor)}, []source{{acmeFile, data}})
		})
	})
}

func FuzzLoadVendor(f *testing.F) {
	f.Add([]byte(baseVendor))
	f.Add([]byte(strings.Replace(baseVendor, "vpcPrefixLength: 24", "vpcPrefixLength: 8", 1)))
	f.Add([]byte(strings.Replace(baseVendor, "[10.64.0.0/12]", "[0.0.0.0/0, ::/0, 10.0.0.0/32]", 1)))
	f.Add([]byte("alarmTopicArns: {? [x] : y}\n"))
	f.Add([]byte("tags: {\"\": \"\", \"a\\u0000\": b}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		withDeadline(t, data, func() (*Fleet, error) {
			return build("fleet", source{vendorFile, data}, []source{{acmeFile, []byte(baseAcme)}})
		})
	})
}

// withDeadline fails on an input the loader takes more than a second on: a
// file that hangs synthesis is as bad as one that crashes it.
func withDeadline(t *testing.T, data []byte, load func() (*Fleet, error)) {
	type result struct {
		fleet *Fleet
		err   error
	}
	done := make(chan result, 1)
	go func() {
		f, err := load()
		done <- result{f, err}
	}()
	select {
	case r := <-done:
		checkOutcome(t, r.fleet, r.err)
	case <-time.After(time.Second):
		t.Fatalf("loading took over a second on %q", data)
	}
}

func checkOutcome(t *testing.T, fleet *Fleet, err error) {
	if err == nil {
		if fleet == nil || fleet.Vendor == nil || len(fleet.Customers) != 1 {
			t.Fatalf("no error but an incomplete fleet: %+v", fleet)
		}
		return
	}
	errs, ok := err.(Errors)
	if !ok || len(errs) == 0 {
		t.Fatalf("error is not a non-empty Errors: %T %v", err, err)
	}
	for _, e := range errs {
		if e.File == "" || e.Path == "" || e.Msg == "" {
			t.Fatalf("error without file, path or message: %#v", e)
		}
	}
}
