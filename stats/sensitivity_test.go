package stats

import (
	"math"
	"math/rand/v2"
	"testing"
)

// morrisTrajectories builds r Morris (1991) trajectories on a p-level grid of [0,1]^k with
// step Δ = p/(2(p−1)): a random base point on the levels that allow a +Δ step, then each
// parameter in a random order moved once, up by Δ or, if it started high, down.
func morrisTrajectories(rng *rand.Rand, r, k, p int) [][]float64 {
	delta := float64(p) / (2 * float64(p-1))
	var X [][]float64
	for range r {
		x := make([]float64, k)
		for i := range x {
			x[i] = float64(rng.IntN(p/2)) / float64(p-1)
			if rng.IntN(2) == 1 {
				x[i] += delta // start high and step down
			}
		}
		X = append(X, append([]float64(nil), x...))
		for _, i := range rng.Perm(k) {
			if x[i]+delta <= 1+1e-12 {
				x[i] += delta
			} else {
				x[i] -= delta
			}
			X = append(X, append([]float64(nil), x...))
		}
	}
	return X
}

// TestMorrisLinear checks that for Y = Σ a_i·(lo_i + x_i·(hi_i−lo_i)) every elementary effect
// of parameter i is a_i·(hi_i−lo_i): μ = that, μ* its absolute value and σ zero, up to
// rounding.
func TestMorrisLinear(t *testing.T) {
	a := []float64{2, -3, 0.5, 0, 10}
	lo := []float64{0, -1, 100, 5, 0.1}
	hi := []float64{1, 1, 300, 6, 0.2}
	k := len(a)
	rng := rand.New(rand.NewPCG(17, 18))
	X := morrisTrajectories(rng, 20, k, 4)
	Y := make([]float64, len(X))
	for j, x := range X {
		for i := range k {
			Y[j] += a[i] * (lo[i] + x[i]*(hi[i]-lo[i]))
		}
	}
	muStar, mu, sigma, err := Morris(X, Y, k)
	if err != nil {
		t.Fatal(err)
	}
	for i := range k {
		want := a[i] * (hi[i] - lo[i])
		tol := 1e-9 * max(1, math.Abs(want))
		if math.Abs(mu[i]-want) > tol || math.Abs(muStar[i]-math.Abs(want)) > tol || sigma[i] > tol {
			t.Errorf("param %d: got mu* %v mu %v sigma %v; want %v %v 0", i, muStar[i], mu[i], sigma[i], math.Abs(want), want)
		}
	}
}

// TestMorrisNonlinear checks σ on Y = x0·x1: the effect of x0 is x1, so μ*, μ are the mean
// of x1 at the moves and σ their spread, computed here from the design.
func TestMorrisNonlinear(t *testing.T) {
	X := [][]float64{
		{0, 0}, {2.0 / 3, 0}, {2.0 / 3, 2.0 / 3}, // x0 at x1=0, x1 at x0=2/3
		{1.0 / 3, 1}, {1.0 / 3, 1.0 / 3}, {1, 1.0 / 3}, // x1 down at x0=1/3, x0 at x1=1/3
	}
	Y := make([]float64, len(X))
	for j, x := range X {
		Y[j] = x[0] * x[1]
	}
	muStar, mu, sigma, err := Morris(X, Y, 2)
	if err != nil {
		t.Fatal(err)
	}
	// Effects of x0: 0 and 1/3; of x1: 2/3 and 1/3.
	want := [][3]float64{
		{1.0 / 6, 1.0 / 6, math.Sqrt(2 * (1.0 / 6) * (1.0 / 6))},
		{0.5, 0.5, math.Sqrt(2 * (1.0 / 6) * (1.0 / 6))},
	}
	for i, w := range want {
		if math.Abs(muStar[i]-w[0]) > 1e-12 || math.Abs(mu[i]-w[1]) > 1e-12 || math.Abs(sigma[i]-w[2]) > 1e-12 {
			t.Errorf("param %d: got %v %v %v; want %v", i, muStar[i], mu[i], sigma[i], w)
		}
	}
}

func TestMorrisErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		X    [][]float64
		Y    []float64
		k    int
	}{
		{"no rows", nil, nil, 2},
		{"length mismatch", [][]float64{{0, 0}, {1, 0}, {1, 1}}, []float64{1, 2}, 2},
		{"not a multiple of k+1", [][]float64{{0, 0}, {1, 0}}, []float64{1, 2}, 2},
		{"short row", [][]float64{{0, 0}, {1}, {1, 1}}, []float64{1, 2, 3}, 2},
		{"two moves", [][]float64{{0, 0}, {1, 1}, {1, 0}}, []float64{1, 2, 3}, 2},
		{"no move", [][]float64{{0, 0}, {0, 0}, {1, 0}}, []float64{1, 2, 3}, 2},
		{"same param twice", [][]float64{{0, 0}, {1, 0}, {0, 0}}, []float64{1, 2, 3}, 2},
		{"k zero", [][]float64{{}}, []float64{1}, 0},
	} {
		if _, _, _, err := Morris(tc.X, tc.Y, tc.k); err == nil {
			t.Errorf("%s: got no error", tc.name)
		}
	}
}

