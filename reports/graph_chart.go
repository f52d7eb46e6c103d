package reports

import (
	"cmp"
	"fmt"
	"image/color"
	"math"
	"slices"

	"github.com/legolab/legolab/metrics"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Limits that keep an interop-graph chart legible and its SVG small: the
// most used nodes are drawn, with the edges among them, bridges first,
// then hub routes, then shared standards (a standard shared by n protocols
// is n(n−1)/2 edges, the least informative kind).
const (
	graphMaxNodes  = 150
	graphMaxEdges  = 4000
	graphMaxLabels = 12
)

// dimensionColors colour the graph's nodes by dimension, in order of first
// appearance after the default four (Okabe–Ito, starting away from the
// first variant colours so that nodes do not read as variants).
var dimensionColors = []color.NRGBA{
	{0xE6, 0x9F, 0x00, 0xff}, // orange
	{0x56, 0xB4, 0xE9, 0xff}, // sky blue
	{0x00, 0x9E, 0x73, 0xff}, // bluish green
	{0xCC, 0x79, 0xA7, 0xff}, // reddish purple
	{0xD5, 0x5E, 0x00, 0xff}, // vermillion
	{0x00, 0x72, 0xB2, 0xff}, // blue
	{0xF0, 0xE4, 0x42, 0xff}, // yellow
}

// defaultDimensions come first in the graph's layout and colours.
var defaultDimensions = []string{"data", "model", "compute", "storage"}

// edgeKinds are the edge kinds in drawing order (last on top) and priority
// order reversed: bridges are kept first when edges are capped.
var edgeKinds = []struct {
	kind  string
	label string
	style draw.LineStyle
}{
	{"standard", "shared standard", draw.LineStyle{Color: color.NRGBA{0x66, 0x66, 0x66, 0x60}, Width: vg.Points(0.6)}},
	{"hub", "hub route", draw.LineStyle{Color: color.NRGBA{0x00, 0x00, 0x00, 0x99}, Width: vg.Points(0.9), Dashes: []vg.Length{vg.Points(5), vg.Points(2.5)}}},
	{"bridge", "bilateral bridge", draw.LineStyle{Color: color.NRGBA{0x00, 0x00, 0x00, 0xcc}, Width: vg.Points(1.3)}},
}

// graphLayout is a deterministic circular layout: dimensions take arcs of
// the circle in proportion to their node counts, separated by gaps, and
// within an arc nodes are ordered by usage (most used first), then name.
type graphLayout struct {
	nodes []int // indices into g.Nodes of the drawn nodes
	angle map[int]float64
	dims  []string
	dimOf map[string]int   // dimension -> colour index
	edges [][]metrics.Edge // by edgeKinds order
	// hubs are the hubs with a drawn route, by name, each drawn as a
	// square joined to its members rather than as a star from whichever
	// member the edges start from (which would make that protocol look
	// like the hub).
	hubs    []graphHub
	dropped struct{ nodes, edges int }
}

// graphHub is one hub of the drawn graph: its name ("" for the hub routes
// of a graph saved before edges named their hub, all drawn as one hub)
// and its drawn members, in node order.
type graphHub struct {
	name    string
	members []int
}

// hubMemberships counts the member–hub pairs drawn.
func (gl *graphLayout) hubMemberships() int {
	n := 0
	for _, h := range gl.hubs {
		n += len(h.members)
	}
	return n
}

// hubKind is the index of the hub routes in edgeKinds.
const hubKind = 1

// layoutGraph selects and places the nodes and edges to draw.
func layoutGraph(g *metrics.Graph) graphLayout {
	var gl graphLayout
	order := make([]int, len(g.Nodes))
	for i := range order {
		order[i] = i
	}
	byUsage := func(a, b int) int {
		if c := cmp.Compare(g.Nodes[b].Usage, g.Nodes[a].Usage); c != 0 {
			return c
		}
		if c := cmp.Compare(g.Nodes[a].Name, g.Nodes[b].Name); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	}
	slices.SortStableFunc(order, byUsage)
	if len(order) > graphMaxNodes {
		gl.dropped.nodes = len(order) - graphMaxNodes
		order = order[:graphMaxNodes]
	}
	gl.nodes = order
	shown := make(map[int]bool, len(order))
	for _, i := range order {
		shown[i] = true
	}

	gl.dimOf = map[string]int{}
	present := map[string]bool{}
	for _, i := range order {
		present[g.Nodes[i].Dimension] = true
	}
	for _, d := range defaultDimensions {
		if present[d] {
			gl.dimOf[d] = len(gl.dims)
			gl.dims = append(gl.dims, d)
		}
	}
	for _, i := range order {
		d := g.Nodes[i].Dimension
		if _, ok := gl.dimOf[d]; !ok {
			gl.dimOf[d] = len(gl.dims)
			gl.dims = append(gl.dims, d)
		}
	}

	// Arcs: a gap of one node slot between dimensions.
	byDim := make([][]int, len(gl.dims))
	for _, i := range order {
		k := gl.dimOf[g.Nodes[i].Dimension]
		byDim[k] = append(byDim[k], i)
	}
	slots := len(order)
	if len(gl.dims) > 1 {
		slots += len(gl.dims)
	}
	gl.angle = make(map[int]float64, len(order))
	slot := 0
	for _, members := range byDim {
		for _, i := range members {
			// Start at the top and go clockwise, as a reader scans.
			gl.angle[i] = math.Pi/2 - 2*math.Pi*(float64(slot)+0.5)/float64(max(slots, 1))
			slot++
		}
		if len(gl.dims) > 1 {
			slot++
		}
	}

	gl.edges = make([][]metrics.Edge, len(edgeKinds))
	kindIdx := map[string]int{}
	for k, ek := range edgeKinds {
		kindIdx[ek.kind] = k
	}
	budget := graphMaxEdges
	for k := len(edgeKinds) - 1; k >= 0; k-- {
		for _, e := range g.Edges {
			// An unknown kind counts as a shared standard (index 0).
			if kindIdx[e.Kind] != k || e.A == e.B || !shown[e.A] || !shown[e.B] {
				continue
			}
			if budget == 0 {
				gl.dropped.edges++
				continue
			}
			gl.edges[k] = append(gl.edges[k], e)
			budget--
		}
	}
	member := map[string]map[int]bool{}
	var names []string
	for _, e := range gl.edges[hubKind] {
		if member[e.Hub] == nil {
			member[e.Hub] = map[int]bool{}
			names = append(names, e.Hub)
		}
		member[e.Hub][e.A], member[e.Hub][e.B] = true, true
	}
	// By name, the unnamed hub of an old graph last.
	slices.SortFunc(names, func(a, b string) int {
		if (a == "") != (b == "") {
			return cmp.Compare(b, a)
		}
		return cmp.Compare(a, b)
	})
	for _, name := range names {
		h := graphHub{name: name}
		for _, i := range order {
			if member[name][i] {
				h.members = append(h.members, i)
			}
		}
		gl.hubs = append(gl.hubs, h)
	}
	return gl
}

// graphPlotter draws a laid-out interop graph in the middle of the data
// area, keeping the circle round whatever the canvas's aspect ratio.
type graphPlotter struct {
	g  *metrics.Graph
	gl graphLayout
}

// Plot implements plot.Plotter.
func (gp graphPlotter) Plot(c draw.Canvas, _ *plot.Plot) {
	g, gl := gp.g, gp.gl
	w, h := c.Max.X-c.Min.X, c.Max.Y-c.Min.Y
	// Leave room for labels outside the circle.
	radius := vg.Length(math.Min(float64(w)/2-vg.Inch.Points()*1.1, float64(h)/2-vg.Points(36).Points()))
	if radius < vg.Points(20) {
		radius = vg.Points(20)
	}
	center := c.Center()
	pos := func(i int) vg.Point {
		a := gl.angle[i]
		return vg.Point{X: center.X + radius*vg.Length(math.Cos(a)), Y: center.Y + radius*vg.Length(math.Sin(a))}
	}
	// Edges: quadratic curves pulled toward the centre, like a chord
	// diagram, so routes between neighbours stay near the rim.
	// Hubs: squares near the centre, one hub in it, several evenly on a
	// small circle starting at the top, clockwise in name order.
	hubPos := func(h int) vg.Point {
		if len(gl.hubs) == 1 {
			return center
		}
		a := math.Pi/2 - 2*math.Pi*float64(h)/float64(len(gl.hubs))
		r := 0.3 * radius
		return vg.Point{X: center.X + r*vg.Length(math.Cos(a)), Y: center.Y + r*vg.Length(math.Sin(a))}
	}
	for k, ek := range edgeKinds {
		if k == hubKind {
			// Spokes from each hub member to its hub's square.
			for h, hub := range gl.hubs {
				for _, i := range hub.members {
					c.StrokeLines(ek.style, []vg.Point{pos(i), hubPos(h)})
				}
			}
			continue
		}
		for _, e := range gl.edges[k] {
			a, b := pos(e.A), pos(e.B)
			ctrl := vg.Point{X: center.X + (a.X+b.X-2*center.X)*0.25, Y: center.Y + (a.Y+b.Y-2*center.Y)*0.25}
			var path vg.Path
			path.Move(a)
			path.QuadTo(ctrl, b)
			c.SetLineStyle(ek.style)
			c.Stroke(path)
		}
	}
	maxUsage := 0.0
	for _, i := range gl.nodes {
		maxUsage = math.Max(maxUsage, g.Nodes[i].Usage)
	}
	// Node area grows with usage; the largest radius shrinks as nodes
	// crowd the circle.
	rMax := math.Min(12, math.Max(3, float64(radius)*math.Pi/float64(max(len(gl.nodes), 1))*0.9))
	rMin := math.Min(2, rMax)
	nodeR := func(u float64) vg.Length {
		if !(maxUsage > 0) || !(u > 0) {
			return vg.Points(rMin)
		}
		return vg.Points(rMin + (rMax-rMin)*math.Sqrt(u/maxUsage))
	}
	for _, i := range gl.nodes {
		n := g.Nodes[i]
		col := dimensionColors[gl.dimOf[n.Dimension]%len(dimensionColors)]
		c.DrawGlyph(draw.GlyphStyle{Color: col, Radius: nodeR(n.Usage), Shape: draw.CircleGlyph{}}, pos(i))
		c.DrawGlyph(draw.GlyphStyle{Color: color.NRGBA{0x33, 0x33, 0x33, 0xff}, Radius: nodeR(n.Usage), Shape: draw.RingGlyph{}}, pos(i))
	}
	for h, hub := range gl.hubs {
		// A hub: a square, unlike any protocol, labelled below with its
		// name. BoxGlyph fills, SquareGlyph outlines.
		pt := hubPos(h)
		c.DrawGlyph(draw.GlyphStyle{Color: color.NRGBA{0xf2, 0xf2, 0xf2, 0xff}, Radius: vg.Points(7), Shape: draw.BoxGlyph{}}, pt)
		c.DrawGlyph(draw.GlyphStyle{Color: inkColor, Radius: vg.Points(7), Shape: draw.SquareGlyph{}}, pt)
		st := textStyle(8.5, inkColor)
		st.XAlign, st.YAlign = draw.XCenter, draw.YTop
		label := hub.name
		if label == "" {
			label = "hub"
		}
		c.FillText(st, vg.Point{X: pt.X, Y: pt.Y - vg.Points(10)}, label)
	}
	// Names of the most used nodes, outside the circle. A name that would
	// overlap one already written moves outward, and is left out if it
	// still does: the most used nodes come first and keep theirs.
	var placed []vg.Rectangle
	for j, i := range gl.nodes {
		if j >= graphMaxLabels {
			break
		}
		n := g.Nodes[i]
		a := gl.angle[i]
		cos, sin := math.Cos(a), math.Sin(a)
		st := textStyle(8.5, inkColor)
		// Align the label away from the circle: beside it on the
		// sides, above or below it near the top and bottom.
		switch {
		case cos > 0.35:
			st.XAlign, st.YAlign = draw.XLeft, draw.YCenter
		case cos < -0.35:
			st.XAlign, st.YAlign = draw.XRight, draw.YCenter
		case sin > 0:
			st.XAlign, st.YAlign = draw.XCenter, draw.YBottom
		default:
			st.XAlign, st.YAlign = draw.XCenter, draw.YTop
		}
		for try := range 2 {
			off := nodeR(n.Usage) + vg.Points(4+11*float64(try))
			pt := pos(i)
			pt.X += off * vg.Length(cos)
			pt.Y += off * vg.Length(sin)
			r := st.Rectangle(n.Name).Add(pt)
			if !slices.ContainsFunc(placed, func(q vg.Rectangle) bool {
				return r.Min.X < q.Max.X && q.Min.X < r.Max.X && r.Min.Y < q.Max.Y && q.Min.Y < r.Max.Y
			}) {
				placed = append(placed, r)
				c.FillText(st, pt, n.Name)
				break
			}
		}
	}
}

// graphChart draws the interop graph g of variant name at the horizon.
func graphChart(name string, g *metrics.Graph) (func(draw.Canvas), graphLayout) {
	gl := layoutGraph(g)
	p := newBarePlot("Interop graph at the horizon, representative run: "+name, "", "")
	p.HideAxes()
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -1, 1, -1, 1
	p.Add(graphPlotter{g: g, gl: gl})
	l := newLegend()
	for _, d := range gl.dims {
		l.Add("dimension: "+d, swatch{fill: dimensionColors[gl.dimOf[d]%len(dimensionColors)], line: lineStyle(color.NRGBA{0x33, 0x33, 0x33, 0xff}, 0.6)})
	}
	for k, ek := range edgeKinds {
		if k == hubKind {
			l.Add(fmt.Sprintf("hub membership (%d), joined to the hub's square", gl.hubMemberships()), lineThumb{ek.style})
			continue
		}
		l.Add(fmt.Sprintf("%s (%d)", ek.label, len(gl.edges[k])), lineThumb{ek.style})
	}
	return withLegendBelow(p, l), gl
}
