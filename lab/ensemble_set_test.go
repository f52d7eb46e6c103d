package lab

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/reports"
	"github.com/legolab/legolab/scenarios"
)

func TestFlattenSet(t *testing.T) {
	tests := []struct {
		name string
		set  map[string]any
		want []metrics.Parameter
	}{
		{"empty", nil, nil},
		{"nested tables, sorted", map[string]any{
			"standards": map[string]any{"offered_by": []any{"Bittensor"}},
			"hub":       map[string]any{"enabled": true, "launch_day": int64(180)},
		}, []metrics.Parameter{
			{Key: "hub.enabled", Value: "true"},
			{Key: "hub.launch_day", Value: "180"},
			{Key: "standards.offered_by", Value: `["Bittensor"]`},
		}},
		{"floats keep a decimal point", map[string]any{
			"a": 2.0, "b": 0.25, "c": 1e300,
		}, []metrics.Parameter{{Key: "a", Value: "2.0"}, {Key: "b", Value: "0.25"}, {Key: "c", Value: "1e+300"}}},
		{"strings are quoted, dates are dates", map[string]any{
			"name":  "x\"y",
			"start": time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC),
		}, []metrics.Parameter{{Key: "name", Value: `"x\"y"`}, {Key: "start", Value: "2026-01-02"}}},
		{"inline table of an empty table", map[string]any{"t": map[string]any{}}, []metrics.Parameter{{Key: "t", Value: "{}"}}},
	}
	for _, tc := range tests {
		got := FlattenSet(tc.set)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: FlattenSet = %v; want %v", tc.name, got, tc.want)
		}
	}
}

// TestNewEnsembleVariantSet checks that a built-in scenario's variants
// carry their overrides, and the base variant none.
func TestNewEnsembleVariantSet(t *testing.T) {
	spec, err := scenarios.Builtin(scenarios.Default)
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEnsemble(spec, nil, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range e.Variants {
		want := FlattenSet(spec.Variants[i].Set)
		if !slices.Equal(v.Set, want) {
			t.Errorf("variant %s: Set = %v; want %v", v.Name, v.Set, want)
		}
		if len(spec.Variants[i].Set) > 0 && len(v.Set) == 0 {
			t.Errorf("variant %s: no overrides listed; the scenario has %v", v.Name, spec.Variants[i].Set)
		}
	}
}

// TestEnsembleSummaryVariantSet checks that summary.json lists each
// variant's overrides, as [] for a variant without any.
func TestEnsembleSummaryVariantSet(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	e := fakeEnsemble(newFake(), dir, 3, 1)
	e.Variants[1].Set = []metrics.Parameter{{Key: "builders.q_per_year", Value: "0.7"}}
	if _, err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	var s struct {
		Variants []struct {
			Name string              `json:"name"`
			Set  []metrics.Parameter `json:"set"`
		} `json:"variants"`
	}
	if err := json.Unmarshal(readFile(t, filepath.Join(dir, reports.SummaryFile)), &s); err != nil {
		t.Fatal(err)
	}
	if len(s.Variants) != 2 {
		t.Fatalf("%d variants; want 2", len(s.Variants))
	}
	if s.Variants[0].Set == nil || len(s.Variants[0].Set) != 0 {
		t.Errorf("variant %s: set = %#v; want []", s.Variants[0].Name, s.Variants[0].Set)
	}
	if !slices.Equal(s.Variants[1].Set, e.Variants[1].Set) {
		t.Errorf("variant %s: set = %v; want %v", s.Variants[1].Name, s.Variants[1].Set, e.Variants[1].Set)
	}
}
