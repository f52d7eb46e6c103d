// Copyright ©2016 The Gonum Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.
// (f.go: Copyright ©2017; binomial.go: Copyright ©2018.)

// These are methods of gonum v0.17.0's stat/distuv (studentst.go, beta.go,
// f.go, chisquared.go and binomial.go) written as functions of the
// distributions' parameters, calling this package's RegIncBeta,
// InvRegIncBeta and GammaIncRegComp in place of mathext's: the same
// operations in the same order, special cases and panics included.

package portable

import "math"

const badPercentile = "distuv: percentile out of bounds"

// StudentsTQuantile returns the inverse of the cumulative distribution
// function of Student's t distribution with nu degrees of freedom, Mu 0 and
// Sigma 1: distuv.StudentsT{Mu: 0, Sigma: 1, Nu: nu}.Quantile(p). It panics
// if p is outside [0, 1].
func StudentsTQuantile(nu, p float64) float64 {
	const mu, sigma = 0.0, 1.0
	if p < 0 || p > 1 {
		panic(badPercentile)
	}
	// F(x) = 1 - 0.5 * I_t(x)(nu/2, 1/2)
	// t(x) = nu/(t^2 + nu)
	if p == 0.5 {
		return mu
	}
	var y float64
	if p > 0.5 {
		// Know t > 0
		t := InvRegIncBeta(nu/2, 0.5, 2*(1-p))
		y = math.Sqrt(nu * (1 - t) / t)
	} else {
		t := InvRegIncBeta(nu/2, 0.5, 2*p)
		y = -math.Sqrt(nu * (1 - t) / t)
	}
	// Convert out of standard normal
	return y*sigma + mu
}

// StudentsTSurvival returns the survival function (complementary CDF) at x
// of Student's t distribution with nu degrees of freedom, Mu 0 and Sigma 1:
// distuv.StudentsT{Mu: 0, Sigma: 1, Nu: nu}.Survival(x).
func StudentsTSurvival(nu, x float64) float64 {
	const mu, sigma = 0.0, 1.0
	// transform to standard normal
	y := (x - mu) / sigma
	if y == 0 {
		return 0.5
	}
	// For t > 0
	// F(y) = 1 - 0.5 * I_t(y)(nu/2, 1/2)
	// t(y) = nu/(y^2 + nu)
	// and 1 - F(y) for t < 0
	t := nu / (y*y + nu)
	if y > 0 {
		return 0.5 * RegIncBeta(nu/2, 0.5, t)
	}
	return 1 - 0.5*RegIncBeta(nu/2, 0.5, t)
}

// UnitNormalCDF returns the cumulative distribution function at x of the
// standard normal distribution: distuv.UnitNormal.CDF(x), which is
// 0.5·Erfc(−(x−0)/(1·√2)), the same bits as this.
func UnitNormalCDF(x float64) float64 { return 0.5 * Erfc(-x/math.Sqrt2) }

// BetaCDF returns the cumulative distribution function at x of the Beta
// distribution with shapes alpha and beta:
// distuv.Beta{Alpha: alpha, Beta: beta}.CDF(x).
func BetaCDF(alpha, beta, x float64) float64 {
	if x <= 0 {
		return 0
	}
	if x >= 1 {
		return 1
	}
	return RegIncBeta(alpha, beta, x)
}

// BetaQuantile returns the inverse of the cumulative distribution function
// of the Beta distribution with shapes alpha and beta:
// distuv.Beta{Alpha: alpha, Beta: beta}.Quantile(p). It panics if p is
// outside [0, 1].
func BetaQuantile(alpha, beta, p float64) float64 {
	if p < 0 || p > 1 {
		panic(badPercentile)
	}
	return InvRegIncBeta(alpha, beta, p)
}

// FQuantile returns the inverse of the cumulative distribution function of
// the F distribution with d1 and d2 degrees of freedom:
// distuv.F{D1: d1, D2: d2}.Quantile(p). It panics if p is outside [0, 1].
func FQuantile(d1, d2, p float64) float64 {
	if p < 0 || p > 1 {
		panic(badPercentile)
	}
	y := InvRegIncBeta(0.5*d1, 0.5*d2, p)
	return d2 * y / (d1 * (1 - y))
}

// ChiSquaredSurvival returns the survival function (complementary CDF) at
// x of the χ² distribution with k degrees of freedom:
// distuv.ChiSquared{K: k}.Survival(x).
func ChiSquaredSurvival(k, x float64) float64 {
	if x < 0 {
		return 1
	}
	return GammaIncRegComp(0.5*k, 0.5*x)
}

// BinomialCDF returns the cumulative distribution function at x of the
// binomial distribution of n trials with success probability p:
// distuv.Binomial{N: n, P: p}.CDF(x).
func BinomialCDF(n, p, x float64) float64 {
	if x < 0 {
		return 0
	}
	if x >= n {
		return 1
	}
	x = math.Floor(x)
	return RegIncBeta(n-x, x+1, 1-p)
}
