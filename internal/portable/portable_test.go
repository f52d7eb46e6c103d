package portable

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// probe is an argument at which math.Exp's two amd64 paths differ, and
// probeFMA the bits of math.Exp(probe) on the FMA path (probeNoFMA on the
// other, with GODEBUG=cpu.fma=off).
const (
	probe      = -0.09375
	probeFMA   = 0x3fed22e6a0197c03
	probeNoFMA = 0x3fed22e6a0197c02
)

// mathTakesFMAPath reports whether math.Exp runs its FMA path here (an
// amd64 processor with AVX and FMA, GODEBUG not turning it off).
func mathTakesFMAPath() bool { return math.Float64bits(math.Exp(probe)) == probeFMA }

// arguments returns n arguments for f's tests: ordinary ranges, the
// logit's e^−x of small x, the edges (overflow, subnormals, 0, ±Inf,
// NaN) and random bit patterns.
func arguments(n int) []float64 {
	r := rand.New(rand.NewPCG(7, 11))
	xs := []float64{0, math.Copysign(0, -1), 1, -1, probe, 709.436, 709.437, 709.78, 709.79, -708.39, -708.4,
		-744.44, -745.13, -745.14, -746, -746.1, -1e10, 1e10, math.Inf(1), math.Inf(-1), math.NaN(),
		math.SmallestNonzeroFloat64, 0.5, 0.84375, 1.25, 1 / 0.35, 6, 28, 0.625, 44.0148459655565}
	for len(xs) < n {
		switch len(xs) % 5 {
		case 0:
			xs = append(xs, (r.Float64()-0.5)*20)
		case 1:
			xs = append(xs, (r.Float64()-0.5)*1500)
		case 2:
			xs = append(xs, -r.ExpFloat64()*1e-3)
		case 3:
			xs = append(xs, r.NormFloat64()*3)
		default:
			xs = append(xs, math.Float64frombits(r.Uint64()))
		}
	}
	return xs
}

type function struct {
	name string
	f    func(float64) float64
	math func(float64) float64
}

// functions are the package's functions of one argument, Pow at two
// exponents: an integer one and the standards' fractional one.
var functions = []function{
	{"Exp", Exp, math.Exp},
	{"Pow(x, 0.6)", func(x float64) float64 { return Pow(x, 0.6) }, func(x float64) float64 { return math.Pow(x, 0.6) }},
	{"Pow(0.9, x)", func(x float64) float64 { return Pow(0.9, x) }, func(x float64) float64 { return math.Pow(0.9, x) }},
	{"Pow(|x|, 7.25)", func(x float64) float64 { return Pow(math.Abs(x), 7.25) }, func(x float64) float64 { return math.Pow(math.Abs(x), 7.25) }},
	{"Erfc", Erfc, math.Erfc},
	{"Tanh", Tanh, math.Tanh},
}

func same(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || (math.IsNaN(a) && math.IsNaN(b))
}

// TestMatchesMathFMAPath checks every function, bit for bit, against
// package math's where math.Exp takes its FMA path (and skips saying so
// elsewhere): 10⁶ arguments each. Exp's bits at the probe are checked on
// every machine.
func TestMatchesMathFMAPath(t *testing.T) {
	if got := math.Float64bits(Exp(probe)); got != probeFMA {
		t.Fatalf("Exp(%v) = %#x; want %#x, math.Exp's on its FMA path", probe, got, uint64(probeFMA))
	}
	if !mathTakesFMAPath() {
		t.Skipf("math.Exp does not take its FMA path here (math.Exp(%v) = %#x): nothing to compare with", probe, math.Float64bits(math.Exp(probe)))
	}
	xs := arguments(1_000_000)
	for _, fn := range functions {
		bad := 0
		for _, x := range xs {
			if got, want := fn.f(x), fn.math(x); !same(got, want) {
				if bad++; bad <= 5 {
					t.Errorf("%s at %v (%#x): %v (%#x); math's %v (%#x)", fn.name, x, math.Float64bits(x), got, math.Float64bits(got), want, math.Float64bits(want))
				}
			}
		}
		if bad > 0 {
			t.Errorf("%s: %d of %d arguments differ from math's", fn.name, bad, len(xs))
		}
	}
}

// digest hashes every function's bits over the test arguments.
func digest() string {
	h := fnv.New64a()
	var b [8]byte
	for _, fn := range functions {
		for _, x := range arguments(200_000) {
			u := math.Float64bits(fn.f(x))
			if math.IsNaN(fn.f(x)) {
				u = 0x7FF8000000000001
			}
			for i := range b {
				b[i] = byte(u >> (8 * i))
			}
			h.Write(b[:])
		}
	}
	return fmt.Sprintf("%016x", h.Sum64())
}

