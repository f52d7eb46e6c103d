// Copyright ©2016 The Gonum Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// This is gonum v0.17.0's mathext/internal/gonum/beta.go, with math.Exp
// replaced by this package's Exp (and Beta, Lbeta unexported).

package portable

import (
	"math"
)

// beta returns the value of the complete beta function B(a, b). It is defined as
//
//	Γ(a)Γ(b) / Γ(a+b)
//
// Special cases are:
//
//	B(a,b) returns NaN if a or b is Inf
//	B(a,b) returns NaN if a and b are 0
//	B(a,b) returns NaN if a or b is NaN
//	B(a,b) returns NaN if a or b is < 0
//	B(a,b) returns +Inf if a xor b is 0.
//
// See http://mathworld.wolfram.com/BetaFunction.html for more detailed information.
func beta(a, b float64) float64 {
	return Exp(lbeta(a, b))
}

// lbeta returns the natural logarithm of the complete beta function B(a,b).
// lbeta is defined as:
//
//	Ln(Γ(a)Γ(b)/Γ(a+b))
//
// Special cases are:
//
//	lbeta(a,b) returns NaN if a or b is Inf
//	lbeta(a,b) returns NaN if a and b are 0
//	lbeta(a,b) returns NaN if a or b is NaN
//	lbeta(a,b) returns NaN if a or b is < 0
//	lbeta(a,b) returns +Inf if a xor b is 0.
func lbeta(a, b float64) float64 {
	switch {
	case math.IsInf(a, +1) || math.IsInf(b, +1):
		return math.NaN()
	case a == 0 && b == 0:
		return math.NaN()
	case a < 0 || b < 0:
		return math.NaN()
	case math.IsNaN(a) || math.IsNaN(b):
		return math.NaN()
	case a == 0 || b == 0:
		return math.Inf(+1)
	}

	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	return la + lb - lab
}
