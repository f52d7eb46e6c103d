package lab

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/legolab/legolab/calib"
	"github.com/legolab/legolab/internal/outdir"
	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/reports"
	"github.com/legolab/legolab/scenarios"
	"github.com/legolab/legolab/stats"
)

// The files of a calibration folder (docs/outputs.md).
const (
	CalibrationFile           = "calibration.toml"
	CalibrationCheckpointFile = "checkpoint.json"
)

// calKinds are the folders a calibration may resume, start over or
// replace.
var calKinds = []string{outdir.KindCalibration}

// calCheckpointFormat is the version of checkpoint.json's layout.
const calCheckpointFormat = 1

// calIdentity is what makes two calibration runs the same computation: a
// checkpoint of another is refused, naming what differs.
type calIdentity struct {
	Format         int    `json:"legolab_calibration_checkpoint"`
	Calibration    string `json:"calibration"`
	SHA256         string `json:"sha256"`          // of calibration.toml
	ScenarioSHA256 string `json:"scenario_sha256"` // of the scenario's TOML
	Seed           uint64 `json:"seed"`
	Version        string `json:"version"`
}

// calCheckpoint is checkpoint.json: the identity, then the last finished
// generation's calib.State, its fields inline.
type calCheckpoint struct {
	calIdentity
	*calib.State
}

func (c *Calibration) identity() calIdentity {
	return calIdentity{
		Format: calCheckpointFormat, Calibration: c.File.Name, SHA256: swHash(c.Source),
		ScenarioSHA256: swHash(c.File.ScenarioSource), Seed: c.File.Seed, Version: c.Version,
	}
}

// mismatch names the first field in which a checkpoint's identity got
// differs from want.
func (want calIdentity) mismatch(got calIdentity) string {
	switch {
	case got.Format != want.Format:
		return fmt.Sprintf("its format is %d, this legolab writes %d", got.Format, want.Format)
	case got.SHA256 != want.SHA256:
		return fmt.Sprintf("it was written for another calibration file (sha256 %.12s…, this %s is %.12s…)", got.SHA256, CalibrationFile, want.SHA256)
	case got.ScenarioSHA256 != want.ScenarioSHA256:
		return fmt.Sprintf("it was written for another scenario (sha256 %.12s…, this one is %.12s…)", got.ScenarioSHA256, want.ScenarioSHA256)
	case got.Seed != want.Seed:
		return fmt.Sprintf("it was written with seed %d, this run has seed %d", got.Seed, want.Seed)
	case got.Version != want.Version:
		return fmt.Sprintf("it was written by legolab %s, this is %s", got.Version, want.Version)
	}
	return ""
}

// CalibrationResult is a finished calibration.
type CalibrationResult struct {
	Final   *calib.State
	Stop    calib.StopRule
	Summary *metrics.Calibration
	// Resumed is the generation the run continued from, or −1.
	Resumed int
	Dir     string
	// Elapsed is the wall time of the ABC-SMC run (this process's part).
	Elapsed time.Duration
}

