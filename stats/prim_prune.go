package stats

import (
	"math"
	"slices"

	"github.com/legolab/legolab/internal/portable"
)

// BoxOf returns the box with bounds lo and hi on the points x with
// outcomes y (as PRIM's): its count, coverage, density, mass and
// restricted dimensions against the data range of r.
func (r PRIMResult) BoxOf(x [][]float64, y []float64, lo, hi []float64) Box {
	b := Box{Lo: slices.Clone(lo), Hi: slices.Clone(hi)}
	var total, sum float64
	for i, row := range x {
		total += y[i]
		if inBox(row, lo, hi, -1) {
			b.N++
			sum += y[i]
		}
	}
	if total > 0 {
		b.Coverage = sum / total
	}
	if b.N > 0 {
		b.Density = sum / float64(b.N)
	}
	if len(x) > 0 {
		b.Mass = float64(b.N) / float64(len(x))
	}
	for j := range lo {
		if lo[j] > r.Min[j] || hi[j] < r.Max[j] {
			b.Restricted = append(b.Restricted, j)
		}
	}
	return b
}

// inBox reports whether row lies in [lo, hi] in every dimension but skip
// (-1 for none).
func inBox(row, lo, hi []float64, skip int) bool {
	for j, v := range row {
		if j != skip && (v < lo[j] || v > hi[j]) {
			return false
		}
	}
	return true
}

// QuasiP returns the quasi-p-value of each restricted dimension of box b,
// in b.Restricted's order, as the EMA Workbench computes it (Bryant &
// Lempert 2010; Kwakkel 2017): with the restriction on dimension j removed,
// the box holds T points of which H are cases; the quasi-p-value is the
// one-sided binomial probability P(X ≥ c), X ~ Binomial(n, H/T), of at least
// the box's c cases among its n points. A value near 1 says the restriction
// selects no denser a region than chance would; it is "quasi" because the
// box was chosen on the same data. y is read as binary: c and H count the
// points with y ≥ 0.5.
func (r PRIMResult) QuasiP(x [][]float64, y []float64, b Box) []float64 {
	// One pass: with dimension j's restriction removed, the box holds its
	// own points and those outside it in dimension j alone.
	var n, c int
	t, h := make([]int, len(b.Lo)), make([]int, len(b.Lo)) // per dimension, the points outside in it alone
	for i, row := range x {
		outside, at := 0, -1
		for j, v := range row {
			if v < b.Lo[j] || v > b.Hi[j] {
				outside, at = outside+1, j
				if outside > 1 {
					break
				}
			}
		}
		switch outside {
		case 0:
			n++
			if y[i] >= 0.5 {
				c++
			}
		case 1:
			t[at]++
			if y[i] >= 0.5 {
				h[at]++
			}
		}
	}
	out := make([]float64, len(b.Restricted))
	for k, j := range b.Restricted {
		T, H := n+t[j], c+h[j]
		out[k] = binomialSF(c, n, float64(H)/float64(max(T, 1)))
	}
	return out
}

// binomialSF is P(X ≥ k) for X ~ Binomial(n, p): the regularized
// incomplete beta function I_p(k, n − k + 1).
func binomialSF(k, n int, p float64) float64 {
	switch {
	case k <= 0:
		return 1
	case k > n:
		return 0
	case p <= 0:
		return 0
	case p >= 1:
		return 1
	}
	return portable.RegIncBeta(float64(k), float64(n-k+1), p)
}

// Prune drops from box b, one at a time, the restriction with the largest
// quasi-p-value (QuasiP) above alpha, resetting that dimension to the data
// range, until every remaining restriction has a quasi-p-value ≤ alpha. It
// returns the pruned box and the dimensions dropped, in the order dropped.
// This is the Workbench's advice made mechanical: a restriction that does
// not make the box significantly denser is noise of the peeling, and a box
// stated in plain words should not carry it.
func (r PRIMResult) Prune(x [][]float64, y []float64, b Box, alpha float64) (Box, []int) {
	var dropped []int
	for len(b.Restricted) > 0 {
		qp := r.QuasiP(x, y, b)
		worst := 0
		for k := range qp {
			if qp[k] > qp[worst] { // the first of equal values: the lowest dimension
				worst = k
			}
		}
		if !(qp[worst] > alpha) || math.IsNaN(qp[worst]) {
			break
		}
		j := b.Restricted[worst]
		lo, hi := slices.Clone(b.Lo), slices.Clone(b.Hi)
		lo[j], hi[j] = r.Min[j], r.Max[j]
		b = r.BoxOf(x, y, lo, hi)
		dropped = append(dropped, j)
	}
	return b, dropped
}
