package agents

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

// TestLn1pTable checks that the table lookup gives the bits of math.Log1p,
// on the table and past its end.
func TestLn1pTable(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 100, len(ln1pTable) - 1, len(ln1pTable), 1 << 20} {
		if got, want := ln1p(n), math.Log1p(float64(n)); math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("ln1p(%d) = %v; want %v", n, got, want)
		}
	}
}

// TestCumIndex checks cumIndex against the binary search it replaces for
// few types, on random cumulative weights (with repeated values, as a
// weight absorbed by a large total gives) and draws on and between them.
func TestCumIndex(t *testing.T) {
	ref := func(cum []float64, u float64) int {
		i := sort.SearchFloat64s(cum, u)
		if i >= len(cum) {
			i = len(cum) - 1
		}
		for cum[i] <= u && i < len(cum)-1 {
			i++
		}
		return i
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 20000; trial++ {
		n := 1 + rng.IntN(12)
		cum := make([]float64, n)
		total := 0.0
		for i := range cum {
			if i == 0 || rng.IntN(4) != 0 {
				total += float64(1 + rng.IntN(3))
			}
			cum[i] = total
		}
		for _, u := range []float64{0, cum[rng.IntN(n)], rng.Float64() * total, total, math.Nextafter(total, 0)} {
			if got, want := cumIndex(cum, u), ref(cum, u); got != want {
				t.Fatalf("cumIndex(%v, %v) = %d; want %d", cum, u, got, want)
			}
		}
	}
}

// TestDeathArg checks that deathSlot unpacks what deathArg packs, on both
// sides of the compact encoding's limits.
func TestDeathArg(t *testing.T) {
	slots := []int32{0, 1, 1<<12 - 1, 1 << 12, 1<<24 - 1, 1 << 24, math.MaxInt32}
	gens := []uint32{1, 2, 1<<12 - 1, 1 << 12, 1 << 20, math.MaxUint32}
	for _, s := range slots {
		for _, g := range gens {
			arg := deathArg(s, g)
			if gs, gg := deathSlot(arg); gs != s || gg != g {
				t.Errorf("deathSlot(deathArg(%d, %d)) = %d, %d", s, g, gs, gg)
			}
			if compact := s < 1<<12 && g < 1<<12; compact != (uint64(arg) < 1<<24) {
				t.Errorf("deathArg(%d, %d) = %#x: compact %v", s, g, arg, compact)
			}
		}
	}
}
