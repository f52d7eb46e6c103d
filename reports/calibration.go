package reports

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/legolab/legolab/internal/outdir"
	"github.com/legolab/legolab/metrics"
)

// The calibration report (issue 13) is written into a calibration folder
// beside summary.json and posterior.csv: report.html, report.md and the
// charts under plots/, each NAME.svg (inlined in the HTML), and NAME.png
// as well for the posterior-predictive charts that report.md shows:
//
//	predictive-SERIES   the posterior-predictive band of one observed series against its points
//	marginal-KEY        the marginal posterior of one free parameter against its prior
//	pairs               the pair plot of the (up to 4) parameters the data narrowed most
//
// SERIES and KEY are the names made file-safe (see uniqueFileNames).

// Posterior is the final ABC-SMC generation as posterior.csv holds it:
// Rows[i] is particle i's θ, one value per key of Keys (canonical key paths,
// in the order of metrics.Calibration.Params), and Weights[i] its
// normalised importance weight.
type Posterior struct {
	Keys    []string
	Weights []float64
	Rows    [][]float64
}

// maxPairPlot is the most parameters the pair plot shows.
const maxPairPlot = 4

// WriteCalibration renders the report of calibration c with its final
// particles post (see CalibrationFiles) and writes its files under dir, each
// atomically through internal/outdir (temporary file, fsync, rename),
// creating plots/. dir must exist; the caller owns it (its manifest and
// lock): CalibrationFiles gives the names written.
func WriteCalibration(dir string, c *metrics.Calibration, post Posterior) error {
	files, err := CalibrationFiles(c, post)
	if err != nil {
		return err
	}
	for _, f := range files {
		name := filepath.FromSlash(f.Name)
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := outdir.WriteFile(path, func(w io.Writer) error {
			_, err := w.Write(f.Data)
			return err
		}); err != nil {
			return err
		}
	}
	return nil
}

// CalibrationFiles renders the report of calibration c with its final
// particles post: report.html, report.md and the charts (see the list
// above), in that order. The bytes depend only on c and post. It returns an
// error, naming the field, for data it cannot report: a bad start or
// cutoff date, a posterior whose columns are not c's parameters, rows of
// the wrong length, negative or non-finite weights.
func CalibrationFiles(c *metrics.Calibration, post Posterior) ([]File, error) {
	if c == nil {
		panic("reports: CalibrationFiles of a nil Calibration")
	}
	m, err := newCalModel(c, post)
	if err != nil {
		return nil, err
	}
	charts := m.charts()
	rendered, err := renderCharts(charts, 0)
	if err != nil {
		return nil, err
	}
	var plots []File
	svgs := map[string][]byte{}
	for i, ch := range charts {
		svgs[ch.name] = rendered[i][0].Data
		plots = append(plots, rendered[i]...)
	}
	html, err := m.html(charts, svgs)
	if err != nil {
		return nil, err
	}
	md := m.markdown(charts)
	return append([]File{{Name: HTMLFile, Data: html}, {Name: MarkdownFile, Data: md}}, plots...), nil
}

// calModel is the calibration report's data, checked and with every text
// made safe, computed once for the charts, the HTML and the Markdown.
type calModel struct {
	c       metrics.Calibration // a copy, its text cleaned (cleanText)
	post    Posterior
	cal     calendar
	cutoff  float64 // the cutoff's model day
	hasCut  bool    // Cutoff was given
	ess     float64 // Kish ESS of post's weights
	narrow  []float64
	heldOut []calPoint // every held-out point, series order
	fitted  []calPoint // every fitted point, series order
}

// calPoint is one observed point with its series.
type calPoint struct {
	Series, Transform string
	metrics.CalibPoint
}

// newCalModel checks c and post and prepares the report.
func newCalModel(c *metrics.Calibration, post Posterior) (*calModel, error) {
	m := &calModel{c: cleanCalibration(c), post: post}
	cal, err := parseStart(c.Start)
	if err != nil {
		return nil, fmt.Errorf("reports: calibration start: %w", err)
	}
	m.cal = cal
	if c.Cutoff != "" {
		t, err := time.Parse(time.DateOnly, c.Cutoff)
		if err != nil {
			return nil, fmt.Errorf("reports: calibration cutoff %q: want YYYY-MM-DD", c.Cutoff)
		}
		m.cutoff, m.hasCut = cal.day(t), true
	}
	if err := checkPosterior(c, post); err != nil {
		return nil, err
	}
	m.ess = kish(post.Weights)
	for _, p := range c.Params {
		m.narrow = append(m.narrow, narrowing(p))
	}
	for _, s := range m.c.Series {
		for _, p := range s.Points {
			cp := calPoint{Series: s.Name, Transform: s.Transform, CalibPoint: p}
			if p.HeldOut {
				m.heldOut = append(m.heldOut, cp)
			} else {
				m.fitted = append(m.fitted, cp)
			}
		}
	}
	return m, nil
}

