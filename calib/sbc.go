package calib

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/legolab/legolab/internal/portable"
)

// SBCSettings tune SBC. Zero values take the defaults given.
type SBCSettings struct {
	Histories int // synthetic histories; default 200
	// Draws is L, the posterior draws the true θ is ranked among; ranks run
	// 0 … L. Default 19. (Draws+1) must be a multiple of Bins.
	Draws int
	Bins  int // rank-histogram bins; default 5
	// Alpha is the family-wise level of the χ² uniformity tests (Holm over
	// the parameters); default 0.01.
	Alpha float64
	// CoverageAlpha is the two-sided level of each coverage check (an exact
	// binomial test per parameter and level); default 0.001.
	CoverageAlpha float64
	// Levels are the central credible-interval levels checked; default
	// 0.5, 0.8, 0.9, 0.95.
	Levels []float64
	// Workers run histories at once (each calibration on one worker).
	// Default 1; the result does not depend on it.
	Workers int
	Seed    uint64
	// Calibration is the ABC-SMC setting of every history; its Seed and
	// Workers are overridden.
	Calibration Settings
	// Progress, if set, is called after each history with the number done
	// (from the worker goroutines, one call at a time).
	Progress func(done int)
}

func (s SBCSettings) withDefaults() SBCSettings {
	if s.Histories == 0 {
		s.Histories = 200
	}
	if s.Draws == 0 {
		s.Draws = 19
	}
	if s.Bins == 0 {
		s.Bins = 5
	}
	if s.Alpha == 0 {
		s.Alpha = 0.01
	}
	if s.CoverageAlpha == 0 {
		s.CoverageAlpha = 0.001
	}
	if s.Levels == nil {
		s.Levels = []float64{0.5, 0.8, 0.9, 0.95}
	}
	if s.Workers == 0 {
		s.Workers = 1
	}
	return s
}

// SBCResult is the outcome of a simulation-based calibration check.
type SBCResult struct {
	Names []string
	// Ranks[h][k] is the rank of history h's true θ_k among the L posterior
	// draws: the number of draws below it, 0 … L.
	Ranks [][]int
	// Histogram[k][b] counts parameter k's ranks in bin b (bins of equal
	// width over 0 … L).
	Histogram [][]int
	ChiSquare []float64 // χ² statistic per parameter (Bins−1 degrees of freedom)
	PValue    []float64
	// Uniform[k] is false if Holm's procedure over the parameters rejects
	// parameter k's uniformity at Alpha.
	Uniform []bool
	Levels  []float64
	// Covered[k][l] is the number of histories whose central Levels[l]
	// interval of θ_k contains the truth; CoverageOK[k][l] says it lies in
	// the two-sided exact binomial acceptance region at CoverageAlpha.
	Covered    [][]int
	CoverageOK [][]bool
	Stops      map[StopRule]int // how each history's calibration stopped
	Pass       bool             // all uniform, all coverage within the region
}

