package lab

import (
	"context"
	"fmt"
	"github.com/legolab/legolab/metrics"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/legolab/legolab/reports"
	"github.com/legolab/legolab/stats"
	"github.com/legolab/legolab/sweeps"
)

// charts draws the sweep's charts with the reports package: for each
// outcome, plots/sensitivity-SLUG (the indices with their intervals,
// parameters ranked), plots/response-SLUG (the outcome against its top
// parameter) and, for a grid of two numeric parameters, plots/heatmap-SLUG,
// where SLUG names the outcome (outcomeSlugs). A chart that cannot be
// drawn (e.g. no finite value) is left out; the tables still say
// everything. When ctx is done no further chart is drawn, and charts
// returns its error.
func (o *sweepOutput) charts(ctx context.Context, sum *metrics.SweepSummary) ([]reports.SweepChart, error) {
	var out []reports.SweepChart
	slugs := outcomeSlugs(o.outcomes)
	for k, name := range o.outcomes {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("lab: interrupted while drawing the sweep's charts: %w", err)
		}
		ref, err := swParseOutcome(name, o.id.Variants, o.id.Observables)
		if err != nil {
			continue
		}
		add := func(c reports.SweepChart, ok bool) {
			if ok {
				c.Outcome = k + 1
				out = append(out, c)
			}
		}
		rows := sum.Top(name, 0)
		add(reports.SweepSensitivityChart(sum.Method(), name, rows, "plots/sensitivity-"+slugs[k]))
		top := 0
		if len(rows) > 0 && !math.IsNaN(rows[0].Rank()) {
			top = slices.IndexFunc(o.file.Params, func(p sweeps.Param) bool { return p.Key == rows[0].Param })
		}
		add(o.responseChart(ref, top, "plots/response-"+slugs[k]))
		add(o.heatmapChart(ref, "plots/heatmap-"+slugs[k]))
	}
	return out, nil
}

// outcomeSlugs names each outcome's charts: the outcome with every run of
// characters other than a–z, 0–9 and '_' made one '-', lower-case, and
// trimmed ("p_by_horizon(hub)" → "p_by_horizon-hub"; "final.hub_share(both)"
// → "final-hub_share-both"), at most 60 bytes. A slug already taken by an
// earlier outcome gets "-K" (its 1-based position) appended, so names are
// unique and the same for every run of the sweep.
func outcomeSlugs(outcomes []string) []string {
	out := make([]string, len(outcomes))
	taken := map[string]bool{}
	for k, o := range outcomes {
		var b strings.Builder
		dash := false
		for _, r := range strings.ToLower(o) {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' {
				if dash && b.Len() > 0 {
					b.WriteByte('-')
				}
				dash = false
				b.WriteRune(r)
				continue
			}
			dash = true
		}
		sl := b.String()
		if len(sl) > 60 {
			sl = strings.TrimRight(sl[:60], "-")
		}
		if sl == "" || taken[sl] {
			sl = strings.TrimLeft(sl+"-"+strconv.Itoa(k+1), "-")
		}
		taken[sl] = true
		out[k] = sl
	}
	return out
}

