package lab

import (
	"fmt"
	"math"
	"slices"

	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/scenarios"
	"github.com/legolab/legolab/sim"
	"github.com/legolab/legolab/stats"
)

// ThetaStream names the stream θ is drawn from: replication r of a
// prior-predictive run draws its θ from sim.NewStream(seed, r / K,
// sim.StreamID(ThetaStream)), K the inner replications per θ
// (Ensemble.Inner). The stream depends on the seed and the θ index alone,
// so every variant of replication r gets the same θ (each through its own
// Sampler, whose Draw couples a variant's replacement prior to the base's
// through the same uniform), whatever the jobs, variants or order.
const ThetaStream = "theta"

// prior reports whether the ensemble draws θ: some variant has priors and
// the run is not Fixed.
func (e *Ensemble) prior() bool {
	if e.Fixed {
		return false
	}
	for _, v := range e.Variants {
		if v.Sampler != nil && v.Sampler.Len() > 0 {
			return true
		}
	}
	return false
}

// inner is Inner, at least 1.
func (e *Ensemble) inner() int { return max(e.Inner, 1) }

// thetaKeys are the canonical keys of every variant's priors: the first
// variant's in θ order, then each later variant's new ones.
func (e *Ensemble) thetaKeys() []string {
	var keys []string
	for _, v := range e.Variants {
		if v.Sampler == nil {
			continue
		}
		for _, d := range v.Sampler.Central() {
			if !slices.Contains(keys, d.Key) {
				keys = append(keys, d.Key)
			}
		}
	}
	return keys
}

// theta draws replication r's θ for variant v, nil when the ensemble does
// not draw θ.
func (e *Ensemble) theta(v, r int) scenarios.Theta {
	sm := e.Variants[v].Sampler
	if !e.prior() || sm == nil || sm.Len() == 0 {
		return nil
	}
	rng := sim.NewStream(e.Seed, uint64(r/e.inner()), sim.StreamID(ThetaStream))
	return sm.Draw(rng)
}

// specFor is the scenario replication r of variant v runs: the variant's,
// with θ applied when the ensemble draws one.
func (e *Ensemble) specFor(v, r int) (*scenarios.Spec, scenarios.Theta, error) {
	vr := e.Variants[v]
	t := e.theta(v, r)
	if t == nil {
		return vr.Spec, nil, nil
	}
	spec, err := vr.Spec.WithTheta(t)
	if err != nil {
		return nil, nil, fmt.Errorf("θ of replication %d: %w", r, err)
	}
	return spec, t, nil
}

// thetaRow is θ laid out on keys: the cells of runs.csv (TOML text, ""
// where absent) and the numeric values for the analysis (NaN where absent;
// a non-numeric choice is the index of its value among the prior's
// values).
func (e *Ensemble) thetaRow(v int, t scenarios.Theta, keys []string) ([]string, []float64) {
	cells := make([]string, len(keys))
	nums := make([]float64, len(keys))
	for j := range nums {
		nums[j] = math.NaN()
	}
	for _, d := range t {
		j := slices.Index(keys, d.Key)
		if j < 0 {
			continue
		}
		cells[j] = d.Text()
		if x, ok := d.Float(); ok {
			nums[j] = x
		} else {
			nums[j] = e.Variants[v].choiceIndex(d)
		}
	}
	return cells, nums
}

// choiceIndex is the position of d's value among the values of its
// choice prior, NaN when unknown.
func (vr *Variant) choiceIndex(d scenarios.Draw) float64 {
	for _, p := range vr.priors {
		if p.Key != d.Key {
			continue
		}
		for i, x := range p.Values {
			if (scenarios.Draw{Key: d.Key, Value: x}).Text() == d.Text() {
				return float64(i)
			}
		}
	}
	return math.NaN()
}

// forecastState is what Run keeps of a prior-predictive run.
type forecastState struct {
	keys []string
	runs *metrics.ForecastRuns
}

func (e *Ensemble) newForecast(names []string) *forecastState {
	keys := e.thetaKeys()
	return &forecastState{keys: keys, runs: metrics.NewForecastRuns(names, keys, e.inner(), e.Scenario.HorizonDays, e.Scenario.Lego)}
}

// family is the detector family's verdicts on rep, computed in the worker,
// with the run's memo of PELT segmentations.
func (e *Ensemble) family(rep *metrics.Replication, memo *metrics.PELTMemo) []stats.Obs {
	return memo.FamilyOf(rep, e.Scenario.Lego, e.Scenario.HorizonDays)
}

// hasPriors reports whether s or any of its variants declares a prior, or
// s carries a posterior.
func hasPriors(s *scenarios.Spec) bool {
	if len(s.Priors) > 0 || len(s.Posteriors) > 0 {
		return true
	}
	for _, v := range s.Variants {
		if len(v.Priors) > 0 {
			return true
		}
	}
	return false
}

// posteriorUses says which θ keys came from which posterior, merged over
// the variants (a posterior is listed once, with the variants that drew
// from it); nil when none did.
func (e *Ensemble) posteriorUses() []metrics.ForecastPosterior {
	var out []metrics.ForecastPosterior
	for _, v := range e.Variants {
		if v.Sampler == nil {
			continue
		}
		for _, u := range v.Sampler.Posteriors() {
			i := slices.IndexFunc(out, func(p metrics.ForecastPosterior) bool {
				return p.From == u.From && slices.Equal(p.Keys, u.Keys)
			})
			if i < 0 {
				out = append(out, metrics.ForecastPosterior{From: u.From, Reason: u.Reason, Keys: u.Keys, AnalogKeys: u.AnalogKeys,
					ReplacedPriors: append([]string{}, u.Replaced...), Particles: u.Particles, ESS: u.ESS})
				i = len(out) - 1
			}
			out[i].Variants = append(out[i].Variants, v.Name)
		}
	}
	return out
}
