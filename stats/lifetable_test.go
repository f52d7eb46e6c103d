package stats

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// lifeCases are samples of times to event with the shapes an ensemble
// meets: days on a sample grid with many ties and censoring at the
// horizon, continuous days, and the degenerate all-censored and all-event
// samples.
func lifeCases() []struct {
	name    string
	obs     []Obs
	horizon float64
} {
	rng := rand.New(rand.NewPCG(21, 22))
	grid := func(n int, lambda, horizon float64) []Obs {
		obs := make([]Obs, n)
		for i := range obs {
			t := math.Ceil(rng.ExpFloat64()/lambda/7) * 7
			if t > horizon {
				obs[i] = Obs{Time: horizon}
			} else {
				obs[i] = Obs{Time: t, Event: true}
			}
		}
		return obs
	}
	continuous := make([]Obs, 300)
	for i := range continuous {
		t := rng.ExpFloat64() * 100
		continuous[i] = Obs{Time: min(t, 250), Event: t <= 250}
	}
	allCensored := make([]Obs, 50)
	for i := range allCensored {
		allCensored[i] = Obs{Time: 3650}
	}
	allEvents := []Obs{{7, true}, {7, true}, {14, true}, {70, true}}
	return []struct {
		name    string
		obs     []Obs
		horizon float64
	}{
		{"grid", grid(500, 1.0/1200, 3650), 3650},
		{"grid-small", grid(20, 1.0/300, 365), 365},
		{"continuous", continuous, 250},
		{"all-censored", allCensored, 3650},
		{"all-events", allEvents, 100},
		{"empty", nil, 100},
	}
}

func tableOf(obs []Obs) *LifeTable {
	var lt LifeTable
	for i, o := range obs {
		lt.Add(i, o)
	}
	return &lt
}

func TestLifeTableKaplanMeier(t *testing.T) {
	for _, c := range lifeCases() {
		got := tableOf(c.obs).KaplanMeier(c.horizon)
		want := KaplanMeier(c.obs, c.horizon)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: table KM differs from KaplanMeier:\n got %+v\nwant %+v", c.name, got, want)
		}
	}
}

func TestLogRankTables(t *testing.T) {
	cs := lifeCases()
	for i := range cs {
		for j := range cs {
			gc, gp := LogRankTables(tableOf(cs[i].obs), tableOf(cs[j].obs))
			wc, wp := LogRank(cs[i].obs, cs[j].obs)
			if gc != wc || gp != wp {
				t.Errorf("%s vs %s: LogRankTables = (%v, %v), LogRank = (%v, %v)", cs[i].name, cs[j].name, gc, gp, wc, wp)
			}
		}
	}
}

func TestLifeTableFirst(t *testing.T) {
	lt := tableOf([]Obs{{14, true}, {100, false}, {7, true}, {14, true}, {100, false}})
	for _, c := range []struct {
		t    float64
		want int
	}{{14, 0}, {7, 2}, {100, -1}, {21, -1}} {
		if got := lt.FirstAt(c.t); got != c.want {
			t.Errorf("FirstAt(%g) = %d; want %d", c.t, got, c.want)
		}
	}
	if got := lt.FirstCensored(); got != 1 {
		t.Errorf("FirstCensored() = %d; want 1", got)
	}
	if got := (&LifeTable{}).FirstCensored(); got != -1 {
		t.Errorf("empty FirstCensored() = %d; want -1", got)
	}
}

// normalQuantile returns the standard normal p-quantile by bisection on
// math.Erf, so the test does not trust the code under test.
func normalQuantile(p float64) float64 {
	lo, hi := -10.0, 10.0
	for range 200 {
		mid := (lo + hi) / 2
		if 0.5*(1+math.Erf(mid/math.Sqrt2)) < p {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

func TestFanExactWhenSmall(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 1; n < fanMarkers; n++ {
		var f Fan
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = math.Round(rng.NormFloat64() * 10)
			f.Add(xs[i])
		}
		slices.Sort(xs)
		got := f.Quantiles()
		for i, p := range FanQuantiles {
			if want := Quantile(xs, p); got[i] != want {
				t.Errorf("n=%d: q%g = %v; want %v", n, p, got[i], want)
			}
		}
		sum := 0.0
		for _, x := range xs {
			sum += x
		}
		if got, want := f.Mean(), sum/float64(n); math.Abs(got-want) > 1e-12*math.Abs(want)+1e-12 {
			t.Errorf("n=%d: mean = %v; want %v", n, got, want)
		}
	}
}

// TestFanAccuracy checks the P² estimates against the true quantiles of
// the sampled distribution. The tolerance is four standard errors of a
// sample quantile, √(p(1−p)/n)/f(x_p), plus 1% of the distribution's
// interquartile range for the algorithm's own error.
func TestFanAccuracy(t *testing.T) {
	const n = 5000
	cases := []struct {
		name     string
		draw     func(*rand.Rand) float64
		quantile func(p float64) float64
		density  func(x float64) float64
	}{
		{"normal", func(r *rand.Rand) float64 { return r.NormFloat64() },
			normalQuantile,
			func(x float64) float64 { return math.Exp(-x*x/2) / math.Sqrt(2*math.Pi) }},
		{"exponential", func(r *rand.Rand) float64 { return r.ExpFloat64() },
			func(p float64) float64 { return -math.Log(1 - p) },
			func(x float64) float64 { return math.Exp(-x) }},
		{"uniform", func(r *rand.Rand) float64 { return r.Float64() },
			func(p float64) float64 { return p },
			func(float64) float64 { return 1 }},
	}
	for ci, c := range cases {
		rng := rand.New(rand.NewPCG(uint64(ci), 99))
		var f Fan
		for range n {
			f.Add(c.draw(rng))
		}
		got := f.Quantiles()
		iqr := c.quantile(0.75) - c.quantile(0.25)
		for i, p := range FanQuantiles {
			x := c.quantile(p)
			se := math.Sqrt(p*(1-p)/n) / c.density(x)
			if tol := 4*se + 0.01*iqr; math.Abs(got[i]-x) > tol {
				t.Errorf("%s: q%g = %.4f; want %.4f ± %.4f", c.name, p, got[i], x, tol)
			}
		}
	}
}

func TestFanDiscrete(t *testing.T) {
	// Counts with heavy ties (an observable such as exploits): the estimates
	// stay within the data's range and ordered.
	rng := rand.New(rand.NewPCG(7, 7))
	var f Fan
	for range 2000 {
		f.Add(float64(rng.IntN(3)))
	}
	q := f.Quantiles()
	if !slices.IsSorted(q[:]) || q[0] < 0 || q[4] > 2 {
		t.Errorf("quantiles %v: want ordered within [0, 2]", q)
	}
	if math.Abs(q[2]-1) > 0.05 {
		t.Errorf("median %v; want 1", q[2])
	}
}

func TestFanPanicsOnNaN(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Add(NaN) did not panic")
		}
	}()
	var f Fan
	f.Add(math.NaN())
}

func BenchmarkFanAdd(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	xs := make([]float64, 1024)
	for i := range xs {
		xs[i] = rng.NormFloat64()
	}
	var f Fan
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f.Add(xs[i&1023])
	}
}
