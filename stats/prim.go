package stats

import (
	"cmp"
	"math"
	"slices"
)

// PRIMOptions are the settings of PRIM. The zero value means the defaults
// of the EMA Workbench (Kwakkel 2017): peel and paste alpha 0.05, minimum
// mass 0.05, the "lenient1" objective, no pasting.
type PRIMOptions struct {
	// PeelAlpha is the fraction of the box's points a peel removes from one
	// side of one dimension, in (0, 0.5). Zero means 0.05.
	PeelAlpha float64
	// Paste runs the pasting phase after peeling (Friedman & Fisher 1999,
	// §2.2): bounds are widened again while that raises the density.
	Paste bool
	// PasteAlpha is the fraction of the box's points a paste adds, in
	// (0, 1). Zero means 0.05.
	PasteAlpha float64
	// MassMin is the smallest fraction of all points a box may hold; peeling
	// stops before the box would fall below it. Zero means 0.05.
	MassMin float64
	// Objective chooses the peel: "lenient1" (default, the EMA Workbench's)
	// maximises (ȳ_new − ȳ_old)/(points removed), which prefers small peels
	// when ties in the data make some peels remove more than alpha;
	// "original" maximises ȳ_new, Friedman & Fisher's criterion.
	Objective string
}

func (o PRIMOptions) withDefaults() (PRIMOptions, error) {
	if o.PeelAlpha == 0 {
		o.PeelAlpha = 0.05
	}
	if o.PasteAlpha == 0 {
		o.PasteAlpha = 0.05
	}
	if o.MassMin == 0 {
		o.MassMin = 0.05
	}
	if o.Objective == "" {
		o.Objective = "lenient1"
	}
	switch {
	case !(o.PeelAlpha > 0 && o.PeelAlpha < 0.5):
		return o, errorf("PRIM: peel alpha must be in (0, 0.5), got %g", o.PeelAlpha)
	case !(o.PasteAlpha > 0 && o.PasteAlpha < 1):
		return o, errorf("PRIM: paste alpha must be in (0, 1), got %g", o.PasteAlpha)
	case !(o.MassMin > 0 && o.MassMin < 1):
		return o, errorf("PRIM: minimum mass must be in (0, 1), got %g", o.MassMin)
	case o.Objective != "lenient1" && o.Objective != "original":
		return o, errorf("PRIM: objective must be \"lenient1\" or \"original\", got %q", o.Objective)
	}
	return o, nil
}

// Box is one box of a PRIM trajectory: the points x with Lo[j] ≤ x[j] ≤
// Hi[j] in every dimension j.
type Box struct {
	// Lo and Hi are the bounds per dimension. An unrestricted side is the
	// data's minimum or maximum in that dimension.
	Lo, Hi []float64
	// N is the number of points in the box.
	N int
	// Coverage is the share of all Σy that falls in the box, Density the
	// mean y in the box and Mass N over all points (Friedman & Fisher 1999).
	Coverage, Density, Mass float64
	// Restricted lists, in increasing order, the dimensions with a bound
	// moved from the data range: Lo[j] > min or Hi[j] < max.
	Restricted []int
	// Pasted is true for boxes of the pasting phase.
	Pasted bool
}

// LowerRestricted and UpperRestricted report whether box b's lower or
// upper bound in dimension j was moved from the data range of r.
func (r PRIMResult) LowerRestricted(b Box, j int) bool { return b.Lo[j] > r.Min[j] }

// UpperRestricted reports whether b's upper bound in dimension j was moved
// from the data range of r.
func (r PRIMResult) UpperRestricted(b Box, j int) bool { return b.Hi[j] < r.Max[j] }

// PRIMResult is the outcome of PRIM: the data range and the trajectory of
// boxes, Trajectory[0] the whole data, then one box per peel and (with
// Paste) one per paste.
type PRIMResult struct {
	// Min and Max are the data range per dimension.
	Min, Max []float64
	// Trajectory holds the boxes in the order they were found; mass falls
	// along the peels and rises along the pastes.
	Trajectory []Box
}

