package lab

import (
	"bytes"
	"fmt"
	"github.com/legolab/legolab/metrics"
	"html"
	"io"
	"path/filepath"
	"strings"
)

// writeSweepMarkdown writes report.md: what was swept, how the outcomes
// ranged over the design, and which parameters matter most for each
// outcome.
func writeSweepMarkdown(w io.Writer, s *metrics.SweepSummary, charts []sweepChart) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Sweep %s\n\n", s.Sweep)
	if s.Description != "" {
		fmt.Fprintf(&b, "%s\n\n", s.Description)
	}
	fmt.Fprintf(&b, "Base scenario **%s**, variants %s. Design **%s** with %d points × %d replications (seed %d, legolab %s).\n\n",
		s.Scenario, strings.Join(s.Variants, ", "), swDesignText(s), s.Points, s.Replications, s.Seed, s.Version)
	b.WriteString("## Parameters\n\n| parameter | range |\n|---|---|\n")
	for _, p := range s.Params {
		fmt.Fprintf(&b, "| `%s` | %s |\n", p.Key, swParamRange(p))
	}
	b.WriteString("\n## Outcomes over the design\n\n")
	b.WriteString("Mean over points with its 95% CI; for median days, the median over points (not reached = ∞).\n\n")
	b.WriteString("| outcome | mean [95% CI] | median [95% CI] | min | max |\n|---|---|---|---|---|\n")
	for _, st := range s.Stats {
		maxText := swNum(st.Max)
		if st.Max == nil {
			maxText = "∞"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", st.Outcome, swCI(st.Mean, st.MeanCI95, "∞"),
			swCI(st.Median, st.MedianCI95, "∞"), swNum(st.Min), maxText)
	}
	b.WriteString("\n## Sensitivity\n\n")
	b.WriteString(swMethodNote(s.Design))
	for k, o := range s.Outcomes {
		fmt.Fprintf(&b, "\n### %s\n\n", o)
		for _, c := range chartsOf(charts, k+1) {
			fmt.Fprintf(&b, "![%s](%s)\n\n", c.title, chartFile(c, ".png"))
		}
		rows := s.Top(o, 0)
		switch s.Design {
		case "sobol":
			b.WriteString("| parameter | ST [95% CI] | S1 [95% CI] |\n|---|---|---|\n")
			for _, r := range rows {
				fmt.Fprintf(&b, "| `%s` | %s | %s%s |\n", r.Param, swCI(r.ST, r.STCI95, "—"), swCI(r.S1, r.S1CI95, "—"), swNote(r.Note))
			}
		case "morris":
			b.WriteString("| parameter | μ* | μ | σ |\n|---|---|---|---|\n")
			for _, r := range rows {
				fmt.Fprintf(&b, "| `%s` | %s | %s | %s%s |\n", r.Param, swNum(r.MuStar), swNum(r.Mu), swNum(r.Sigma), swNote(r.Note))
			}
		default:
			b.WriteString("| parameter | S1 (main effect) |\n|---|---|\n")
			for _, r := range rows {
				fmt.Fprintf(&b, "| `%s` | %s%s |\n", r.Param, swNum(r.S1), swNote(r.Note))
			}
		}
	}
	if len(s.Warnings) > 0 {
		b.WriteString("\n## Warnings\n\n")
		for _, w := range s.Warnings {
			fmt.Fprintf(&b, "- %s\n", w)
		}
	}
	b.WriteString("\nPer-point outcomes are in points.csv, all indices in sensitivity.csv; see docs/sweeps.md.\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func swDesignText(s *metrics.SweepSummary) string {
	switch s.Design {
	case "sobol":
		sc := "scrambled"
		if !s.Scramble {
			sc = "unscrambled"
		}
		return fmt.Sprintf("sobol (Saltelli, N = %d, %s, %d bootstrap resamples)", s.Samples, sc, s.Bootstrap)
	case "morris":
		return fmt.Sprintf("morris (r = %d trajectories, p = %d levels)", s.Trajectories, s.Levels)
	case "grid":
		return "grid (full factorial)"
	}
	return fmt.Sprintf("%s (%d samples)", s.Design, s.Samples)
}

func swMethodNote(design string) string {
	switch design {
	case "sobol":
		return "Sobol' indices from Saltelli's A/B/AB_i design: S1 (Saltelli 2010) is the share of the outcome's variance due to the parameter alone, ST (Jansen 1999) the share it takes part in, with interactions. Parameters are ranked by ST.\n"
	case "morris":
		return "Morris elementary effects, in outcome units per full range of the parameter: μ* (mean absolute effect) ranks importance, σ flags nonlinearity or interactions. Parameters are ranked by μ*.\n"
	}
	return "Main effects (correlation ratio Var(E[Y|X])/Var(Y)): a screening measure; use a sobol design for total indices. Parameters are ranked by S1.\n"
}

