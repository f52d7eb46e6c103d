package stats

import (
	"cmp"
	"math"
	"math/big"
	"slices"
	"sort"

	"github.com/legolab/legolab/internal/portable"
)

// z975 is the standard normal 97.5% quantile, the half-width multiplier of every
// two-sided 95% interval in this package.
const z975 = 1.959963984540054

// Obs is one replication's time to event: Time in days, Event true if observed, false if
// right-censored at Time.
type Obs struct {
	Time  float64 `json:"time"`
	Event bool    `json:"event"`
}

// KMPoint is one step of a Kaplan–Meier curve: the survival probability just after Day
// (days) and its pointwise 95% confidence band [Lo, Hi].
type KMPoint struct {
	Day      float64 `json:"day"`
	Survival float64 `json:"survival"`
	Lo       float64 `json:"lo"`
	Hi       float64 `json:"hi"`
}

// KM is a Kaplan–Meier estimate of a survival function with a pointwise 95% band.
type KM struct {
	// Points is the right-continuous step function: {0, 1, 1, 1} first, then one point per
	// distinct event time (days, increasing) with S just after it. Between points S is flat.
	Points []KMPoint `json:"points"`
	// N is the number of observations, Events the number of observed events up to Horizon.
	N      int `json:"n"`
	Events int `json:"events"`
	// Horizon is the end of follow-up in days: the horizon passed to KaplanMeier, or the
	// largest observed time when none was given. The curve is not estimated beyond it.
	Horizon float64 `json:"horizon"`
	// steps are the integer at-risk and event counts behind Points[1:], one per point, so
	// that Median can decide S <= 0.5 exactly where the floating-point product is too
	// close to tell. A KM built by hand has none, and Median then uses a tolerance.
	steps []kmCount
}

// kmCount is the number at risk n and of events d at one event time.
type kmCount struct {
	n, d int
}

// kmStep is one distinct event time of the product-limit estimator: at risk n, events d,
// survival s just after t and the Greenwood sum gw = Σ d/(n(n−d)) up to t.
type kmStep struct {
	t, n, d, s, gw float64
}

// sortObs returns a sorted copy of obs, times capped at horizon (later ones censored there),
// ordered by time with events before censorings at the same time, the usual convention that
// a subject censored at t was at risk at t.
func sortObs(obs []Obs, horizon float64) []Obs {
	out := make([]Obs, len(obs))
	for i, o := range obs {
		if math.IsNaN(o.Time) || o.Time < 0 {
			panic("stats: observation time must be a non-negative number")
		}
		if o.Time > horizon {
			o = Obs{Time: horizon}
		}
		out[i] = o
	}
	slices.SortFunc(out, func(a, b Obs) int {
		if c := cmp.Compare(a.Time, b.Time); c != 0 {
			return c
		}
		switch {
		case a.Event == b.Event:
			return 0
		case a.Event:
			return -1
		default:
			return 1
		}
	})
	return out
}

// kmSteps computes the product-limit steps of sorted observations.
func kmSteps(sorted []Obs) []kmStep {
	var steps []kmStep
	s, gw := 1.0, 0.0
	atRisk := len(sorted)
	for i := 0; i < len(sorted); {
		t := sorted[i].Time
		d, c := 0, 0
		for ; i < len(sorted) && sorted[i].Time == t; i++ {
			if sorted[i].Event {
				d++
			} else {
				c++
			}
		}
		if d > 0 {
			n, dd := float64(atRisk), float64(d)
			s *= 1 - dd/n
			if d < atRisk {
				gw += dd / (n * (n - dd))
			} else {
				gw = math.Inf(1)
			}
			steps = append(steps, kmStep{t: t, n: n, d: dd, s: s, gw: gw})
		}
		atRisk -= d + c
	}
	return steps
}

// logLogBand is the pointwise 95% band for S with Greenwood sum gw on the complementary
// log-log scale (Kalbfleisch & Prentice 1980): log(−log S) ± z·√gw/|log S|, so the band is
// S^exp(±z·se). It stays inside [0, 1] and is degenerate at S = 1 and S = 0.
func logLogBand(s, gw float64) (lo, hi float64) {
	if s >= 1 || s <= 0 || math.IsInf(gw, 1) {
		return s, s
	}
	se := math.Sqrt(gw) / math.Abs(math.Log(s))
	return portable.Pow(s, portable.Exp(z975*se)), portable.Pow(s, portable.Exp(-z975*se))
}

// KaplanMeier estimates the survival function of right-censored times to event with the
// product-limit estimator, Greenwood's variance and a pointwise 95% band on the
// complementary log-log scale. Observations later than horizon (days) are censored at
// horizon; a horizon that is not positive and finite means no truncation. The order of obs
// does not matter. It panics on a negative or NaN time.
func KaplanMeier(obs []Obs, horizon float64) KM {
	h := horizon
	if !(h > 0) || math.IsInf(h, 1) {
		h = math.Inf(1)
	}
	sorted := sortObs(obs, h)
	if math.IsInf(h, 1) {
		h = 0
		if len(sorted) > 0 {
			h = sorted[len(sorted)-1].Time
		}
	}
	km := KM{N: len(obs), Horizon: h, Points: []KMPoint{{Day: 0, Survival: 1, Lo: 1, Hi: 1}}}
	for _, st := range kmSteps(sorted) {
		lo, hi := logLogBand(st.s, st.gw)
		km.Points = append(km.Points, KMPoint{Day: st.t, Survival: st.s, Lo: lo, Hi: hi})
		km.Events += int(st.d)
		km.steps = append(km.steps, kmCount{n: int(st.n), d: int(st.d)})
	}
	return km
}

