package reports

import (
	"bytes"
	"fmt"
	"strings"
)

// mdEscaper neutralises text from a scenario in GitHub-flavoured Markdown:
// inline Markdown punctuation is backslash-escaped (with '[' escaped, '('
// and '!' cannot start a link or an image), '<', '>' and '&' become
// entities (GitHub renders some raw HTML), and line breaks become spaces so
// a value stays in its table cell or list item.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`, `#`, `\#`, `|`, `\|`, `~`, `\~`,
	`<`, `&lt;`, `>`, `&gt;`, `&`, `&amp;`, "\r\n", " ", "\n", " ", "\r", " ",
)

// codeSpan makes s safe inside a one-backtick code span in a table cell:
// a backtick would end the span and a pipe the cell, and a line break the
// row, so they become a look-alike, an escaped pipe and a space.
func codeSpan(s string) string {
	return strings.NewReplacer("`", "ˋ", "|", `\|`, "\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}

// md escapes s for Markdown.
func md(s string) string { return mdEscaper.Replace(s) }

// markdown renders report.md: the headline, a table per variant and links
// to the charts (PNG where saved, else SVG), for a CI job summary or a
// pull-request comment.
func (m *model) markdown(charts []chart) []byte {
	s := m.s
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# legolab report: %s\n\n", md(s.Scenario))
	p("%s\n\n", md(m.meta()))
	if w := m.partial(); w != "" {
		p("> **Warning:** %s\n\n", md(w))
	}
	p("## The answer\n\n")
	for _, a := range m.answers {
		p("- **%s**: %s\n", md(a.Name), a.Sentence)
	}
	if len(m.compare) > 0 {
		p("\n**Comparison**\n\n")
		for _, c := range m.comparisons(md) {
			p("- %s\n", c)
		}
		if n := m.compareNote(); n != "" {
			p("\n%s\n", md(n))
		}
	}
	if ch := m.changes(); len(ch) > 0 {
		p("\n## What each variant changes\n\n| variant | parameter | value |\n|---|---|---|\n")
		for _, c := range ch {
			if c.Key == "" {
				p("| %s | nothing: the base scenario | |\n", md(c.Variant))
				continue
			}
			p("| %s | `%s` | `%s` |\n", md(c.Variant), codeSpan(c.Key), codeSpan(c.Value))
		}
		p("\nEvery other parameter takes the base value (see report.html).\n")
	}
	p("\n")
	for _, c := range charts {
		if c.name == HeadlineChart {
			p("![%s](%s)\n\n", md(c.title), c.file())
		}
	}
	p("## Results by variant\n")
	for _, a := range m.answers {
		p("\n### %s\n\n", md(a.Name))
		if a.Description != "" {
			p("%s\n\n", md(a.Description))
		}
		p("| result | value |\n|---|---|\n")
		for _, r := range a.Rows {
			p("| %s | %s |\n", md(r[0]), md(r[1]))
		}
		if len(a.Final) > 0 {
			p("\n| observable at the horizon | mean | P05 | P25 | median | P75 | P95 |\n|---|--:|--:|--:|--:|--:|--:|\n")
			for _, f := range a.Final {
				p("| %s | %s | %s | %s | %s | %s | %s |\n", md(f.Metric),
					fnum(f.Metric, f.Mean), fnum(f.Metric, f.P05), fnum(f.Metric, f.P25), fnum(f.Metric, f.P50), fnum(f.Metric, f.P75), fnum(f.Metric, f.P95))
			}
		}
	}
	p("\n## Charts\n\n")
	if len(charts) == 0 {
		p("No charts: the run saved no results to chart.\n")
	}
	for _, c := range charts {
		p("- [%s](%s)\n", md(c.title), c.file())
	}
	p("\n## Method\n\n%s\n\n", md(m.detector()))
	for _, kv := range m.method() {
		p("- %s: %s\n", md(kv[0]), md(kv[1]))
	}
	p("\nThe full report, with every chart and the scenario's parameters, is report.html in the run folder.\n")
	return b.Bytes()
}

// file is the chart's file report.md links: its PNG when saved, else its
// SVG.
func (c chart) file() string {
	if c.png {
		return PlotsDir + "/" + c.name + ".png"
	}
	return PlotsDir + "/" + c.name + ".svg"
}
