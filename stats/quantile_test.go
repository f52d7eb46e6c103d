package stats

import (
	"math"
	"testing"
)

func TestQuantile(t *testing.T) {
	inf := math.Inf(1)
	for _, c := range []struct {
		name string
		xs   []float64
		q    float64
		want float64
	}{
		{"one value", []float64{4}, 0.3, 4},
		{"median of four", []float64{1, 2, 3, 10}, 0.5, 2.5},  // rank 1.5
		{"q=0.25 of five", []float64{0, 1, 2, 3, 4}, 0.25, 1}, // rank exactly 1
		{"q=0.1 of three", []float64{0, 10, 20}, 0.1, 2},      // rank 0.2
		{"max", []float64{0, 10, 20}, 1, 20},
		{"min", []float64{0, 10, 20}, 0, 0},
		{"on +Inf", []float64{1, inf, inf}, 0.5, inf},
		{"below +Inf", []float64{1, 3, inf}, 0.5, 3},
		{"between +Inf", []float64{1, inf, inf, inf}, 0.6, inf},
		{"toward +Inf", []float64{1, 3, inf}, 0.75, inf},
	} {
		if got := Quantile(c.xs, c.q); got != c.want {
			t.Errorf("%s: Quantile(%v, %g) = %v; want %v", c.name, c.xs, c.q, got, c.want)
		}
	}
}

// TestMedianCIRanks checks the ranks against n/2 ∓ 1.96·√n/2 computed here, and that with
// enough values they hold the median's rank.
func TestMedianCIRanks(t *testing.T) {
	for _, c := range []struct{ n, lo, hi int }{
		{1, 0, 0}, {2, 0, 1}, {10, 1, 8}, {25, 7, 17}, {100, 40, 59},
	} {
		lo, hi := MedianCIRanks(c.n)
		if lo != c.lo || hi != c.hi {
			t.Errorf("n=%d: ranks %d, %d; want %d, %d", c.n, lo, hi, c.lo, c.hi)
		}
		half := 1.959963984540054 * math.Sqrt(float64(c.n)) / 2
		if wlo := max(int(math.Floor(float64(c.n)/2-half)), 0); lo != wlo {
			t.Errorf("n=%d: lower rank %d; want ⌊n/2 − z√n/2⌋ = %d", c.n, lo, wlo)
		}
	}
}
