package lab

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/legolab/legolab/agents"
	"github.com/legolab/legolab/calib"
	"github.com/legolab/legolab/calibrations"
	"github.com/legolab/legolab/metrics/observe"
	"github.com/legolab/legolab/scenarios"
	"github.com/legolab/legolab/sim"
)

// Calibration is a calibration file ready to run: its ABC-SMC problem
// (the free priors, the lean simulator, the fitted targets) and the
// options of the run. OpenCalibration and NewCalibration make one.
type Calibration struct {
	// File is the decoded, validated calibration file; Source its bytes,
	// copied verbatim into the output folder as calibration.toml.
	File   *calibrations.File
	Source []byte
	// Jobs is the number of simulations run at once (default 1); the
	// outputs do not depend on it.
	Jobs int
	// Resume continues the checkpoint in the output folder; Force starts
	// over in a folder that holds a calibration already.
	Resume, Force bool
	// Draws is the number of posterior draws of the posterior-predictive
	// check (default 200).
	Draws int
	// Version is the legolab version recorded in the folder's manifest.
	Version string
	// Progress, if set, is called after each finished generation.
	Progress func(calib.Generation)
	// Checkpointed, if set, is called after each checkpoint is written,
	// with its generation (tests interrupt a run there).
	Checkpointed func(generation int)

	prior   calib.Independent
	dists   []scenarios.PriorDist
	central scenarios.Theta
	free    []int // index in central of each free parameter
	points  []calPoint
	fitted  []int // indices in points of the fitted targets, in target order
	targets []calib.Target
	plan    readPlan // the ABC simulator's reads: the fitted points
	// sims counts Simulate's calls since Run started: with the resumed
	// state's count, the simulations run in all, those of a generation the
	// budget discarded included.
	sims atomic.Int64
}

// calPoint is one observed value with where it meets the model.
type calPoint struct {
	series  int
	obs     calib.Observation
	day     float64
	heldOut bool
}

// readPlan is what one lean replication reads: the model advanced to each
// of days (ascending, distinct), the observables names read at each.
type readPlan struct {
	days  []float64
	names []string
	// at[k] locates summary k: the day index and the name index.
	at [][2]int
	// scale[k] multiplies summary k (the series' scale).
	scale []float64
}

// OpenCalibration reads the calibration file at nameOrPath, or the
// built-in calibration of that name, and prepares it (NewCalibration).
func OpenCalibration(nameOrPath string) (*Calibration, error) {
	opt := calibrations.Options{Observables: observe.Observables}
	var f *calibrations.File
	var src []byte
	var err error
	if _, berr := calibrations.BuiltinSource(nameOrPath); berr == nil && !strings.HasSuffix(nameOrPath, ".toml") && !fileExists(nameOrPath) {
		src, _ = calibrations.BuiltinSource(nameOrPath)
		f, err = calibrations.Builtin(nameOrPath, opt)
	} else {
		if !strings.HasSuffix(nameOrPath, ".toml") && !fileExists(nameOrPath) {
			_, err := calibrations.Open(nameOrPath, opt) // says what is missing
			return nil, err
		}
		if src, err = scenarios.ReadFileLimited(nameOrPath); err != nil {
			return nil, err
		}
		f, err = calibrations.Parse(src, nameOrPath, opt)
	}
	if err != nil {
		return nil, err
	}
	return NewCalibration(f, src)
}

// ReadCalibration parses and prepares a calibration file's bytes, as
// `legolab validate` checks one: every problem of the file, of it against
// its scenario and data, and of its ABC settings, at once.
func ReadCalibration(src []byte, path string) (*Calibration, error) {
	f, err := calibrations.Parse(src, path, calibrations.Options{Observables: observe.Observables})
	if err != nil {
		return nil, err
	}
	return NewCalibration(f, src)
}