// Run calibrates into the folder dir (see docs/outputs.md, "Calibration
// folder"): it holds dir's lock throughout, keeps calibration.toml and
// checkpoint.json there while the ABC-SMC runs (one atomic checkpoint per
// finished generation), and at the end replaces the folder's content at
// once with the outputs: posterior.csv, generations.csv, predictive.csv,
// summary.json, calibration.toml and the final checkpoint.json. When ctx
// is cancelled it returns an error wrapping ctx.Err() and leaves the last
// checkpoint, which Resume continues; the outputs then equal an
// uninterrupted run's byte for byte, for any Jobs.
func (c *Calibration) Run(ctx context.Context, dir string) (*CalibrationResult, error) {
	if dir == "" {
		return nil, errors.New("lab: calibration without an output folder")
	}
	ds := &DirSink{Dir: dir, Force: true, Version: c.Version, kind: outdir.KindCalibration}
	if err := ds.lock(); err != nil {
		return nil, err
	}
	defer ds.unlock()
	id := c.identity()
	mark := func() error {
		return outdir.WriteManifest(dir, &outdir.Manifest{Kind: outdir.KindCalibration, Version: c.Version, Files: []string{CalibrationFile, CalibrationCheckpointFile}})
	}
	if err := openWorkFolder(dir, calKinds, mark); err != nil {
		return nil, err
	}
	res := &CalibrationResult{Resumed: -1, Dir: dir}
	var resume *calib.State
	if c.Resume {
		st, err := readCalCheckpoint(dir, id)
		if err != nil {
			return nil, err
		}
		resume = st
	}
	if resume == nil {
		owned, err := checkWorkDir(dir, calKinds, "a calibration", c.Force || c.Resume, "use --resume to continue it or --force to start over")
		if err != nil {
			return nil, err
		}
		if owned {
			if err := outdir.Empty(dir, calKinds...); err != nil {
				return nil, err
			}
		}
		if err := mark(); err != nil {
			return nil, err
		}
	} else {
		res.Resumed = resume.Generation
	}
	if err := outdir.WriteFile(filepath.Join(dir, CalibrationFile), func(w io.Writer) error { _, err := w.Write(c.Source); return err }); err != nil {
		return nil, err
	}
	s := c.Settings()
	s.Resume = resume
	s.Progress = c.Progress
	s.Checkpoint = func(st *calib.State) error {
		if err := outdir.WriteFile(filepath.Join(dir, CalibrationCheckpointFile), func(w io.Writer) error {
			return writeCalCheckpoint(w, id, st)
		}); err != nil {
			return err
		}
		if c.Checkpointed != nil {
			c.Checkpointed(st.Generation)
		}
		return nil
	}
	c.sims.Store(0)
	if resume != nil {
		c.sims.Store(int64(resume.Simulations))
	}
	t0 := time.Now()
	out, err := calib.Run(ctx, c.Problem(), s)
	res.Elapsed = time.Since(t0)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("lab: calibration interrupted; %s holds the last finished generation: %w", filepath.Join(dir, CalibrationCheckpointFile), context.Cause(ctx))
		}
		return nil, err
	}
	res.Final, res.Stop = out.Final, out.Stop
	pr, err := c.posteriorPredictive(ctx, out.Final)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("lab: calibration interrupted in its posterior-predictive check; %s holds the final generation: %w", filepath.Join(dir, CalibrationCheckpointFile), context.Cause(ctx))
		}
		return nil, err
	}
	res.Summary = c.summary(out, pr)
	res.Summary.Simulations = int(c.sims.Load())
	files := c.outputFiles(id, out.Final, res.Summary, pr)
	// The report is staged with the data files, so one commit makes both
	// visible and the manifest lists every file --force may replace.
	keys, weights, rows := c.ReportPosterior(out.Final)
	report, err := reports.CalibrationFiles(res.Summary, reports.Posterior{Keys: keys, Weights: weights, Rows: rows})
	if err != nil {
		return nil, err
	}
	for _, f := range report {
		files = append(files, namedWrite{f.Name, func(w io.Writer) error { _, err := w.Write(f.Data); return err }})
	}
	if err := ds.Begin(CalibrationCheckpointFile, true); err != nil {
		return nil, err
	}
	defer ds.Abort()
	for _, f := range files {
		if err := writeTo(ds, f.name, f.write); err != nil {
			return nil, err
		}
	}
	if err := ds.Commit(); err != nil {
		return nil, err
	}
	return res, nil
}

