package reports

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// The four picks of gonum/plot v0.17.0's padding (plot.go, unexported),
// copied verbatim but for their names, as the reference line's GlyphBoxes
// must agree with.
func gonumLeftMost(c *draw.Canvas, boxes []plot.GlyphBox) plot.GlyphBox {
	minx := c.Min.X
	l := plot.GlyphBox{}
	for _, b := range boxes {
		if b.Size().X <= 0 {
			continue
		}
		if x := c.X(b.X) + b.Min.X; x < minx && b.X >= 0 {
			minx = x
			l = b
		}
	}
	return l
}

func gonumRightMost(c *draw.Canvas, boxes []plot.GlyphBox) plot.GlyphBox {
	maxx := c.Max.X
	r := plot.GlyphBox{X: 1}
	for _, b := range boxes {
		if b.Size().X <= 0 {
			continue
		}
		if x := c.X(b.X) + b.Min.X + b.Size().X; x > maxx && b.X <= 1 {
			maxx = x
			r = b
		}
	}
	return r
}

func gonumBottomMost(c *draw.Canvas, boxes []plot.GlyphBox) plot.GlyphBox {
	miny := c.Min.Y
	l := plot.GlyphBox{}
	for _, b := range boxes {
		if b.Size().Y <= 0 {
			continue
		}
		if y := c.Y(b.Y) + b.Min.Y; y < miny && b.Y >= 0 {
			miny = y
			l = b
		}
	}
	return l
}

func gonumTopMost(c *draw.Canvas, boxes []plot.GlyphBox) plot.GlyphBox {
	maxy := c.Max.Y
	t := plot.GlyphBox{Y: 1}
	for _, b := range boxes {
		if b.Size().Y <= 0 {
			continue
		}
		if y := c.Y(b.Y) + b.Min.Y + b.Size().Y; y > maxy && b.Y <= 1 {
			maxy = y
			t = b
		}
	}
	return t
}

// sameBox reports whether a and b are the same box, bit for bit.
func sameBox(a, b plot.GlyphBox) bool {
	bits := func(g plot.GlyphBox) [6]uint64 {
		return [6]uint64{math.Float64bits(g.X), math.Float64bits(g.Y),
			math.Float64bits(float64(g.Min.X)), math.Float64bits(float64(g.Min.Y)),
			math.Float64bits(float64(g.Max.X)), math.Float64bits(float64(g.Max.Y))}
	}
	return bits(a) == bits(b)
}

// randomLineXYs returns points of the kinds charts draw and worse: steps
// and plateaus (exact ties), runs of one value, values a last bit apart
// (ties of rounding) and values beyond the axes.
func randomLineXYs(rng *rand.Rand) plotter.XYs {
	n := rng.IntN(200)
	xys := make(plotter.XYs, n)
	x, y := rng.Float64()*2-0.5, rng.Float64()*2-0.5
	for i := range xys {
		switch rng.IntN(8) {
		case 0:
			x = rng.Float64()*3 - 1
		case 1:
			y = rng.Float64()*3 - 1
		case 2:
			y = math.Nextafter(y, math.Inf(rng.IntN(2)*2-1))
		case 3:
			x = math.Nextafter(x, math.Inf(1))
		case 4:
			x += rng.Float64() * 0.02
			y = math.Round(y*4) / 4
		}
		xys[i] = plotter.XY{X: x, Y: y}
	}
	return xys
}

// TestLineGlyphBoxes: gonum's four padding picks choose the very same box,
// bit for bit, from the concatenation of several plotters' boxes (other
// boxes first, the axes' boxes after, as padX and padY gather them)
// whether each line gives plotter.Line's boxes or line's, for 20,000
// random lines, axes and canvases: widening, reversed and zero-width
// canvases and degenerate axes included. Deterministic.
func TestLineGlyphBoxes(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 3))
	for trial := range 20000 {
		p := plot.New()
		p.X.Min, p.X.Max = rng.Float64()-0.5, 0.5+rng.Float64()
		p.Y.Min, p.Y.Max = rng.Float64()-0.5, 0.5+rng.Float64()
		if rng.IntN(20) == 0 { // a degenerate axis: normalised values ±Inf and NaN
			p.Y.Max = p.Y.Min
		}
		var full, short []plot.GlyphBox
		for range 1 + rng.IntN(3) {
			if rng.IntN(3) == 0 { // another plotter's box: one glyph
				b := plot.GlyphBox{X: rng.Float64()*1.4 - 0.2, Y: rng.Float64()*1.4 - 0.2,
					Rectangle: vg.Rectangle{Min: vg.Point{X: -2, Y: -2}, Max: vg.Point{X: 2, Y: 2}}}
				full, short = append(full, b), append(short, b)
			}
			l, err := newLine(randomLineXYs(rng))
			if err != nil {
				t.Fatal(err)
			}
			l.LineStyle.Width = vg.Length(rng.IntN(4))
			full = append(full, l.Line.GlyphBoxes(p)...)
			got := l.GlyphBoxes(p)
			if len(got) > len(l.XYs) {
				t.Fatalf("trial %d: %d boxes for %d points", trial, len(got), len(l.XYs))
			}
			short = append(short, got...)
		}
		axis := plot.GlyphBox{X: rng.Float64(), Y: rng.Float64(), Rectangle: vg.Rectangle{Max: vg.Point{X: 30, Y: 10}}}
		full, short = append(full, axis), append(short, axis)
		for range 5 {
			lo := vg.Length(rng.Float64() * 100)
			var w vg.Length
			switch rng.IntN(4) {
			case 0: // no width
			case 1:
				w = -vg.Length(rng.Float64() * 400)
			default:
				w = vg.Length(rng.Float64() * 400)
			}
			c := draw.Canvas{Rectangle: vg.Rectangle{Min: vg.Point{X: lo, Y: lo}, Max: vg.Point{X: lo + w, Y: lo + w}}}
			for name, pick := range map[string]func(*draw.Canvas, []plot.GlyphBox) plot.GlyphBox{
				"left": gonumLeftMost, "right": gonumRightMost, "bottom": gonumBottomMost, "top": gonumTopMost,
			} {
				if a, b := pick(&c, full), pick(&c, short); !sameBox(a, b) {
					t.Fatalf("trial %d, canvas %v: %s-most box %+v from all boxes, %+v from line's", trial, c.Rectangle, name, a, b)
				}
			}
		}
	}
}

// TestLineSameSVG: a chart of lines draws the same bytes with line as
// with plotter.Line.
func TestLineSameSVG(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 4))
	for trial := range 50 {
		var xyss []plotter.XYs
		for range 1 + rng.IntN(4) {
			xys := randomLineXYs(rng)
			for i := range xys {
				xys[i].Y = math.Abs(xys[i].Y)
			}
			xyss = append(xyss, xys)
		}
		svg := func(wrap bool) []byte {
			p := plot.New()
			for _, xys := range xyss {
				l, err := plotter.NewLine(xys)
				if err != nil {
					t.Fatal(err)
				}
				l.LineStyle.Width = vg.Points(1.8)
				if wrap {
					p.Add(line{l})
				} else {
					p.Add(l)
				}
			}
			c := vgsvg.New(vg.Points(400), vg.Points(250))
			p.Draw(draw.New(c))
			var b bytes.Buffer
			if _, err := c.WriteTo(&b); err != nil {
				t.Fatal(err)
			}
			return b.Bytes()
		}
		if a, b := svg(false), svg(true); !bytes.Equal(a, b) {
			t.Fatalf("trial %d: the SVGs differ (%d and %d bytes)", trial, len(a), len(b))
		}
	}
}