// NewCalibration prepares a validated calibration file: its prior (the
// free priors as calib.Independent, each with the density of the
// distribution the scenario draws from), the central θ of the other
// priors, the observed points and the fitted targets.
func NewCalibration(f *calibrations.File, src []byte) (*Calibration, error) {
	c := &Calibration{File: f, Source: src}
	ps, variant := f.PriorSpec()
	sm, err := ps.Sampler(variant)
	if err != nil {
		return nil, err
	}
	c.central = sm.Central()
	keys := sm.Keys()
	for i, k := range f.Keys {
		j := slices.Index(keys, k)
		if j < 0 {
			return nil, f.ErrorAt("free", fmt.Sprintf("%s has no prior in the scenario", k))
		}
		d := sm.Dist(j)
		if d == nil {
			return nil, f.ErrorAt(fmt.Sprintf("free[%d]", i), fmt.Sprintf("%s has a prior without a density (a choice): it cannot be free", k))
		}
		c.free = append(c.free, j)
		c.dists = append(c.dists, d)
		c.prior = append(c.prior, calib.Param{Name: k, Dist: d})
	}
	for si := range f.Series {
		s := &f.Series[si]
		for _, o := range s.Observed {
			c.points = append(c.points, calPoint{series: si, obs: o, day: calibrations.Day(f.Start, o.Date), heldOut: f.HeldOut(o.Date)})
		}
	}
	for i, p := range c.points {
		if p.heldOut {
			continue
		}
		s := &f.Series[p.series]
		c.fitted = append(c.fitted, i)
		c.targets = append(c.targets, calib.TargetOf(p.obs, s.TransformOf(), s.Discrepancy))
	}
	c.plan = c.planFor(c.fitted, nil)
	return c, nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// planFor returns the reads of the points idx (indices into c.points),
// and of the observables of every series at the extra days.
func (c *Calibration) planFor(idx []int, extra []float64) readPlan {
	var pl readPlan
	days := slices.Clone(extra)
	for _, i := range idx {
		days = append(days, c.points[i].day)
	}
	slices.Sort(days)
	pl.days = slices.Compact(days)
	nameIdx := func(n string) int {
		if k := slices.Index(pl.names, n); k >= 0 {
			return k
		}
		pl.names = append(pl.names, n)
		return len(pl.names) - 1
	}
	for _, i := range idx {
		p := c.points[i]
		s := &c.File.Series[p.series]
		d, _ := slices.BinarySearch(pl.days, p.day)
		pl.at = append(pl.at, [2]int{d, nameIdx(s.Observable)})
		pl.scale = append(pl.scale, s.Scale)
	}
	for i := range c.File.Series {
		nameIdx(c.File.Series[i].Observable)
	}
	return pl
}

// Prior is the calibration's prior: the free priors, in File.Keys order.
func (c *Calibration) Prior() calib.Independent { return c.prior }

// Targets are the fitted targets (points up to the cutoff), series by
// series in date order.
func (c *Calibration) Targets() []calib.Target { return c.targets }

// theta is the scenario θ of free values x: the central θ with the free
// priors replaced.
func (c *Calibration) theta(x []float64) scenarios.Theta {
	th := slices.Clone(c.central)
	for k, j := range c.free {
		th[j] = scenarios.Draw{Key: th[j].Key, Value: x[k]}
	}
	return th
}

// replicate is the lean replication: the scenario at θ = (free values x,
// the other priors central), run with replication seed seed and index 0,
// advanced to each day of pl and read only at them, and only the
// observables pl names. It returns values[d][n], name n at day d.
func (c *Calibration) replicate(ctx context.Context, x []float64, seed uint64, pl *readPlan) ([][]float64, error) {
	spec, err := c.File.Spec.WithTheta(c.theta(x))
	if err != nil {
		return nil, fmt.Errorf("the scenario at θ = %v: %w", x, err)
	}
	m, err := agents.New(spec, seed, 0, agents.Options{})
	if err != nil {
		return nil, err
	}
	defer m.Release() // for the next simulation's New
	pc, err := observe.NewPointCollector(spec, m, pl.names)
	if err != nil {
		return nil, err
	}
	out := make([][]float64, len(pl.days))
	flat := make([]float64, 0, len(pl.days)*len(pl.names))
	for d, t := range pl.days {
		if err := m.RunUntil(ctx, t); err != nil {
			return nil, err
		}
		n0 := len(flat)
		flat = pc.Read(flat)
		out[d] = flat[n0:len(flat):len(flat)]
	}
	return out, nil
}

// Simulate is the calibration's calib.Simulator: the lean replication at
// θ, read at the fitted points' days, each summary scale × observable.
// Its replication seed is r.Uint64(), the first word of the stream calib
// gives the attempt (keyed by the run's seed, the generation and the
// attempt index), and its replication index 0; so an attempt's simulation
// is a function of (seed, generation, attempt), whatever the worker.
func (c *Calibration) Simulate(ctx context.Context, x []float64, r *rand.Rand) ([]float64, error) {
	c.sims.Add(1)
	vals, err := c.replicate(ctx, x, r.Uint64(), &c.plan)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(c.plan.at))
	for k, at := range c.plan.at {
		out[k] = c.plan.scale[k] * vals[at[0]][at[1]]
	}
	return out, nil
}

