package stats

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/legolab/legolab/internal/portable"
)

// Samplers of the distributions that scenario populations and priors
// declare. Each is a plain value with Rand (one draw from an explicit
// generator), and, where the scenario checks need them, CDF and Quantile.
// A truncated distribution is sampled by inverse CDF, Quantile(U), so one
// draw costs exactly one uniform and a draw is monotone in it (variants that
// share the generator get coupled values).

// Uniform is the uniform distribution on [Min, Max].
type Uniform struct{ Min, Max float64 }

// Rand draws from u.
func (u Uniform) Rand(r *rand.Rand) float64 { return u.Min + (u.Max-u.Min)*r.Float64() }

// CDF is P(X ≤ x).
func (u Uniform) CDF(x float64) float64 {
	switch {
	case x < u.Min:
		return 0
	case x >= u.Max:
		return 1
	}
	return (x - u.Min) / (u.Max - u.Min)
}

// Quantile is the p-quantile, p in [0, 1].
func (u Uniform) Quantile(p float64) float64 { return u.Min + (u.Max-u.Min)*p }

// LogUniform is the distribution whose logarithm is uniform on
// [ln Min, ln Max]; 0 < Min ≤ Max.
type LogUniform struct{ Min, Max float64 }

// Rand draws from l.
func (l LogUniform) Rand(r *rand.Rand) float64 { return l.Quantile(openUnit(r)) }

// CDF is P(X ≤ x).
func (l LogUniform) CDF(x float64) float64 {
	switch {
	case x < l.Min:
		return 0
	case x >= l.Max:
		return 1
	}
	return math.Log(x/l.Min) / math.Log(l.Max/l.Min)
}

// Quantile is the p-quantile, p in [0, 1].
func (l LogUniform) Quantile(p float64) float64 {
	x := l.Min * portable.Exp(p*math.Log(l.Max/l.Min))
	return math.Min(math.Max(x, l.Min), l.Max)
}

// Normal is the normal distribution N(Mu, Sigma²) truncated to [Min, Max];
// Min = −Inf and Max = +Inf mean no truncation on that side. Sigma = 0 is
// the point Mu (clamped into [Min, Max]). Min < Max unless Sigma = 0.
type Normal struct{ Mu, Sigma, Min, Max float64 }

// Rand draws from n by inverse CDF: Quantile(U), U uniform.
func (n Normal) Rand(r *rand.Rand) float64 { return n.Quantile(openUnit(r)) }

// Quantile is the p-quantile of the truncated distribution, p in [0, 1].
func (n Normal) Quantile(p float64) float64 {
	if n.Sigma == 0 {
		return math.Min(math.Max(n.Mu, n.Min), n.Max)
	}
	a, b := (n.Min-n.Mu)/n.Sigma, (n.Max-n.Mu)/n.Sigma
	return math.Min(math.Max(n.Mu+n.Sigma*truncStdQuantile(a, b, p), n.Min), n.Max)
}

// CDF is P(X ≤ x) under the truncated distribution.
func (n Normal) CDF(x float64) float64 {
	switch {
	case x < n.Min:
		return 0
	case x >= n.Max:
		return 1
	case n.Sigma == 0:
		if x >= n.Mu {
			return 1
		}
		return 0
	}
	a, b, z := (n.Min-n.Mu)/n.Sigma, (n.Max-n.Mu)/n.Sigma, (x-n.Mu)/n.Sigma
	if a+b > 0 {
		// The upper tail: 1 − the reflected CDF, whose values are exact
		// near 0 where the direct ones would round to 1.
		return 1 - stdMass(-b, -z)/stdMass(-b, -a)
	}
	return stdMass(a, z) / stdMass(a, b)
}

// Mass is the probability the untruncated N(Mu, Sigma²) puts on [lo, hi].
func (n Normal) Mass(lo, hi float64) float64 {
	if n.Sigma == 0 {
		if n.Mu >= lo && n.Mu <= hi {
			return 1
		}
		return 0
	}
	return stdMass((lo-n.Mu)/n.Sigma, (hi-n.Mu)/n.Sigma)
}

var unitNormal = distuv.UnitNormal

// openUnit is a uniform draw on the open interval (0, 1): r.Float64(),
// the same uniform Uniform.Rand uses (so the families are coupled through
// it), with its one value 0 moved to 2⁻⁵⁴, so that an inverse CDF never
// sees 0 (an untruncated normal's −Inf); Float64 is below 1.
func openUnit(r *rand.Rand) float64 {
	if u := r.Float64(); u > 0 {
		return u
	}
	return 0x1p-54
}

