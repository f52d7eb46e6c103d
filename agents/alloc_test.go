package agents

import (
	"testing"

	"github.com/legolab/legolab/scenarios"
)

// TestWarmLoopAllocations checks that, once warm, the event loop allocates
// nothing per event: running a further 100 days of deai-2025's "both"
// variant (hundreds of events: arrivals, choices, deaths, reviews) costs
// at most an occasional slice growth.
func TestWarmLoopAllocations(t *testing.T) {
	base, err := scenarios.Builtin("deai-2025")
	if err != nil {
		t.Fatal(err)
	}
	spec, err := base.Variant("both")
	if err != nil {
		t.Fatal(err)
	}
	m := newModel(t, spec, 0)
	day := 1500.0
	run(t, m, day)
	before := m.Events()
	allocs := testing.AllocsPerRun(10, func() {
		day += 100
		run(t, m, day)
	})
	events := float64(m.Events()-before) / 11
	t.Logf("%.1f allocations per 100 days (%.0f events)", allocs, events)
	if allocs > 1 || events < 100 {
		t.Errorf("%.1f allocations per 100 simulated days of %.0f events; want ≤ 1 (none per event)", allocs, events)
	}
}