// checkPosterior reports a posterior that does not match c's parameters.
func checkPosterior(c *metrics.Calibration, post Posterior) error {
	if len(post.Keys) == 0 && len(post.Rows) == 0 && len(post.Weights) == 0 {
		return nil // no particles: the report shows the priors alone
	}
	if len(post.Keys) != len(c.Params) {
		return fmt.Errorf("reports: posterior has %d columns for %d params", len(post.Keys), len(c.Params))
	}
	for i, k := range post.Keys {
		if k != c.Params[i].Key {
			return fmt.Errorf("reports: posterior column %d is %q, params[%d].key is %q", i+1, k, i, c.Params[i].Key)
		}
	}
	if len(post.Weights) != len(post.Rows) {
		return fmt.Errorf("reports: posterior has %d weights for %d rows", len(post.Weights), len(post.Rows))
	}
	sum := 0.0
	for i, w := range post.Weights {
		if !(w >= 0) || math.IsInf(w, 0) {
			return fmt.Errorf("reports: posterior row %d: weight must be finite and ≥ 0, got %v", i+1, w)
		}
		sum += w
	}
	if len(post.Weights) > 0 && !(sum > 0) {
		return fmt.Errorf("reports: posterior weights sum to %v, want > 0", sum)
	}
	for i, r := range post.Rows {
		if len(r) != len(post.Keys) {
			return fmt.Errorf("reports: posterior row %d has %d values for %d keys", i+1, len(r), len(post.Keys))
		}
	}
	return nil
}

// cleanText maps what XML 1.0 forbids (NUL and the other controls but tab,
// newline and carriage return, U+FFFE, U+FFFF, bytes that are not UTF-8)
// to U+FFFD, so a hostile name in a calibration file can neither break the
// HTML nor the SVG nor hide in the Markdown.
func cleanText(s string) string {
	if utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool {
		return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xfffe || r == 0xffff
	}) {
		return s
	}
	return string(xmlSafe([]byte(s)))
}

// cleanCalibration copies c with every text field cleaned (cleanText).
func cleanCalibration(c *metrics.Calibration) metrics.Calibration {
	out := *c
	for _, s := range []*string{&out.Name, &out.Description, &out.Scenario, &out.Variant, &out.Start, &out.Cutoff, &out.Stop} {
		*s = cleanText(*s)
	}
	out.Params = slices.Clone(c.Params)
	for i := range out.Params {
		p := &out.Params[i]
		p.Key, p.Prior, p.Source = cleanText(p.Key), cleanText(p.Prior), cleanText(p.Source)
	}
	out.Series = slices.Clone(c.Series)
	for i := range out.Series {
		s := &out.Series[i]
		s.Name, s.Observable, s.Transform, s.Unit = cleanText(s.Name), cleanText(s.Observable), cleanText(s.Transform), cleanText(s.Unit)
		s.Points = slices.Clone(s.Points)
		for j := range s.Points {
			p := &s.Points[j]
			p.Date, p.Kind, p.Source = cleanText(p.Date), cleanText(p.Kind), cleanText(p.Source)
		}
	}
	return out
}

// kish is the Kish effective sample size 1/Σw² of weights normalised to
// sum 1 (0 without weights).
func kish(w []float64) float64 {
	sum, sq := 0.0, 0.0
	for _, x := range w {
		sum += x
	}
	if !(sum > 0) {
		return 0
	}
	for _, x := range w {
		sq += (x / sum) * (x / sum)
	}
	return 1 / sq
}

// narrowing is how much the data narrowed p's prior: 1 − (posterior 95%
// credible interval width) / (prior 95% interval width); NaN when either
// width is not a positive finite number. Negative means the posterior
// interval is the wider.
func narrowing(p metrics.CalibParam) float64 {
	pw, cw := p.PriorHi95-p.PriorLo95, p.Hi95-p.Lo95
	if !(pw > 0) || math.IsInf(pw, 0) || !(cw >= 0) || math.IsInf(cw, 0) {
		return math.NaN()
	}
	return 1 - cw/pw
}

