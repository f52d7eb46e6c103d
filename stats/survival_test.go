package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// expSample draws n times to event from Exp(lambda), censored by an independent
// Uniform(0, censorMax) time (none if censorMax <= 0) and, in KaplanMeier, by the horizon.
func expSample(rng *rand.Rand, n int, lambda, censorMax float64) []Obs {
	obs := make([]Obs, n)
	for i := range obs {
		t := rng.ExpFloat64() / lambda
		if censorMax > 0 {
			if c := rng.Float64() * censorMax; c < t {
				obs[i] = Obs{Time: c}
				continue
			}
		}
		obs[i] = Obs{Time: t, Event: true}
	}
	return obs
}

func TestKaplanMeierHand(t *testing.T) {
	// Six observations, one tie of an event with a censoring at day 2: the censored
	// subject is still at risk at day 2.
	obs := []Obs{{5, true}, {2, false}, {1, true}, {4, false}, {2, true}, {3, true}}
	// By hand: day 1 n=6 d=1, day 2 n=5 d=1, day 3 n=3 d=1, day 5 n=1 d=1.
	type step struct{ day, s, gw float64 }
	want := []step{
		{1, 5.0 / 6, 1.0 / 30},
		{2, 5.0 / 6 * 4 / 5, 1.0/30 + 1.0/20},
		{3, 5.0 / 6 * 4 / 5 * 2 / 3, 1.0/30 + 1.0/20 + 1.0/6},
		{5, 0, math.Inf(1)},
	}
	steps := kmSteps(sortObs(obs, math.Inf(1)))
	if len(steps) != len(want) {
		t.Fatalf("steps: got %d; want %d", len(steps), len(want))
	}
	for i, w := range want {
		got := steps[i]
		if got.t != w.day || math.Abs(got.s-w.s) > 1e-15 || (got.gw != w.gw && math.Abs(got.gw-w.gw) > 1e-15) {
			t.Errorf("step %d: got day %v S %v gw %v; want %v %v %v", i, got.t, got.s, got.gw, w.day, w.s, w.gw)
		}
	}
	// Greenwood variance S²·Σ d/(n(n−d)) at day 3: (4/9)²·(1/4) = 4/81.
	if v := steps[2].s * steps[2].s * steps[2].gw; math.Abs(v-4.0/81) > 1e-15 {
		t.Errorf("greenwood variance at day 3: got %v; want %v", v, 4.0/81)
	}

	km := KaplanMeier(obs, 0)
	if km.N != 6 || km.Events != 4 || km.Horizon != 5 {
		t.Errorf("N, Events, Horizon: got %d %d %v; want 6 4 5", km.N, km.Events, km.Horizon)
	}
	for _, tc := range []struct {
		t, s float64
	}{{-1, 1}, {0, 1}, {0.5, 1}, {1, 5.0 / 6}, {1.9, 5.0 / 6}, {2, 2.0 / 3}, {3, 4.0 / 9}, {4.5, 4.0 / 9}, {5, 0}, {9, 0}} {
		s, lo, hi := km.At(tc.t)
		if math.Abs(s-tc.s) > 1e-15 {
			t.Errorf("At(%v): got %v; want %v", tc.t, s, tc.s)
		}
		if !(lo <= s && s <= hi) {
			t.Errorf("At(%v): band [%v, %v] excludes %v", tc.t, lo, hi, s)
		}
	}
	// The band at day 3 from the hand Greenwood sum: S^exp(±z·√gw/|ln S|).
	s3 := 4.0 / 9
	se := math.Sqrt(0.25) / math.Abs(math.Log(s3))
	_, lo, hi := km.At(3)
	if wl, wh := math.Pow(s3, math.Exp(1.959963984540054*se)), math.Pow(s3, math.Exp(-1.959963984540054*se)); math.Abs(lo-wl) > 1e-12 || math.Abs(hi-wh) > 1e-12 {
		t.Errorf("band at day 3: got [%v, %v]; want [%v, %v]", lo, hi, wl, wh)
	}
	if d, ok := km.Median(); !ok || d != 3 {
		t.Errorf("Median: got %v %v; want 3 true", d, ok)
	}
	// RMST to 5: 1·1 + 1·5/6 + 1·2/3 + 2·4/9.
	if got, want := km.RMST(5), 1+5.0/6+2.0/3+2*4.0/9; math.Abs(got-want) > 1e-12 {
		t.Errorf("RMST(5): got %v; want %v", got, want)
	}
	if got, want := km.RMST(2.5), 1+5.0/6+0.5*2.0/3; math.Abs(got-want) > 1e-12 {
		t.Errorf("RMST(2.5): got %v; want %v", got, want)
	}
	if p, plo, phi := km.ProbBy(2); math.Abs(p-1.0/3) > 1e-15 || !(plo <= p && p <= phi) {
		t.Errorf("ProbBy(2): got %v [%v, %v]; want 1/3 inside", p, plo, phi)
	}
}