// stdMass is Φ(b) − Φ(a), a ≤ b, computed on the side of 0 where the
// values are small, so that it keeps its relative precision in either tail.
func stdMass(a, b float64) float64 {
	if a+b > 0 {
		a, b = -b, -a
	}
	return math.Max(portable.UnitNormalCDF(b)-portable.UnitNormalCDF(a), 0)
}

// truncStdQuantile is the p-quantile of the standard normal truncated to
// [a, b]. An interval in the upper tail is reflected into the lower one,
// where Φ is small and exact, so that Φ(a) + p(Φ(b) − Φ(a)) is not rounded
// to 1; an interval beyond 37σ, where Φ underflows, is solved in log space.
func truncStdQuantile(a, b, p float64) float64 {
	if a+b > 0 {
		return -truncStdQuantile(-b, -a, 1-p)
	}
	fa, fb := portable.UnitNormalCDF(a), portable.UnitNormalCDF(b)
	if fb > 1e-300 && fb > fa {
		z := unitNormal.Quantile(fa + p*(fb-fa))
		return math.Min(math.Max(z, a), b)
	}
	if fb > 1e-300 {
		return (a + b) / 2 // a window too narrow to hold representable mass
	}
	// Far lower tail, a ≤ b < −37, where Φ underflows. With t = −z the
	// window is [lo, hi] = [−b, −a] in the upper tail, where the survival
	// function is log Q(t) = −t²/2 − ln t − ln √(2π) + ln(1 − 1/t² + 3/t⁴ −
	// 15/t⁶) (the asymptotic series; its next term is below 1e-10 there).
	// P(Z ≤ z | window) = p is P(T ≥ t | window) = p, so Q(t) = Q(hi) +
	// p·(Q(lo) − Q(hi)): solved for t by Newton's method.
	lo, hi := -b, -a
	logQ := func(t float64) float64 {
		t2 := t * t
		return -t2/2 - math.Log(t) - 0.5*math.Log(2*math.Pi) + math.Log1p(-1/t2+3/(t2*t2)-15/(t2*t2*t2))
	}
	qlo := logQ(lo)
	ratio := 0.0 // Q(hi)/Q(lo)
	if !math.IsInf(hi, 1) {
		ratio = portable.Exp(logQ(hi) - qlo)
	}
	target := qlo + math.Log(ratio+p*(1-ratio))
	t := lo
	for range 60 {
		f := logQ(t) - target
		step := f / (t + 1/t) // d/dt log Q ≈ −(t + 1/t)
		t += step
		if math.Abs(step) < 1e-13*t {
			break
		}
	}
	return -math.Min(math.Max(t, lo), hi)
}

// LogNormal is the distribution of exp(Y), Y ~ N(Mu, Sigma²), truncated
// to [Min, Max]; Min ≤ 0 and Max = +Inf mean no truncation.
type LogNormal struct{ Mu, Sigma, Min, Max float64 }

func (l LogNormal) log() Normal {
	lo := math.Inf(-1)
	if l.Min > 0 {
		lo = math.Log(l.Min)
	}
	return Normal{Mu: l.Mu, Sigma: l.Sigma, Min: lo, Max: math.Log(l.Max)}
}

// Rand draws from l by inverse CDF.
func (l LogNormal) Rand(r *rand.Rand) float64 { return l.Quantile(openUnit(r)) }

// Quantile is the p-quantile of the truncated distribution.
func (l LogNormal) Quantile(p float64) float64 {
	return math.Min(math.Max(portable.Exp(l.log().Quantile(p)), l.Min), l.Max)
}

// CDF is P(X ≤ x) under the truncated distribution.
func (l LogNormal) CDF(x float64) float64 {
	if x <= 0 {
		return 0
	}
	return l.log().CDF(math.Log(x))
}

// Mass is the probability the untruncated distribution puts on [lo, hi].
func (l LogNormal) Mass(lo, hi float64) float64 {
	if hi <= 0 {
		return 0
	}
	llo := math.Inf(-1)
	if lo > 0 {
		llo = math.Log(lo)
	}
	return Normal{Mu: l.Mu, Sigma: l.Sigma}.Mass(llo, math.Log(hi))
}

// Beta is the beta distribution with shapes A, B > 0 scaled to [Min, Max].
type Beta struct{ A, B, Min, Max float64 }

