package metrics

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/legolab/legolab/scenarios"
	"github.com/legolab/legolab/stats"
)

// TestForecastRunsStreaming checks the family's online reduction against
// the definitions: each member's P(by horizon) and Kaplan–Meier median
// from its verdicts kept whole, and P(a before b) from the pairs; and that
// the order of Add (run-major, as lab calls it, or variant-major) does not
// change the forecast.
func TestForecastRunsStreaming(t *testing.T) {
	rule := scenarios.Lego{Rule: "window", WindowDays: 90, ComposabilityMin: 0.3, ComposedShareMin: 0.2, GrowthMin: 2, MinComposedPerWindow: 3}
	variants := []string{"a", "b", "c"}
	keys := []string{"x", "y"}
	const inner, runs, horizon = 2, 60, 1000.0
	members := len(DetectorFamily(rule))
	rng := rand.New(rand.NewPCG(1, 2))
	type run struct {
		theta  []float64
		day    float64
		hit    bool
		family []stats.Obs
	}
	data := make([][]run, len(variants))
	for v := range variants {
		for r := range runs {
			g := float64(r / inner) // θ shared by a draw's replications
			rr := run{theta: []float64{g, math.Sin(g)}, day: math.Floor(rng.Float64() * horizon), hit: rng.IntN(3) > 0}
			for range members {
				// Coarse days so that ties between variants occur.
				o := stats.Obs{Time: 100 * math.Floor(rng.Float64()*10), Event: rng.IntN(4) > 0}
				if !o.Event {
					o.Time = horizon
				}
				rr.family = append(rr.family, o)
			}
			data[v] = append(data[v], rr)
		}
	}
	mc := make([]VariantSummary, len(variants))
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	runMajor := NewForecastRuns(variants, keys, inner, horizon, rule)
	for r := range runs {
		for v := range variants {
			d := data[v][r]
			runMajor.Add(v, d.theta, d.day, d.hit, d.family)
		}
	}
	variantMajor := NewForecastRuns(variants, keys, inner, horizon, rule)
	for v := range variants {
		for _, d := range data[v] {
			variantMajor.Add(v, d.theta, d.day, d.hit, d.family)
		}
	}
	got, other := runMajor.Summarize(start, mc), variantMajor.Summarize(start, mc)
	if !reflect.DeepEqual(got, other) {
		t.Errorf("run-major and variant-major Add give different forecasts:\n%+v\n%+v", got, other)
	}
	for v := range variants {
		for m := range members {
			col := make([]stats.Obs, runs)
			reached := 0
			for r, d := range data[v] {
				col[r] = d.family[m]
				if col[r].Event {
					reached++
				}
			}
			fm := got.Variants[v].Family.Members[m]
			if want := float64(reached) / runs; fm.PByHorizon != want {
				t.Errorf("variant %d member %d: P by horizon %v; want %v", v, m, fm.PByHorizon, want)
			}
			med, ok := stats.KaplanMeier(col, horizon).Median()
			if ok != (fm.MedianDay != nil) || (ok && *fm.MedianDay != med) {
				t.Errorf("variant %d member %d: median %v; want %v (reached %v)", v, m, fm.MedianDay, med, ok)
			}
		}
	}
	p := 0
	for a := range variants {
		for b := a + 1; b < len(variants); b++ {
			po := got.Leading.Pairs[p]
			p++
			for m := range members {
				s := 0.0
				for r := range runs {
					da, db := math.Inf(1), math.Inf(1)
					if o := data[a][r].family[m]; o.Event {
						da = o.Time
					}
					if o := data[b][r].family[m]; o.Event {
						db = o.Time
					}
					switch {
					case da < db:
						s++
					case da == db:
						s += 0.5
					}
				}
				if want := s / runs; po.PBefore[m] != want {
					t.Errorf("%s before %s, member %d: %v; want %v", po.A, po.B, m, po.PBefore[m], want)
				}
			}
		}
	}
	// θ rows: a draw's replications share one, and so do the variants
	// (their θ here are equal).
	for v := range variants {
		for r := 1; r < runs; r++ {
			shared := &runMajor.theta[v][r][0] == &runMajor.theta[v][r-1][0]
			if want := r%inner != 0; shared != want {
				t.Errorf("variant %d run %d: θ row shared with the previous run %v; want %v", v, r, shared, want)
			}
			if &runMajor.theta[v][r][0] != &runMajor.theta[0][r][0] {
				t.Errorf("variant %d run %d: θ row not shared with variant 0's", v, r)
			}
		}
	}
	// A variant with other values keeps its own rows.
	own := NewForecastRuns(variants[:2], keys, inner, horizon, rule)
	for r := range runs {
		own.Add(0, data[0][r].theta, data[0][r].day, data[0][r].hit, data[0][r].family)
		th := []float64{data[1][r].theta[0], math.NaN()}
		own.Add(1, th, data[1][r].day, data[1][r].hit, data[1][r].family)
		if got := own.theta[1][r]; &got[0] == &own.theta[0][r][0] || !math.IsNaN(got[1]) || got[0] != th[0] {
			t.Errorf("run %d: variant 1's row %v is variant 0's %v", r, got, own.theta[0][r])
		}
	}
}