// narrowText says a narrowing in words: "narrowed 62%", "did not narrow
// (the 95% interval is 5% wider)", "n/a".
func narrowText(n float64) string {
	switch {
	case math.IsNaN(n):
		return "n/a"
	case n < 0:
		return "did not narrow (95% interval " + pctPlain(-n) + " wider)"
	}
	return "narrowed " + pctPlain(n)
}

// pctPlain formats a fraction as a whole percentage, with no special
// cases: 0.623 → "62%".
func pctPlain(x float64) string {
	if !finite(x) {
		return "n/a"
	}
	return strconv.FormatFloat(100*x, 'f', 0, 64) + "%"
}

// topParams returns the indices of the (up to) n parameters the data
// narrowed most, most narrowed first; ties, and parameters without a
// narrowing (NaN, last), keep the summary's order.
func (m *calModel) topParams(n int) []int {
	idx := make([]int, len(m.c.Params))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		na, nb := m.narrow[a], m.narrow[b]
		switch {
		case math.IsNaN(na) && math.IsNaN(nb):
			return 0
		case math.IsNaN(na):
			return 1
		case math.IsNaN(nb):
			return -1
		case na > nb:
			return -1
		case na < nb:
			return 1
		}
		return 0
	})
	return idx[:min(n, len(idx))]
}

// stopText says in words why the ABC-SMC run stopped.
func stopText(rule string) string {
	switch rule {
	case "budget":
		return "the simulation budget (max_simulations) ran out within a generation, so the last generation is the last one that finished"
	case "min_acceptance":
		return "a generation's acceptance rate fell below min_acceptance: a further generation would cost too many simulations per accepted particle"
	case "min_eps_decrease":
		return "the tolerance ε shrank by less than min_eps_decrease in a generation: the particles had stopped getting closer to the data"
	case "max_generations":
		return "it finished max_generations generations"
	case "":
		return "the summary does not say which rule stopped it"
	}
	return "the rule “" + rule + "” stopped it"
}

// consistent says whether a held-out point agrees with the posterior
// predictive at the 90% level: a point or approx value inside the central
// 90% (PIT in [0.05, 0.95]); a lower bound or cap, where the truth is at or
// above the value, with at least 5% of the predictive at or above it (PIT ≤
// 0.95). ok is false when the PIT is not a number.
func consistent(p metrics.CalibPoint) (in, ok bool) {
	if !finite(p.PIT) {
		return false, false
	}
	if p.Kind == "lower_bound" || p.Kind == "capped" {
		return p.PIT <= 0.95, true
	}
	return p.PIT >= 0.05 && p.PIT <= 0.95, true
}

// score sums up a set of points: how many are consistent with the
// predictive (see consistent) out of those with a PIT, and the mean CRPS
// over those with a finite CRPS (NaN without any).
func score(ps []calPoint) (in, scored int, meanCRPS float64) {
	sum, n := 0.0, 0
	for _, p := range ps {
		if ok, has := consistent(p.CalibPoint); has {
			scored++
			if ok {
				in++
			}
		}
		if finite(p.CRPS) {
			sum += p.CRPS
			n++
		}
	}
	meanCRPS = math.NaN()
	if n > 0 {
		meanCRPS = sum / float64(n)
	}
	return in, scored, meanCRPS
}

// heldOutSeries lists the series of ps, in order of appearance.
func heldOutSeries(ps []calPoint) []string {
	var out []string
	for _, p := range ps {
		if !slices.Contains(out, p.Series) {
			out = append(out, p.Series)
		}
	}
	return out
}

