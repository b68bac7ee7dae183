package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMissedNamesEachTargetMissed(t *testing.T) {
	ok := Report{Targets: targets, PerExtraStackMs: 149, Results: []Result{
		{Customers: 1, OneVsSmallest: 1, FullPeakMiB: 700, OnePeakMiB: 700},
		{Customers: 500, OneVsSmallest: 1.2, FullPeakMiB: 2047, OnePeakMiB: 800},
	}}
	assert.Empty(t, missed(ok))

	bad := ok
	bad.PerExtraStackMs = 150
	bad.Results = []Result{ok.Results[0], {Customers: 500, OneVsSmallest: 1.21, FullPeakMiB: 900, OnePeakMiB: 2048}}
	assert.Equal(t, []string{
		"full synth: 150 ms per additional stack, target under 150 ms",
		"500 customers: one customer's synth is 1.21x that in the smallest fleet, target at most 1.2x",
		"500 customers: peak memory 2048 MiB, target under 2048 MiB",
	}, missed(bad))
}
