package calib

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/legolab/legolab/internal/portable"
)

// Simulator runs the model at θ and returns its summaries, one per target
// of the problem, in the targets' order, on the raw (untransformed) scale.
// It must draw randomness only from r (a stream fixed by the run's seed,
// the generation and the attempt index), be safe for concurrent calls, and
// return an error only for a failure that should stop the calibration (a
// summary that is NaN or ±Inf just rejects the attempt). ctx is the run's
// context; a long simulator should return ctx.Err() once it is done.
type Simulator func(ctx context.Context, theta []float64, r *rand.Rand) ([]float64, error)

// Problem is what a calibration fits: the prior of θ, the simulator and the
// observed targets its summaries are compared with.
type Problem struct {
	Prior     Prior
	Simulator Simulator
	Targets   []Target
}

// Settings tune Run. Zero values take the defaults given.
type Settings struct {
	// Particles is the population size N. Default 500.
	Particles int
	// Alpha is the quantile of the previous generation's accepted distances
	// that becomes the next tolerance ε (Del Moral, Doucet & Jasra 2012).
	// In (0, 1); default 0.5: each generation keeps the closer half.
	Alpha float64
	// MaxGenerations counts generation 0 (the prior). Default 20.
	MaxGenerations int
	// MaxSimulations is the simulation budget over the whole run, checked
	// before every batch: a batch that could exceed it is not started. The
	// generation in progress is then discarded and the last finished one is
	// the result. Default 1,000,000.
	MaxSimulations int
	// MinAcceptance is the lowest acceptance rate (accepted / attempts) a
	// generation may have; once a generation has made more than
	// Particles/MinAcceptance attempts it is abandoned. Default 0.005.
	MinAcceptance float64
	// MinEpsDecrease is the lowest relative decrease 1 − ε_next/ε a
	// generation may achieve (ε_next measured with the generation's own
	// scales); below it the run stops after that generation. Default 0.01.
	MinEpsDecrease float64
	// Kernel is the perturbation kernel: KernelStandard (the default), one
	// N(0, 2Σ) for every particle, Σ the weighted covariance of the previous
	// generation (Beaumont et al. 2009); or KernelOLCM, Filippi, Barnes,
	// Cornebise & Stumpf's (2013) optimal local covariance matrix: for
	// ancestor θ_j, Σ_j = Σ_k w̃_k (θ_k − θ_j)(θ_k − θ_j)ᵀ over the previous
	// particles k already within the new ε (w̃ their renormalised weights),
	// falling back to the standard kernel when fewer than two are.
	Kernel KernelKind
	// Workers is the number of simulations run at once. Default 1. The
	// result does not depend on it.
	Workers int
	// Batch is the number of attempts run between two checks of the stop
	// rules; results are consumed in attempt order and attempts past the
	// N-th acceptance are discarded. Default Particles. The result depends
	// on it (through which simulations are counted), so a run is resumed
	// with the same Batch.
	Batch int
	// Seed fixes every random stream of the run.
	Seed uint64
	// Progress, if set, is called after each finished generation.
	Progress func(Generation)
	// Checkpoint, if set, is called with each finished generation; the
	// State is JSON-serialisable, and Resume takes it back. An error stops
	// the run.
	Checkpoint func(*State) error
	// Resume, if set, continues the run from this finished generation
	// (made by the same Problem and Settings); the result is the one of the
	// uninterrupted run, bit for bit.
	Resume *State
}

func (s Settings) withDefaults() Settings {
	if s.Particles == 0 {
		s.Particles = 500
	}
	if s.Alpha == 0 {
		s.Alpha = 0.5
	}
	if s.MaxGenerations == 0 {
		s.MaxGenerations = 20
	}
	if s.MaxSimulations == 0 {
		s.MaxSimulations = 1_000_000
	}
	if s.MinAcceptance == 0 {
		s.MinAcceptance = 0.005
	}
	if s.MinEpsDecrease == 0 {
		s.MinEpsDecrease = 0.01
	}
	if s.Workers == 0 {
		s.Workers = 1
	}
	if s.Batch == 0 {
		s.Batch = s.Particles
	}
	if s.Kernel == "" {
		s.Kernel = KernelStandard
	}
	return s
}

