package calib

import (
	"fmt"
	"math"
	"slices"
)

// Transform maps a value (observed or simulated) to the scale the distance
// compares on.
type Transform int

// The transforms.
const (
	// Identity compares raw values: for shares, rates and other bounded
	// quantities.
	Identity Transform = iota
	// Log compares ln x, for money (TVL): a series spanning orders of
	// magnitude then counts its relative errors, not the largest values'
	// absolute ones. x ≤ 0 is taken as LogFloor.
	Log
	// Log1p compares ln(1 + x), for counts (chains, subnets, adopters),
	// which may be 0.
	Log1p
)

// LogFloor is the value a Log transform uses for x ≤ 0 (ln 0 would be −Inf).
const LogFloor = 1e-9

func (t Transform) apply(x float64) float64 {
	switch t {
	case Log:
		return math.Log(math.Max(x, LogFloor))
	case Log1p:
		return math.Log1p(math.Max(x, 0))
	}
	return x
}

// String names t.
func (t Transform) String() string {
	switch t {
	case Identity:
		return "identity"
	case Log:
		return "log"
	case Log1p:
		return "log1p"
	}
	return fmt.Sprintf("Transform(%d)", int(t))
}

// Target is one observed value a summary of the simulation is compared
// with: summary i of the simulator meets Targets[i].
type Target struct {
	Name  string // for messages, e.g. "ibc_chains@2022-12-31"
	Value float64
	Kind  Kind
	// Transform is the observation scale (documented above).
	Transform Transform
	// Discrepancy is the model-discrepancy term: a relative sd of the
	// observation under the model (0.1 = the model is expected to miss by
	// about 10%). On the Log and Log1p scales it is an sd in log units
	// (d ln x = dx/x); on the Identity scale it is Discrepancy·|Value|. It is
	// added in quadrature to the adaptive scale, so a series the model is
	// known to fit loosely weighs less. 0 means none.
	Discrepancy float64
}

// TargetOf returns the target of an observation with the given transform
// and discrepancy.
func TargetOf(o Observation, t Transform, discrepancy float64) Target {
	return Target{Name: o.Series + "@" + o.Date.Format("2006-01-02"), Value: o.Value, Kind: o.Kind, Transform: t, Discrepancy: discrepancy}
}

// Synthetic returns the target that a synthetic history whose true summary
// is x gives under t's observation model, for simulation-based
// calibration: t with Value x and kind point, except that a lower bound
// or a cap stays censored at its observed level c when x ≥ c (type-I
// censoring at a known level: the synthetic source says "c or more" exactly
// where the real one could have). An approx value becomes a point, which
// enters the distance alike (its larger discrepancy is t's). A NaN x (no
// summary) gives a NaN point.
func (t Target) Synthetic(x float64) Target {
	if (t.Kind == LowerBound || t.Kind == Capped) && x >= t.Value {
		return t
	}
	t.Value, t.Kind = x, Point
	return t
}

// Validate reports every problem of the targets at once, each with its index.
func validateTargets(ts []Target) error {
	var errs []error
	for i, t := range ts {
		if math.IsNaN(t.Value) || math.IsInf(t.Value, 0) {
			errs = append(errs, fmt.Errorf("calib: targets[%d] (%s).value: must be finite, got %v", i, t.Name, t.Value))
		}
		if !slices.Contains(kinds, t.Kind) {
			errs = append(errs, fmt.Errorf("calib: targets[%d] (%s).kind: %q; want point, approx, lower_bound or capped", i, t.Name, t.Kind))
		}
		if t.Transform < Identity || t.Transform > Log1p {
			errs = append(errs, fmt.Errorf("calib: targets[%d] (%s).transform: unknown %v", i, t.Name, t.Transform))
		}
		if !(t.Discrepancy >= 0) || math.IsInf(t.Discrepancy, 0) {
			errs = append(errs, fmt.Errorf("calib: targets[%d] (%s).discrepancy: must be finite and >= 0, got %v", i, t.Name, t.Discrepancy))
		}
	}
	return joinErrs(errs)
}

// residual is the signed gap between a simulated summary x and target t on
// t's scale, before scaling:
//   - point, approx: t(x) − t(obs);
//   - lower_bound: min(0, t(x) − t(obs)), zero when the model is at or above
//     the bound (one-sided);
//   - capped: t(min(x, cap)) − t(obs) with cap = the observed value, the
//     censored comparison: the model's count is censored at the cap as the
//     real one was, so a model at or above the cap matches exactly, and one
//     below it is as far off as a point.
func (t Target) residual(x float64) float64 {
	obs := t.Transform.apply(t.Value)
	switch t.Kind {
	case LowerBound:
		return math.Min(0, t.Transform.apply(x)-obs)
	case Capped:
		return t.Transform.apply(math.Min(x, t.Value)) - obs
	}
	return t.Transform.apply(x) - obs
}

// discrepancySD is the model-discrepancy sd on t's scale.
func (t Target) discrepancySD() float64 {
	if t.Transform == Identity {
		return t.Discrepancy * math.Abs(t.Value)
	}
	return t.Discrepancy
}

// Distance is the weighted Euclidean distance between simulated summaries
// and targets: sqrt(Σ (r_i/s_i)²) with r_i the residual of target i and s_i
// = sqrt(spread_i² + discrepancy_i²), spread_i the adaptive scale (Prangle
// 2017): the MAD of the previous generation's transformed simulations.
type Distance struct {
	Targets []Target
	Scales  []float64 // s_i, one per target; set by Rescale
}

// Of is the distance of summaries x (one per target).
func (d *Distance) Of(x []float64) float64 {
	if len(x) != len(d.Targets) {
		panic(fmt.Sprintf("calib: %d summaries for %d targets", len(x), len(d.Targets)))
	}
	s := 0.0
	for i, t := range d.Targets {
		if math.IsNaN(x[i]) {
			return math.Inf(1)
		}
		r := t.residual(x[i]) / d.Scales[i]
		s += r * r
	}
	return math.Sqrt(s)
}

// Rescale sets the scales from sims, the summaries of every simulation of a
// generation, accepted or not (Prangle 2017, "adapting the ABC distance
// function"): s_i = sqrt(MAD_i² + discrepancy_i²), the MAD (median absolute
// deviation, not rescaled by 1.4826: a common factor changes no ranking)
// of the transformed summaries. A summary whose MAD is 0 falls back to its
// mean absolute deviation, then to 1, so that no scale is 0. Rows with a
// NaN summary are skipped.
func (d *Distance) Rescale(sims [][]float64) {
	n := len(d.Targets)
	d.Scales = make([]float64, n)
	col := make([]float64, 0, len(sims))
	for i, t := range d.Targets {
		col = col[:0]
		for _, x := range sims {
			if !math.IsNaN(x[i]) {
				col = append(col, t.Transform.apply(x[i]))
			}
		}
		spread := mad(col)
		if spread == 0 {
			spread = meanAbsDev(col)
		}
		disc := t.discrepancySD()
		s := math.Hypot(spread, disc)
		if s == 0 || math.IsNaN(s) {
			s = 1
		}
		d.Scales[i] = s
	}
}

func median(x []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	s := slices.Clone(x)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func mad(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	m := median(x)
	dev := make([]float64, len(x))
	for i, v := range x {
		dev[i] = math.Abs(v - m)
	}
	return median(dev)
}

func meanAbsDev(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	m := 0.0
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	s := 0.0
	for _, v := range x {
		s += math.Abs(v - m)
	}
	return s / float64(len(x))
}
