package stats

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Morris computes the elementary effects of Morris (1991) with the μ* of Campolongo, Cariboni
// & Saltelli (2007). X holds r trajectories of k+1 consecutive rows each, points of the unit
// cube [0,1]^k; consecutive rows of a trajectory differ in exactly one parameter, and each
// parameter moves exactly once per trajectory. Y[j] is the model output at X[j]. The
// elementary effect of the move from row j to j+1 in parameter i is (Y[j+1]−Y[j]) /
// (X[j+1][i]−X[j][i]), the step Δ (or −Δ) being read from the design, so the effects are in
// output units per unit-cube range of the parameter. It returns per parameter the mean of the
// absolute effects μ*, their mean μ and their sample standard deviation σ (NaN when r = 1).
// It returns an error if the design is not of that form.
func Morris(X [][]float64, Y []float64, k int) (muStar, mu, sigma []float64, err error) {
	if k < 1 {
		return nil, nil, nil, fmt.Errorf("stats: morris needs k >= 1 parameters, got %d", k)
	}
	if len(X) != len(Y) {
		return nil, nil, nil, fmt.Errorf("stats: morris has %d design rows but %d outputs", len(X), len(Y))
	}
	if len(X) == 0 || len(X)%(k+1) != 0 {
		return nil, nil, nil, fmt.Errorf("stats: morris needs a positive multiple of k+1 = %d rows, got %d", k+1, len(X))
	}
	for j, row := range X {
		if len(row) != k {
			return nil, nil, nil, fmt.Errorf("stats: morris row %d has %d values, want %d", j, len(row), k)
		}
	}
	r := len(X) / (k + 1)
	ee := make([][]float64, k) // ee[i][t]: effect of parameter i in trajectory t
	for i := range ee {
		ee[i] = make([]float64, r)
	}
	moved := make([]bool, k)
	for t := range r {
		clear(moved)
		for s := range k {
			j := t*(k+1) + s
			changed := -1
			for i := range k {
				if X[j+1][i] != X[j][i] {
					if changed >= 0 {
						return nil, nil, nil, fmt.Errorf("stats: morris trajectory %d step %d (rows %d-%d) moves more than one parameter", t, s, j, j+1)
					}
					changed = i
				}
			}
			if changed < 0 {
				return nil, nil, nil, fmt.Errorf("stats: morris trajectory %d step %d (rows %d-%d) moves no parameter", t, s, j, j+1)
			}
			if moved[changed] {
				return nil, nil, nil, fmt.Errorf("stats: morris trajectory %d moves parameter %d twice", t, changed)
			}
			moved[changed] = true
			ee[changed][t] = (Y[j+1] - Y[j]) / (X[j+1][changed] - X[j][changed])
		}
	}
	muStar, mu, sigma = make([]float64, k), make([]float64, k), make([]float64, k)
	for i, e := range ee {
		var sum, sumAbs float64
		for _, v := range e {
			sum += v
			sumAbs += math.Abs(v)
		}
		mu[i], muStar[i] = sum/float64(r), sumAbs/float64(r)
		if r < 2 {
			sigma[i] = math.NaN()
			continue
		}
		ss := 0.0
		for _, v := range e {
			ss += (v - mu[i]) * (v - mu[i])
		}
		sigma[i] = math.Sqrt(ss / float64(r-1))
	}
	return muStar, mu, sigma, nil
}

// SobolIndex is one parameter's first-order index S1 and total index ST with 95% percentile
// bootstrap intervals.
type SobolIndex struct {
	S1   float64 `json:"s1"`
	S1Lo float64 `json:"s1_lo"`
	S1Hi float64 `json:"s1_hi"`
	ST   float64 `json:"st"`
	STLo float64 `json:"st_lo"`
	STHi float64 `json:"st_hi"`
}

// sobolStream is the second PCG seed word of Sobol's bootstrap stream, fixed so that a seed
// names one stream of resampling indices.
const sobolStream = 0x736f626f6c /* "sobol" */

// Sobol estimates first-order and total Sobol indices from the Saltelli (2010) A/B/AB_i
// design: A and B are N×k matrices of independent inputs, AB_i is A with column i taken from
// B, and yA, yB, yAB[i] are the model outputs on A, B and AB_i. With V the variance of yA and
// yB pooled,
//
//	S1_i = (1/N) Σ yB_j (yAB_ij − yA_j) / V    (Saltelli et al. 2010, Table 2 (b))
//	ST_i = (1/2N) Σ (yA_j − yAB_ij)² / V       (Jansen 1999)
//
// The intervals are 95% percentile bootstrap intervals over resamples resamplings of the N
// rows (the same rows for every index, with V recomputed), drawn from the PCG stream
// (seed, sobolStream); with resamples = 0 they are NaN. It returns an error on mismatched
// lengths, N < 2, a non-finite output or zero output variance.
func Sobol(yA, yB []float64, yAB [][]float64, resamples int, seed uint64) ([]SobolIndex, error) {
	return SobolContext(context.Background(), yA, yB, yAB, resamples, seed)
}