func (s Settings) validate() error {
	var errs []error
	if s.Particles < 2 {
		errs = append(errs, fmt.Errorf("calib: settings.particles: must be >= 2, got %d", s.Particles))
	}
	if !(s.Alpha > 0 && s.Alpha < 1) {
		errs = append(errs, fmt.Errorf("calib: settings.alpha: must be in (0,1), got %v", s.Alpha))
	}
	if s.MaxGenerations < 1 {
		errs = append(errs, fmt.Errorf("calib: settings.max_generations: must be >= 1, got %d", s.MaxGenerations))
	}
	if s.MaxSimulations < 1 {
		errs = append(errs, fmt.Errorf("calib: settings.max_simulations: must be >= 1, got %d", s.MaxSimulations))
	}
	if !(s.MinAcceptance > 0 && s.MinAcceptance <= 1) {
		errs = append(errs, fmt.Errorf("calib: settings.min_acceptance: must be in (0,1], got %v", s.MinAcceptance))
	}
	if !(s.MinEpsDecrease > 0 && s.MinEpsDecrease < 1) {
		errs = append(errs, fmt.Errorf("calib: settings.min_eps_decrease: must be in (0,1), got %v", s.MinEpsDecrease))
	}
	if s.Workers < 1 {
		errs = append(errs, fmt.Errorf("calib: settings.workers: must be >= 1, got %d", s.Workers))
	}
	if s.Batch < 1 {
		errs = append(errs, fmt.Errorf("calib: settings.batch: must be >= 1, got %d", s.Batch))
	}
	if s.Kernel != KernelStandard && s.Kernel != KernelOLCM {
		errs = append(errs, fmt.Errorf("calib: settings.kernel: %q; want standard or olcm", s.Kernel))
	}
	return joinErrs(errs)
}

// KernelKind names a perturbation kernel (Settings.Kernel).
type KernelKind string

// The kernels.
const (
	KernelStandard KernelKind = "standard"
	KernelOLCM     KernelKind = "olcm"
)

// StopRule says why a run ended.
type StopRule string

// The stop rules.
const (
	StopMaxGenerations StopRule = "max_generations" // MaxGenerations finished
	StopBudget         StopRule = "budget"          // MaxSimulations reached within a generation
	StopMinAcceptance  StopRule = "min_acceptance"  // a generation's acceptance fell below MinAcceptance
	StopMinEpsDecrease StopRule = "min_eps_decrease"
)

// Generation is the diagnostics of one finished generation.
type Generation struct {
	Index int `json:"generation"`
	// Eps is the tolerance the generation accepted at, in the scales of the
	// previous generation. Generation 0 accepts every prior draw with finite
	// summaries; its Eps is the largest of their distances.
	Eps float64 `json:"eps"`
	// Attempts are the proposals consumed (up to the N-th acceptance),
	// including those outside the prior's support that were not simulated.
	Attempts int `json:"attempts"`
	// Simulations are the simulator calls of the generation, discarded ones
	// past the N-th acceptance in the last batch included.
	Simulations int     `json:"simulations"`
	Acceptance  float64 `json:"acceptance"` // Particles / Attempts
	ESS         float64 `json:"ess"`        // 1 / Σ w², Kish's effective sample size
	// Decrease is 1 − q_α/Eps, the relative decrease of ε this generation
	// achieved, with q_α the α-quantile of its accepted distances in its own
	// scales (0 for generation 0).
	Decrease float64 `json:"decrease"`
	// TotalSimulations is the run's simulator calls so far.
	TotalSimulations int `json:"total_simulations"`
}

// State is a finished generation: the population and everything the next
// generation needs. It is what Checkpoint receives and Resume takes, and it
// round-trips through encoding/json exactly (Go writes the shortest decimal
// that reads back as the same float64).
type State struct {
	Generation int         `json:"generation"`
	Particles  [][]float64 `json:"particles"` // θ of each particle
	Weights    []float64   `json:"weights"`   // normalised importance weights
	Summaries  [][]float64 `json:"summaries"` // each particle's simulated summaries
	Distances  []float64   `json:"distances"` // each particle's distance in Scales
	Scales     []float64   `json:"scales"`    // the distance scales this generation used
	// NextEps and NextScales are the next generation's tolerance and scales.
	NextEps    float64   `json:"next_eps"`
	NextScales []float64 `json:"next_scales"`
	// Simulations and Attempts are totals over the run so far.
	Simulations int          `json:"simulations"`
	Attempts    int          `json:"attempts"`
	History     []Generation `json:"history"`
}