// SBC checks a calibration by simulation-based calibration (Talts,
// Betancourt, Simpson, Vehtari & Gelman 2018): for each history it draws θ
// from the prior, simulates a synthetic history, calibrates to it (targets
// built by targetsOf from the simulated summaries), and ranks the true θ
// among L draws from the posterior. If the calibration's posterior is
// right, each parameter's ranks are uniform on 0 … L, and each central
// credible interval covers the truth at its level. History h's streams are
// fixed by (Seed, h): the result does not depend on Workers.
func SBC(ctx context.Context, prior Independent, sim Simulator, targetsOf func(summaries []float64) []Target, s SBCSettings) (*SBCResult, error) {
	s = s.withDefaults()
	if (s.Draws+1)%s.Bins != 0 {
		return nil, fmt.Errorf("calib: sbc: draws+1 = %d is not a multiple of bins = %d", s.Draws+1, s.Bins)
	}
	d := prior.Dim()
	type one struct {
		ranks   []int
		covered [][]bool
		stop    StopRule
		err     error
	}
	out := make([]one, s.Histories)
	hist := func(h int) one {
		truth := prior.Sample(stream(s.Seed, h, 0, streamSBCTruth))
		x, err := sim(ctx, truth, stream(s.Seed, h, 0, streamSBCHistory))
		if err != nil {
			return one{err: err}
		}
		cs := s.Calibration
		cs.Seed = mix64(s.Seed ^ mix64(uint64(h)+0x632BE59BD9B4E019))
		cs.Workers = 1
		cs.Progress, cs.Checkpoint, cs.Resume = nil, nil, nil
		res, err := Run(ctx, Problem{Prior: prior, Simulator: sim, Targets: targetsOf(x)}, cs)
		if err != nil {
			return one{err: fmt.Errorf("history %d: %w", h, err)}
		}
		draws := res.Final.Draw(stream(s.Seed, h, 0, streamSBCDraws), s.Draws)
		o := one{ranks: make([]int, d), covered: make([][]bool, d), stop: res.Stop}
		for k := range d {
			for _, th := range draws {
				if th[k] < truth[k] {
					o.ranks[k]++
				}
			}
			o.covered[k] = make([]bool, len(s.Levels))
			for l, c := range s.Levels {
				lo, hi := res.Final.Quantile(k, (1-c)/2), res.Final.Quantile(k, (1+c)/2)
				o.covered[k][l] = truth[k] >= lo && truth[k] <= hi
			}
		}
		return o
	}
	var next, done atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range min(s.Workers, s.Histories) {
		wg.Go(func() {
			for {
				h := int(next.Add(1)) - 1
				if h >= s.Histories || ctx.Err() != nil {
					return
				}
				out[h] = hist(h)
				if s.Progress != nil {
					mu.Lock()
					s.Progress(int(done.Add(1)))
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r := &SBCResult{Names: prior.Names(), Levels: s.Levels, Stops: map[StopRule]int{}}
	r.Histogram = make([][]int, d)
	r.Covered = make([][]int, d)
	for k := range d {
		r.Histogram[k] = make([]int, s.Bins)
		r.Covered[k] = make([]int, len(s.Levels))
	}
	for _, o := range out {
		if o.err != nil {
			return nil, fmt.Errorf("calib: sbc: %w", o.err)
		}
		r.Ranks = append(r.Ranks, o.ranks)
		r.Stops[o.stop]++
		for k := range d {
			r.Histogram[k][o.ranks[k]*s.Bins/(s.Draws+1)]++
			for l := range s.Levels {
				if o.covered[k][l] {
					r.Covered[k][l]++
				}
			}
		}
	}
	n := float64(s.Histories)
	for k := range d {
		e := n / float64(s.Bins)
		x2 := 0.0
		for _, c := range r.Histogram[k] {
			x2 += (float64(c) - e) * (float64(c) - e) / e
		}
		r.ChiSquare = append(r.ChiSquare, x2)
		r.PValue = append(r.PValue, portable.ChiSquaredSurvival(float64(s.Bins-1), x2))
	}
	r.Uniform = holm(r.PValue, s.Alpha)
	r.Pass = !slices.Contains(r.Uniform, false)
	r.CoverageOK = make([][]bool, d)
	for k := range d {
		r.CoverageOK[k] = make([]bool, len(s.Levels))
		for l, c := range s.Levels {
			r.CoverageOK[k][l] = binomialAccepts(r.Covered[k][l], s.Histories, c, s.CoverageAlpha)
			r.Pass = r.Pass && r.CoverageOK[k][l]
		}
	}
	return r, nil
}

// holm returns, per p-value, whether Holm's (1979) step-down procedure at
// family-wise level alpha keeps the null (true) or rejects it (false).
func holm(p []float64, alpha float64) []bool {
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] < p[idx[b]] })
	keep := make([]bool, len(p))
	for i := range keep {
		keep[i] = true
	}
	m := len(p)
	for j, i := range idx {
		if p[i] >= alpha/float64(m-j) {
			break
		}
		keep[i] = false
	}
	return keep
}

// binomialAccepts says whether k successes of n lie in the two-sided exact
// acceptance region of Binomial(n, c) at level alpha: P(X ≤ k) > alpha/2
// and P(X ≥ k) > alpha/2.
func binomialAccepts(k, n int, c, alpha float64) bool {
	lower := portable.BinomialCDF(float64(n), c, float64(k))
	upper := 1.0
	if k > 0 {
		upper = 1 - portable.BinomialCDF(float64(n), c, float64(k-1))
	}
	return lower > alpha/2 && upper > alpha/2 && !math.IsNaN(lower)
}
