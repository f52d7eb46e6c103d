package lab

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/sim"
	"github.com/legolab/legolab/stats"
	"github.com/legolab/legolab/sweeps"
)

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
func sensitivityOf(ctx context.Context, f *sweeps.File, points []sweeps.Point, rows []*PointRow, refs []swOutcome, horizon float64) ([]metrics.SensitivityRow, error) {
	k := len(f.Params)
	var out []metrics.SensitivityRow
	for oi, ref := range refs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		y := make([]float64, len(rows))
		for i, r := range rows {
			y[i] = ref.value(r)
			if math.IsInf(y[i], 1) {
				y[i] = horizon
			}
		}
		block := make([]metrics.SensitivityRow, k)
		for j := range block {
			block[j] = metrics.SensitivityRow{Outcome: ref.name, Param: f.Params[j].Key}
		}
		// The estimator is the design's method's (sweeps.Designs), so that a
		// new design with an existing method needs nothing here.
		switch sweeps.MethodOf(f.Design) {
		case sweeps.MethodSobol:
			n := f.Samples
			yAB := make([][]float64, k)
			for j := range yAB {
				yAB[j] = y[(2+j)*n : (3+j)*n]
			}
			// The bootstrap's stream: a fixed function of the sweep's seed
			// and the outcome's place.
			_, bs := sim.StreamKeys(f.Seed, uint64(oi), sim.StreamID("sobol-bootstrap"))
			idx, err := stats.SobolContext(ctx, y[:n], y[n:2*n], yAB, f.Bootstrap, bs)
			if cerr := ctx.Err(); cerr != nil {
				return nil, cerr
			}
			for j := range block {
				b := &block[j]
				b.Method = metrics.MethodSobol
				if err != nil {
					b.Note = swNoteOf(err)
					continue
				}
				x := idx[j]
				b.S1, b.S1CI95 = swPtr(x.S1), [2]*float64{swPtr(x.S1Lo), swPtr(x.S1Hi)}
				b.ST, b.STCI95 = swPtr(x.ST), [2]*float64{swPtr(x.STLo), swPtr(x.STHi)}
			}
		case sweeps.MethodMorris:
			X := make([][]float64, len(points))
			for i, p := range points {
				X[i] = p.Unit
			}
			muStar, mu, sigma, err := stats.Morris(X, y, k)
			for j := range block {
				b := &block[j]
				b.Method = metrics.MethodMorris
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
				b.Method = metrics.MethodMainEffect
				if err != nil {
					b.Note = swNoteOf(err)
					continue
				}
				b.S1 = swPtr(s1[j])
			}
		}
		out = append(out, block...)
	}
	return out, nil
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