// PRIM runs the Patient Rule Induction Method (Friedman & Fisher 1999) as
// the EMA Workbench does for scenario discovery (Bryant & Lempert 2010): x[i]
// is the parameter vector of point i, y[i] ∈ [0, 1] its outcome (1 for a
// case of interest such as "Lego by DATE"). Starting from the box of the
// whole data, each step tries, for every dimension, removing the PeelAlpha
// quantile of the box's points from below or from above, and keeps the peel
// with the best Objective, until the next box would hold less than MassMin
// of the points or no peel removes anything. The quantile is the type-6
// interpolated one (scipy's mquantiles with alphap = betap = 0, as the
// Workbench uses). Ties between peels are broken by dimension, then lower
// before upper, so the result depends only on the data's order-free content
// and the options. Pasting, if asked, then repeatedly widens the one side of
// one dimension of the last box that most raises its density, adding about
// PasteAlpha of its points, while the density rises.
//
// Choose a box from the trajectory with SelectByDensity or
// SelectByCoverage. Only the first box of the covering procedure is found
// (no second box on the remaining points).
//
// It returns an error for no points, ragged rows, a NaN, y outside [0, 1],
// no y > 0, or bad options.
func PRIM(x [][]float64, y []float64, opt PRIMOptions) (PRIMResult, error) {
	return primRun(x, y, opt, (*prim).peel)
}

