// Package reportstest builds realistic report Data without running the
// model, for the tests and benchmarks of reports and of the legolab
// command. It uses no random numbers: replication r draws its quantiles
// from a low-discrepancy sequence, so fixtures are identical everywhere.
package reportstest

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/legolab/legolab/internal/portable"
	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/reports"
	"github.com/legolab/legolab/stats"
)

// Variant describes one fixture variant.
type Variant struct {
	Name, Description string
	// Rate is the daily hazard of the Lego moment: times to it are
	// exponential with mean 1/Rate days, censored at the horizon. Zero
	// means the Lego moment never comes.
	Rate float64
	// Delay shifts every Lego time later by this many days.
	Delay float64
	// Set are the variant's overrides for the summary; nil means none.
	Set []metrics.Parameter
}

// Options describe a fixture ensemble.
type Options struct {
	Scenario string
	Start    string // YYYY-MM-DD; default 2025-01-01
	Horizon  float64
	Runs     int
	Seed     uint64
	Variants []Variant
	// SampleEvery is the series sampling interval in days; default 30.
	SampleEvery float64
	// Protocols is the number of protocols in each variant's interop
	// graph (named ones first); zero omits the graphs.
	Protocols int
	// Observables are the series metrics to make, a subset of the package's
	// Observables; nil means all.
	Observables []string
}

// Observables are the fixture's series metrics, as the model names them.
var Observables = []string{
	"composability_index", "composed_share_new",
	"live_standards_data", "live_standards_model", "live_standards_compute", "live_standards_storage",
	"hub_share", "outside_share",
}

// weyl returns the fractional part of (i+1)·a: a low-discrepancy sequence
// in (0, 1) that stands in for uniform draws.
func weyl(i int, a float64) float64 {
	_, f := math.Modf(float64(i+1) * a)
	return f
}