func swParamRange(p metrics.SweepParamInfo) string {
	if len(p.Values) > 0 {
		return "{" + strings.Join(p.Values, ", ") + "}"
	}
	r := fmt.Sprintf("[%s, %s]", swNum(p.Min), swNum(p.Max))
	if p.Scale == "log" {
		r += " log"
	}
	if p.Type == "int" {
		r += " int"
	}
	return r
}

func swNum(p *float64) string {
	if p == nil {
		return "—"
	}
	return fmt.Sprintf("%.4g", *p)
}

// swCI formats "x [lo, hi]"; a nil x is written none, a nil upper bound ∞.
func swCI(p *float64, ci [2]*float64, none string) string {
	if p == nil {
		return none
	}
	if ci[0] == nil && ci[1] == nil {
		return swNum(p)
	}
	hi := "∞"
	if ci[1] != nil {
		hi = fmt.Sprintf("%.4g", *ci[1])
	}
	lo := "—"
	if ci[0] != nil {
		lo = fmt.Sprintf("%.4g", *ci[0])
	}
	return fmt.Sprintf("%.4g [%s, %s]", *p, lo, hi)
}

func swNote(n string) string {
	if n == "" {
		return ""
	}
	return " (" + strings.ReplaceAll(n, "|", "/") + ")"
}

// chartsOf returns the charts of outcome k (1-based), in drawing order.
func chartsOf(charts []sweepChart, k int) []sweepChart {
	var out []sweepChart
	for _, c := range charts {
		if c.outcome == k {
			out = append(out, c)
		}
	}
	return out
}

// chartFile returns the name of the chart's file with extension ext.
func chartFile(c sweepChart, ext string) string {
	for _, f := range c.files {
		if strings.HasSuffix(f.Name, ext) {
			return f.Name
		}
	}
	return ""
}

