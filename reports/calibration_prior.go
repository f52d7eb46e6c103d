package reports

import (
	"math"
	"strconv"
	"strings"

	"github.com/legolab/legolab/stats"
)

// cdfer is a distribution the marginal chart can draw: the prior's density
// is drawn as (CDF(b) − CDF(a)) / (b − a) on a fine grid, exact for every
// family and its truncation without a density formula per family.
type cdfer interface {
	CDF(x float64) float64
}

// calPrior is a prior read back from its description in words
// (metrics.CalibParam.Prior).
type calPrior struct {
	family string // uniform, loguniform, normal, lognormal, beta, triangular
	dist   cdfer
}

// logFamily reports whether the prior is spread on a log scale, so that
// its chart takes a log axis.
func (p calPrior) logFamily() bool {
	return p.family == "loguniform" || p.family == "lognormal"
}

// parsePrior reads a prior description of the form FAMILY(ARGS)[ REST]:
// ARGS are numbers, positional in the family's order or NAME=VALUE, and an
// optional "[lo, hi]" in REST (or min=, max= in ARGS) truncates:
//
//	uniform(min, max)              loguniform(min, max)
//	normal(mean, sd) [lo, hi]      lognormal(mu, sigma) or lognormal(mean=m, sd=s)
//	beta(a, b) or beta(a, b, min, max)      triangular(min, mode, max)
//
// A named argument is written NAME=VALUE, NAME = VALUE, NAME: VALUE or
// NAME VALUE, with μ and σ for mu and sigma; REST may say "on [lo, hi]",
// an end "—" meaning unbounded. ok is false for anything else (a choice, a
// free text): the chart then shows the prior's 95% interval only.
func parsePrior(s string) (p calPrior, ok bool) {
	open := strings.IndexByte(s, '(')
	if open < 0 {
		return p, false
	}
	closing := strings.IndexByte(s[open:], ')')
	if closing < 0 {
		return p, false
	}
	closing += open
	p.family = strings.ToLower(strings.TrimSpace(s[:open]))
	var pos []float64
	kw := map[string]float64{}
	if args := strings.TrimSpace(s[open+1 : closing]); args != "" {
		for a := range strings.SplitSeq(args, ",") {
			name, x, ok := priorArg(a)
			switch {
			case !ok:
				return p, false
			case name != "":
				kw[name] = x
			default:
				pos = append(pos, x)
			}
		}
	}
	if rest := s[closing+1:]; strings.Contains(rest, "[") {
		i, j := strings.IndexByte(rest, '['), strings.IndexByte(rest, ']')
		if j < i {
			return p, false
		}
		lo, hi, found := strings.Cut(rest[i+1:j], ",")
		if !found {
			return p, false
		}
		// An end written "—" (or left empty) is not set.
		for k, end := range map[string]string{"min": lo, "max": hi} {
			end = strings.TrimSpace(end)
			if end == "—" || end == "-" || end == "" {
				continue
			}
			x, err := strconv.ParseFloat(end, 64)
			if err != nil || math.IsNaN(x) {
				return p, false
			}
			kw[k] = x
		}
	}
	// arg returns parameter name (or its alias), positional index at
	// otherwise, or def.
	arg := func(at int, def float64, names ...string) float64 {
		for _, n := range names {
			if x, ok := kw[n]; ok {
				return x
			}
		}
		if at >= 0 && at < len(pos) {
			return pos[at]
		}
		return def
	}
	nan := math.NaN()
	inf := math.Inf(1)
	switch p.family {
	case "uniform", "loguniform":
		lo, hi := arg(0, nan, "min"), arg(1, nan, "max")
		if !(lo < hi) || !finite(lo, hi) || p.family == "loguniform" && !(lo > 0) {
			return p, false
		}
		if p.family == "uniform" {
			p.dist = stats.Uniform{Min: lo, Max: hi}
		} else {
			p.dist = stats.LogUniform{Min: lo, Max: hi}
		}
	case "normal":
		mu, sd := arg(0, nan, "mean", "mu"), arg(1, nan, "sd", "sigma")
		lo, hi := arg(2, -inf, "min"), arg(3, inf, "max")
		if !finite(mu, sd) || !(sd > 0) || !(lo < hi) {
			return p, false
		}
		p.dist = stats.Normal{Mu: mu, Sigma: sd, Min: lo, Max: hi}
	case "lognormal":
		mu, sigma := arg(0, nan, "mu"), arg(1, nan, "sigma")
		if m, ok := kw["mean"]; ok {
			sd, has := kw["sd"]
			if !has || !(m > 0) || !(sd > 0) {
				return p, false
			}
			// The lognormal with mean m and sd s: σ² = ln(1 + s²/m²),
			// μ = ln m − σ²/2.
			s2 := math.Log1p(sd * sd / (m * m))
			mu, sigma = math.Log(m)-s2/2, math.Sqrt(s2)
		}
		lo, hi := arg(2, 0, "min"), arg(3, inf, "max")
		if !finite(mu, sigma) || !(sigma > 0) || !(lo < hi) {
			return p, false
		}
		p.dist = stats.LogNormal{Mu: mu, Sigma: sigma, Min: lo, Max: hi}
	case "beta":
		a, b := arg(0, nan, "a"), arg(1, nan, "b")
		lo, hi := arg(2, 0, "min"), arg(3, 1, "max")
		if !finite(a, b, lo, hi) || !(a > 0) || !(b > 0) || !(lo < hi) {
			return p, false
		}
		p.dist = stats.Beta{A: a, B: b, Min: lo, Max: hi}
	case "triangular":
		lo, mode, hi := arg(0, nan, "min"), arg(1, nan, "mode"), arg(2, nan, "max")
		if !finite(lo, mode, hi) || !(lo < hi) || mode < lo || mode > hi {
			return p, false
		}
		p.dist = stats.Triangular{Min: lo, Mode: mode, Max: hi}
	default:
		return p, false
	}
	return p, true
}

// priorArg reads one argument of a prior description: a number
// (positional, name ""), or a name and a number ("mean=2", "σ = 0.3",
// "sd 1"). ok is false when no number can be read.
func priorArg(a string) (name string, x float64, ok bool) {
	a = strings.TrimSpace(a)
	if x, err := strconv.ParseFloat(a, 64); err == nil {
		return "", x, !math.IsNaN(x)
	}
	i := strings.IndexAny(a, "=: ")
	if i <= 0 {
		return "", 0, false
	}
	name = strings.ToLower(strings.TrimSpace(a[:i]))
	switch name {
	case "μ":
		name = "mu"
	case "σ":
		name = "sigma"
	}
	v := strings.TrimLeft(a[i:], "=: ")
	x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || math.IsNaN(x) {
		return "", 0, false
	}
	return name, x, true
}