// New builds the Data of a fixture ensemble: summary (with Kaplan–Meier
// curves, medians, Wilson intervals, log-rank comparisons), series fans,
// runs and interop graphs.
func New(o Options) *reports.Data {
	if o.Start == "" {
		o.Start = "2025-01-01"
	}
	if o.SampleEvery == 0 {
		o.SampleEvery = 30
	}
	names := Observables
	if o.Observables != nil {
		names = o.Observables
	}
	start, err := time.Parse(time.DateOnly, o.Start)
	if err != nil {
		panic("reportstest: bad start date")
	}
	d := &reports.Data{}
	s := &d.Summary
	*s = metrics.Summary{
		Scenario: o.Scenario, SHA256: fmt.Sprintf("%064x", o.Seed*2654435761+1), Seed: o.Seed, Runs: o.Runs,
		HorizonDays: o.Horizon, Start: o.Start, Version: "0.1.0-test", Completed: o.Runs,
		Lego: metrics.LegoRule{Rule: "window", WindowDays: 90, ComposabilityMin: 0.3, ComposedShareMin: 0.3,
			GrowthMin: 2, MinComposedPerWindow: 10},
		Parameters: []metrics.Parameter{
			{Key: "name", Value: o.Scenario}, {Key: "start", Value: o.Start},
			{Key: "horizon_days", Value: fmt.Sprint(o.Horizon)}, {Key: "builders.bass_p", Value: "0.03"},
			{Key: "builders.bass_q", Value: "0.38"}, {Key: "hubs.interlink.launch_day", Value: "180"},
			{Key: "protocols.bittensor.openness", Value: "0.6"},
		},
	}
	var days []float64
	for t := 0.0; t <= o.Horizon; t += o.SampleEvery {
		days = append(days, t)
	}
	obs := make([][]stats.Obs, len(o.Variants))
	for v, vs := range o.Variants {
		values := make([][][]float64, len(names)) // [k][day][run]
		for k := range values {
			values[k] = make([][]float64, len(days))
		}
		finals := make([][]float64, len(names))
		for r := range o.Runs {
			u := weyl(r, 0.6180339887498949)
			t := math.Inf(1)
			if vs.Rate > 0 {
				t = vs.Delay - math.Log(1-u)/vs.Rate
			}
			ob := stats.Obs{Time: o.Horizon}
			run := reports.Run{Variant: vs.Name, Replication: r, Seed: o.Seed + uint64(r), LegoDay: math.NaN(), Censored: true}
			if t <= o.Horizon {
				t = math.Round(t*10) / 10
				ob = stats.Obs{Time: t, Event: true}
				run.LegoDay, run.Censored = t, false
			}
			obs[v] = append(obs[v], ob)
			// Series: logistic curves whose midpoint follows the Lego time.
			mid := math.Min(t, 3*o.Horizon)
			noise := weyl(r, 0.7548776662466927) - 0.5
			run.Final = make([]float64, len(names))
			for k, name := range names {
				for i, day := range days {
					x := observe(name, day, mid, noise, k)
					values[k][i] = append(values[k][i], x)
				}
				run.Final[k] = observe(name, o.Horizon, mid, noise, k)
				finals[k] = append(finals[k], run.Final[k])
			}
			d.Runs = append(d.Runs, run)
		}
		for k, name := range names {
			for i, day := range days {
				q := quantiles(values[k][i])
				d.Series = append(d.Series, metrics.SeriesPoint{Variant: vs.Name, Day: day, Metric: name,
					Mean: q[5], P05: q[0], P25: q[1], P50: q[2], P75: q[3], P95: q[4]})
			}
		}
		set := vs.Set
		if set == nil {
			set = []metrics.Parameter{}
		}
		vsum := metrics.VariantSummary{Name: vs.Name, Description: vs.Description, Set: set, Lego: lego(obs[v], o.Horizon, start)}
		for k, name := range names {
			q := quantiles(finals[k])
			vsum.Final = append(vsum.Final, metrics.FinalStat{Metric: name, Mean: q[5], P05: q[0], P25: q[1], P50: q[2], P75: q[3], P95: q[4]})
		}
		s.Variants = append(s.Variants, vsum)
		if o.Protocols > 0 {
			d.Graphs = append(d.Graphs, graph(o.Protocols, v))
		} else {
			d.Graphs = append(d.Graphs, nil)
		}
	}
	for a := range o.Variants {
		for b := a + 1; b < len(o.Variants); b++ {
			c := metrics.Comparison{A: o.Variants[a].Name, B: o.Variants[b].Name}
			c.LogRankChi2, c.PValue = stats.LogRank(obs[a], obs[b])
			sum := 0.0
			for r := range obs[a] {
				if obs[a][r].Event && obs[b][r].Event {
					c.Paired++
					sum += obs[b][r].Time - obs[a][r].Time
				}
			}
			if c.Paired > 0 {
				m := sum / float64(c.Paired)
				c.MeanDiff = &m
			}
			s.Comparisons = append(s.Comparisons, c)
		}
	}
	return d
}

// observe is a plausible value of observable name (index k) at day for a
// run whose Lego moment is near mid.
func observe(name string, day, mid, noise float64, k int) float64 {
	logistic := 1 / (1 + portable.Exp(-(day-mid)/120))
	switch name {
	case "composability_index":
		return clamp01(0.05 + 0.6*logistic + 0.08*noise)
	case "composed_share_new":
		return clamp01(0.02 + 0.55*logistic + 0.1*noise)
	case "hub_share":
		return clamp01(0.4*logistic + 0.05*noise)
	case "outside_share":
		return clamp01(0.7 - 0.45*logistic + 0.1*noise)
	}
	// live standards: many proprietary ones, consolidating after the
	// Lego moment.
	return math.Max(0, math.Round(14-float64(k)-8*logistic+3*noise))
}

func clamp01(x float64) float64 { return math.Max(0, math.Min(1, x)) }

// quantiles returns P05, P25, P50, P75, P95 (type 7) and the mean of xs.
func quantiles(xs []float64) [6]float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	q := func(p float64) float64 {
		h := p * float64(len(s)-1)
		lo := math.Floor(h)
		if int(lo)+1 >= len(s) {
			return s[len(s)-1]
		}
		return s[int(lo)] + (h-lo)*(s[int(lo)+1]-s[int(lo)])
	}
	mean := 0.0
	for _, x := range s {
		mean += x
	}
	return [6]float64{q(0.05), q(0.25), q(0.5), q(0.75), q(0.95), mean / float64(len(s))}
}

