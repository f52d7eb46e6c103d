package stats

import (
	"cmp"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"github.com/legolab/legolab/internal/portable"
)

// PRCC is the partial rank correlation of one parameter with an outcome.
type PRCC struct {
	// Coef is the partial rank correlation in [−1, 1].
	Coef float64
	// P is the two-sided p-value of Coef = 0 from t = r·√(df/(1−r²)) on
	// df = N − 1 − p degrees of freedom (p parameters), the usual test of a
	// partial correlation (Blower & Dowlatabadi 1994; Marino et al. 2008).
	P float64
	// Lo and Hi are the 95% interval from Fisher's z, atanh r ± 1.96/√(df−1).
	Lo, Hi float64
	// N is the number of runs.
	N int
}

// PartialRankCorrelation returns the partial rank correlation coefficient
// of each parameter with the outcome (Saltelli et al. 2004, §6.1; Marino et
// al. 2008): x[i][j] is parameter j in run i, y[i] the outcome of run i.
// Every column and y are rank-transformed (ties get their average rank);
// for parameter j the ranks of x_j and of y are each regressed by least
// squares on the ranks of the other parameters plus an intercept, and PRCC_j
// is the Pearson correlation of the two residuals. It measures a monotone,
// not only linear, association with the other parameters held fixed.
//
// A right-censored outcome (a run whose Lego moment did not come by the
// horizon τ) has no day to rank. Rank it on the RMST-style truncated value
// min(T, τ) (Truncated): every censored run ties at τ, the latest rank, which
// is the correct order since each of them comes after every observed day
// ≤ τ. The coefficient then measures association with the truncated day, the
// quantity whose mean is the restricted mean to τ; it says nothing of how
// late beyond τ.
//
// A constant outcome gives every coefficient 0 (p-value 1). It returns an
// error when runs are fewer than p+3 (no residual degrees of freedom for the
// test), when the rows have unequal lengths, on a NaN, or when a parameter
// is constant or its ranks are (numerically) a linear function of the
// others' (condition number of their correlation matrix above 1e12).
func PartialRankCorrelation(x [][]float64, y []float64) ([]PRCC, error) {
	n := len(x)
	if n != len(y) {
		return nil, errorf("PRCC: %d rows of parameters, %d outcomes", n, len(y))
	}
	if n == 0 {
		return nil, errorf("PRCC: no runs")
	}
	p := len(x[0])
	if p == 0 {
		return nil, errorf("PRCC: no parameters")
	}
	if n < p+3 {
		return nil, errorf("PRCC: %d runs for %d parameters; need at least %d", n, p, p+3)
	}
	col := make([]float64, n)
	ranks := make([][]float64, p) // ranks[j] is column j ranked
	for j := range p {
		for i, row := range x {
			if len(row) != p {
				return nil, errorf("PRCC: run %d has %d parameters, run 0 has %d", i, len(row), p)
			}
			if math.IsNaN(row[j]) {
				return nil, errorf("PRCC: x[%d][%d] is NaN", i, j)
			}
			col[i] = row[j]
		}
		ranks[j] = Ranks(col)
	}
	for i, v := range y {
		if math.IsNaN(v) {
			return nil, errorf("PRCC: y[%d] is NaN", i)
		}
	}
	ry := Ranks(y)
	for j, r := range ranks {
		if constant(r) {
			return nil, errorf("PRCC: parameter %d is constant", j)
		}
	}
	// The partial correlation of x_j and y given the rest is
	// −C_jy/√(C_jj·C_yy) with C the inverse of the correlation matrix of
	// (x_1..x_p, y) (e.g. Whittaker 1990, §5.7): the same number as the
	// correlation of the two regression residuals, for one factorisation
	// instead of p regressions.
	cols := p + 1
	yConst := constant(ry)
	if yConst {
		cols = p // y carries no ranks to correlate; check the x block only
	}
	data := mat.NewDense(n, cols, nil)
	for i := range n {
		for j := range p {
			data.Set(i, j, ranks[j][i])
		}
		if !yConst {
			data.Set(i, p, ry[i])
		}
	}
	var corr mat.SymDense
	stat.CorrelationMatrix(&corr, data, nil)
	var ch mat.Cholesky
	if ok := ch.Factorize(&corr); !ok || ch.Cond() > 1e12 {
		return nil, errorf("PRCC: the parameters' ranks are collinear (a parameter is determined by the others)")
	}
	var inv mat.SymDense
	if err := ch.InverseTo(&inv); err != nil {
		return nil, errorf("PRCC: the parameters' ranks are collinear: %v", err)
	}
	df := float64(n - 1 - p)
	out := make([]PRCC, p)
	for j := range p {
		r := 0.0
		if !yConst {
			r = -inv.At(j, p) / math.Sqrt(inv.At(j, j)*inv.At(p, p))
			r = math.Max(-1, math.Min(1, r))
		}
		out[j] = prccStats(r, df, n)
	}
	return out, nil
}

// constant reports whether every value of v is the same.
func constant(v []float64) bool {
	for _, x := range v {
		if x != v[0] {
			return false
		}
	}
	return true
}

// prccStats fills the test and interval of a partial correlation r on df
// residual degrees of freedom.
func prccStats(r, df float64, n int) PRCC {
	res := PRCC{Coef: r, N: n, P: 0, Lo: r, Hi: r}
	if math.Abs(r) < 1 {
		t := r * math.Sqrt(df/(1-r*r))
		// CDF reads no random source, so a nil Src is harmless here.
		res.P = 2 * portable.StudentsTSurvival(df, math.Abs(t))
		if df > 1 {
			z, h := math.Atanh(r), z975/math.Sqrt(df-1)
			res.Lo, res.Hi = portable.Tanh(z-h), portable.Tanh(z+h)
		} else {
			res.Lo, res.Hi = -1, 1
		}
	}
	return res
}

// Ranks returns the ranks 1..n of v, ties given their average rank. It
// does not modify v.
func Ranks(v []float64) []float64 {
	n := len(v)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(v[a], v[b]) })
	r := make([]float64, n)
	for i := 0; i < n; {
		j := i
		for j+1 < n && v[idx[j+1]] == v[idx[i]] {
			j++
		}
		avg := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			r[idx[k]] = avg
		}
		i = j + 1
	}
	return r
}

// Truncated returns the RMST-style truncated outcome min(T, tau) of each
// run: day[i] when reached[i] and day[i] < tau, tau otherwise (a run not
// reached is censored at the horizon, later than any observed day ≤ tau).
// It panics if the slices differ in length.
func Truncated(day []float64, reached []bool, tau float64) []float64 {
	if len(day) != len(reached) {
		panic("stats: Truncated: slice length mismatch")
	}
	out := make([]float64, len(day))
	for i, d := range day {
		if reached[i] && d < tau {
			out[i] = d
		} else {
			out[i] = tau
		}
	}
	return out
}