// primRun is PRIM with its peeling step (which a test swaps for the
// former one).
func primRun(x [][]float64, y []float64, opt PRIMOptions, peel func(*prim) bool) (PRIMResult, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return PRIMResult{}, err
	}
	n := len(x)
	if n == 0 || n != len(y) {
		return PRIMResult{}, errorf("PRIM: %d points and %d outcomes", n, len(y))
	}
	d := len(x[0])
	if d == 0 {
		return PRIMResult{}, errorf("PRIM: points have no dimensions")
	}
	total := 0.0
	for i, row := range x {
		if len(row) != d {
			return PRIMResult{}, errorf("PRIM: point %d has %d dimensions, point 0 has %d", i, len(row), d)
		}
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return PRIMResult{}, errorf("PRIM: x[%d][%d] is %v", i, j, v)
			}
		}
		if !(y[i] >= 0 && y[i] <= 1) {
			return PRIMResult{}, errorf("PRIM: y[%d] = %v is outside [0, 1]", i, y[i])
		}
		total += y[i]
	}
	if total == 0 {
		return PRIMResult{}, errorf("PRIM: no point has y > 0")
	}
	p := &prim{x: x, y: y, n: n, d: d, total: total, opt: opt, in: make([]bool, n)}
	// order[j] lists the points by x[·][j], ties by index.
	p.order = make([][]int, d)
	res := PRIMResult{Min: make([]float64, d), Max: make([]float64, d)}
	for j := range d {
		o := make([]int, n)
		for i := range o {
			o[i] = i
		}
		slices.SortFunc(o, func(a, b int) int {
			if c := cmp.Compare(x[a][j], x[b][j]); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
		p.order[j] = o
		res.Min[j], res.Max[j] = x[o[0]][j], x[o[n-1]][j]
	}
	p.lo, p.hi = slices.Clone(res.Min), slices.Clone(res.Max)
	for i := range p.in {
		p.in[i] = true
	}
	p.count, p.sum = n, total
	res.Trajectory = append(res.Trajectory, p.box(res, false))
	for peel(p) {
		res.Trajectory = append(res.Trajectory, p.box(res, false))
	}
	if opt.Paste {
		for p.paste() {
			res.Trajectory = append(res.Trajectory, p.box(res, true))
		}
	}
	return res, nil
}

// prim is the state of one PRIM run: the current box and its points.
type prim struct {
	x      [][]float64
	y      []float64
	n, d   int
	total  float64
	opt    PRIMOptions
	order  [][]int
	lo, hi []float64
	in     []bool
	count  int
	sum    float64
}

func (p *prim) box(r PRIMResult, pasted bool) Box {
	b := Box{Lo: slices.Clone(p.lo), Hi: slices.Clone(p.hi), N: p.count, Pasted: pasted,
		Coverage: p.sum / p.total, Density: p.sum / float64(p.count), Mass: float64(p.count) / float64(p.n)}
	for j := range p.d {
		if b.Lo[j] > r.Min[j] || b.Hi[j] < r.Max[j] {
			b.Restricted = append(b.Restricted, j)
		}
	}
	return b
}

// quantile6 is the type-6 quantile of sorted v at probability q.
func quantile6(v []float64, q float64) float64 {
	m := len(v)
	h := q * float64(m+1)
	switch {
	case h <= 1:
		return v[0]
	case h >= float64(m):
		return v[m-1]
	}
	k := int(math.Floor(h))
	return v[k-1] + (h-float64(k))*(v[k]-v[k-1])
}

// peel applies the best peel and reports whether one was applied.
func (p *prim) peel() bool {
	meanOld := p.sum / float64(p.count)
	type cand struct {
		j     int
		upper bool
		bound float64
		obj   float64
	}
	var best *cand
	// The box's points in dimension j's order: their values, which ascend,
	// and outcomes.
	vals := make([]float64, 0, p.count)
	ys := make([]float64, 0, p.count)
	for j := range p.d {
		vals, ys = vals[:0], ys[:0]
		for _, i := range p.order[j] {
			if p.in[i] {
				vals = append(vals, p.x[i][j])
				ys = append(ys, p.y[i])
			}
		}
		for _, upper := range []bool{false, true} {
			q := p.opt.PeelAlpha
			if upper {
				q = 1 - q
			}
			b := quantile6(vals, q)
			// The points below b (above b) are a prefix (a suffix) of
			// vals; their outcomes are summed in that order.
			k, end := 0, len(vals)
			if upper {
				k = len(vals)
				for k > 0 && vals[k-1] > b {
					k--
				}
			} else {
				for end = 0; end < len(vals) && vals[end] < b; end++ {
				}
			}
			removed, removedSum := end-k, 0.0
			for _, y := range ys[k:end] {
				removedSum += y
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

// paste widens the side that most raises the density and reports whether
// one was applied.
func (p *prim) paste() bool {
	dens := p.sum / float64(p.count)
	k := max(1, int(math.Ceil(p.opt.PasteAlpha*float64(p.count))))
	bestJ, bestUpper, bestBound, bestDens := -1, false, 0.0, dens
	for j := range p.d {
		for _, upper := range []bool{false, true} {
			// Points outside only in dimension j, nearest first.
			var near []int
			if upper {
				for _, i := range p.order[j] {
					if p.x[i][j] > p.hi[j] && p.inExcept(i, j) {
						near = append(near, i)
					}
				}
			} else {
				o := p.order[j]
				for a := len(o) - 1; a >= 0; a-- {
					if i := o[a]; p.x[i][j] < p.lo[j] && p.inExcept(i, j) {
						near = append(near, i)
					}
				}
			}
			if len(near) == 0 {
				continue
			}
			bound := p.x[near[min(k, len(near))-1]][j]
			added, addedSum := 0, 0.0
			for _, i := range near {
				if v := p.x[i][j]; (upper && v <= bound) || (!upper && v >= bound) {
					added++
					addedSum += p.y[i]
				}
			}
			if dn := (p.sum + addedSum) / float64(p.count+added); dn > bestDens {
				bestJ, bestUpper, bestBound, bestDens = j, upper, bound, dn
			}
		}
	}
	if bestJ < 0 {
		return false
	}
	if bestUpper {
		p.hi[bestJ] = bestBound
	} else {
		p.lo[bestJ] = bestBound
	}
	p.recount()
	return true
}

// inExcept reports whether point i lies within the box in every dimension
// but j.
func (p *prim) inExcept(i, j int) bool { return inBox(p.x[i], p.lo, p.hi, j) }

func (p *prim) recount() {
	p.count, p.sum = 0, 0
	for i, row := range p.x {
		p.in[i] = inBox(row, p.lo, p.hi, -1)
		if p.in[i] {
			p.count++
			p.sum += p.y[i]
		}
	}
}

// SelectByDensity returns the index in r.Trajectory of the box with the
// highest coverage among those with density ≥ min (the earliest on a tie),
// and false when no box is that dense.
func (r PRIMResult) SelectByDensity(min float64) (int, bool) {
	best := -1
	for i, b := range r.Trajectory {
		if b.Density >= min && (best < 0 || b.Coverage > r.Trajectory[best].Coverage) {
			best = i
		}
	}
	return best, best >= 0
}

// SelectByCoverage returns the index of the box with the highest density
// among those with coverage ≥ min (the earliest on a tie), and false when
// none covers that much.
func (r PRIMResult) SelectByCoverage(min float64) (int, bool) {
	best := -1
	for i, b := range r.Trajectory {
		if b.Coverage >= min && (best < 0 || b.Density > r.Trajectory[best].Density) {
			best = i
		}
	}
	return best, best >= 0
}