// readCalCheckpoint reads dir's checkpoint.json for a run of id: nil when
// there is none, an error when it is another computation's (saying what
// differs) or unreadable.
func readCalCheckpoint(dir string, id calIdentity) (*calib.State, error) {
	path := filepath.Join(dir, CalibrationCheckpointFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var ck calCheckpoint
	if err := swStrictJSON(data, &ck); err != nil {
		return nil, fmt.Errorf("cannot resume from %s: %v; use --force to start over", path, err)
	}
	if why := id.mismatch(ck.calIdentity); why != "" {
		return nil, fmt.Errorf("refusing to resume from %s: %s; use --force to start over", path, why)
	}
	if ck.State == nil || len(ck.History) != ck.Generation+1 {
		return nil, fmt.Errorf("cannot resume from %s: it holds no finished generation; use --force to start over", path)
	}
	return ck.State, nil
}

func writeCalCheckpoint(w io.Writer, id calIdentity, st *calib.State) error {
	b, err := json.Marshal(calCheckpoint{id, st})
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// fmtG formats x round-trip exact, as every calibration CSV does.
func fmtG(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

func (c *Calibration) outputFiles(id calIdentity, st *calib.State, sum *metrics.Calibration, pr *predictive) []namedWrite {
	return []namedWrite{
		{CalibrationFile, func(w io.Writer) error { _, err := w.Write(c.Source); return err }},
		{CalibrationCheckpointFile, func(w io.Writer) error { return writeCalCheckpoint(w, id, st) }},
		{"posterior.csv", func(w io.Writer) error { return c.writePosterior(w, st) }},
		{"generations.csv", func(w io.Writer) error { return writeGenerations(w, st) }},
		{"predictive.csv", func(w io.Writer) error { return writePredictive(w, sum) }},
		{"summary.json", func(w io.Writer) error { return writeSweepJSON(w, sum) }},
	}
}

// writePosterior writes posterior.csv: the final generation's particles.
func (c *Calibration) writePosterior(w io.Writer, st *calib.State) error {
	cw := reports.NewCSVWriter(w)
	cw.Write(append([]string{"generation", "particle", "weight", "distance"}, c.File.Keys...))
	for i, th := range st.Particles {
		rec := []string{strconv.Itoa(st.Generation), strconv.Itoa(i), fmtG(st.Weights[i]), fmtG(st.Distances[i])}
		for _, x := range th {
			rec = append(rec, fmtG(x))
		}
		cw.Write(rec)
	}
	return cw.Flush()
}

func writeGenerations(w io.Writer, st *calib.State) error {
	cw := reports.NewCSVWriter(w)
	cw.Write([]string{"generation", "epsilon", "acceptance", "ess", "simulations"})
	for _, g := range st.History {
		cw.Write([]string{strconv.Itoa(g.Index), fmtG(g.Eps), fmtG(g.Acceptance), fmtG(g.ESS), strconv.Itoa(g.Simulations)})
	}
	return cw.Flush()
}

func writePredictive(w io.Writer, sum *metrics.Calibration) error {
	cw := reports.NewCSVWriter(w)
	cw.Write([]string{"series", "day", "date", "q05", "q25", "q50", "q75", "q95"})
	for _, s := range sum.Series {
		for _, b := range s.Band {
			rec := []string{s.Name, fmtG(b.Day), b.Date}
			for _, q := range b.Quantiles {
				rec = append(rec, fmtG(q))
			}
			cw.Write(rec)
		}
	}
	return cw.Flush()
}

// bandLevels are the quantiles of a posterior-predictive band.
var bandLevels = [5]float64{0.05, 0.25, 0.5, 0.75, 0.95}

// summary fills metrics.Calibration from the run and its predictive check.
func (c *Calibration) summary(res *calib.Result, pr *predictive) *metrics.Calibration {
	f := c.File
	st := res.Final
	variant := f.Variant
	sum := &metrics.Calibration{
		Name: f.Name, Description: f.Description, Scenario: f.Scenario, Variant: variant, Seed: f.Seed,
		Start: date(f.Start), Cutoff: date(f.Cutoff), Particles: len(st.Particles), ESS: res.ESS(),
		Simulations: st.Simulations, Stop: string(res.Stop),
	}
	mean, vr := st.Mean(), st.Var()
	for k, key := range f.Keys {
		p := f.Priors[k]
		sum.Params = append(sum.Params, metrics.CalibParam{
			Key: key, Prior: describePrior(p), Source: p.Source,
			Mean: mean[k], SD: math.Sqrt(vr[k]), Median: st.Quantile(k, 0.5),
			Lo95: st.Quantile(k, 0.025), Hi95: st.Quantile(k, 0.975),
			PriorLo95: c.dists[k].Quantile(0.025), PriorHi95: c.dists[k].Quantile(0.975),
		})
	}
	for _, g := range st.History {
		sum.Generations = append(sum.Generations, metrics.CalibGeneration{Generation: g.Index, Epsilon: g.Eps, Acceptance: g.Acceptance, ESS: g.ESS, Simulations: g.Simulations})
	}
	for si := range f.Series {
		s := &f.Series[si]
		cs := metrics.CalibSeries{Name: s.Name, Observable: s.Observable, Transform: s.Transform, Unit: s.Unit, Discrepancy: s.Discrepancy}
		tr := s.TransformOf()
		for _, p := range c.points {
			if p.series != si {
				continue
			}
			x := pr.sample(c, si, p.day)
			pit, crps := scorePoint(x, p.obs, tr)
			cs.Points = append(cs.Points, metrics.CalibPoint{
				Date: date(p.obs.Date), Day: p.day, Value: p.obs.Value, Kind: string(p.obs.Kind), Source: p.obs.Source,
				HeldOut: p.heldOut, PIT: pit, CRPS: crps,
			})
		}
		for _, d := range pr.grid {
			x := pr.sample(c, si, d)
			slices.Sort(x)
			b := metrics.CalibBand{Day: d, Date: date(f.Start.Add(time.Duration(math.Round(d*86400)) * time.Second))}
			for q, lv := range bandLevels {
				b.Quantiles[q] = stats.Quantile(x, lv)
			}
			cs.Band = append(cs.Band, b)
		}
		sum.Series = append(sum.Series, cs)
	}
	return sum
}

func date(t time.Time) string { return t.Format(time.DateOnly) }

// applyTransform is calib's transform of x (calib keeps it unexported):
// ln(1 + max(x, 0)), ln(max(x, LogFloor)) or x.
func applyTransform(t calib.Transform, x float64) float64 {
	switch t {
	case calib.Log:
		return math.Log(math.Max(x, calib.LogFloor))
	case calib.Log1p:
		return math.Log1p(math.Max(x, 0))
	}
	return x
}

// scorePoint is the PIT and CRPS of observation o against the predictive
// sample x (observed units). The PIT is P(X < v) + ½ P(X = v); the CRPS,
// on o's transformed scale, is the sample estimator E|X − v| − ½ E|X − X'|
// (Gneiting & Raftery 2007, eq. 21). A capped point compares the model
// censored at the cap, min(X, cap), as the distance does.
func scorePoint(x []float64, o calib.Observation, tr calib.Transform) (pit, crps float64) {
	n := float64(len(x))
	v := applyTransform(tr, o.Value)
	t := make([]float64, len(x))
	below, ties := 0.0, 0.0
	for i, xi := range x {
		if o.Kind == calib.Capped {
			xi = math.Min(xi, o.Value)
		}
		switch {
		case xi < o.Value:
			below++
		case xi == o.Value:
			ties++
		}
		t[i] = applyTransform(tr, xi)
	}
	pit = (below + ties/2) / n
	slices.Sort(t)
	e1, e2 := 0.0, 0.0
	for i, ti := range t {
		e1 += math.Abs(ti - v)
		e2 += (2*float64(i+1) - n - 1) * ti // Σ_{i,j} |t_i − t_j| = 2 Σ_i (2i − n − 1) t_(i)
	}
	crps = e1/n - e2/(n*n)
	return pit, crps
}

// describePrior writes a prior as its family and parameters, e.g.
// "loguniform(0.005, 0.05)".
func describePrior(p scenarios.Prior) string {
	g := func(x *float64) string {
		if x == nil {
			return "—"
		}
		return fmtG(*x)
	}
	var b bytes.Buffer
	switch p.Dist {
	case "uniform", "loguniform":
		fmt.Fprintf(&b, "%s(%s, %s)", p.Dist, g(p.Min), g(p.Max))
	case "triangular":
		fmt.Fprintf(&b, "triangular(%s, %s, %s)", g(p.Min), g(p.Mode), g(p.Max))
	case "normal":
		fmt.Fprintf(&b, "normal(%s, %s)", g(p.Mean), g(p.SD))
	case "lognormal":
		if p.Mu != nil {
			fmt.Fprintf(&b, "lognormal(μ = %s, σ = %s)", g(p.Mu), g(p.Sigma))
		} else {
			fmt.Fprintf(&b, "lognormal(mean %s, sd %s)", g(p.Mean), g(p.SD))
		}
	case "beta":
		fmt.Fprintf(&b, "beta(%s, %s)", g(p.A), g(p.B))
	default:
		b.WriteString(p.Dist)
	}
	if p.Dist == "normal" || p.Dist == "lognormal" || p.Dist == "beta" {
		if p.Min != nil || p.Max != nil {
			fmt.Fprintf(&b, " on [%s, %s]", g(p.Min), g(p.Max))
		}
	}
	return b.String()
}

// ReportPosterior is the final generation as the calibration report takes
// it (reports.Posterior's fields): keys, weights, one row per particle.
func (c *Calibration) ReportPosterior(st *calib.State) (keys []string, weights []float64, rows [][]float64) {
	return slices.Clone(c.File.Keys), slices.Clone(st.Weights), st.Particles
}
