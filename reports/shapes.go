package reports

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// rect is an axis-aligned rectangle in data coordinates.
type rect struct {
	x0, x1, y0, y1 float64
	fill           color.Color    // nil: no fill
	line           draw.LineStyle // zero width: no outline
}

// rects draws rectangles in data coordinates: histogram bars, heatmap cells,
// sensitivity bars. Bars sized in data units keep their proportions at any
// canvas size, which plotter.BarChart (widths in points) does not.
type rects []rect

// Plot implements plot.Plotter.
func (rs rects) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, r := range rs {
		x0, x1, y0, y1 := trX(r.x0), trX(r.x1), trY(r.y0), trY(r.y1)
		pts := []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}
		if r.fill != nil {
			c.FillPolygon(r.fill, c.ClipPolygonXY(pts))
		}
		if r.line.Width > 0 {
			c.StrokeLines(r.line, c.ClipLinesXY(append(pts, pts[0]))...)
		}
	}
}

// DataRange implements plot.DataRanger.
func (rs rects) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for _, r := range rs {
		xmin = math.Min(xmin, math.Min(r.x0, r.x1))
		xmax = math.Max(xmax, math.Max(r.x0, r.x1))
		ymin = math.Min(ymin, math.Min(r.y0, r.y1))
		ymax = math.Max(ymax, math.Max(r.y0, r.y1))
	}
	return xmin, xmax, ymin, ymax
}

// label is a text at a data position, offset in points.
type label struct {
	x, y   float64
	dx, dy vg.Length
	text   string
	style  draw.TextStyle
}

// labels draws text annotations in data coordinates.
type labels []label

// Plot implements plot.Plotter.
func (ls labels) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, l := range ls {
		c.FillText(l.style, vg.Point{X: trX(l.x) + l.dx, Y: trY(l.y) + l.dy}, l.text)
	}
}

// stackedLabels draws labels in order, moving each up above any earlier
// one it would overlap, so bar labels of similar heights stay legible.
type stackedLabels []label

// Plot implements plot.Plotter.
func (ls stackedLabels) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	var placed []vg.Rectangle
	for _, l := range ls {
		pt := vg.Point{X: trX(l.x) + l.dx, Y: trY(l.y) + l.dy}
		r := l.style.Rectangle(l.text).Add(pt)
		for moved := true; moved; {
			moved = false
			for _, q := range placed {
				if r.Min.X < q.Max.X && q.Min.X < r.Max.X && r.Min.Y < q.Max.Y && q.Min.Y < r.Max.Y {
					shift := q.Max.Y - r.Min.Y + vg.Points(1)
					r = r.Add(vg.Point{Y: shift})
					pt.Y += shift
					moved = true
				}
			}
		}
		placed = append(placed, r)
		c.FillText(l.style, pt, l.text)
	}
}

// segment is a line between two data points.
type segment struct {
	x0, y0, x1, y1 float64
	style          draw.LineStyle
}

// segments draws line segments in data coordinates.
type segments []segment

// Plot implements plot.Plotter.
func (ss segments) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, s := range ss {
		pts := []vg.Point{{X: trX(s.x0), Y: trY(s.y0)}, {X: trX(s.x1), Y: trY(s.y1)}}
		c.StrokeLines(s.style, c.ClipLinesXY(pts)...)
	}
}

// DataRange implements plot.DataRanger.
func (ss segments) DataRange() (xmin, xmax, ymin, ymax float64) {
	var rs rects
	for _, s := range ss {
		rs = append(rs, rect{x0: s.x0, x1: s.x1, y0: s.y0, y1: s.y1})
	}
	return rs.DataRange()
}

// dot is a glyph at a data point.
type dot struct {
	x, y  float64
	style draw.GlyphStyle
}

// dots draws glyphs in data coordinates.
type dots []dot

// Plot implements plot.Plotter.
func (ds dots) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, d := range ds {
		c.DrawGlyph(d.style, vg.Point{X: trX(d.x), Y: trY(d.y)})
	}
}

// DataRange implements plot.DataRanger.
func (ds dots) DataRange() (xmin, xmax, ymin, ymax float64) {
	var rs rects
	for _, d := range ds {
		rs = append(rs, rect{x0: d.x, x1: d.x, y0: d.y, y1: d.y})
	}
	return rs.DataRange()
}

// swatch is a legend thumbnail: a filled box, optionally outlined.
type swatch struct {
	fill color.Color
	line draw.LineStyle
}

// Thumbnail implements plot.Thumbnailer.
func (s swatch) Thumbnail(c *draw.Canvas) {
	inset := vg.Points(2)
	pts := []vg.Point{
		{X: c.Min.X + inset, Y: c.Min.Y + inset}, {X: c.Max.X - inset, Y: c.Min.Y + inset},
		{X: c.Max.X - inset, Y: c.Max.Y - inset}, {X: c.Min.X + inset, Y: c.Max.Y - inset},
	}
	if s.fill != nil {
		c.FillPolygon(s.fill, pts)
	}
	if s.line.Width > 0 {
		c.StrokeLines(s.line, append(pts, pts[0]))
	}
}

// lineThumb is a legend thumbnail: a horizontal line.
type lineThumb struct{ style draw.LineStyle }

// Thumbnail implements plot.Thumbnailer.
func (t lineThumb) Thumbnail(c *draw.Canvas) {
	y := (c.Min.Y + c.Max.Y) / 2
	c.StrokeLine2(t.style, c.Min.X, y, c.Max.X, y)
}

// legendHeight is the height the legend's entries take.
func legendHeight(l *plot.Legend) vg.Length {
	r := l.Rectangle(draw.Canvas{})
	return r.Max.Y - r.Min.Y
}

// withLegendBelow draws p with legend l under it, left-aligned and one
// entry per line, outside the data area, so no curve is ever hidden by it.
func withLegendBelow(p *plot.Plot, l plot.Legend) func(draw.Canvas) {
	return func(c draw.Canvas) {
		// Paint the whole canvas first: the plot only fills its own part.
		c.SetColor(color.White)
		c.Fill(c.Rectangle.Path())
		h := legendHeight(&l)
		if h == 0 {
			p.Draw(draw.Crop(c, vg.Points(4), -vg.Points(8), 0, 0))
			return
		}
		pad := vg.Points(6)
		p.Draw(draw.Crop(c, vg.Points(4), -vg.Points(8), h+2*pad, 0))
		l.Left, l.Top = true, true
		lc := draw.Crop(c, 0, 0, 0, 0)
		lc.Max.Y = c.Min.Y + h + pad
		lc.Min.X += vg.Points(40)
		l.Draw(lc)
	}
}

// newLegend returns an empty legend in the house style.
func newLegend() plot.Legend {
	l := plot.NewLegend()
	l.TextStyle.Font = sansFont
	l.TextStyle.Font.Size = 9.5
	l.TextStyle.Color = inkColor
	l.ThumbnailWidth = vg.Points(22)
	l.Padding = vg.Points(2)
	return l
}
