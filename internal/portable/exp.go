// Package portable gives the elementary functions whose results in
// package math depend on the processor, with results that do not.
//
// On amd64, math.Exp takes one path on a processor with AVX and FMA and
// another without, and the two differ in the last bit for 9% of the
// arguments in [−10, 0] (a logit weight's, say). So do the functions of
// package math that call it: Pow, Erfc, Tanh and others. A seeded run
// sharded over a cluster whose nodes differ in that respect, or run once
// on each, then does not give the same bytes: the default scenario's
// runs.csv did not, with GODEBUG=cpu.fma=off, which turns the FMA path
// off.
//
// Exp here is math.Exp's FMA path, with its fused operations written as
// math.FMA, which rounds once on every machine (in hardware where there
// is FMA, in software elsewhere), so it returns the bits math.Exp returns
// on an amd64 processor with FMA, everywhere. In Exp the other operations
// are single IEEE-754 operations, and products that feed an addition are
// converted explicitly, so that no compiler fuses them.
//
// The rest is copied, calling this Exp, Pow and Erfc: Pow, Erfc and Tanh
// from go1.26's package math; and from gonum v0.17.0, which calls math.Exp
// and math.Pow, the special functions legolab uses (RegIncBeta,
// InvRegIncBeta, GammaIncRegComp, from Cephes) and the distribution
// functions built on them (distuv.go: Student's t, beta, F, χ², binomial).
// On a processor with FMA each gives its original's bits (the tests check
// it); on every other, the same bits.
//
// What stays outside: math.Log and the others implemented in assembly on
// amd64 and in Go elsewhere give the same bits on every amd64 processor,
// but not necessarily on arm64; and the Go compiler may fuse a·b + c into
// one operation on arm64 (and on amd64 with GOAMD64=v3) anywhere in the
// program. See docs/outputs.md, "Across machines".
package portable

import "math"

// Exp returns e^x: the bits of math.Exp's amd64 FMA path (Shibata 2010,
// via SLEEF), on every machine. Like it, it returns +Inf from about
// x > 709.436 (where the result would round to an exponent of 1024) rather
// than from math.MaxFloat64's logarithm, 709.78.
func Exp(x float64) float64 {
	const (
		log2e    = 1.4426950408889634073599246810018920 // 1/ln 2
		ln2U     = 0.69314718055966295651160180568695068359375
		ln2L     = 0.28235290563031577122588448175013436025525412068e-12
		overflow = 7.09782712893384e+02
	)
	b := math.Float64bits(x)
	switch {
	case b&^(1<<63) >= 0x7FF0000000000000: // ±Inf or NaN
		if b == 0xFFF0000000000000 {
			return 0
		}
		return x
	case x > overflow:
		return math.Inf(1)
	case x < -746:
		// The exponent below is then at most −1077: the result is 0, as
		// math.Exp's, whose conversion saturates for x < −1.5e9.
		return 0
	}
	// e = x/ln 2 rounded to the nearest integer, ties to even (CVTSD2SL).
	e := math.RoundToEven(x * log2e)
	r := math.FMA(-e, ln2U, x)
	r = math.FMA(-e, ln2L, r)
	r *= 0.0625 // e^r = (e^(r/16))^16, by four squarings of 1 + s below
	p := 2.4801587301587301587e-5
	p = math.FMA(p, r, 1.9841269841269841270e-4)
	p = math.FMA(p, r, 1.3888888888888888889e-3)
	p = math.FMA(p, r, 8.3333333333333333333e-3)
	p = math.FMA(p, r, 4.1666666666666666667e-2)
	p = math.FMA(p, r, 1.6666666666666666667e-1)
	p = math.FMA(p, r, 0.5)
	p = math.FMA(p, r, 1.0)
	// s = e^(r/16) − 1, and (1 + s)² − 1 = s·(s + 2), four times.
	s := float64(r * p)
	s = float64(s * (s + 2))
	s = float64(s * (s + 2))
	s = float64(s * (s + 2))
	s = math.FMA(s, s+2, 1)
	// s·2^e, in one or two products by powers of two, as math.Exp does.
	k := int64(e) + 1023
	switch {
	case k >= 0x7FF:
		return math.Inf(1)
	case k > 0:
		return s * math.Float64frombits(uint64(k)<<52)
	case k < -52:
		return 0
	}
	s *= math.Float64frombits(uint64(k+1022) << 52)
	return s * math.Float64frombits(1<<52)
}