// lego is the survival summary of one variant's times.
func lego(obs []stats.Obs, horizon float64, start time.Time) metrics.LegoSummary {
	km := stats.KaplanMeier(obs, horizon)
	var l metrics.LegoSummary
	for _, o := range obs {
		if o.Event {
			l.Reached++
		} else {
			l.Censored++
		}
	}
	if n := len(obs); n > 0 {
		l.PByHorizon = float64(l.Reached) / float64(n)
	}
	l.PCI95[0], l.PCI95[1] = stats.Wilson(l.Reached, len(obs))
	if m, ok := km.Median(); ok {
		date := metrics.DayDate(start, m)
		l.MedianDay, l.MedianDate = &m, &date
	}
	lo, hi, loOK, hiOK := km.MedianCI()
	if loOK {
		l.MedianCI95[0] = &lo
	}
	if hiOK {
		l.MedianCI95[1] = &hi
	}
	l.RMSTDays = km.RMST(horizon)
	l.KM = km.Points
	return l
}

// named are the source article's six AI Layer 1s and their main dimension.
var named = []metrics.Node{
	{Name: "Bittensor", Dimension: "compute"}, {Name: "Gensyn", Dimension: "compute"},
	{Name: "Ritual", Dimension: "compute"}, {Name: "0G", Dimension: "storage"},
	{Name: "Sahara AI", Dimension: "data"}, {Name: "Sentient", Dimension: "model"},
}

// graph is a plausible interop graph of n protocols: the named six, then
// subnets; bridges, hub routes and shared standards.
func graph(n, variant int) *metrics.Graph {
	g := &metrics.Graph{}
	dims := []string{"data", "model", "compute", "storage"}
	for i := range n {
		node := metrics.Node{Name: fmt.Sprintf("subnet-%d", i-len(named)+1), Dimension: dims[i%4]}
		if i < len(named) {
			node = named[i]
		}
		node.Usage = math.Round(400 * portable.Pow(weyl(i+variant, 0.5698402909980532), 3))
		g.Nodes = append(g.Nodes, node)
	}
	for i := range n {
		for j := i + 1; j < n; j++ {
			u := weyl(i*n+j+variant*7, 0.4142135623730951)
			switch {
			case u < 0.03:
				g.Edges = append(g.Edges, metrics.Edge{A: i, B: j, Kind: "bridge"})
			case u < 0.06 && variant%2 == 1 && i < n/2 && j < n/2:
				// Two hubs, so that the charts show one square each.
				g.Edges = append(g.Edges, metrics.Edge{A: i, B: j, Kind: "hub", Hub: []string{"interlink", "nexus"}[(i+j)%2]})
			case u > 0.97 || (i == 0 && u > 0.6):
				g.Edges = append(g.Edges, metrics.Edge{A: i, B: j, Kind: "standard"})
			}
		}
	}
	return g
}

// WriteDir saves d as a run folder in dir (summary.json, series.csv,
// runs.csv, graphs.json), as `legolab run` would, for tests of
// `legolab report`. Files are written directly: a test owns its folder.
func WriteDir(dir string, d *reports.Data) error {
	write := func(name string, fn func(f *os.File) error) error {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		if err := fn(f); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	start, err := time.Parse(time.DateOnly, d.Summary.Start)
	if err != nil {
		return err
	}
	if err := write(reports.SummaryFile, func(f *os.File) error { return reports.WriteSummary(f, &d.Summary) }); err != nil {
		return err
	}
	if err := write(reports.SeriesFile, func(f *os.File) error { return reports.WriteSeries(f, start, d.Series) }); err != nil {
		return err
	}
	if err := write(reports.RunsFile, func(f *os.File) error {
		var names []string
		if len(d.Summary.Variants) > 0 {
			for _, fs := range d.Summary.Variants[0].Final {
				names = append(names, fs.Metric)
			}
		}
		rw, err := reports.NewRunsWriter(f, names)
		if err != nil {
			return err
		}
		for _, r := range d.Runs {
			if err := rw.Write(r); err != nil {
				return err
			}
		}
		return rw.Flush()
	}); err != nil {
		return err
	}
	var gs []reports.RepresentativeGraph
	for v, g := range d.Graphs {
		if g != nil {
			gs = append(gs, reports.RepresentativeGraph{Variant: d.Summary.Variants[v].Name, Graph: g})
		}
	}
	return write(reports.GraphsFile, func(f *os.File) error { return reports.WriteGraphs(f, gs) })
}
