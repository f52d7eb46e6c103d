package reports

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"html/template"
	"image"
	"image/png"
	"regexp"
	"runtime"
	"unicode/utf8"

	"golang.org/x/sync/errgroup"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// File is one output of a report: a slash-separated path relative to the
// report's folder and its content. The caller writes it (atomically).
type File struct {
	Name string
	Data []byte
}

// Options say how Render draws a run report. The zero value is the
// default of `legolab run` and `legolab report`.
type Options struct {
	// Jobs is the number of charts drawn and encoded at once; < 1 means
	// runtime.GOMAXPROCS(0). The files do not depend on it.
	Jobs int
	// PNG saves every chart as PNG (150 dpi, for slides) besides SVG, and
	// report.md then links the PNGs. Without it only HeadlineChart, the
	// image report.md shows, is saved as PNG, and report.md links the
	// other charts' SVG: rasterising and encoding PNGs was ~88% of the
	// report's CPU time, and report.html inlines the SVG.
	PNG bool
	// Context, when not nil, stops the rendering: no chart starts after it
	// is done, and Render returns its error. Nil means never.
	Context context.Context
}

// renderCharts draws every chart, jobs at a time: the charts are
// independent, and each result has its slot, so the files do not depend on
// the schedule. rendered[i] holds chart i's SVG, then its PNG if it has one.
func renderCharts(charts []chart, jobs int) ([][]File, error) {
	return renderChartsContext(context.Background(), charts, jobs)
}

// renderChartsContext is renderCharts stopped by ctx: no chart starts
// after it is done (nil means never).
func renderChartsContext(ctx context.Context, charts []chart, jobs int) (rendered [][]File, err error) {
	if jobs < 1 {
		jobs = runtime.GOMAXPROCS(0)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	rendered = make([][]File, len(charts))
	var g errgroup.Group
	g.SetLimit(jobs)
	for i, c := range charts {
		g.Go(func() (err error) {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("reports: drawing the charts: %w", err)
			}
			rendered[i], err = renderChart(PlotsDir+"/"+c.name, c.w, c.h, c.draw, c.png)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return rendered, nil
}

// skipPNG replaces every PNG by a 1×1 placeholder. Only tests set it (see
// export_test.go): under the race detector rasterising dominates the
// suite's time, and most tests check the SVG and the text.
var skipPNG bool

// PNGDPI is the resolution of every PNG chart: 150 dots per inch, so a
// 7-inch chart is 1050 pixels wide, sharp on slides and in a CI summary.
const PNGDPI = 150

// PlotFiles renders p at w×h as base+".svg" and base+".png" (base is a
// slash-separated path without extension, e.g. "plots/heatmap"), the pair
// every legolab chart is saved as: SVG for the HTML report, PNG for slides
// and Markdown.
func PlotFiles(p *plot.Plot, base string, w, h vg.Length) ([]File, error) {
	if p == nil {
		panic("reports: PlotFiles of a nil plot")
	}
	return renderFiles(base, w, h, p.Draw)
}

// renderFiles draws with fn on an SVG and a PNG canvas of size w×h.
func renderFiles(base string, w, h vg.Length, fn func(draw.Canvas)) ([]File, error) {
	return renderChart(base, w, h, fn, true)
}

// renderChart draws with fn on an SVG canvas of size w×h and, when withPNG
// is set, on a PNG one: base.svg, then base.png.
func renderChart(base string, w, h vg.Length, fn func(draw.Canvas), withPNG bool) (files []File, err error) {
	if base == "" {
		panic("reports: empty chart base name")
	}
	// gonum/plot panics on some degenerate inputs (e.g. a font it cannot
	// find); no panic may reach a user, so it becomes an error here.
	defer func() {
		if r := recover(); r != nil {
			files, err = nil, fmt.Errorf("reports: drawing %s: %v", base, r)
		}
	}()

	sc := vgsvg.New(w, h)
	fn(draw.New(sc))
	var sb bytes.Buffer
	if _, err := sc.WriteTo(&sb); err != nil {
		return nil, fmt.Errorf("reports: writing %s.svg: %w", base, err)
	}

	svg := File{Name: base + ".svg", Data: fixSVGFonts(xmlSafe(sb.Bytes()))}
	if !withPNG {
		return []File{svg}, nil
	}
	var pb bytes.Buffer
	if skipPNG {
		if err := png.Encode(&pb, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
			return nil, err
		}
		return []File{svg, {Name: base + ".png", Data: pb.Bytes()}}, nil
	}
	ic := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(PNGDPI))
	fn(draw.New(ic))
	// Fast compression: the default level costs a third of the report's
	// time for files about 10% smaller.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&pb, ic.Image()); err != nil {
		return nil, fmt.Errorf("reports: writing %s.png: %w", base, err)
	}
	return []File{svg, {Name: base + ".png", Data: pb.Bytes()}}, nil
}

// xmlSafe maps every character that XML 1.0 forbids (the controls but
// for tab, newline and carriage return; U+FFFE and U+FFFF; bytes that are
// not UTF-8) to U+FFFD: vgsvg writes a name's NUL or ESC into the text as
// it is, and the file would no longer parse as XML. Clean input is
// returned unchanged.
func xmlSafe(b []byte) []byte {
	clean := func(r rune, n int) bool {
		return n > 1 || r >= 0x20 || r == '\t' || r == '\n' || r == '\r'
	}
	ok := true
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 || r == 0xfffe || r == 0xffff || !clean(r, n) {
			ok = false
			break
		}
		i += n
	}
	if ok {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 || r == 0xfffe || r == 0xffff || !clean(r, n) {
			r = utf8.RuneError
		}
		out = utf8.AppendRune(out, r)
		i += n
	}
	return out
}

// fixSVGFonts gives every text style a fallback font stack: vgsvg names
// only "Liberation Sans", which most machines lack, and a browser would then
// fall back to a serif face. Arial and Helvetica are metric-compatible with
// Liberation Sans, so gonum's layout still fits. The pattern can only match
// a style attribute: vgsvg escapes '"' in text content.
func fixSVGFonts(svg []byte) []byte {
	return bytes.ReplaceAll(svg,
		[]byte(`style="font-family:Liberation Sans;`),
		[]byte(`style="font-family:Liberation Sans,Arial,Helvetica,sans-serif;`))
}

// svgRoot matches the root element's fixed size, which vgsvg writes in
// points; inline charts scale with the page instead.
var svgRoot = regexp.MustCompile(`^<svg width="[0-9.e+-]+pt" height="[0-9.e+-]+pt"`)

// inlineSVG turns an SVG file this package generated into markup for an
// HTML page: no XML declaration or comment, no fixed size (the viewBox
// keeps the aspect ratio and CSS sets the width), an accessible label.
// Only SVG produced by vgsvg may pass through here: its text is escaped by
// vgsvg (html.EscapeString), and label is escaped here.
func inlineSVG(svg []byte, label string) (template.HTML, error) {
	i := bytes.Index(svg, []byte("<svg "))
	if i < 0 {
		return "", fmt.Errorf("reports: not an SVG document")
	}
	body := svg[i:]
	loc := svgRoot.FindIndex(body)
	if loc == nil {
		return "", fmt.Errorf("reports: unexpected SVG root element")
	}
	var b bytes.Buffer
	b.Grow(len(body) + len(label) + 64)
	b.WriteString(`<svg role="img" aria-label="`)
	b.Write(xmlSafe([]byte(html.EscapeString(label))))
	b.WriteString(`" preserveAspectRatio="xMidYMid meet"`)
	b.Write(body[loc[1]:])
	return template.HTML(b.String()), nil
}