// TestSameWithoutFMA runs this test binary again with GODEBUG=cpu.fma=off,
// where math.FMA rounds in software and math.Exp takes its other path,
// and wants the same digest of every function's bits, the special
// functions' (specialDigest) included: the reason this package exists. Where the processor has no FMA, both runs are in
// software; the test still runs, and says so.
func TestSameWithoutFMA(t *testing.T) {
	if os.Getenv("PORTABLE_DIGEST") != "" {
		fmt.Printf("digest %s math.Exp(probe) %#x\n", digest()+specialDigest(), math.Float64bits(math.Exp(probe)))
		return
	}
	if testing.Short() {
		t.Skip("runs the test binary again")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run", "^TestSameWithoutFMA$", "-test.count", "1")
	cmd.Env = append(os.Environ(), "PORTABLE_DIGEST=1", "GODEBUG=cpu.fma=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := digest() + specialDigest()
	line := ""
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "digest ") {
			line = l
		}
	}
	var got string
	var probeBits uint64
	if _, err := fmt.Sscanf(line, "digest %s math.Exp(probe) %v", &got, &probeBits); err != nil {
		t.Fatalf("no digest in the child's output (%v):\n%s", err, out)
	}
	if probeBits != probeNoFMA {
		t.Logf("math.Exp(probe) = %#x without FMA, not %#x: GODEBUG=cpu.fma=off had no effect here, or the processor has no FMA", probeBits, uint64(probeNoFMA))
	}
	if got != want {
		t.Errorf("digest %s with GODEBUG=cpu.fma=off; %s without", got, want)
	}
}

// TestExpAccuracy checks Exp against e^x computed in 200-bit arithmetic
// (math/big, independent of both paths): within 1 ulp at 20,000 arguments
// over the whole finite range, normal results only.
func TestExpAccuracy(t *testing.T) {
	const prec = 200
	ln2 := bigLn2(prec)
	r := rand.New(rand.NewPCG(3, 5))
	worst := 0.0
	for i := range 20_000 {
		x := (r.Float64()*2 - 1) * 708
		if i%2 == 0 {
			x = (r.Float64()*2 - 1) * 2
		}
		want := bigExp(x, ln2, prec)
		got := Exp(x)
		ulp := math.Nextafter(want, math.Inf(1)) - want
		if e := math.Abs(got-want) / ulp; e > worst {
			worst = e
		}
	}
	t.Logf("largest error %.3f ulp", worst)
	if worst > 1 {
		t.Errorf("Exp is off by %.3f ulp; want at most 1", worst)
	}
}

// bigLn2 returns ln 2 to prec bits, from its first 60 digits (about 199
// bits).
func bigLn2(prec uint) *big.Float {
	f, _, err := big.ParseFloat("0.693147180559945309417232121458176568075500134360255254120680", 10, prec, big.ToNearestEven)
	if err != nil {
		panic(err)
	}
	return f
}

// bigExp returns e^x rounded to float64: x = k·ln 2 + r, e^r by its Taylor
// series, then scaled by 2^k.
func bigExp(x float64, ln2 *big.Float, prec uint) float64 {
	bx := new(big.Float).SetPrec(prec).SetFloat64(x)
	k := math.Round(x / math.Ln2)
	red := new(big.Float).SetPrec(prec).Mul(ln2, new(big.Float).SetPrec(prec).SetFloat64(k))
	red.Sub(bx, red)
	sum := new(big.Float).SetPrec(prec).SetInt64(1)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	for n := 1; n < 80; n++ {
		term.Mul(term, red)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(int64(n)))
		sum.Add(sum, term)
	}
	sum.SetMantExp(sum, int(k))
	f, _ := sum.Float64()
	return f
}

func BenchmarkExp(b *testing.B) {
	xs := arguments(1024)
	for i := range xs {
		xs[i] = math.Mod(xs[i], 20) // ordinary arguments
		if math.IsNaN(xs[i]) {
			xs[i] = 0
		}
	}
	for _, c := range []struct {
		name string
		f    func(float64) float64
	}{{"portable", Exp}, {"math", math.Exp}} {
		b.Run(c.name, func(b *testing.B) {
			s := 0.0
			i := 0
			for b.Loop() {
				s += c.f(xs[i&1023])
				i++
			}
			_ = s
		})
	}
}
