package stats

import (
	"math"

	"github.com/legolab/legolab/internal/portable"
)

// LogRank compares the survival of two groups of right-censored times to event with the
// log-rank (Mantel–Cox) test. At each distinct event time with n at risk of whom n₁ in a,
// and d events, the observed events of a are compared with E = d·n₁/n under the
// hypergeometric variance V = d(n₁/n)(1−n₁/n)(n−d)/(n−1); chi2 = (O−ΣE)²/ΣV has one degree
// of freedom under the null hypothesis of equal hazards, and p is its upper tail. With no
// events, or no variance, it returns 0 and 1. Ties follow sortObs: events before
// censorings at the same time.
func LogRank(a, b []Obs) (chi2, p float64) {
	var ta, tb LifeTable
	for i, o := range a {
		ta.Add(i, o)
	}
	for i, o := range b {
		tb.Add(i, o)
	}
	return LogRankTables(&ta, &tb)
}

// chiSquare1Sf is the upper tail of the chi-square distribution with one degree of freedom:
// P(Z² > x) = erfc(√(x/2)) for a standard normal Z.
func chiSquare1Sf(x float64) float64 {
	if !(x > 0) {
		return 1
	}
	return portable.Erfc(math.Sqrt(x / 2))
}