// responseChart draws an outcome against parameter j: the points grouped
// by the parameter's level (grids, lists) or into up to 10 equal bins of
// its range, each group's mean with a 95% Student t interval. Sobol' designs
// use their A and B blocks. A median not reached enters as the horizon.
func (o *sweepOutput) responseChart(ref swOutcome, j int, base string) (reports.SweepChart, bool) {
	f := o.file
	p := &f.Params[j]
	idx := make([]int, 0, len(o.points))
	for i := range o.points {
		if sweeps.MethodOf(f.Design) == sweeps.MethodSobol && i >= 2*f.Samples {
			break
		}
		idx = append(idx, i)
	}
	if len(idx) == 0 || math.IsNaN(o.points[idx[0]].Numbers[j]) {
		return reports.SweepChart{}, false // a parameter of strings or booleans has no axis
	}
	bins := len(p.Values)
	switch {
	case f.Design == sweeps.DesignGrid && p.Values == nil:
		bins = p.Levels
		if bins == 0 {
			bins = f.Levels
		}
	case f.Design == sweeps.DesignMorris && p.Values == nil:
		bins = f.Levels
	case p.Values == nil:
		bins = min(10, max(2, int(math.Round(math.Sqrt(float64(len(idx)))))))
	}
	type acc struct {
		x, y, yy float64
		n        int
	}
	groups := make([]acc, bins)
	for _, i := range idx {
		u := o.points[i].Unit[j]
		b := int(u * float64(bins))
		if (f.Design == sweeps.DesignGrid || f.Design == sweeps.DesignMorris) && p.Values == nil && bins > 1 {
			b = int(math.Round(u * float64(bins-1)))
		}
		b = min(max(b, 0), bins-1)
		y := ref.value(o.rows[i])
		if math.IsInf(y, 1) {
			y = o.base.HorizonDays
		}
		g := &groups[b]
		g.x += o.points[i].Numbers[j]
		g.y += y
		g.yy += y * y
		g.n++
	}
	cv := reports.Curve{Name: ref.name}
	for _, g := range groups {
		if g.n == 0 {
			continue
		}
		n := float64(g.n)
		mean := g.y / n
		half := math.NaN()
		if g.n > 1 {
			half = stats.StudentT975(g.n-1) * math.Sqrt(math.Max(0, (g.yy-n*mean*mean)/(n-1))/n)
		}
		lo, hi := mean-half, mean+half
		if ref.isProbability() {
			// As in summary.json's stats: a probability's band stays in [0, 1].
			lo, hi = max(lo, 0), min(hi, 1)
		}
		cv.X, cv.Y = append(cv.X, g.x/n), append(cv.Y, mean)
		cv.Lo, cv.Hi = append(cv.Lo, lo), append(cv.Hi, hi)
	}
	c := reports.ResponseChart{
		Title:     fmt.Sprintf("%s against %s", ref.name, p.Key),
		XLabel:    p.Key,
		YLabel:    ref.name,
		BandLabel: "95% interval of the mean over points",
		Curves:    []reports.Curve{cv},
	}
	switch ref.measure {
	case "p_by_horizon", "p_lo", "p_hi":
		c.YPercent = true
	case "median_day":
		c.YStart = o.base.Start.Format("2006-01-02")
		c.YLabel += " (not reached = horizon)"
	}
	files, err := reports.ResponseCurve(base, c)
	if err != nil {
		return reports.SweepChart{}, false
	}
	caption := fmt.Sprintf("Mean of %s over the points at each level of %s (the other parameters averaged over the design), with 95%% intervals.", ref.name, p.Key)
	return reports.SweepChart{Title: c.Title, Caption: caption, Files: files}, true
}

// heatmapChart draws an outcome over a grid of two numeric parameters.
func (o *sweepOutput) heatmapChart(ref swOutcome, base string) (reports.SweepChart, bool) {
	f := o.file
	if f.Design != sweeps.DesignGrid || len(f.Params) != 2 {
		return reports.SweepChart{}, false
	}
	ny, nx := f.ParamLevels(0), f.ParamLevels(1)
	if ny*nx != len(o.points) {
		return reports.SweepChart{}, false
	}
	c := reports.HeatmapChart{
		Title:  ref.name,
		XLabel: f.Params[1].Key,
		YLabel: f.Params[0].Key,
		ZLabel: ref.name,
	}
	for i := range ny {
		c.Y = append(c.Y, o.points[i*nx].Numbers[0])
	}
	for j := range nx {
		c.X = append(c.X, o.points[j].Numbers[1])
	}
	for _, v := range append(slices.Clone(c.X), c.Y...) {
		if math.IsNaN(v) {
			return reports.SweepChart{}, false
		}
	}
	c.Z = make([][]float64, ny)
	for i := range ny {
		c.Z[i] = make([]float64, nx)
		for j := range nx {
			z := ref.value(o.rows[i*nx+j])
			if math.IsInf(z, 0) {
				z = math.NaN()
			}
			c.Z[i][j] = z
		}
	}
	switch ref.measure {
	case "p_by_horizon", "p_lo", "p_hi":
		c.ZPercent = true
	case "median_day":
		c.ZStart = o.base.Start.Format("2006-01-02")
		c.NaNLabel = "not reached"
	}
	files, err := reports.Heatmap(base, c)
	if err != nil {
		return reports.SweepChart{}, false
	}
	return reports.SweepChart{Title: "Heatmap of " + ref.name, Caption: fmt.Sprintf("%s at each point of the %s × %s grid.", ref.name, f.Params[0].Key, f.Params[1].Key), Files: files}, true
}
