package config

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
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
		require.FailNow(t, fmt.Sprintf("loading took over a second on %q", data))
	}
}

func checkOutcome(t *testing.T, fleet *Fleet, err error) {
	if err == nil {
		require.NotNil(t, fleet, "no error but no fleet")
		require.NotNil(t, fleet.Vendor, "no error but an incomplete fleet: %+v", fleet)
		require.Len(t, fleet.Customers, 1, "no error but an incomplete fleet: %+v", fleet)
		return
	}
	errs, ok := err.(Errors)
	require.True(t, ok, "error is not Errors: %T %v", err, err)
	require.NotEmpty(t, errs, "an empty Errors")
	for _, e := range errs {
		require.NotEmpty(t, e.File, "error without file: %#v", e)
		require.NotEmpty(t, e.Path, "error without path: %#v", e)
		require.NotEmpty(t, e.Msg, "error without message: %#v", e)
	}
}
