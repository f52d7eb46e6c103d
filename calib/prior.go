package calib

import (
	"math"
	"math/rand/v2"
)

// Prior is the prior of the free parameters θ: ABC-SMC draws generation 0
// from it and divides by it in the importance weights. LogPdf is ln π(θ),
// −Inf outside the support (a proposal there is rejected unsimulated); the
// prior must have a density (no point masses). Sample must draw only from
// r, so that a draw is a function of the stream.
type Prior interface {
	Dim() int
	Sample(r *rand.Rand) []float64
	LogPdf(theta []float64) float64
}

// Univariate is one parameter's prior distribution. The samplers of stats
// (Uniform, LogUniform, Normal, LogNormal, Beta, Triangular) satisfy it.
type Univariate interface {
	Rand(r *rand.Rand) float64
	LogPdf(x float64) float64
}

// Param is one free parameter: a name (for outputs) and its prior.
type Param struct {
	Name string
	Dist Univariate
}

// Independent is the prior whose parameters are independent, each with its
// own distribution; Sample draws them in order from one stream.
type Independent []Param

// Dim is the number of parameters.
func (p Independent) Dim() int { return len(p) }

// Sample draws θ, parameter by parameter.
func (p Independent) Sample(r *rand.Rand) []float64 {
	theta := make([]float64, len(p))
	for i, q := range p {
		theta[i] = q.Dist.Rand(r)
	}
	return theta
}

// LogPdf is Σ ln π_i(θ_i).
func (p Independent) LogPdf(theta []float64) float64 {
	s := 0.0
	for i, q := range p {
		s += q.Dist.LogPdf(theta[i])
		if math.IsInf(s, -1) {
			return s
		}
	}
	return s
}

// Names are the parameter names, in order.
func (p Independent) Names() []string {
	out := make([]string, len(p))
	for i, q := range p {
		out[i] = q.Name
	}
	return out
}
