package stats

import "math"

// Log-densities of the samplers in sample.go, so that a prior can be both
// drawn from and evaluated (ABC-SMC's importance weights are prior density
// over kernel density). Each LogPdf is ln f(x) of the distribution as the
// sampler draws it, truncation included: −Inf outside the support. A
// degenerate distribution (Min = Max, Sigma = 0) is a point mass with no
// density; its LogPdf is +Inf at the point and −Inf elsewhere.

// LogPdf is ln f(x): −ln(Max − Min) on [Min, Max].
func (u Uniform) LogPdf(x float64) float64 {
	switch {
	case x < u.Min || x > u.Max || math.IsNaN(x):
		return math.Inf(-1)
	case u.Min == u.Max:
		return math.Inf(1)
	}
	return -math.Log(u.Max - u.Min)
}

// LogPdf is ln f(x) = −ln x − ln ln(Max/Min) on [Min, Max].
func (l LogUniform) LogPdf(x float64) float64 {
	switch {
	case x < l.Min || x > l.Max || math.IsNaN(x):
		return math.Inf(-1)
	case l.Min == l.Max:
		return math.Inf(1)
	}
	return -math.Log(x) - math.Log(math.Log(l.Max/l.Min))
}

// LogPdf is ln f(x) of the truncated normal: the normal log-density less
// the log of the mass the untruncated normal puts on [Min, Max].
func (n Normal) LogPdf(x float64) float64 {
	if x < n.Min || x > n.Max || math.IsNaN(x) {
		return math.Inf(-1)
	}
	if n.Sigma == 0 {
		if x == math.Min(math.Max(n.Mu, n.Min), n.Max) {
			return math.Inf(1)
		}
		return math.Inf(-1)
	}
	z := (x - n.Mu) / n.Sigma
	lp := -0.5*z*z - math.Log(n.Sigma) - 0.5*math.Log(2*math.Pi)
	if math.IsInf(n.Min, -1) && math.IsInf(n.Max, 1) {
		return lp
	}
	return lp - math.Log(stdMass((n.Min-n.Mu)/n.Sigma, (n.Max-n.Mu)/n.Sigma))
}

// LogPdf is ln f(x) of the truncated log-normal: the truncated normal
// log-density of ln x, less ln x (the Jacobian).
func (l LogNormal) LogPdf(x float64) float64 {
	if x <= 0 || x < l.Min || x > l.Max || math.IsNaN(x) {
		return math.Inf(-1)
	}
	return l.log().LogPdf(math.Log(x)) - math.Log(x)
}

// LogPdf is ln f(x) of the beta distribution scaled to [Min, Max].
func (b Beta) LogPdf(x float64) float64 {
	if x < b.Min || x > b.Max || math.IsNaN(x) {
		return math.Inf(-1)
	}
	return b.unit().LogProb((x-b.Min)/(b.Max-b.Min)) - math.Log(b.Max-b.Min)
}

// LogPdf is ln f(x) of the triangular distribution: f rises linearly from
// Min to 2/(Max − Min) at Mode and falls linearly to Max.
func (t Triangular) LogPdf(x float64) float64 {
	a, c, b := t.Min, t.Mode, t.Max
	switch {
	case x < a || x > b || math.IsNaN(x):
		return math.Inf(-1)
	case x < c:
		return math.Log(2 * (x - a) / ((b - a) * (c - a)))
	case x > c:
		return math.Log(2 * (b - x) / ((b - a) * (b - c)))
	}
	return math.Log(2 / (b - a))
}