// saltelliDesign evaluates f on the A, B and AB_i matrices of N pseudo-random points of
// [0,1]^k drawn from a seeded PCG stream.
func saltelliDesign(rng *rand.Rand, n, k int, f func([]float64) float64) (yA, yB []float64, yAB [][]float64) {
	A, B := make([][]float64, n), make([][]float64, n)
	for j := range n {
		A[j], B[j] = make([]float64, k), make([]float64, k)
		for i := range k {
			A[j][i] = rng.Float64()
			B[j][i] = rng.Float64()
		}
	}
	yA, yB = make([]float64, n), make([]float64, n)
	yAB = make([][]float64, k)
	x := make([]float64, k)
	for j := range n {
		yA[j], yB[j] = f(A[j]), f(B[j])
	}
	for i := range k {
		yAB[i] = make([]float64, n)
		for j := range n {
			copy(x, A[j])
			x[i] = B[j][i]
			yAB[i][j] = f(x)
		}
	}
	return yA, yB, yAB
}

// ishigami is the Ishigami–Homma (1990) function on the unit cube mapped to [−π, π]^3.
func ishigami(a, b float64) func([]float64) float64 {
	return func(u []float64) float64 {
		x1, x2, x3 := math.Pi*(2*u[0]-1), math.Pi*(2*u[1]-1), math.Pi*(2*u[2]-1)
		return math.Sin(x1) + a*math.Sin(x2)*math.Sin(x2) + b*math.Pow(x3, 4)*math.Sin(x1)
	}
}

// TestSobolIshigami checks the estimates for a = 7, b = 0.1 against the closed form
// (Sobol' & Levitan 1999): V = a²/8 + bπ⁴/5 + b²π⁸/18 + 1/2, V1 = (1 + bπ⁴/5)²/2,
// V2 = a²/8, V3 = 0, V13 = b²π⁸(1/18 − 1/50); S1 = (V1, V2, 0)/V and
// ST = (V1+V13, V2, V13)/V. Each estimate must lie within 4 bootstrap standard errors
// ((Hi−Lo)/3.92) of the truth: the 95% interval itself misses one of six indices about a
// quarter of the time (with this seed S1[1] = 0.469 misses 0.442 by 2.1 se), so its
// calibration is checked separately, in TestSobolCoverage.
func TestSobolIshigami(t *testing.T) {
	const a, b = 7.0, 0.1
	pi4, pi8 := math.Pow(math.Pi, 4), math.Pow(math.Pi, 8)
	v := a*a/8 + b*pi4/5 + b*b*pi8/18 + 0.5
	v1 := 0.5 * (1 + b*pi4/5) * (1 + b*pi4/5)
	v2 := a * a / 8
	v13 := b * b * pi8 * (1.0/18 - 1.0/50)
	wantS1 := []float64{v1 / v, v2 / v, 0}
	wantST := []float64{(v1 + v13) / v, v2 / v, v13 / v}

	rng := rand.New(rand.NewPCG(2010, 1))
	yA, yB, yAB := saltelliDesign(rng, 1<<13, 3, ishigami(a, b))
	idx, err := Sobol(yA, yB, yAB, 500, 7)
	if err != nil {
		t.Fatal(err)
	}
	checkSobol(t, "ishigami", idx, wantS1, wantST)
}

// TestSobolLinear checks Y = Σ a_i X_i with independent uniforms, where S1_i = ST_i =
// a_i²/Σ a_j².
func TestSobolLinear(t *testing.T) {
	a := []float64{1, 2, -3, 0.5}
	sum := 0.0
	for _, ai := range a {
		sum += ai * ai
	}
	want := make([]float64, len(a))
	for i, ai := range a {
		want[i] = ai * ai / sum
	}
	rng := rand.New(rand.NewPCG(1999, 2))
	yA, yB, yAB := saltelliDesign(rng, 1<<12, len(a), func(x []float64) float64 {
		y := 0.0
		for i, ai := range a {
			y += ai * x[i]
		}
		return y
	})
	idx, err := Sobol(yA, yB, yAB, 500, 11)
	if err != nil {
		t.Fatal(err)
	}
	checkSobol(t, "linear", idx, want, want)
}

