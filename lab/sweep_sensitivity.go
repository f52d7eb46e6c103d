package lab

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/legolab/legolab/sim"
	"github.com/legolab/legolab/stats"
	"github.com/legolab/legolab/sweeps"
)

// Sensitivity methods, by design.
const (
	MethodSobol      = "sobol"       // Saltelli S1, Jansen ST, bootstrap CIs
	MethodMorris     = "morris"      // elementary effects μ*, μ, σ
	MethodMainEffect = "main-effect" // correlation ratio Var(E[Y|X_i])/Var(Y)
)

// SensitivityRow is one parameter's sensitivity indices for one outcome,
// a row of sensitivity.csv. Indices a method does not give are nil.
type SensitivityRow struct {
	Outcome string `json:"outcome"`
	Param   string `json:"param"`
	Method  string `json:"method"`
	// S1 is the first-order index (sobol, main-effect) and ST the total
	// index (sobol), each with its 95% bootstrap interval (sobol).
	S1     *float64    `json:"s1"`
	S1CI95 [2]*float64 `json:"s1_ci95"`
	ST     *float64    `json:"st"`
	STCI95 [2]*float64 `json:"st_ci95"`
	// MuStar, Mu and Sigma are Morris's mean absolute elementary effect,
	// mean effect and their standard deviation, in outcome units per full
	// range of the parameter.
	MuStar *float64 `json:"mu_star"`
	Mu     *float64 `json:"mu"`
	Sigma  *float64 `json:"sigma"`
	// Note explains missing indices (e.g. an outcome constant over the
	// design).
	Note string `json:"note,omitempty"`
}

// Rank returns the index the parameter is ranked by: ST for sobol, μ* for
// morris, S1 for main-effect; NaN when missing.
func (r SensitivityRow) Rank() float64 {
	var p *float64
	switch r.Method {
	case MethodSobol:
		p = r.ST
	case MethodMorris:
		p = r.MuStar
	default:
		p = r.S1
	}
	if p == nil {
		return math.NaN()
	}
	return *p
}

func swPtr(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// sensitivityOf computes the indices of every outcome for every parameter
// from the per-point rows. A median not reached by the horizon enters as
// the horizon (its lower bound). It returns the rows (outcomes in order,
// parameters in file order) and notes on outcomes it could not analyse.
func sensitivityOf(f *sweeps.File, points []sweeps.Point, rows []*PointRow, refs []swOutcome, horizon float64) []SensitivityRow {
	k := len(f.Params)
	var out []SensitivityRow
	for oi, ref := range refs {
		y := make([]float64, len(rows))
		for i, r := range rows {
			y[i] = ref.value(r)
			if math.IsInf(y[i], 1) {
				y[i] = horizon
			}
		}
		block := make([]SensitivityRow, k)
		for j := range block {
			block[j] = SensitivityRow{Outcome: ref.name, Param: f.Params[j].Key}
		}
		switch f.Design {
		case sweeps.DesignSobol:
			n := f.Samples
			yAB := make([][]float64, k)
			for j := range yAB {
				yAB[j] = y[(2+j)*n : (3+j)*n]
			}
			// The bootstrap's stream: a fixed function of the sweep's seed
			// and the outcome's place.
			_, bs := sim.StreamKeys(f.Seed, uint64(oi), sim.StreamID("sobol-bootstrap"))
			idx, err := stats.Sobol(y[:n], y[n:2*n], yAB, f.Bootstrap, bs)
			for j := range block {
				b := &block[j]
				b.Method = MethodSobol
				if err != nil {
					b.Note = swNoteOf(err)
					continue
				}
				x := idx[j]
				b.S1, b.S1CI95 = swPtr(x.S1), [2]*float64{swPtr(x.S1Lo), swPtr(x.S1Hi)}
				b.ST, b.STCI95 = swPtr(x.ST), [2]*float64{swPtr(x.STLo), swPtr(x.STHi)}
			}
		case sweeps.DesignMorris:
			X := make([][]float64, len(points))
			for i, p := range points {
				X[i] = p.Unit
			}
			muStar, mu, sigma, err := stats.Morris(X, y, k)
			for j := range block {
				b := &block[j]
				b.Method = MethodMorris
				if err != nil {
					b.Note = swNoteOf(err)
					continue
				}
				b.MuStar, b.Mu, b.Sigma = swPtr(muStar[j]), swPtr(mu[j]), swPtr(sigma[j])
			}
		default:
			s1, err := swMainEffects(f, points, y)
			for j := range block {
				b := &block[j]
				b.Method = MethodMainEffect
				if err != nil {
					b.Note = swNoteOf(err)
					continue
				}
				b.S1 = swPtr(s1[j])
			}
		}
		out = append(out, block...)
	}
	return out
}

// swNoteOf turns an estimator's refusal into a note for the tables.
func swNoteOf(err error) string {
	msg := fmt.Sprint(err)
	if strings.Contains(msg, "variance is zero") {
		return "the outcome is the same at every point"
	}
	return strings.TrimPrefix(msg, "stats: ")
}

// swMainEffects estimates each parameter's first-order index with
// stats.MainEffects, the points grouped by the parameter's level (grids and
// lists of values) or by √N equal-width bins of its unit coordinate (random
// and lhs ranges).
func swMainEffects(f *sweeps.File, points []sweeps.Point, y []float64) ([]float64, error) {
	n := len(y)
	level := make([][]int, len(f.Params))
	for j := range f.Params {
		p := &f.Params[j]
		bins := int(math.Round(math.Sqrt(float64(n))))
		if f.Design == sweeps.DesignGrid || p.Values != nil {
			bins = len(p.Values)
			if p.Values == nil {
				bins = p.Levels
				if bins == 0 {
					bins = f.Levels
				}
			}
		}
		bins = max(bins, 1)
		level[j] = make([]int, len(points))
		for i, pt := range points {
			u := pt.Unit[j]
			var b int
			if f.Design == sweeps.DesignGrid && p.Values == nil && bins > 1 {
				b = int(math.Round(u * float64(bins-1)))
			} else {
				b = int(u * float64(bins))
			}
			level[j][i] = min(max(b, 0), bins-1)
		}
	}
	return stats.MainEffects(y, level)
}

// swTopParams returns the sensitivity rows of one outcome sorted by Rank,
// highest first (missing last, then file order).
func swTopParams(rows []SensitivityRow, outcome string) []SensitivityRow {
	var out []SensitivityRow
	for _, r := range rows {
		if r.Outcome == outcome {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b SensitivityRow) int {
		ra, rb := a.Rank(), b.Rank()
		switch {
		case math.IsNaN(ra) && math.IsNaN(rb):
			return 0
		case math.IsNaN(ra):
			return 1
		case math.IsNaN(rb):
			return -1
		}
		return cmp.Compare(rb, ra)
	})
	return out
}