// index returns the index of the last point with Day <= t, or −1 if t precedes all.
func (k KM) index(t float64) int {
	return sort.Search(len(k.Points), func(i int) bool { return k.Points[i].Day > t }) - 1
}

// At returns S(t) and its 95% band. Before day 0 it is 1; beyond the last point the last
// value is carried forward, which past Horizon is an extrapolation the caller must not
// mistake for an estimate.
func (k KM) At(t float64) (s, lo, hi float64) {
	i := k.index(t)
	if i < 0 {
		return 1, 1, 1
	}
	p := k.Points[i]
	return p.Survival, p.Lo, p.Hi
}

// firstAtOrBelow returns the first day at which f(point) <= 0.5.
func (k KM) firstAtOrBelow(f func(KMPoint) float64) (float64, bool) {
	for _, p := range k.Points {
		if f(p) <= 0.5 {
			return p.Day, true
		}
	}
	return k.Horizon, false
}

// medianTol bounds the rounding error of a product-limit survival near 0.5: each of the
// at most a few hundred thousand steps adds at most two ulps of relative error (the factor
// 1 − d/n and the product), some 2·10⁻¹¹ in all. Within medianTol of 0.5 the floating-point
// S cannot say on which side of 0.5 the true S lies.
const medianTol = 1e-9

// Median returns the median time to event, the smallest t with S(t) <= 0.5. When S stays
// above 0.5 up to the end of follow-up it returns Horizon, a lower bound, and ok false.
//
// S is a product of rationals Π (n−d)/n, and at a median on an event day it is often
// exactly 1/2 (with censoring only at the horizon S is (events to come)/N), which the
// floating-point product may round to 0.5000000000000002 and push the median one event
// time late. So where S is within medianTol of 0.5 the comparison is made exactly, on the
// integer counts; a KM without counts (built by hand from Points) counts S within
// medianTol above 0.5 as reaching it.
func (k KM) Median() (day float64, ok bool) {
	exact := len(k.steps) == len(k.Points)-1
	var prod *big.Rat // exact S at point i, computed only once needed
	half := big.NewRat(1, 2)
	for i, p := range k.Points {
		s := p.Survival
		switch {
		case s <= 0.5-medianTol:
			return p.Day, true
		case s > 0.5+medianTol:
			continue
		case i == 0:
			if s <= 0.5 {
				return p.Day, true
			}
			continue
		case !exact:
			return p.Day, true
		}
		if prod == nil {
			prod = big.NewRat(1, 1)
			for _, c := range k.steps[:i-1] {
				prod.Mul(prod, big.NewRat(int64(c.n-c.d), int64(c.n)))
			}
		}
		c := k.steps[i-1]
		prod.Mul(prod, big.NewRat(int64(c.n-c.d), int64(c.n)))
		if prod.Cmp(half) <= 0 {
			return p.Day, true
		}
	}
	return k.Horizon, false
}

// MedianCI returns the Brookmeyer–Crowley 95% confidence interval of the median. It inverts
// the same log-log test as the pointwise band: the interval holds the times at which the
// band contains 0.5, so its ends are the medians of the band curves, lo the smallest t with
// Lo(t) <= 0.5 and hi the smallest t with Hi(t) <= 0.5 (the rule of Median applied to each
// band, as R's survfit does). An end that is not reached by Horizon is returned as Horizon
// with its ok false: the bound lies beyond the follow-up.
func (k KM) MedianCI() (lo, hi float64, loOK, hiOK bool) {
	lo, loOK = k.firstAtOrBelow(func(p KMPoint) float64 { return p.Lo })
	hi, hiOK = k.firstAtOrBelow(func(p KMPoint) float64 { return p.Hi })
	return lo, hi, loOK, hiOK
}

// RMST returns the restricted mean survival time to tau days, the area under S on [0, tau].
// Beyond the last point S is carried forward (see At).
func (k KM) RMST(tau float64) float64 {
	if !(tau > 0) {
		return 0
	}
	area := 0.0
	for i, p := range k.Points {
		if p.Day >= tau {
			break
		}
		end := tau
		if i+1 < len(k.Points) && k.Points[i+1].Day < tau {
			end = k.Points[i+1].Day
		}
		area += p.Survival * (end - p.Day)
	}
	return area
}

// ProbBy returns the probability that the event has happened by day t, 1 − S(t), with the
// 95% interval [1 − Hi(t), 1 − Lo(t)] from the band.
func (k KM) ProbBy(t float64) (p, lo, hi float64) {
	s, sLo, sHi := k.At(t)
	return 1 - s, 1 - sHi, 1 - sLo
}