// Result is a finished calibration.
type Result struct {
	Final *State   // the last finished generation: the posterior sample
	Stop  StopRule // which rule ended the run
}

// ESS is 1/Σ w² of the final population.
func (r *Result) ESS() float64 { return ess(r.Final.Weights) }

// Run calibrates p by ABC-SMC: population Monte Carlo (Beaumont, Cornuet,
// Marin & Robert 2009) with the adaptive tolerance of Del Moral, Doucet &
// Jasra (2012) and the adaptive distance of Prangle (2017).
//
// Generation 0 draws N particles from the prior. Generation t ≥ 1 proposes
// θ* by picking a particle of generation t−1 by weight and perturbing it
// with N(0, 2Σ), Σ the weighted covariance of generation t−1 (Beaumont et
// al. 2009); θ* outside the prior's support is rejected unsimulated;
// otherwise it is simulated and accepted if its distance is at most ε_t.
// An accepted particle's weight is π(θ*) / Σ_j w_j K(θ*|θ_j). After each
// generation the distance scales are reset from all its simulations and ε
// to the α-quantile of its accepted distances in the new scales. See
// docs/calibration.md.
func Run(ctx context.Context, p Problem, s Settings) (*Result, error) {
	s = s.withDefaults()
	if err := joinErrs([]error{s.validate(), validateTargets(p.Targets)}); err != nil {
		return nil, err
	}
	if p.Prior == nil || p.Simulator == nil {
		return nil, errors.New("calib: problem needs a prior and a simulator")
	}
	if len(p.Targets) == 0 {
		return nil, errors.New("calib: problem has no targets")
	}
	r := &runner{p: p, s: s, dim: p.Prior.Dim()}
	var st *State
	if s.Resume != nil {
		if err := r.checkResume(s.Resume); err != nil {
			return nil, err
		}
		st = s.Resume
		if stop, ok := r.stopAfter(st); ok {
			return &Result{Final: st, Stop: stop}, nil
		}
	}
	for {
		next, stop, err := r.generation(ctx, st)
		if err != nil {
			return nil, err
		}
		if next == nil {
			if st == nil {
				return nil, fmt.Errorf("calib: generation 0 did not finish (%s): raise max_simulations or lower min_acceptance", stop)
			}
			return &Result{Final: st, Stop: stop}, nil
		}
		st = next
		if s.Progress != nil {
			s.Progress(st.History[len(st.History)-1])
		}
		if s.Checkpoint != nil {
			if err := s.Checkpoint(st); err != nil {
				return nil, fmt.Errorf("calib: checkpoint of generation %d: %w", st.Generation, err)
			}
		}
		if stop, ok := r.stopAfter(st); ok {
			return &Result{Final: st, Stop: stop}, nil
		}
	}
}

type runner struct {
	p   Problem
	s   Settings
	dim int
}

func (r *runner) checkResume(st *State) error {
	n, d, m := r.s.Particles, r.dim, len(r.p.Targets)
	bad := len(st.Particles) != n || len(st.Weights) != n || len(st.Summaries) != n ||
		len(st.Distances) != n || len(st.NextScales) != m || len(st.History) != st.Generation+1
	for i := 0; !bad && i < n; i++ {
		bad = len(st.Particles[i]) != d || len(st.Summaries[i]) != m
	}
	if bad {
		return fmt.Errorf("calib: resume state of generation %d does not fit %d particles of %d parameters and %d targets", st.Generation, n, d, m)
	}
	return nil
}

// stopAfter applies the between-generation stop rules to a finished one.
func (r *runner) stopAfter(st *State) (StopRule, bool) {
	g := st.History[len(st.History)-1]
	switch {
	case st.Generation+1 >= r.s.MaxGenerations:
		return StopMaxGenerations, true
	case g.Acceptance < r.s.MinAcceptance:
		return StopMinAcceptance, true
	case st.Generation > 0 && g.Decrease < r.s.MinEpsDecrease:
		return StopMinEpsDecrease, true
	}
	return "", false
}

