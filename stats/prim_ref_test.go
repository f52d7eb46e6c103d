package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// peelRef is prim.peel as it was before it summed the peeled points from
// the sorted box (main at fb5e822), kept verbatim so that
// TestPRIMMatchesReference can assert the faster peel computes the same
// bits.
func peelRef(p *prim) bool {
	meanOld := p.sum / float64(p.count)
	type cand struct {
		j     int
		upper bool
		bound float64
		obj   float64
	}
	var best *cand
	vals := make([]float64, 0, p.count)
	for j := range p.d {
		vals = vals[:0]
		for _, i := range p.order[j] {
			if p.in[i] {
				vals = append(vals, p.x[i][j])
			}
		}
		for _, upper := range []bool{false, true} {
			q := p.opt.PeelAlpha
			if upper {
				q = 1 - q
			}
			b := quantile6(vals, q)
			removed, removedSum := 0, 0.0
			for _, i := range p.order[j] {
				if !p.in[i] {
					continue
				}
				if v := p.x[i][j]; (!upper && v < b) || (upper && v > b) {
					removed++
					removedSum += p.y[i]
				}
			}
			left := p.count - removed
			if removed == 0 || float64(left)/float64(p.n) < p.opt.MassMin {
				continue
			}
			meanNew := (p.sum - removedSum) / float64(left)
			obj := meanNew
			if p.opt.Objective == "lenient1" {
				obj = (meanNew - meanOld) / float64(removed)
			}
			if best == nil || obj > best.obj {
				best = &cand{j: j, upper: upper, bound: b, obj: obj}
			}
		}
	}
	if best == nil {
		return false
	}
	if best.upper {
		p.hi[best.j] = best.bound
	} else {
		p.lo[best.j] = best.bound
	}
	p.recount()
	return true
}

// quasiPRef is PRIMResult.QuasiP as it was before it counted every
// dimension's points in one pass (main at fb5e822), kept verbatim.
func quasiPRef(x [][]float64, y []float64, b Box) []float64 {
	out := make([]float64, len(b.Restricted))
	var n, c int
	for i, row := range x {
		if inBox(row, b.Lo, b.Hi, -1) {
			n++
			if y[i] >= 0.5 {
				c++
			}
		}
	}
	for k, j := range b.Restricted {
		var t, h int
		for i, row := range x {
			if inBox(row, b.Lo, b.Hi, j) {
				t++
				if y[i] >= 0.5 {
					h++
				}
			}
		}
		out[k] = binomialSF(c, n, float64(h)/float64(max(t, 1)))
	}
	return out
}

// TestPRIMMatchesReference: PRIM's trajectory is the one the former peel
// gives, box for box and bit for bit, on 300 random data sets: 20–600
// points in 1–12 dimensions, continuous, tied (a few levels), signed-zero
// and constant columns, binary or fractional outcomes, under random
// options (both objectives, with and without pasting); and the
// quasi-p-values of every box of each trajectory are the former QuasiP's.
// Deterministic.
func TestPRIMMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 3))
	for c := range 300 {
		n, d := 20+rng.IntN(580), 1+rng.IntN(12)
		x := make([][]float64, n)
		y := make([]float64, n)
		kinds := make([]int, d)
		for j := range kinds {
			kinds[j] = rng.IntN(4)
		}
		for i := range x {
			x[i] = make([]float64, d)
			for j := range x[i] {
				switch kinds[j] {
				case 0:
					x[i][j] = rng.NormFloat64()
				case 1:
					x[i][j] = float64(rng.IntN(4))
				case 2:
					x[i][j] = []float64{0, math.Copysign(0, -1), 1}[rng.IntN(3)]
				default:
					x[i][j] = 3
				}
			}
			if x[i][0] > 0.3 || rng.IntN(5) == 0 {
				y[i] = 1
			}
			if c%3 == 0 {
				y[i] = rng.Float64()
			}
		}
		opt := PRIMOptions{PeelAlpha: []float64{0, 0.1, 0.3}[rng.IntN(3)], Paste: rng.IntN(2) == 0,
			MassMin: []float64{0, 0.2}[rng.IntN(2)], Objective: []string{"", "lenient1", "original"}[rng.IntN(3)]}
		got, err := PRIM(x, y, opt)
		want, werr := primRun(x, y, opt, peelRef)
		if fmt.Sprint(err) != fmt.Sprint(werr) {
			t.Fatalf("case %d: error %v; reference %v", c, err, werr)
		}
		if g, w := fmt.Sprintf("%#v", got), fmt.Sprintf("%#v", want); g != w {
			t.Fatalf("case %d (%d points, %d dimensions, %+v):\n got %s\nwant %s", c, n, d, opt, g, w)
		}
		for k, b := range got.Trajectory {
			if g, w := fmt.Sprint(got.QuasiP(x, y, b)), fmt.Sprint(quasiPRef(x, y, b)); g != w {
				t.Fatalf("case %d box %d: QuasiP %s; reference %s", c, k, g, w)
			}
		}
	}
}