// writeSweepHTML writes report.html: report.md's content as one
// self-contained page with the charts inline (SVG).
func writeSweepHTML(w io.Writer, s *metrics.SweepSummary, charts []sweepChart) error {
	var b strings.Builder
	e := html.EscapeString
	fmt.Fprintf(&b, `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sweep %s</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
table{border-collapse:collapse;margin:1rem 0}th,td{border-bottom:1px solid #ddd;padding:.3rem .7rem;text-align:left}
th{background:#f4f4f4}code{font-size:.92em}figure{margin:1.5rem 0}figure svg{max-width:100%%;height:auto}
figcaption{color:#555;font-size:.9em}.note{color:#555;font-size:.9em}
</style></head><body>
`, e(s.Sweep))
	fmt.Fprintf(&b, "<h1>Sweep %s</h1>\n", e(s.Sweep))
	if s.Description != "" {
		fmt.Fprintf(&b, "<p>%s</p>\n", e(s.Description))
	}
	fmt.Fprintf(&b, "<p>Base scenario <b>%s</b>, variants %s. Design <b>%s</b> with %d points × %d replications (seed %d, legolab %s).</p>\n",
		e(s.Scenario), e(strings.Join(s.Variants, ", ")), e(swDesignText(s)), s.Points, s.Replications, s.Seed, e(s.Version))
	b.WriteString("<h2>Parameters</h2>\n<table><tr><th>parameter</th><th>range</th></tr>\n")
	for _, p := range s.Params {
		fmt.Fprintf(&b, "<tr><td><code>%s</code></td><td>%s</td></tr>\n", e(p.Key), e(swParamRange(p)))
	}
	b.WriteString("</table>\n<h2>Outcomes over the design</h2>\n<p class=note>Mean over points with its 95% CI; for median days, the median over points (not reached = ∞).</p>\n")
	b.WriteString("<table><tr><th>outcome</th><th>mean [95% CI]</th><th>median [95% CI]</th><th>min</th><th>max</th></tr>\n")
	for _, st := range s.Stats {
		maxText := swNum(st.Max)
		if st.Max == nil {
			maxText = "∞"
		}
		fmt.Fprintf(&b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", e(st.Outcome),
			e(swCI(st.Mean, st.MeanCI95, "∞")), e(swCI(st.Median, st.MedianCI95, "∞")), e(swNum(st.Min)), e(maxText))
	}
	fmt.Fprintf(&b, "</table>\n<h2>Sensitivity</h2>\n<p class=note>%s</p>\n", e(swMethodNote(s.Design)))
	for k, o := range s.Outcomes {
		fmt.Fprintf(&b, "<h3>%s</h3>\n", e(o))
		for _, c := range chartsOf(charts, k+1) {
			svg := fileData(c.files, chartFile(c, ".svg"))
			// The SVG's XML declaration is not allowed inside HTML.
			if i := bytes.Index(svg, []byte("<svg")); i > 0 {
				svg = svg[i:]
			}
			fmt.Fprintf(&b, "<figure>%s<figcaption>%s</figcaption></figure>\n", svg, e(c.caption))
		}
		rows := s.Top(o, 0)
		switch s.Design {
		case "sobol":
			b.WriteString("<table><tr><th>parameter</th><th>ST [95% CI]</th><th>S1 [95% CI]</th></tr>\n")
			for _, r := range rows {
				fmt.Fprintf(&b, "<tr><td><code>%s</code></td><td>%s</td><td>%s%s</td></tr>\n", e(r.Param), e(swCI(r.ST, r.STCI95, "—")), e(swCI(r.S1, r.S1CI95, "—")), e(swNote(r.Note)))
			}
		case "morris":
			b.WriteString("<table><tr><th>parameter</th><th>μ*</th><th>μ</th><th>σ</th></tr>\n")
			for _, r := range rows {
				fmt.Fprintf(&b, "<tr><td><code>%s</code></td><td>%s</td><td>%s</td><td>%s%s</td></tr>\n", e(r.Param), swNum(r.MuStar), swNum(r.Mu), swNum(r.Sigma), e(swNote(r.Note)))
			}
		default:
			b.WriteString("<table><tr><th>parameter</th><th>S1 (main effect)</th></tr>\n")
			for _, r := range rows {
				fmt.Fprintf(&b, "<tr><td><code>%s</code></td><td>%s%s</td></tr>\n", e(r.Param), swNum(r.S1), e(swNote(r.Note)))
			}
		}
		b.WriteString("</table>\n")
	}
	if len(s.Warnings) > 0 {
		b.WriteString("<h2>Warnings</h2>\n<ul>\n")
		for _, w := range s.Warnings {
			fmt.Fprintf(&b, "<li>%s</li>\n", e(w))
		}
		b.WriteString("</ul>\n")
	}
	b.WriteString("<p class=note>Per-point outcomes are in points.csv, all indices in sensitivity.csv; see docs/sweeps.md.</p>\n</body></html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// RegenerateSweepReport rewrites the report of a finished sweep folder
// (one written by `legolab sweep` without --shard, or by `legolab merge`)
// from its sweep.toml, scenario.toml and checkpoint.jsonl, as the sweep
// wrote it: the charts in plots/, report.html and report.md, each
// atomically. Charts in plots/ that the new report does not have are
// removed afterwards. It returns the names of the files written.
func RegenerateSweepReport(dir string) ([]string, error) {
	id, rows, err := readCheckpointFile(filepath.Join(dir, CheckpointFile))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	if id.Shards > 1 {
		return nil, fmt.Errorf("%s is shard %d/%d of a sweep; run `legolab merge` on all its shards, which writes the report", dir, id.Shard, id.Shards)
	}
	byIndex := make([]*PointRow, id.Points)
	for _, r := range rows {
		if r.Index >= 0 && r.Index < id.Points {
			byIndex[r.Index] = r
		}
	}
	done := 0
	for _, r := range byIndex {
		if r != nil {
			done++
		}
	}
	if done < id.Points {
		return nil, fmt.Errorf("%s: the sweep has not finished (%d of %d points); finish it with `legolab sweep ... --resume`, which writes the report", dir, done, id.Points)
	}
	s, points, err := sweepFromFolder(dir, id, len(byIndex))
	if err != nil {
		return nil, err
	}
	o := &sweepOutput{
		file: s.File, source: s.Source, baseTOML: s.BaseTOML, base: s.Base, id: *id,
		points: points, rows: byIndex, outcomes: s.Outcomes, warnings: s.warnings, plots: true,
	}
	sum, err := o.summary()
	if err != nil {
		return nil, err
	}
	files := o.reportFiles(sum)
	if err := writeNamed(dir, files); err != nil {
		return nil, err
	}
	names := make([]string, len(files))
	keep := make(map[string]bool, len(files))
	for i, f := range files {
		names[i] = f.name
		keep[f.name] = true
	}
	if err := removeStaleCharts(dir, keep); err != nil {
		return nil, err
	}
	return names, nil
}
