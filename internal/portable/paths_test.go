package portable

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// expPlainPath is the path of amd64's math.Exp (exp_amd64.s) that a
// processor without AVX and FMA takes, transcribed operation for
// operation, every product and sum rounded (the conversions stop a
// compiler fusing them), for x in [−708, 0], where the result is normal.
// It gave the assembly's bits on 10⁶ random arguments of [−708, 0], with
// the assembly's path forced by setting math.useFMA (go:linkname, built
// with -ldflags=-checklinkname=0, outside the module). Exp is the other
// path.
func expPlainPath(x float64) float64 {
	const (
		log2e = 1.4426950408889634073599246810018920
		ln2U  = 0.69314718055966295651160180568695068359375
		ln2L  = 0.28235290563031577122588448175013436025525412068e-12
		// round is 1.5·2⁵²: adding and subtracting it rounds to a whole
		// number, half to even, as the assembly's CVTSD2SL does.
		round = 0x1.8p52
	)
	taylor := [...]float64{2.4801587301587301587e-5, 1.9841269841269841270e-4, 1.3888888888888888889e-3,
		8.3333333333333333333e-3, 4.1666666666666666667e-2, 1.6666666666666666667e-1, 0.5, 1.0}
	k := float64(float64(float64(log2e*x)+round) - round)
	x = float64(x - float64(ln2U*k))
	x = float64(x - float64(ln2L*k))
	x = float64(x * 0.0625)
	p := float64(taylor[0] * x)
	for _, c := range taylor[1 : len(taylor)-1] {
		p = float64(float64(p+c) * x)
	}
	p = float64(p + 1)
	x = float64(x * p)
	for range 4 {
		x = float64(x * float64(x+2))
	}
	x = float64(x + 1)
	return float64(x * math.Float64frombits(uint64(int64(k)+1023)<<52))
}

// TestMathExpPaths backs this package's reason to be: math.Exp is one of
// two routines on amd64, chosen by the processor, whose bits differ on
// about 9% of arguments. It checks that this machine's math.Exp is Exp
// (the FMA path) or expPlainPath on every argument, and that the other
// one differs on between 5% and 15% of them. If the first check fails
// (another architecture, or a Go whose math.Exp no longer depends on the
// processor), it skips: then the package's doc needs looking at again.
func TestMathExpPaths(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skipf("math.Exp on %s is another routine", runtime.GOARCH)
	}
	const n = 200000
	r := rand.New(rand.NewPCG(1, 2))
	var offFMA, offPlain int
	for range n {
		x := -r.Float64() * 20
		e := math.Exp(x)
		if Exp(x) != e {
			offFMA++
		}
		if expPlainPath(x) != e {
			offPlain++
		}
	}
	var other int
	switch {
	case offFMA == 0:
		other = offPlain // an AVX+FMA processor
	case offPlain == 0:
		other = offFMA
	default:
		t.Skipf("math.Exp is neither path (%d and %d of %d arguments differ): is it still exp_amd64.s?", offFMA, offPlain, n)
	}
	// Binomial(n, ≈0.094): 5% and 15% are over 40 standard deviations
	// away, so a false failure is out of the question.
	if frac := float64(other) / n; frac < 0.05 || frac > 0.15 {
		t.Errorf("the other path of math.Exp differs on %.1f%% of arguments; the package doc says 9%%", 100*frac)
	}
	t.Logf("the two paths of math.Exp differ on %d of %d arguments in [-20, 0]", other, n)
}