// attempt is the outcome of one proposal.
type attempt struct {
	theta     []float64
	x         []float64
	simulated bool
	ok        bool // in the prior's support, simulated, finite summaries
	err       error
}

// kernel is the perturbation of a generation: ancestor choice and N(0, 2Σ).
type kernel struct {
	prev *State
	cum  []float64 // cumulative weights
	// chol[j] is the lower Cholesky factor (row-major dim×dim) of ancestor
	// j's covariance, and logDet[j] = ln det of that factor; with the
	// standard kernel every j shares one.
	chol   [][]float64
	logDet []float64
}

func (r *runner) newKernel(prev *State) *kernel {
	d := r.dim
	w := prev.Weights
	mean := make([]float64, d)
	for i, th := range prev.Particles {
		for k := range d {
			mean[k] += w[i] * th[k]
		}
	}
	cov := make([]float64, d*d)
	for i, th := range prev.Particles {
		for a := range d {
			for b := 0; b <= a; b++ {
				cov[a*d+b] += w[i] * (th[a] - mean[a]) * (th[b] - mean[b])
			}
		}
	}
	for a := range d {
		for b := 0; b <= a; b++ {
			cov[a*d+b] *= 2
			cov[b*d+a] = cov[a*d+b]
		}
	}
	cum := make([]float64, len(w))
	c := 0.0
	for i, v := range w {
		c += v
		cum[i] = c
	}
	k := &kernel{prev: prev, cum: cum, chol: make([][]float64, len(w)), logDet: make([]float64, len(w))}
	std := cholesky(cov, d)
	for j := range k.chol {
		k.chol[j] = std
	}
	if r.s.Kernel == KernelOLCM {
		r.olcm(k, prev)
	}
	for j, l := range k.chol {
		for a := range d {
			k.logDet[j] += math.Log(l[a*d+a])
		}
	}
	return k
}

// olcm sets each ancestor's covariance to Filippi et al.'s (2013) optimal
// local one: Σ_j = C + (m − θ_j)(m − θ_j)ᵀ, with m and C the weighted mean
// and covariance of the previous particles within the next ε.
func (r *runner) olcm(k *kernel, prev *State) {
	d := r.dim
	dist := &Distance{Targets: r.p.Targets, Scales: prev.NextScales}
	var in []int
	tot := 0.0
	for i, x := range prev.Summaries {
		if dist.Of(x) <= prev.NextEps && prev.Weights[i] > 0 {
			in = append(in, i)
			tot += prev.Weights[i]
		}
	}
	if len(in) < 2 {
		return
	}
	m := make([]float64, d)
	for _, i := range in {
		for a := range d {
			m[a] += prev.Weights[i] / tot * prev.Particles[i][a]
		}
	}
	c := make([]float64, d*d)
	for _, i := range in {
		w := prev.Weights[i] / tot
		for a := range d {
			for b := range d {
				c[a*d+b] += w * (prev.Particles[i][a] - m[a]) * (prev.Particles[i][b] - m[b])
			}
		}
	}
	sj := make([]float64, d*d)
	for j, th := range prev.Particles {
		for a := range d {
			for b := range d {
				sj[a*d+b] = c[a*d+b] + (m[a]-th[a])*(m[b]-th[b])
			}
		}
		k.chol[j] = cholesky(sj, d)
	}
}

// cholesky returns the lower factor of the symmetric d×d matrix a, adding a
// growing jitter to the diagonal while it is not positive definite (a
// parameter whose particles all agree has variance 0).
func cholesky(a []float64, d int) []float64 {
	trace := 0.0
	for i := range d {
		trace += a[i*d+i]
	}
	jitter := 0.0
	for range 40 {
		l := make([]float64, d*d)
		ok := true
		for i := 0; i < d && ok; i++ {
			for j := 0; j <= i; j++ {
				sum := a[i*d+j]
				if i == j {
					sum += jitter
				}
				for k := range j {
					sum -= l[i*d+k] * l[j*d+k]
				}
				if i == j {
					if !(sum > 0) {
						ok = false
						break
					}
					l[i*d+i] = math.Sqrt(sum)
				} else {
					l[i*d+j] = sum / l[j*d+j]
				}
			}
		}
		if ok {
			return l
		}
		if jitter == 0 {
			jitter = 1e-12 * math.Max(trace/float64(d), 1e-300)
			if jitter == 0 || math.IsNaN(jitter) {
				jitter = 1e-12
			}
		} else {
			jitter *= 10
		}
	}
	panic("calib: covariance not positive definite even with jitter")
}

