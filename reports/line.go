package reports

import (
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// line is a plotter.Line that gives gonum's padding only the glyph boxes it
// can pick, not one per point.
//
// plot.Plot.Draw pads the data area so that no glyph is clipped: padX and
// padY concatenate every plotter's GlyphBoxes (plotter.Line gives one
// ±half-width box per point) and keep the left-, right-, bottom- and
// top-most box, each the first box that beats the running extreme strictly
// among those on the eligible side (X ≥ 0 for the left, X ≤ 1 for the
// right, and so on), its position measured as c.X(b.X) + b.Min.X. That is
// a monotone function of b.X for a given canvas (non-decreasing if the
// canvas is not reversed, non-increasing if it is, constant if it has no
// width), and every box of a line has the same rectangle. The box the
// padding picks is the first to reach the extreme position; if it is one
// of this line's, its coordinate is the line's eligible extreme in one
// direction or the other (up to ties of rounding: within 1e-9), or it is
// the line's first eligible box (no width). GlyphBoxes returns those boxes
// alone, in order. The pick is among them, and the boxes before it in the
// shorter list come before it in the full one, so none of them reached
// its position: the padding picks the same box, and the charts are the
// same bytes (TestLineGlyphBoxes), for a fraction of the cost. The boxes
// of a report's lines, gathered four times a chart, were a tenth of its
// rendering.
type line struct{ *plotter.Line }

// newLine returns a line through xys, as plotter.NewLine.
func newLine(xys plotter.XYer) (line, error) {
	l, err := plotter.NewLine(xys)
	return line{l}, err
}

// GlyphBoxes implements plot.GlyphBoxer.
func (l line) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	r := 0.5 * l.LineStyle.Width
	rect := vg.Rectangle{Min: vg.Point{X: -r, Y: -r}, Max: vg.Point{X: +r, Y: +r}}
	norm := make([][2]float64, l.XYs.Len())
	// Per coordinate, the eligible extremes of the low side (≥ 0) and of
	// the high side (≤ 1); NaNs are on neither.
	var low, high [2]extremes
	for a := range 2 {
		low[a], high[a] = newExtremes(), newExtremes()
	}
	for i := range norm {
		x, y := l.XY(i)
		norm[i] = [2]float64{p.X.Norm(x), p.Y.Norm(y)}
		for a, v := range norm[i] {
			if v >= 0 {
				low[a].add(i, v)
			}
			if v <= 1 {
				high[a].add(i, v)
			}
		}
	}
	// A box is kept if it is the first of a side, or if its value is at
	// or below the upper of the two least values, or at or above the
	// lower of the two greatest, up to rounding (that takes in every
	// extreme of both sides), and no earlier box has that very value (an
	// earlier equal box is as far out, and the padding keeps the first).
	var below, above [2]float64
	for a := range 2 {
		below[a] = tieBand(math.Max(low[a].least(), high[a].least()))[1]
		above[a] = tieBand(math.Min(low[a].greatest(), high[a].greatest()))[0]
	}
	var out []plot.GlyphBox
	var seen [2][]float64 // the values of the boxes kept for their extremes
	for i, xy := range norm {
		keep := i == low[0].first || i == high[0].first || i == low[1].first || i == high[1].first
		for a, v := range xy {
			if (v <= below[a] || v >= above[a]) && !slices.Contains(seen[a], v) {
				seen[a] = append(seen[a], v)
				keep = true
			}
		}
		if keep {
			out = append(out, plot.GlyphBox{X: xy[0], Y: xy[1], Rectangle: rect})
		}
	}
	return out
}

// extremes tracks the first index and the least and greatest of the values
// added.
type extremes struct {
	first  int // -1 if none was added
	lo, hi float64
}

func newExtremes() extremes { return extremes{first: -1} }

// least is the least value added; −Inf, below every value, if none was.
func (e *extremes) least() float64 {
	if e.first < 0 {
		return math.Inf(-1)
	}
	return e.lo
}

// greatest is the greatest value added; +Inf if none was.
func (e *extremes) greatest() float64 {
	if e.first < 0 {
		return math.Inf(1)
	}
	return e.hi
}

func (e *extremes) add(i int, v float64) {
	if e.first < 0 {
		e.first, e.lo, e.hi = i, v, v
	}
	if v < e.lo {
		e.lo = v
	}
	if v > e.hi {
		e.hi = v
	}
}

// tieBand is the interval of values within rounding of x: 1e-9 relative, or
// x alone if it is infinite. A box it takes in that the padding would skip
// (a value just outside the side) is harmless.
func tieBand(x float64) [2]float64 {
	if math.IsInf(x, 0) {
		return [2]float64{x, x}
	}
	tol := 1e-9 * math.Max(1, math.Abs(x))
	return [2]float64{x - tol, x + tol}
}
