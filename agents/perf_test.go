package agents

import (
	"math"
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