func (k *kernel) propose(rp *rand.Rand, d int) []float64 {
	u := rp.Float64() * k.cum[len(k.cum)-1]
	j, _ := slices.BinarySearch(k.cum, u)
	if j >= len(k.cum) {
		j = len(k.cum) - 1
	}
	for j < len(k.cum)-1 && k.prev.Weights[j] == 0 {
		j++
	}
	z := make([]float64, d)
	for i := range z {
		z[i] = rp.NormFloat64()
	}
	th := slices.Clone(k.prev.Particles[j])
	l := k.chol[j]
	for a := range d {
		for b := 0; b <= a; b++ {
			th[a] += l[a*d+b] * z[b]
		}
	}
	return th
}

// logDensitySum is ln Σ_j w_j exp(−½|L_j⁻¹(θ − θ_j)|²)/det L_j, the kernel
// mixture density at θ up to the factor (2π)^{−d/2}, which is the same for
// every particle of the generation (and so cancels in the normalised
// weights).
func (k *kernel) logDensitySum(th []float64, d int, z []float64) float64 {
	maxv := math.Inf(-1)
	vals := make([]float64, len(k.prev.Particles))
	for j, tj := range k.prev.Particles {
		if k.prev.Weights[j] == 0 {
			vals[j] = math.Inf(-1)
			continue
		}
		q := 0.0
		l := k.chol[j]
		for a := range d {
			s := th[a] - tj[a]
			for b := range a {
				s -= l[a*d+b] * z[b]
			}
			z[a] = s / l[a*d+a]
			q += z[a] * z[a]
		}
		vals[j] = math.Log(k.prev.Weights[j]) - 0.5*q - k.logDet[j]
		maxv = math.Max(maxv, vals[j])
	}
	s := 0.0
	for _, v := range vals {
		s += portable.Exp(v - maxv)
	}
	return maxv + math.Log(s)
}

func (r *runner) run(ctx context.Context, g, a int, k *kernel) attempt {
	rp := stream(r.s.Seed, g, a, streamProposal)
	var th []float64
	if k == nil {
		th = r.p.Prior.Sample(rp)
	} else {
		th = k.propose(rp, r.dim)
	}
	if math.IsInf(r.p.Prior.LogPdf(th), -1) {
		return attempt{theta: th}
	}
	x, err := r.p.Simulator(ctx, th, stream(r.s.Seed, g, a, streamSimulate))
	if err != nil {
		return attempt{theta: th, simulated: true, err: err}
	}
	if len(x) != len(r.p.Targets) {
		return attempt{theta: th, simulated: true, err: fmt.Errorf("calib: simulator returned %d summaries for %d targets", len(x), len(r.p.Targets))}
	}
	ok := true
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			ok = false
		}
	}
	return attempt{theta: th, x: x, simulated: true, ok: ok}
}

// batch runs attempts [from, from+n) of generation g on the workers.
func (r *runner) batch(ctx context.Context, g, from, n int, k *kernel) []attempt {
	out := make([]attempt, n)
	workers := min(r.s.Workers, n)
	if workers <= 1 {
		for i := range out {
			out[i] = r.run(ctx, g, from+i, k)
		}
		return out
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				out[i] = r.run(ctx, g, from+i, k)
			}
		})
	}
	wg.Wait()
	return out
}

