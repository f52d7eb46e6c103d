package calib

import "math"

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

var (
	mathLog1p = math.Log1p
	mathExp   = math.Exp
	mathHypot = math.Hypot
	mathNaN   = math.NaN
)
