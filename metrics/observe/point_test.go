package observe

import (
	"context"
	"testing"

	"github.com/legolab/legolab/agents"
	"github.com/legolab/legolab/scenarios"
)

// TestPointCollectorAgrees checks the lean collector against the full one
// on the same replication: at every sample day, each observable it reads
// (a per-model, a per-dimension and a per-hub one, and every counts-only
// one with its cheaper observation, with and without the composability
// index) equals the full collector's series.
// composed_share_new is relative to the previous read, so the lean reads
// happen at the same days.
func TestPointCollectorAgrees(t *testing.T) {
	spec, err := scenarios.Parse("observe.toml", []byte(observeScenario))
	if err != nil {
		t.Fatal(err)
	}
	names := Observables(spec)
	full, err := agents.New(spec, 3, 0, agents.Options{})
	if err != nil {
		t.Fatal(err)
	}
	col := NewCollector(spec, full, 0)
	days := SampleDays(spec)
	for _, d := range days {
		if err := full.RunUntil(context.Background(), d); err != nil {
			t.Fatal(err)
		}
		col.Sample()
	}
	for _, pick := range [][]string{names, countsOnly, countsOnly[1:], {"hub_members_h2", "builders_cum", "hhi_data", "builders_cum"}} {
		m, err := agents.New(spec, 3, 0, agents.Options{})
		if err != nil {
			t.Fatal(err)
		}
		pc, err := NewPointCollector(spec, m, pick)
		if err != nil {
			t.Fatal(err)
		}
		for i, d := range days {
			if err := m.RunUntil(context.Background(), d); err != nil {
				t.Fatal(err)
			}
			got := pc.Read(nil)
			for k, n := range pick {
				if want := col.Series(n)[i]; got[k] != want {
					t.Fatalf("%s at day %g = %v; the full collector has %v", n, d, got[k], want)
				}
			}
		}
	}
	if _, err := NewPointCollector(spec, full, []string{"hub_members_h9"}); err == nil {
		t.Error("an unknown observable: no error")
	}
}
