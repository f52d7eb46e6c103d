package agents

import (
	"context"
	"testing"

	"github.com/legolab/legolab/scenarios"
)

// parse returns the scenario in src (TOML), with defaults filled in.
func parse(t testing.TB, src string) *scenarios.Spec {
	t.Helper()
	s, err := scenarios.Parse("test.toml", []byte(src))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return s
}

// newModel builds replication index of spec with seed 1.
func newModel(t testing.TB, spec *scenarios.Spec, index int) *Model {
	t.Helper()
	m, err := New(spec, 1, index, Options{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return m
}

func run(t testing.TB, m *Model, until float64) {
	t.Helper()
	if err := m.RunUntil(context.Background(), until); err != nil {
		t.Fatalf("RunUntil(%g): %v", until, err)
	}
}

// reps returns n under -short and full otherwise.
func reps(short, full int) int {
	if testing.Short() {
		return short
	}
	return full
}
