package lab

import (
	"context"
	"reflect"
	"runtime/debug"
	"testing"

	"github.com/legolab/legolab/scenarios"
)

// TestReplicateSummary checks that a summary replication (the sweeps') is
// the full one without its series: the same Lego moment, left-truncation
// flag, final values, sample days and event count, on every built-in
// variant, the hub world with both detector rules, and several
// replications each.
func TestReplicateSummary(t *testing.T) {
	specs := builtinVariants(t, 0, "deai-2025", "defi-2017")
	hub := hubSpec(t, 0.6, 30, 0.5)
	logistic := hub.Clone()
	logistic.Lego.Rule = "logistic"
	specs = append(specs, namedSpec{"hubworld", "base", hub}, namedSpec{"hubworld-logistic", "base", logistic})
	ctx := context.Background()
	reached := 0
	for _, c := range specs {
		for r := range 3 {
			full, err := Replicate(ctx, c.spec, "v", r, 7, ReplicateOptions{})
			if err != nil {
				t.Fatalf("%s rep %d: %v", c.name, r, err)
			}
			lean, err := Replicate(ctx, c.spec, "v", r, 7, ReplicateOptions{Summary: true})
			if err != nil {
				t.Fatalf("%s rep %d summary: %v", c.name, r, err)
			}
			if lean.Values != nil {
				t.Errorf("%s rep %d: summary replication has series", c.name, r)
			}
			if full.Reached {
				reached++
			}
			full.Values = nil
			if !reflect.DeepEqual(lean, full) {
				t.Errorf("%s rep %d: summary replication\n%+v\nwant the full one without series\n%+v", c.name, r, lean, full)
			}
		}
	}
	// The comparison means something only if some replications reach
	// their Lego moment and some do not.
	if reached == 0 || reached == 3*len(specs) {
		t.Errorf("%d of %d replications reached the Lego moment; want some but not all", reached, 3*len(specs))
	}
}

// TestReplicateAllocations checks that a replication's allocations do not
// grow with its number of sample days, full or summary: the Bass reduction
// sampled daily (3,653 samples) allocates as often as sampled weekly (523).
func TestReplicateAllocations(t *testing.T) {
	if raceEnabled {
		// The race detector's instrumentation allocates on its own (one
		// allocation more, daily than weekly, was seen in CI): counts are
		// asserted without it.
		t.Skip("allocation counts are not meaningful under -race")
	}
	// A garbage collection during the longer daily run adds the runtime's
	// allocations to the count (seen at GOGC=100 when the test runs
	// alone): the garbage collector is off while counting.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	weekly := bassReduction(t, 2)
	daily := weekly.Clone()
	daily.SampleEveryDays = 1
	ctx := context.Background()
	for _, summary := range []bool{false, true} {
		allocs := func(spec *scenarios.Spec) float64 {
			return testing.AllocsPerRun(3, func() {
				if _, err := Replicate(ctx, spec, "v", 0, 1, ReplicateOptions{Summary: summary}); err != nil {
					t.Fatal(err)
				}
			})
		}
		w, d := allocs(weekly), allocs(daily)
		if d > w {
			t.Errorf("summary=%v: %g allocations per replication sampled daily, %g weekly; want no more", summary, d, w)
		}
		t.Logf("summary=%v: %g allocations per replication (weekly), %g (daily)", summary, w, d)
	}
}