// lead is the plain statement the report opens with: what was fitted, how
// the run stopped, how much each parameter narrowed and the held-out score.
// Text from the calibration goes through esc (md for the Markdown, the
// identity for the HTML template, which escapes on its own).
func (m *calModel) lead(esc func(string) string) []string {
	c := &m.c
	var out []string
	model := "scenario " + esc(c.Scenario)
	if c.Variant != "" {
		model += ", variant " + esc(c.Variant)
	} else {
		model += " with no variant"
	}
	names := make([]string, len(c.Series))
	for i, s := range c.Series {
		names[i] = esc(s.Name)
	}
	keys := make([]string, len(c.Params))
	for i, p := range c.Params {
		keys[i] = esc(p.Key)
	}
	cut := " (no cutoff)"
	if c.Cutoff != "" {
		cut = " up to the cutoff " + esc(c.Cutoff)
	}
	what := fmt.Sprintf("Fitted: %s of %s (%s), by ABC-SMC with %s particles, to %s%s in %s.",
		plural(len(c.Params), "free parameter"), model, strings.Join(keys, ", "), thousands(c.Particles),
		plural(len(m.fitted), "observed point"), cut, plural(len(c.Series), "series", "series")+listOf(names))
	out = append(out, what)
	gens := len(c.Generations)
	out = append(out, fmt.Sprintf("Stopped after %s and %s simulations because %s; the final population's effective sample size is %s.",
		plural(gens, "generation"), thousands(c.Simulations), esc(stopText(c.Stop)), num(c.ESS)))
	if len(c.Params) > 0 {
		parts := make([]string, len(c.Params))
		for i, p := range c.Params {
			parts[i] = esc(p.Key) + " " + narrowText(m.narrow[i])
		}
		out = append(out, "How much the data narrowed each prior's 95% interval: "+strings.Join(parts, "; ")+".")
	}
	if len(m.heldOut) == 0 {
		out = append(out, "No observed point lies after the cutoff, so nothing was held out and nothing here tests the model out of sample: this calibration is a fit only.")
	} else {
		// Scored per series: CRPS on different transforms do not add up.
		var parts []string
		for _, name := range heldOutSeries(m.heldOut) {
			var ps []calPoint
			for _, p := range m.heldOut {
				if p.Series == name {
					ps = append(ps, p)
				}
			}
			in, scored, crps := score(ps)
			part := "series " + esc(name) + ": "
			if scored > 0 {
				part += fmt.Sprintf("%d of %d agree with the posterior predictive at the 90%% level", in, scored)
			} else {
				part += "no PIT, so agreement unknown"
			}
			if finite(crps) {
				part += fmt.Sprintf(", mean CRPS %s on its %s scale", num(crps), esc(ps[0].Transform))
			}
			parts = append(parts, part)
		}
		out = append(out, fmt.Sprintf("The test: %s after the cutoff %s held out (not fitted). In %s.",
			plural(len(m.heldOut), "point"), wasWere(len(m.heldOut)), strings.Join(parts, "; in ")))
	}
	out = append(out, "How close the posterior predictive comes to the fitted points shows the fit only: the parameters were chosen to match them, so it is not a test.")
	return out
}

// wasWere is "was" for one, "were" otherwise.
func wasWere(n int) string {
	if n == 1 {
		return "was"
	}
	return "were"
}

// plural writes "1 point", "3 points"; with a second form, that one for
// n ≠ 1.
func plural(n int, one string, many ...string) string {
	other := one + "s"
	if len(many) > 0 {
		other = many[0]
	}
	if n == 1 {
		return "1 " + one
	}
	return thousands(n) + " " + other
}

// listOf writes " (a, b, c)", or "" for none.
func listOf(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return " (" + strings.Join(names, ", ") + ")"
}

// meta is the line under the title.
func (m *calModel) meta() string {
	c := &m.c
	parts := []string{"scenario " + c.Scenario}
	if c.Variant != "" {
		parts = append(parts, "variant "+c.Variant)
	}
	parts = append(parts, "start "+c.Start)
	if c.Cutoff != "" {
		parts = append(parts, "cutoff "+c.Cutoff)
	}
	parts = append(parts, thousands(c.Particles)+" particles", fmt.Sprintf("seed %d", c.Seed))
	return strings.Join(parts, " · ")
}

// calNum formats a parameter value or score: num, but "n/a" for
// non-finite values and 4 significant digits for everyday magnitudes, so
// close posterior values stay distinguishable.
func calNum(x float64) string {
	switch {
	case !finite(x):
		return "n/a"
	case x == 0:
		return "0"
	case math.Abs(x) >= 1e6 || math.Abs(x) < 1e-3:
		return strconv.FormatFloat(x, 'e', 3, 64)
	}
	return strconv.FormatFloat(x, 'g', 4, 64)
}

// interval formats [lo, hi].
func interval(lo, hi float64) string {
	return "[" + calNum(lo) + ", " + calNum(hi) + "]"
}

// pitText formats a PIT value.
func pitText(x float64) string {
	if !finite(x) {
		return "n/a"
	}
	return strconv.FormatFloat(x, 'f', 3, 64)
}

// kindText says what an observed kind means.
func kindText(k string) string {
	switch k {
	case "point":
		return "point"
	case "approx":
		return "approx (date or value rough)"
	case "lower_bound":
		return "lower bound (truth ≥ value)"
	case "capped":
		return "capped (held at a cap; truth ≥ value)"
	}
	return k
}
