package calib

import (
	"math"
	"math/rand/v2"
	"slices"
)

// Mean is the weighted posterior mean of each parameter.
func (st *State) Mean() []float64 {
	d := len(st.Particles[0])
	m := make([]float64, d)
	for i, th := range st.Particles {
		for k := range d {
			m[k] += st.Weights[i] * th[k]
		}
	}
	return m
}

// Var is the weighted posterior variance of each parameter (Σ w (θ − m)²).
func (st *State) Var() []float64 {
	m := st.Mean()
	v := make([]float64, len(m))
	for i, th := range st.Particles {
		for k := range m {
			dd := th[k] - m[k]
			v[k] += st.Weights[i] * dd * dd
		}
	}
	return v
}

// Quantile is the weighted p-quantile of parameter k: the smallest particle
// value whose cumulative weight reaches p.
func (st *State) Quantile(k int, p float64) float64 {
	idx := make([]int, len(st.Particles))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		x, y := st.Particles[a][k], st.Particles[b][k]
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	})
	c := 0.0
	for _, i := range idx {
		c += st.Weights[i]
		if c >= p*(1-1e-12) {
			return st.Particles[i][k]
		}
	}
	return st.Particles[idx[len(idx)-1]][k]
}

// Draw returns n draws of θ from the weighted particles (multinomial
// resampling with r).
func (st *State) Draw(r *rand.Rand, n int) [][]float64 {
	cum := make([]float64, len(st.Weights))
	c := 0.0
	for i, w := range st.Weights {
		c += w
		cum[i] = c
	}
	out := make([][]float64, n)
	for i := range out {
		u := r.Float64() * c
		j, _ := slices.BinarySearch(cum, u)
		j = min(j, len(cum)-1)
		out[i] = slices.Clone(st.Particles[j])
	}
	return out
}

// CDF is the weighted fraction of particles with parameter k below x.
func (st *State) CDF(k int, x float64) float64 {
	s := 0.0
	for i, th := range st.Particles {
		if th[k] < x {
			s += st.Weights[i]
		}
	}
	return math.Min(s, 1)
}
