package stats

import (
	"fmt"
	"math"
	"testing"
)

// TestLogPdfIntegratesToCDF checks each LogPdf against the sampler's own CDF:
// the midpoint-rule integral of exp(LogPdf) over [lo, x] must equal
// CDF(x) − CDF(lo) to the rule's error (far below 1e-4 with 20,000 steps on
// these smooth densities).
func TestLogPdfIntegratesToCDF(t *testing.T) {
	type dist interface {
		LogPdf(float64) float64
		CDF(float64) float64
	}
	cases := []struct {
		d      dist
		lo, hi float64
	}{
		{Uniform{Min: 1, Max: 3}, 1, 3},
		{LogUniform{Min: 0.01, Max: 10}, 0.01, 10},
		{Normal{Mu: 1, Sigma: 2, Min: math.Inf(-1), Max: math.Inf(1)}, -15, 17},
		{Normal{Mu: 1, Sigma: 2, Min: 0, Max: 4}, 0, 4},
		{LogNormal{Mu: 0, Sigma: 0.5, Min: 0.5, Max: 3}, 0.5, 3},
		{Beta{A: 2, B: 3, Min: 1, Max: 5}, 1, 5},
		{Triangular{Min: 0, Mode: 1, Max: 4}, 0, 4},
	}
	for _, c := range cases {
		name := fmt.Sprintf("%+v", c.d)
		const steps = 20000
		h := (c.hi - c.lo) / steps
		sum := 0.0
		for i := range steps {
			x := c.lo + (float64(i)+0.5)*h
			sum += math.Exp(c.d.LogPdf(x)) * h
			if i%4000 == 3999 {
				xe := c.lo + float64(i+1)*h
				if want := c.d.CDF(xe) - c.d.CDF(c.lo); math.Abs(sum-want) > 1e-4 {
					t.Errorf("%s: ∫ pdf to %v = %v; want CDF difference %v", name, xe, sum, want)
				}
			}
		}
		if got := c.d.LogPdf(c.lo - 1); c.d.CDF(c.lo-1) == 0 && !math.IsInf(got, -1) {
			t.Errorf("%s: LogPdf below the support = %v; want -Inf", name, got)
		}
	}
}