func checkSobol(t *testing.T, name string, idx []SobolIndex, wantS1, wantST []float64) {
	t.Helper()
	if len(idx) != len(wantS1) {
		t.Fatalf("%s: got %d indices; want %d", name, len(idx), len(wantS1))
	}
	for i, x := range idx {
		for _, c := range []struct {
			what              string
			got, lo, hi, want float64
		}{
			{"S1", x.S1, x.S1Lo, x.S1Hi, wantS1[i]},
			{"ST", x.ST, x.STLo, x.STHi, wantST[i]},
		} {
			se := (c.hi - c.lo) / (2 * z975)
			if !(math.Abs(c.got-c.want) <= 4*se) || !(c.lo <= c.got && c.got <= c.hi) {
				t.Errorf("%s %s[%d]: got %.4f [%.4f, %.4f]; want %.4f ± 4·%.4f", name, c.what, i, c.got, c.lo, c.hi, c.want, se)
			}
		}
		t.Logf("%s %d: S1 %.4f [%.4f, %.4f] want %.4f; ST %.4f [%.4f, %.4f] want %.4f", name, i, x.S1, x.S1Lo, x.S1Hi, wantS1[i], x.ST, x.STLo, x.STHi, wantST[i])
	}
}

// TestSobolCoverage checks the calibration of the 95% bootstrap intervals on Ishigami
// (a = 7, b = 0.1, truth from the closed form as in TestSobolIshigami) over 150 seeded
// designs of N = 256: each index's coverage must be in [0.87, 0.99] (binomial sd 1.8 points).
func TestSobolCoverage(t *testing.T) {
	const (
		a, b = 7.0, 0.1
		reps = 150
	)
	pi4, pi8 := math.Pow(math.Pi, 4), math.Pow(math.Pi, 8)
	v := a*a/8 + b*pi4/5 + b*b*pi8/18 + 0.5
	v1 := 0.5 * (1 + b*pi4/5) * (1 + b*pi4/5)
	v2 := a * a / 8
	v13 := b * b * pi8 * (1.0/18 - 1.0/50)
	want := []float64{v1 / v, v2 / v, 0, (v1 + v13) / v, v2 / v, v13 / v} // S1 then ST
	hits := make([]int, len(want))
	for rep := range reps {
		rng := rand.New(rand.NewPCG(uint64(rep), 77))
		yA, yB, yAB := saltelliDesign(rng, 256, 3, ishigami(a, b))
		idx, err := Sobol(yA, yB, yAB, 200, uint64(rep))
		if err != nil {
			t.Fatal(err)
		}
		for i, x := range idx {
			if x.S1Lo <= want[i] && want[i] <= x.S1Hi {
				hits[i]++
			}
			if x.STLo <= want[3+i] && want[3+i] <= x.STHi {
				hits[3+i]++
			}
		}
	}
	for i, h := range hits {
		if cov := float64(h) / reps; cov < 0.87 || cov > 0.99 {
			t.Errorf("index %d (S1 0-2, ST 3-5): coverage %v; want 0.95 ± 0.04", i, cov)
		}
	}
	t.Logf("coverage hits of %d: %v", reps, hits)
}

func TestSobolDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	yA, yB, yAB := saltelliDesign(rng, 256, 3, ishigami(7, 0.1))
	x, err := Sobol(yA, yB, yAB, 50, 3)
	if err != nil {
		t.Fatal(err)
	}
	y, _ := Sobol(yA, yB, yAB, 50, 3)
	z, _ := Sobol(yA, yB, yAB, 50, 4)
	for i := range x {
		if x[i] != y[i] {
			t.Errorf("index %d: same seed gave %+v and %+v", i, x[i], y[i])
		}
		if x[i].S1Lo == z[i].S1Lo && x[i].STHi == z[i].STHi {
			t.Errorf("index %d: seeds 3 and 4 gave the same intervals", i)
		}
	}
	n, _ := Sobol(yA, yB, yAB, 0, 3)
	if !math.IsNaN(n[0].S1Lo) || n[0].S1 != x[0].S1 {
		t.Errorf("no resamples: got %+v; want NaN intervals, same estimates", n[0])
	}
}

func TestSobolErrors(t *testing.T) {
	y := []float64{1, 2, 3}
	for _, tc := range []struct {
		name      string
		yA, yB    []float64
		yAB       [][]float64
		resamples int
	}{
		{"short", []float64{1}, []float64{1}, [][]float64{{1}}, 10},
		{"yB length", y, y[:2], [][]float64{y}, 10},
		{"yAB length", y, y, [][]float64{y[:2]}, 10},
		{"no params", y, y, nil, 10},
		{"negative resamples", y, y, [][]float64{y}, -1},
		{"zero variance", []float64{1, 1}, []float64{1, 1}, [][]float64{{1, 1}}, 10},
		{"NaN", []float64{1, math.NaN()}, []float64{1, 2}, [][]float64{{1, 2}}, 10},
	} {
		if _, err := Sobol(tc.yA, tc.yB, tc.yAB, tc.resamples, 1); err == nil {
			t.Errorf("%s: got no error", tc.name)
		}
	}
}
