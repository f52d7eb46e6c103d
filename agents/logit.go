package agents

import (
	"math"

	"github.com/legolab/legolab/internal/portable"
)

// The logit draw of chooseProvider picks an option with probability
// proportional to e^{β(u − best)}. It is computed twice over, cheaply
// first:
//
//   - fastPick weighs the options with expNeg, which takes a third of
//     portable.Exp's time and is within 1e-12 of it in relative terms, and checks
//     every comparison of the draw against a margin far wider than the
//     two computations can differ by;
//   - exactPick, the draw with portable.Exp, runs only when one comparison
//     falls inside the margin.
//
// So the pick, the only thing the draw returns, is always exactPick's,
// and the streams and outputs are those of portable.Exp. The argument:
// expNeg's relative error is at most expNegMaxErr (TestExpNegError), and
// the weights sum to S ≥ 1, since the best option weighs e^0 = 1.
// With n weights, the two sums, the scaled draws r·S and the running
// remainders x_i differ by less than (2δ + 4(n+2)·2⁻⁵³)·S, and each weight
// by δ·S, with δ = expNegMaxErr. With n ≤ fastPickMaxN that is under
// 4e-11·S, and pickMargin is 1e-9·S: a comparison x_i < w_i that clears
// the margin comes out the same in both computations. TestFastPickAgrees
// checks this on random and on adversarial draws, where r·S lands on a
// boundary and the fallback must run.
const (
	// expNegMaxErr bounds expNeg's relative error against portable.Exp on
	// [-700, 0]. The polynomial's truncation, r⁴/24·e^|r| with
	// |r| ≤ ln2/512, is under 1.4e-13, and the rounding of its operations
	// a few ulp; TestExpNegError measures 1.4e-13 and asserts this bound.
	expNegMaxErr = 1e-12
	pickMargin   = 1e-9
	fastPickMaxN = 1 << 16
)

// Cody–Waite split of ln 2: k·ln2Hi is exact for |k| < 2²¹.
const (
	ln2Hi  = 6.93147180369123816490e-01
	ln2Lo  = 1.90821492927058770002e-10
	log2e8 = 256 / math.Ln2
)

// exp2Table[j] = 2^{j/256}, correctly rounded by math.Exp2 up to its 1 ulp.
var exp2Table = func() (t [256]float64) {
	for j := range t {
		t[j] = math.Exp2(float64(j) / 256)
	}
	return t
}()

// expNeg returns e^x for x ≤ 0, within expNegMaxErr of portable.Exp(x) in
// relative terms, and 0 below −700, where e^x < 1e-304. Positive x, which
// the logit never passes, and NaN go to portable.Exp.
func expNeg(x float64) float64 {
	s := [1]float64{x}
	expNegAll(s[:])
	return s[0]
}

// expNegAll replaces each x in xs with expNeg(x). It writes
// x = (256m + j)·ln2/256 + r with |r| ≤ ln2/512, and takes
// e^x = 2^m · 2^{j/256} · e^r, with e^r from its Taylor polynomial of
// degree 3. A loop over a slice keeps this inline, where a call per value
// would cost a third of the time.
func expNegAll(xs []float64) {
	for i, x := range xs {
		if !(x >= -700 && x <= 0) {
			xs[i] = expNegOutside(x)
			continue
		}
		k := int(x*log2e8 - 0.5) // round to nearest, for x ≤ 0
		kf := float64(k)
		r := (x - kf*(ln2Hi/256)) - kf*(ln2Lo/256)
		p := 1 + r*(1+r*(1.0/2+r*(1.0/6)))
		// k ≥ −258600, so m = k>>8 ≥ −1011: 2^m is a normal float.
		xs[i] = p * exp2Table[k&255] * math.Float64frombits(uint64(1023+(k>>8))<<52)
	}
}

// expNegOutside is expNeg outside [−700, 0]: 0 below, and portable.Exp's
// value above and for a NaN. Utilities are finite, but a NaN (from a
// β·(u − best) of 0·∞) then makes the sum NaN and both draws pick the
// outside option, as portable.Exp's draw would.
func expNegOutside(x float64) float64 {
	if x < -700 {
		return 0 // also −Inf
	}
	return portable.Exp(x)
}

// exactPick is the logit draw with portable.Exp: with r uniform on [0, 1),
// it returns the index in util of the option drawn, or −1 for the
// outside option. It overwrites util with the weights.
func exactPick(util []float64, beta, outside, best, r float64) int {
	sum := expShift(beta, outside, best)
	for i, u := range util {
		w := expShift(beta, u, best)
		util[i] = w
		sum += w
	}
	x := r * sum
	for i, w := range util {
		if x < w {
			return i
		}
		x -= w
	}
	return -1
}

// fastPick is exactPick with expNeg's weights, written to w (of util's
// length). It reports false, and no pick, when a comparison of the draw
// falls within pickMargin of the sum, so that exactPick must decide.
func fastPick(w, util []float64, beta, outside, best, r float64) (int, bool) {
	if len(util) > fastPickMaxN {
		return 0, false
	}
	for i, u := range util {
		w[i] = beta * (u - best)
	}
	expNegAll(w)
	sum := 1.0 // the outside option's weight, when it is the best
	if outside != best {
		sum = expNeg(beta * (outside - best))
	}
	for _, wi := range w {
		sum += wi
	}
	// The draw without a branch on its outcome, which is a coin toss for
	// the branch predictor. The remainders d_i = x_i − w_i never increase
	// (the weights are not negative, and rounding is monotone), so the
	// pick, the first i with d_i < 0, is the number of d_i ≥ 0 (n for the
	// outside option; a NaN d counts, so a NaN sum picks the outside
	// option, as exactPick does); and a d_i past the pick is below d_pick
	// < 0, so testing every |d_i| against the margin tests the same as
	// testing those up to the pick, the comparisons exactPick makes.
	margin := pickMargin * sum
	x := r * sum
	pick, near := 0, 0
	for _, wi := range w {
		d := x - wi
		pick += b2i(!(d < 0))
		near |= b2i(math.Abs(d) <= margin)
		x = d
	}
	if near != 0 {
		return 0, false
	}
	if pick == len(w) {
		return -1, true
	}
	return pick, true
}

// b2i is 1 for true and 0 for false, without a branch.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// expShift returns e^{β(u − best)}, exactly as portable.Exp would, without
// calling it when u is the best utility.
func expShift(beta, u, best float64) float64 {
	if u == best {
		return 1
	}
	return portable.Exp(beta * (u - best))
}