// Rand draws from b as X/(X+Y) with X ~ Gamma(A), Y ~ Gamma(B). With both
// shapes ≥ 1 the gamma variates are divided directly; with a shape below 1
// they are kept as logarithms, since Gamma(a) variates at a tiny shape
// underflow to 0 (at a = b = 0.001 both do in a fifth of the draws, which
// X/(X+Y) would turn into 0.5 instead of a value near 0 or 1).
func (b Beta) Rand(r *rand.Rand) float64 {
	var x float64
	if b.A >= 1 && b.B >= 1 {
		gx := gammaVariate(r, b.A)
		gy := gammaVariate(r, b.B)
		x = gx / (gx + gy)
	} else {
		gx, ux := logGammaParts(r, b.A)
		gy, uy := logGammaParts(r, b.B)
		// ln Y − ln X = (gy − gx) + (uy/B − ux/A); X/(X+Y) = 1/(1 + e^{that}).
		// At shapes so small that u/k overflows, the second term is
		// formed over the common denominator, which keeps its sign.
		t := uy/b.B - ux/b.A
		if math.IsInf(t, 0) || math.IsNaN(t) {
			t = (b.A*uy - b.B*ux) / (b.A * b.B)
		}
		x = 1 / (1 + portable.Exp((gy-gx)+t))
		if math.IsNaN(x) {
			x = 0.5 // both logs equal and infinite: a measure-zero tie
		}
	}
	return b.Min + (b.Max-b.Min)*x
}

func (b Beta) unit() distuv.Beta { return distuv.Beta{Alpha: b.A, Beta: b.B} }

// CDF is P(X ≤ x).
func (b Beta) CDF(x float64) float64 {
	switch {
	case x <= b.Min:
		return 0
	case x >= b.Max:
		return 1
	}
	return portable.BetaCDF(b.A, b.B, (x-b.Min)/(b.Max-b.Min))
}

// Quantile is the p-quantile.
func (b Beta) Quantile(p float64) float64 {
	return b.Min + (b.Max-b.Min)*portable.BetaQuantile(b.A, b.B, p)
}

// gammaVariate draws Gamma(k, 1), k ≥ 1, by Marsaglia & Tsang (2000).
func gammaVariate(r *rand.Rand, k float64) float64 {
	d := k - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}

// logGammaParts draws ln G, G ~ Gamma(k, 1), k > 0, as g + u/k: for k ≥ 1
// g = ln G and u = 0; for k < 1, Marsaglia & Tsang's boost G = G'·U^{1/k}
// with G' ~ Gamma(k+1), as g = ln G' and u = ln U, so that it never
// underflows.
func logGammaParts(r *rand.Rand, k float64) (g, u float64) {
	if k >= 1 {
		return math.Log(gammaVariate(r, k)), 0
	}
	g = math.Log(gammaVariate(r, k+1))
	return g, math.Log(1 - r.Float64()) // U in (0, 1]
}

// Triangular is the triangular distribution on [Min, Max] with its mode at
// Mode, Min ≤ Mode ≤ Max, Min < Max.
type Triangular struct{ Min, Mode, Max float64 }

// Rand draws from t by inverse CDF.
func (t Triangular) Rand(r *rand.Rand) float64 { return t.Quantile(openUnit(r)) }

// CDF is P(X ≤ x).
func (t Triangular) CDF(x float64) float64 {
	a, c, b := t.Min, t.Mode, t.Max
	switch {
	case x <= a:
		return 0
	case x >= b:
		return 1
	case x <= c:
		return (x - a) * (x - a) / ((b - a) * (c - a))
	}
	return 1 - (b-x)*(b-x)/((b-a)*(b-c))
}

// Quantile is the p-quantile.
func (t Triangular) Quantile(p float64) float64 {
	a, c, b := t.Min, t.Mode, t.Max
	fc := (c - a) / (b - a)
	var x float64
	if p <= fc {
		x = a + math.Sqrt(p*(b-a)*(c-a))
	} else {
		x = b - math.Sqrt((1-p)*(b-a)*(b-c))
	}
	return math.Min(math.Max(x, a), b)
}

// Choice is a discrete distribution over the indices 0 … len(Weights)−1
// with probabilities proportional to Weights (each > 0).
type Choice struct{ Weights []float64 }

// Rand draws an index with one uniform: the first i whose cumulative
// weight exceeds U × the total.
func (c Choice) Rand(r *rand.Rand) int {
	total := 0.0
	for _, w := range c.Weights {
		total += w
	}
	u := r.Float64() * total
	for i, w := range c.Weights {
		u -= w
		if u < 0 {
			return i
		}
	}
	return len(c.Weights) - 1
}