// SobolContext is Sobol that stops its bootstrap when ctx is done,
// returning ctx's error: a large bootstrap of a large design takes a
// while, and Ctrl-C must not wait for it.
func SobolContext(ctx context.Context, yA, yB []float64, yAB [][]float64, resamples int, seed uint64) ([]SobolIndex, error) {
	n, k := len(yA), len(yAB)
	if resamples < 0 {
		return nil, fmt.Errorf("stats: sobol resamples must be >= 0, got %d", resamples)
	}
	if n < 2 {
		return nil, fmt.Errorf("stats: sobol needs N >= 2 base rows, got %d", n)
	}
	if k == 0 {
		return nil, errors.New("stats: sobol needs at least one parameter")
	}
	if len(yB) != n {
		return nil, fmt.Errorf("stats: sobol yB has %d outputs, yA has %d", len(yB), n)
	}
	for i, y := range yAB {
		if len(y) != n {
			return nil, fmt.Errorf("stats: sobol yAB[%d] has %d outputs, yA has %d", i, len(y), n)
		}
	}
	for _, ys := range append([][]float64{yA, yB}, yAB...) {
		for j, y := range ys {
			if math.IsNaN(y) || math.IsInf(y, 0) {
				return nil, fmt.Errorf("stats: sobol output %d is %v", j, y)
			}
		}
	}
	s1 := make([]float64, k)
	st := make([]float64, k)
	identity := make([]int, n)
	for j := range identity {
		identity[j] = j
	}
	if !sobolEstimate(yA, yB, yAB, identity, s1, st) {
		return nil, errors.New("stats: sobol output variance is zero")
	}
	out := make([]SobolIndex, k)
	for i := range out {
		out[i] = SobolIndex{S1: s1[i], ST: st[i]}
		out[i].S1Lo, out[i].S1Hi, out[i].STLo, out[i].STHi = math.NaN(), math.NaN(), math.NaN(), math.NaN()
	}
	if resamples == 0 {
		return out, nil
	}
	rng := rand.New(rand.NewPCG(seed, sobolStream))
	bootS1 := make([][]float64, k)
	bootST := make([][]float64, k)
	for i := range k {
		bootS1[i] = make([]float64, 0, resamples)
		bootST[i] = make([]float64, 0, resamples)
	}
	idx := make([]int, n)
	for r := range resamples {
		if r%16 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		for j := range idx {
			idx[j] = rng.IntN(n)
		}
		// A resample with zero variance (all rows alike) carries no information; it is
		// dropped, which for any non-degenerate N is vanishingly rare.
		if sobolEstimate(yA, yB, yAB, idx, s1, st) {
			for i := range k {
				bootS1[i] = append(bootS1[i], s1[i])
				bootST[i] = append(bootST[i], st[i])
			}
		}
	}
	for i := range out {
		if len(bootS1[i]) == 0 {
			continue
		}
		slices.Sort(bootS1[i])
		slices.Sort(bootST[i])
		out[i].S1Lo, out[i].S1Hi = Quantile(bootS1[i], 0.025), Quantile(bootS1[i], 0.975)
		out[i].STLo, out[i].STHi = Quantile(bootST[i], 0.025), Quantile(bootST[i], 0.975)
	}
	return out, nil
}

// sobolEstimate writes the Saltelli S1 and Jansen ST estimates over the rows idx into s1 and
// st, and reports false if the pooled variance is zero.
func sobolEstimate(yA, yB []float64, yAB [][]float64, idx []int, s1, st []float64) bool {
	m := float64(len(idx))
	var mean float64
	for _, j := range idx {
		mean += yA[j] + yB[j]
	}
	mean /= 2 * m
	var v float64
	for _, j := range idx {
		a, b := yA[j]-mean, yB[j]-mean
		v += a*a + b*b
	}
	v /= 2 * m
	if !(v > 0) {
		return false
	}
	for i, yi := range yAB {
		var first, total float64
		for _, j := range idx {
			first += yB[j] * (yi[j] - yA[j])
			d := yA[j] - yi[j]
			total += d * d
		}
		s1[i] = first / m / v
		st[i] = total / (2 * m) / v
	}
	return true
}
