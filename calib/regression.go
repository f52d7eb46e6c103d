package calib

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// RegressionAdjust applies Beaumont, Zhang & Balding's (2002) local-linear
// regression adjustment to a finished generation, made with these targets.
// Each particle's regressors are its scaled residuals z_i = r(x_i)/s (in
// st.Scales; the observation's are 0); θ is regressed on them by weighted
// least squares with weights w_i·(1 − (d_i/ε)²), the Epanechnikov kernel
// with ε the largest accepted distance, and θ_i* = θ_i − β̂ᵀz_i. It returns
// the adjusted particles and their normalised weights (particles at
// distance ε get weight 0). The adjustment corrects for the tolerance when
// E[θ | summaries] is close to linear near the observation; it does not
// keep θ inside the prior's support. It fails if the regression is singular
// (fewer weighted particles than summaries + 1, or collinear summaries).
func (st *State) RegressionAdjust(targets []Target) ([][]float64, []float64, error) {
	n, m := len(st.Particles), len(targets)
	if n == 0 || len(st.Scales) != m {
		return nil, nil, fmt.Errorf("calib: regression adjustment: %d targets for a state with %d scales", m, len(st.Scales))
	}
	d := len(st.Particles[0])
	eps := 0.0
	for _, v := range st.Distances {
		eps = math.Max(eps, v)
	}
	w := make([]float64, n)
	sw := 0.0
	for i := range w {
		k := 1.0
		if eps > 0 {
			u := st.Distances[i] / eps
			k = math.Max(0, 1-u*u)
		}
		w[i] = st.Weights[i] * k
		sw += w[i]
	}
	if !(sw > 0) {
		return nil, nil, fmt.Errorf("calib: regression adjustment: no particle has positive kernel weight")
	}
	z := mat.NewDense(n, m+1, nil)
	for i, x := range st.Summaries {
		z.Set(i, 0, 1)
		for k, t := range targets {
			z.Set(i, k+1, t.residual(x[k])/st.Scales[k])
		}
	}
	// Normal equations (Zᵀ W Z) β = Zᵀ W Θ, solved by Cholesky.
	var zw mat.Dense
	zw.Apply(func(i, _ int, v float64) float64 { return v * w[i] }, z)
	var a mat.Dense
	a.Mul(zw.T(), z)
	sym := mat.NewSymDense(m+1, nil)
	for i := range m + 1 {
		for j := i; j < m+1; j++ {
			sym.SetSym(i, j, a.At(i, j))
		}
	}
	var ch mat.Cholesky
	if ok := ch.Factorize(sym); !ok {
		return nil, nil, fmt.Errorf("calib: regression adjustment: singular regression of %d parameters on %d summaries", d, m)
	}
	theta := mat.NewDense(n, d, nil)
	for i, th := range st.Particles {
		theta.SetRow(i, th)
	}
	var rhs, beta mat.Dense
	rhs.Mul(zw.T(), theta)
	if err := ch.SolveTo(&beta, &rhs); err != nil {
		return nil, nil, fmt.Errorf("calib: regression adjustment: %w", err)
	}
	adj := make([][]float64, n)
	for i := range adj {
		adj[i] = make([]float64, d)
		for p := range d {
			v := st.Particles[i][p]
			for k := range m {
				v -= beta.At(k+1, p) * z.At(i, k+1)
			}
			adj[i][p] = v
		}
	}
	for i := range w {
		w[i] /= sw
	}
	return adj, w, nil
}