// generation runs the generation after prev (generation 0 if prev is nil).
// It returns the finished generation, or nil and the rule that stopped it.
func (r *runner) generation(ctx context.Context, prev *State) (*State, StopRule, error) {
	n := r.s.Particles
	g, sims, attempts := 0, 0, 0
	var k *kernel
	dist := &Distance{Targets: r.p.Targets}
	eps := math.Inf(1)
	if prev != nil {
		g, sims, attempts = prev.Generation+1, prev.Simulations, prev.Attempts
		k = r.newKernel(prev)
		dist.Scales = prev.NextScales
		eps = prev.NextEps
	}
	var acc []attempt
	var accD []float64
	var all [][]float64 // finite summaries of every consumed simulation
	genAttempts, genSims := 0, 0
	maxAttempts := int(math.Ceil(float64(n) / r.s.MinAcceptance))
	for len(acc) < n {
		if err := ctx.Err(); err != nil {
			return nil, "", err
		}
		if sims+r.s.Batch > r.s.MaxSimulations {
			return nil, StopBudget, nil
		}
		if genAttempts >= maxAttempts {
			return nil, StopMinAcceptance, nil
		}
		out := r.batch(ctx, g, genAttempts, r.s.Batch, k)
		for _, at := range out {
			if at.simulated {
				sims++
				genSims++
			}
		}
		for _, at := range out {
			if at.err != nil {
				return nil, "", fmt.Errorf("calib: generation %d: %w", g, at.err)
			}
		}
		for _, at := range out {
			genAttempts++
			if !at.ok {
				continue
			}
			all = append(all, at.x)
			d := 0.0
			if prev != nil {
				d = dist.Of(at.x)
				if !(d <= eps) {
					continue
				}
			}
			acc = append(acc, at)
			accD = append(accD, d)
			if len(acc) == n {
				break
			}
		}
	}
	attempts += genAttempts
	st := &State{Generation: g, Simulations: sims, Attempts: attempts}
	st.Particles = make([][]float64, n)
	st.Summaries = make([][]float64, n)
	for i, at := range acc {
		st.Particles[i] = at.theta
		st.Summaries[i] = at.x
	}
	// Importance weights.
	logw := make([]float64, n)
	if k != nil {
		z := make([]float64, r.dim)
		for i, th := range st.Particles {
			logw[i] = r.p.Prior.LogPdf(th) - k.logDensitySum(th, r.dim, z)
		}
	}
	st.Weights = normalise(logw)
	// Scales: generation 0 uses the ones of its own simulations.
	next := &Distance{Targets: r.p.Targets}
	next.Rescale(all)
	if prev == nil {
		dist.Scales = next.Scales
		for i, at := range acc {
			accD[i] = dist.Of(at.x)
		}
		eps = slices.Max(accD)
	}
	st.Scales = dist.Scales
	st.Distances = accD
	st.NextScales = next.Scales
	nd := make([]float64, n)
	for i, at := range acc {
		nd[i] = next.Of(at.x)
	}
	st.NextEps = quantile(nd, r.s.Alpha)
	gen := Generation{
		Index: g, Eps: eps, Attempts: genAttempts, Simulations: genSims,
		Acceptance: float64(n) / float64(genAttempts), ESS: ess(st.Weights),
		TotalSimulations: sims,
	}
	if prev != nil && eps > 0 {
		gen.Decrease = 1 - quantile(accD, r.s.Alpha)/eps
	}
	if prev != nil {
		st.History = append(slices.Clone(prev.History), gen)
	} else {
		st.History = []Generation{gen}
	}
	return st, "", nil
}

func normalise(logw []float64) []float64 {
	m := slices.Max(logw)
	w := make([]float64, len(logw))
	if math.IsInf(m, 0) || math.IsNaN(m) {
		for i := range w {
			w[i] = 1 / float64(len(w))
		}
		return w
	}
	s := 0.0
	for i, v := range logw {
		w[i] = portable.Exp(v - m)
		s += w[i]
	}
	for i := range w {
		w[i] /= s
	}
	return w
}

func ess(w []float64) float64 {
	s := 0.0
	for _, v := range w {
		s += v * v
	}
	return 1 / s
}

// quantile is the type-7 p-quantile of x (unsorted).
func quantile(x []float64, p float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	h := p * float64(len(s)-1)
	lo := int(math.Floor(h))
	if lo+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[lo] + (h-float64(lo))*(s[lo+1]-s[lo])
}
