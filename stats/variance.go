package stats

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/legolab/legolab/internal/portable"
)

// VarianceSplit is the law-of-total-variance decomposition of an outcome Y
// over parameter draws θ and inner replications:
//
//	Var(Y) = Var_θ(E[Y|θ]) + E_θ[Var(Y|θ)],
//
// estimated from a balanced design of Groups draws of θ with Inner
// replications each by the one-way random-effects ANOVA estimator (Searle,
// Casella & McCulloch 1992, ch. 3). With mean squares
//
//	MSB = K/(n−1) Σ_i (ȳ_i − ȳ)²,   MSW = 1/(n(K−1)) Σ_i Σ_k (y_ik − ȳ_i)²,
//
// E[MSW] = σ²_w and E[MSB] = σ²_w + K σ²_b, so Within = MSW and
// Between = (MSB − MSW)/K are unbiased. The naive variance of the group means
// would overstate the between part by σ²_w/K: that is the correction.
//
// The outcome may be continuous (a restricted-mean Lego day, min(T, τ)) or
// binary (1 if reached by the horizon): for a 0/1 outcome Between estimates
// Var_θ(P(reached|θ)) and Within E_θ[p(1−p)], still without bias.
type VarianceSplit struct {
	// Groups is the number of θ draws n, Inner the replications per draw K.
	Groups, Inner int
	// Mean is the grand mean of Y.
	Mean float64
	// MSB and MSW are the between- and within-group mean squares.
	MSB, MSW float64
	// BetweenRaw is (MSB − MSW)/K, the unbiased estimate of Var_θ(E[Y|θ]),
	// which can be negative by chance; Between is it clamped at 0.
	BetweenRaw, Between float64
	// Within is MSW, the unbiased estimate of E_θ[Var(Y|θ)].
	Within float64
	// Share is Between/(Between+Within), the fraction of Var(Y) due to θ
	// (the intraclass correlation), 0 when both are 0.
	Share float64
	// ShareLo and ShareHi are the 95% interval of Share from the F
	// distribution of MSB/MSW (ShareInterval). It is exact for a normal
	// outcome and approximate otherwise; use BootstrapShare for a binary or
	// skewed outcome.
	ShareLo, ShareHi float64
}

// DecomposeVariance estimates the variance split of y, with y[i][k] the
// outcome of inner replication k at draw θ_i. Every group must have the
// same number K ≥ 2 of replications, there must be at least two groups,
// and every value must be finite; otherwise it returns an error naming the
// first offending group.
func DecomposeVariance(y [][]float64) (VarianceSplit, error) {
	n := len(y)
	if n < 2 {
		return VarianceSplit{}, errorf("variance split needs at least 2 θ groups, got %d", n)
	}
	K := len(y[0])
	if K < 2 {
		return VarianceSplit{}, errorf("variance split needs at least 2 inner replications per θ, got %d", K)
	}
	for i, g := range y {
		if len(g) != K {
			return VarianceSplit{}, errorf("variance split: group %d has %d replications, group 0 has %d (design must be balanced)", i, len(g), K)
		}
		for k, v := range g {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return VarianceSplit{}, errorf("variance split: y[%d][%d] is %v", i, k, v)
			}
		}
	}
	vs := split(y, nil)
	vs.ShareLo, vs.ShareHi = ShareInterval(vs, 0.95)
	return vs, nil
}

// split computes the ANOVA estimates over the groups idx (all when nil).
func split(y [][]float64, idx []int) VarianceSplit {
	n := len(y)
	if idx != nil {
		n = len(idx)
	}
	group := func(i int) []float64 {
		if idx == nil {
			return y[i]
		}
		return y[idx[i]]
	}
	K := len(group(0))
	grand, ssw := 0.0, 0.0
	means := make([]float64, n)
	for i := range n {
		g := group(i)
		m := 0.0
		for _, v := range g {
			m += v
		}
		m /= float64(K)
		means[i] = m
		grand += m
		for _, v := range g {
			ssw += (v - m) * (v - m)
		}
	}
	grand /= float64(n)
	ssb := 0.0
	for _, m := range means {
		ssb += (m - grand) * (m - grand)
	}
	vs := VarianceSplit{Groups: n, Inner: K, Mean: grand}
	vs.MSB = float64(K) * ssb / float64(n-1)
	vs.MSW = ssw / float64(n*(K-1))
	vs.Within = vs.MSW
	vs.BetweenRaw = (vs.MSB - vs.MSW) / float64(K)
	vs.Between = math.Max(0, vs.BetweenRaw)
	if tot := vs.Between + vs.Within; tot > 0 {
		vs.Share = vs.Between / tot
	}
	return vs
}

// ShareInterval returns the two-sided interval at level (e.g. 0.95) for
// the between-θ share ρ = σ²_b/(σ²_b+σ²_w), by inverting the pivot
// (MSB/MSW)·σ²_w/(σ²_w + Kσ²_b) ~ F(n−1, n(K−1)) (Searle et al. 1992,
// §3.5d): with F = MSB/MSW and F_L = F/F_{1−α/2}, F_U = F/F_{α/2},
// ρ ∈ [(F_L−1)/(F_L+K−1), (F_U−1)/(F_U+K−1)], clamped to [0, 1]. The pivot
// assumes normal effects and errors; for other outcomes the coverage is
// approximate. When MSW is 0 the interval is [Share, Share].
func ShareInterval(vs VarianceSplit, level float64) (lo, hi float64) {
	if !(vs.MSW > 0) {
		return vs.Share, vs.Share
	}
	a := (1 - level) / 2
	d1, d2 := float64(vs.Groups-1), float64(vs.Groups*(vs.Inner-1))
	F := vs.MSB / vs.MSW
	K := float64(vs.Inner)
	fl, fu := F/portable.FQuantile(d1, d2, 1-a), F/portable.FQuantile(d1, d2, a)
	clamp := func(v float64) float64 { return math.Min(1, math.Max(0, v)) }
	return clamp((fl - 1) / (fl + K - 1)), clamp((fu - 1) / (fu + K - 1))
}

// BootstrapShare returns the percentile bootstrap interval at level of the
// between-θ share, resampling whole θ groups with replacement (the
// groups are the independent units; inner replications stay with their θ)
// B times from rng. It makes no normality assumption, so it suits a binary
// outcome. The same rng state gives the same interval. It panics if y does
// not satisfy DecomposeVariance's conditions (call that first) or B < 1.
func BootstrapShare(y [][]float64, level float64, B int, rng *rand.Rand) (lo, hi float64) {
	if B < 1 {
		panic("stats: BootstrapShare: B must be at least 1")
	}
	n := len(y)
	idx := make([]int, n)
	shares := make([]float64, B)
	for b := range B {
		for i := range idx {
			idx[i] = rng.IntN(n)
		}
		shares[b] = split(y, idx).Share
	}
	slices.Sort(shares)
	a := (1 - level) / 2
	return Quantile(shares, a), Quantile(shares, 1-a)
}