func TestKaplanMeierOrderInvariant(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	obs := expSample(rng, 300, 0.01, 150)
	for i := range 40 { // many exact ties, events and censorings mixed
		obs[i].Time = 50
	}
	want := KaplanMeier(obs, 120)
	for trial := range 5 {
		sh := append([]Obs(nil), obs...)
		rng.Shuffle(len(sh), func(i, j int) { sh[i], sh[j] = sh[j], sh[i] })
		if got := KaplanMeier(sh, 120); !reflect.DeepEqual(got, want) {
			t.Fatalf("shuffle %d: KaplanMeier depends on input order", trial)
		}
	}
}

func TestKaplanMeierHorizon(t *testing.T) {
	obs := []Obs{{10, true}, {20, true}, {30, true}, {40, true}}
	km := KaplanMeier(obs, 25)
	if km.Events != 2 || km.Horizon != 25 || len(km.Points) != 3 {
		t.Fatalf("horizon 25: got events %d horizon %v points %d; want 2 25 3", km.Events, km.Horizon, len(km.Points))
	}
	if s, _, _ := km.At(25); s != 0.5 {
		t.Errorf("At(25): got %v; want 0.5", s)
	}
}

func TestKaplanMeierDegenerate(t *testing.T) {
	km := KaplanMeier(nil, 100)
	if s, lo, hi := km.At(50); s != 1 || lo != 1 || hi != 1 {
		t.Errorf("empty At: got %v %v %v; want 1 1 1", s, lo, hi)
	}
	if _, ok := km.Median(); ok {
		t.Error("empty Median: got ok; want not ok")
	}
	if got := km.RMST(10); got != 10 {
		t.Errorf("empty RMST(10): got %v; want 10", got)
	}
	if km0 := KaplanMeier(nil, 0); km0.Horizon != 0 || len(km0.Points) != 1 {
		t.Errorf("empty without horizon: got %+v", km0)
	}

	cens := []Obs{{10, false}, {20, false}, {30, false}}
	km = KaplanMeier(cens, 0)
	if d, ok := km.Median(); ok || d != 30 {
		t.Errorf("all censored Median: got %v %v; want 30 false", d, ok)
	}
	if _, _, loOK, hiOK := km.MedianCI(); loOK || hiOK {
		t.Errorf("all censored MedianCI: got ok %v %v; want false false", loOK, hiOK)
	}
	if km.Events != 0 || len(km.Points) != 1 {
		t.Errorf("all censored: got %d events, %d points; want 0, 1", km.Events, len(km.Points))
	}
}

// TestKaplanMeierExponential checks, on one seeded sample, that S(t) = e^{−λt} lies inside
// the band at several t and that the median ln2/λ lies inside the Brookmeyer–Crowley CI.
func TestKaplanMeierExponential(t *testing.T) {
	const lambda = 0.01
	for _, tc := range []struct {
		name      string
		censorMax float64
		horizon   float64
	}{
		{"uniform censoring", 400, 0},
		{"horizon", 0, 180},
		{"both", 300, 200},
	} {
		rng := rand.New(rand.NewPCG(2024, 7))
		km := KaplanMeier(expSample(rng, 2000, lambda, tc.censorMax), tc.horizon)
		for _, day := range []float64{5, 20, 50, math.Ln2 / lambda, 100, 150} {
			want := math.Exp(-lambda * day)
			s, lo, hi := km.At(day)
			if !(lo <= want && want <= hi) {
				t.Errorf("%s: At(%v) = %v [%v, %v]; true S %v outside", tc.name, day, s, lo, hi, want)
			}
			if p, plo, phi := km.ProbBy(day); !(plo <= 1-want && 1-want <= phi) || math.Abs(p-(1-s)) > 1e-15 {
				t.Errorf("%s: ProbBy(%v) = %v [%v, %v]; true %v", tc.name, day, p, plo, phi, 1-want)
			}
		}
		median := math.Ln2 / lambda
		d, ok := km.Median()
		lo, hi, loOK, hiOK := km.MedianCI()
		if !ok || !loOK || !hiOK || !(lo <= median && median <= hi) || !(lo <= d && d <= hi) {
			t.Errorf("%s: median %v (%v) CI [%v, %v] (%v %v); true %v", tc.name, d, ok, lo, hi, loOK, hiOK, median)
		}
		// RMST to tau of Exp(λ) is (1 − e^{−λτ})/λ; the sampling sd here is about 1 day.
		tau := 150.0
		if got, want := km.RMST(tau), (1-math.Exp(-lambda*tau))/lambda; math.Abs(got-want) > 4 {
			t.Errorf("%s: RMST(%v): got %v; want %v ± 4", tc.name, tau, got, want)
		}
	}
}

