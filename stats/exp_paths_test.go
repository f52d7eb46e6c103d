package stats

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// The two paths of amd64's math.Exp (exp_amd64.s: Shibata's method, a
// Taylor polynomial of x/16 squared four times), transcribed operation for
// operation: expFMAPath is the one a processor with AVX and FMA takes, with
// the same fused multiply-adds; expPlainPath the one it takes otherwise,
// every product and sum rounded (the conversions stop a compiler fusing
// them). Both for x in [−708, 0], where the result is normal. Each gave
// the assembly's bits on 10⁶ random arguments of [−708, 0], with the
// assembly's path forced by setting math.useFMA (go:linkname, built with
// -ldflags=-checklinkname=0, outside the module).
const (
	expLog2e = 1.4426950408889634073599246810018920
	expLn2hi = 0.69314718055966295651160180568695068359375
	expLn2lo = 0.28235290563031577122588448175013436025525412068e-12
	// expRound is 1.5·2⁵²: adding and subtracting it rounds to a whole
	// number, half to even, as the assembly's CVTSD2SL does.
	expRound = 0x1.8p52
)

var expTaylor = [...]float64{2.4801587301587301587e-5, 1.9841269841269841270e-4, 1.3888888888888888889e-3,
	8.3333333333333333333e-3, 4.1666666666666666667e-2, 1.6666666666666666667e-1, 0.5, 1.0}

func expFMAPath(x float64) float64 {
	k := float64(float64(float64(expLog2e*x)+expRound) - expRound)
	x = math.FMA(-k, expLn2hi, x)
	x = math.FMA(-k, expLn2lo, x)
	x = float64(x * 0.0625)
	p := expTaylor[0]
	for _, c := range expTaylor[1:] {
		p = math.FMA(p, x, c)
	}
	x = float64(x * p)
	for range 3 {
		x = float64(x * float64(x+2))
	}
	x = math.FMA(x, float64(x+2), 1)
	return float64(x * math.Float64frombits(uint64(int64(k)+1023)<<52))
}

func expPlainPath(x float64) float64 {
	k := float64(float64(float64(expLog2e*x)+expRound) - expRound)
	x = float64(x - float64(expLn2hi*k))
	x = float64(x - float64(expLn2lo*k))
	x = float64(x * 0.0625)
	p := float64(expTaylor[0] * x)
	for _, c := range expTaylor[1 : len(expTaylor)-1] {
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

// TestMathExpPaths backs the caveat of docs/outputs.md ("Across
// machines"): math.Exp is one of two routines on amd64, chosen by the
// processor, whose bits differ on about 9% of arguments, so outputs are
// byte-identical only between machines of one kind. It checks that this
// machine's math.Exp is one of the two transcriptions on every argument,
// and that the other one differs on between 5% and 15% of them. If the
// first check fails (another architecture, or a Go whose math.Exp no
// longer depends on the processor), it skips: then the caveat needs
// looking at again.
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
		if expFMAPath(x) != e {
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
		t.Skipf("math.Exp is neither transcription (%d and %d of %d arguments differ): is it still exp_amd64.s?", offFMA, offPlain, n)
	}
	// Binomial(n, ≈0.094): 5% and 15% are over 40 standard deviations
	// away, so a false failure is out of the question.
	if frac := float64(other) / n; frac < 0.05 || frac > 0.15 {
		t.Errorf("the other path of math.Exp differs on %.1f%% of arguments; docs/outputs.md says about 9%%", 100*frac)
	}
	t.Logf("the two paths of math.Exp differ on %d of %d arguments in [-20, 0]", other, n)
}