// Problem is the ABC-SMC problem of the calibration.
func (c *Calibration) Problem() calib.Problem {
	return calib.Problem{Prior: c.prior, Simulator: c.Simulate, Targets: c.targets}
}

// Settings are the file's ABC-SMC settings with Jobs workers.
func (c *Calibration) Settings() calib.Settings {
	s := c.File.Settings()
	s.Workers = max(c.Jobs, 1)
	return s
}

// predictive is the posterior-predictive sample: draws θ from the final
// particles and, for each, the lean replication on a day grid and at every
// observed point (fitted and held out).
type predictive struct {
	plan readPlan
	grid []float64 // the band's days
	// vals[i] is draw i's replication (days × names).
	vals [][][]float64
}

// gridDays is the number of band days between day 0 and the last point.
const gridDays = 60

// Streams of the posterior-predictive check, keyed by (seed, draw index).
var (
	streamPredictiveDraw = sim.StreamID("calibrate/predictive-draw")
	streamPredictiveSim  = sim.StreamID("calibrate/predictive-sim")
)

// posteriorPredictive draws c.Draws θ from st by weight (the stream
// sim.NewStream(seed, 0, "calibrate/predictive-draw")) and runs draw i
// with replication seed sim.NewStream(seed, i, "calibrate/predictive-sim").Uint64(),
// Jobs at a time, results kept in draw order.
func (c *Calibration) posteriorPredictive(ctx context.Context, st *calib.State) (*predictive, error) {
	n := c.Draws
	if n <= 0 {
		n = 200
	}
	seed := c.File.Seed
	draws := st.Draw(sim.NewStream(seed, 0, streamPredictiveDraw), n)
	last := 0.0
	all := make([]int, len(c.points))
	for i, p := range c.points {
		all[i] = i
		last = math.Max(last, p.day)
	}
	grid := make([]float64, gridDays)
	for i := range grid {
		grid[i] = last * float64(i) / float64(gridDays-1)
	}
	pr := &predictive{plan: c.planFor(all, grid), grid: grid, vals: make([][][]float64, n)}
	errs := make([]error, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(max(c.Jobs, 1), n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				s := sim.NewStream(seed, uint64(i), streamPredictiveSim).Uint64()
				pr.vals[i], errs[i] = c.replicate(ctx, draws[i], s, &pr.plan)
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return pr, nil
}

// sample returns the predictive values of series si at day d: scale ×
// its observable, one per draw.
func (pr *predictive) sample(c *Calibration, si int, day float64) []float64 {
	s := &c.File.Series[si]
	d, _ := slices.BinarySearch(pr.plan.days, day)
	n := slices.Index(pr.plan.names, s.Observable)
	out := make([]float64, len(pr.vals))
	for i, v := range pr.vals {
		out[i] = s.Scale * v[d][n]
	}
	return out
}