// TestKaplanMeierBandCoverage checks the calibration of the band and of the median CI over
// 400 seeded replications of n = 200: the 95% intervals must cover the truth in 92–98% of
// them (the binomial sd of the coverage is 1.1 percentage points).
func TestKaplanMeierBandCoverage(t *testing.T) {
	const (
		lambda = 0.01
		reps   = 400
	)
	day := 40.0
	truth, median := math.Exp(-lambda*day), math.Ln2/lambda
	var band, med int
	for rep := range reps {
		rng := rand.New(rand.NewPCG(uint64(rep), 99))
		km := KaplanMeier(expSample(rng, 200, lambda, 300), 0)
		if _, lo, hi := km.At(day); lo <= truth && truth <= hi {
			band++
		}
		if lo, hi, loOK, hiOK := km.MedianCI(); loOK && hiOK && lo <= median && median <= hi {
			med++
		}
	}
	for _, c := range []struct {
		name string
		hits int
	}{{"band at day 40", band}, {"median CI", med}} {
		if cov := float64(c.hits) / reps; cov < 0.92 || cov > 0.98 {
			t.Errorf("%s coverage: got %v; want 0.95 ± 0.03", c.name, cov)
		} else {
			t.Logf("%s coverage: %v", c.name, cov)
		}
	}
}

func ExampleKaplanMeier() {
	obs := []Obs{{5, true}, {2, false}, {1, true}, {4, false}, {2, true}, {3, true}}
	km := KaplanMeier(obs, 0)
	for _, p := range km.Points {
		fmt.Printf("day %g: S=%.3f [%.3f, %.3f]\n", p.Day, p.Survival, p.Lo, p.Hi)
	}
	median, _ := km.Median()
	fmt.Printf("median %g days, RMST(5) %.3f days\n", median, km.RMST(5))
	// Output:
	// day 0: S=1.000 [1.000, 1.000]
	// day 1: S=0.833 [0.273, 0.975]
	// day 2: S=0.667 [0.195, 0.904]
	// day 3: S=0.444 [0.066, 0.785]
	// day 5: S=0.000 [0.000, 0.000]
	// median 3 days, RMST(5) 3.389 days
}

// TestKaplanMeierMedianExact checks the median on samples whose survival is exactly 1/2 on an
// event day: N subjects, one event a day on days 1..N, so S(t) = (N−t)/N and the median is
// day N/2. For N = 24, 38, 44 and 62 the floating-point product Π(1 − 1/n) rounds to
// 0.5000000000000001–3 there, and the rule "first S <= 0.5" on it gives day N/2 + 1. With an
// odd N, S(⌊N/2⌋) = (N+1)/2N > 1/2, and the median is day ⌈N/2⌉.
func TestKaplanMeierMedianExact(t *testing.T) {
	for _, n := range []int{24, 38, 44, 62, 25, 39, 400} {
		obs := make([]Obs, n)
		for i := range obs {
			obs[i] = Obs{Time: float64(i + 1), Event: true}
		}
		want := float64((n + 1) / 2)
		km := KaplanMeier(obs, 0)
		var lt LifeTable
		for i, o := range obs {
			lt.Add(i, o)
		}
		for _, c := range []struct {
			name string
			km   KM
		}{{"KaplanMeier", km}, {"LifeTable", lt.KaplanMeier(float64(n))}} {
			if got, ok := c.km.Median(); got != want || !ok {
				t.Errorf("N=%d %s: median = %g, %v; want %g, true (S there %.17g)", n, c.name, got, ok, want, c.km.Points[int(want)].Survival)
			}
		}
	}
	// Without counts (points built by hand) S within the rounding tolerance of 0.5 counts
	// as reaching it, and S clearly above does not.
	hand := KM{Horizon: 30, Points: []KMPoint{{0, 1, 1, 1}, {10, 0.5000000000000002, 0, 1}, {20, 0.4, 0, 1}}}
	if got, ok := hand.Median(); got != 10 || !ok {
		t.Errorf("hand KM: median = %g, %v; want 10, true", got, ok)
	}
	hand.Points[1].Survival = 0.5001
	if got, ok := hand.Median(); got != 20 || !ok {
		t.Errorf("hand KM with S = 0.5001: median = %g, %v; want 20, true", got, ok)
	}
}
