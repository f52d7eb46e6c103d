package metrics

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/legolab/legolab/scenarios"
)

// The reference implementations: DetectPELT and DetectFamily as they were
// before the bounded PELT (main at dba48c4), kept verbatim so that the
// tests below can assert the faster code returns the same bits.

// detectFamilyReference is the former DetectFamily.
func detectFamilyReference(days, composability, appsCum, composedCum []float64, rule scenarios.Lego) []Detection {
	n := len(days)
	if len(composability) != n || len(appsCum) != n || len(composedCum) != n {
		panic(fmt.Sprintf("metrics: detectFamilyReference: series lengths differ (days %d, composability %d, apps %d, composed %d)",
			n, len(composability), len(appsCum), len(composedCum)))
	}
	fam := DetectorFamily(rule)
	out := make([]Detection, len(fam))
	if n == 0 {
		return out
	}
	horizon := days[n-1]
	for k := range out {
		out[k] = Detection{Day: horizon}
	}
	W := rule.WindowDays
	if W <= 0 || math.IsNaN(W) {
		return out
	}
	// The window rule's quantities per sample day, from the first day it
	// looks at (see DetectLego).
	// The days looked back to, t − W and t − 2W, only increase, so two
	// cursors replace interpolate's binary searches.
	type windowed struct{ t, comp, cur, apps, prev float64 }
	ws := make([]windowed, 0, n)
	var back, back2 interpCursor
	for i, t := range days {
		if t < days[0]+2*W-1e-9 {
			continue
		}
		cw, aw := back.at2(days, composedCum, appsCum, t-W)
		ws = append(ws, windowed{t: t, comp: composability[i], cur: composedCum[i] - cw,
			apps: appsCum[i] - aw, prev: cw - back2.at(days, composedCum, t-2*W)})
	}
	for k, d := range fam {
		switch d.Kind {
		case "window":
			r := d.Rule
			for _, w := range ws {
				if w.comp >= r.ComposabilityMin && w.apps > 0 && w.cur/w.apps >= r.ComposedShareMin &&
					w.cur >= r.MinComposedPerWindow && w.cur >= r.GrowthMin*w.prev {
					out[k] = Detection{Day: w.t, Reached: true}
					break
				}
			}
		case "logistic":
			day, ok := DetectLego(days, composability, appsCum, composedCum, d.Rule)
			out[k] = Detection{Day: day, Reached: ok}
		case "pelt":
			day, ok := detectPELTReference(days, composedCum, d.Rule)
			out[k] = Detection{Day: day, Reached: ok}
		}
	}
	return out
}

// detectPELTReference is the former DetectPELT.
func detectPELTReference(days, composedCum []float64, rule scenarios.Lego) (day float64, reached bool) {
	n := len(days)
	if len(composedCum) != n {
		panic(fmt.Sprintf("metrics: detectPELTReference: series lengths differ (days %d, composed %d)", n, len(composedCum)))
	}
	if n == 0 {
		return 0, false
	}
	horizon := days[n-1]
	m := n - 1
	if m < 2 {
		return horizon, false
	}
	// Prefix sums of arrivals and exposure.
	cs := make([]float64, m+1)
	ce := make([]float64, m+1)
	for i := range m {
		cs[i+1] = cs[i] + math.Max(0, composedCum[i+1]-composedCum[i])
		ce[i+1] = ce[i] + math.Max(0, days[i+1]-days[i])
	}
	cost := func(s, t int) float64 { // intervals s..t−1
		S, E := cs[t]-cs[s], ce[t]-ce[s]
		if S <= 0 || E <= 0 {
			return 0
		}
		return -2 * (S*math.Log(S/E) - S)
	}
	beta := 2 * math.Log(float64(m))
	F := make([]float64, m+1)
	last := make([]int, m+1)
	F[0] = -beta
	cand, next := make([]int, 1, m+1), make([]int, 0, m+1) // cand[0] = 0
	vals := make([]float64, 0, m+1)                        // F[s] + C(s, t) per candidate
	for t := 1; t <= m; t++ {
		best, arg := math.Inf(1), -1
		vals = vals[:0]
		for _, s := range cand { // increasing s: ties go to the earliest
			v := F[s] + cost(s, t)
			vals = append(vals, v)
			if v+beta < best {
				best, arg = v+beta, s
			}
		}
		F[t], last[t] = best, arg
		next = next[:0]
		for c, s := range cand {
			// PELT pruning (Killick et al. 2012, Theorem 3.1, K = 0 for a
			// log-likelihood cost): a dropped s can never again be the
			// last change. Within a stretch of constant rate nothing is
			// pruned, so a run with few changes costs O(m²) cost
			// evaluations (1–3 ms for ten years sampled weekly, BenchmarkDetectFamily).
			if vals[c] <= F[t] {
				next = append(next, s)
			}
		}
		cand, next = append(next, t), cand
	}
	// Segment starts in time order.
	var starts []int
	for t := m; t > 0; t = last[t] {
		starts = append(starts, last[t])
	}
	sort.Ints(starts)
	bounds := append(starts, m)
	rate := func(k int) float64 {
		s, t := bounds[k], bounds[k+1]
		if E := ce[t] - ce[s]; E > 0 {
			return (cs[t] - cs[s]) / E
		}
		return 0
	}
	long := func(k int) bool { return days[bounds[k+1]]-days[bounds[k]] >= rule.WindowDays-1e-9 }
	// bar is R times the highest of the pooled rate of everything before
	// the change and the rates of the earlier segments lasting a window.
	longPeak := 0.0
	for k := 1; k+1 < len(bounds); k++ {
		if long(k - 1) {
			longPeak = math.Max(longPeak, rate(k-1))
		}
		b := bounds[k]
		if days[b] < days[0]+rule.WindowDays-1e-9 || ce[b] <= 0 {
			continue
		}
		r := rate(k)
		if r > 0 && r*rule.WindowDays >= rule.MinComposedPerWindow && r >= rule.GrowthMin*math.Max(longPeak, cs[b]/ce[b]) {
			return days[b], true
		}
	}
	return horizon, false
}

// realSeries is one replication's series from testdata/deai-2025-series.txt.gz.
type realSeries struct {
	name                string
	days, comp, apps, k []float64
}

// deaiSeries reads testdata/deai-2025-series.txt.gz: 32 series of real
// deai-2025 replications (8 per variant, a third without composed apps,
// as in a prior-predictive run), its header says how they were made.
func deaiSeries(tb testing.TB) []realSeries {
	tb.Helper()
	f, err := os.Open("testdata/deai-2025-series.txt.gz")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<20)
	var days []float64
	var out []realSeries
	line := 0
	nums := func(fields []string) []float64 {
		xs := make([]float64, len(fields))
		for i, s := range fields {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil {
				tb.Fatalf("testdata line %d: %v", line, err)
			}
			xs[i] = x
		}
		return xs
	}
	cum := func(inc []float64) []float64 {
		c := make([]float64, len(inc)+1)
		for i, x := range inc {
			c[i+1] = c[i] + x
		}
		return c
	}
	for sc.Scan() {
		line++
		f := strings.Fields(sc.Text())
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		switch f[0] {
		case "days":
			days = nums(f[1:])
		case "series":
			out = append(out, realSeries{name: f[1], days: days})
		case "composability":
			out[len(out)-1].comp = nums(f[1:])
		case "builders":
			out[len(out)-1].apps = cum(nums(f[1:]))
		case "composed":
			out[len(out)-1].k = cum(nums(f[1:]))
		default:
			tb.Fatalf("testdata line %d: unknown key %q", line, f[0])
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	for _, s := range out {
		if n := len(s.days); len(s.comp) != n || len(s.apps) != n || len(s.k) != n {
			tb.Fatalf("testdata series %s: lengths %d %d %d %d", s.name, n, len(s.comp), len(s.apps), len(s.k))
		}
	}
	if len(out) != 32 {
		tb.Fatalf("testdata: %d series; want 32", len(out))
	}
	return out
}

// randomArrivals is a series of whole-number composed arrivals on whole
// sample days: every days apart (the last interval shorter), up to
// horizon, in 1–6 regimes of random rates between 0 and maxRate a day,
// some of them 0. dup, when true, repeats a few sample days (intervals of
// no length) and lets the cumulative count dip now and then (a decrease
// counts as no arrivals).
func randomArrivals(rng *rand.Rand, horizon, every int, maxRate float64, dup bool) (days, cum []float64) {
	nreg := 1 + rng.IntN(6)
	cuts := make([]float64, nreg-1)
	for i := range cuts {
		cuts[i] = float64(rng.IntN(horizon))
	}
	sort.Float64s(cuts)
	rates := make([]float64, nreg)
	for i := range rates {
		if rng.IntN(4) > 0 {
			rates[i] = maxRate * rng.Float64() * rng.Float64()
		}
	}
	rateAt := func(t float64) float64 { return rates[sort.SearchFloat64s(cuts, t)] }
	c := 0.0
	for t := 0; ; t += every {
		if t > horizon {
			t = horizon
		}
		d := float64(t)
		if len(days) > 0 {
			c += poisson(rng, rateAt(d)*(d-days[len(days)-1]))
		}
		days, cum = append(days, d), append(cum, c)
		if dup && rng.IntN(40) == 0 {
			days, cum = append(days, d), append(cum, c+float64(rng.IntN(3)))
		}
		if dup && rng.IntN(60) == 0 {
			cum[len(cum)-1] -= float64(rng.IntN(3))
		}
		if t == horizon {
			break
		}
	}
	return days, cum
}

// randomRule draws PELT's thresholds around the scenario's: W 30–180 days,
// R 1–4, a window's minimum 0–40 arrivals.
func randomRule(rng *rand.Rand) scenarios.Lego {
	r := defaultLego()
	r.WindowDays = float64(30 + rng.IntN(151))
	r.GrowthMin = 1 + 3*rng.Float64()
	r.MinComposedPerWindow = float64(rng.IntN(41))
	return r
}

// segmentBoth runs segmentExact and segmentBounded on the same series
// and fails unless their F and last are the same bits.
func segmentBoth(t *testing.T, name string, days, cum []float64) {
	t.Helper()
	m := len(days) - 1
	if m < 2 {
		return
	}
	sc := new(peltScratch)
	sc.grow(m + 1)
	for i := range m {
		sc.cs[i+1] = sc.cs[i] + math.Max(0, cum[i+1]-cum[i])
		sc.ce[i+1] = sc.ce[i] + math.Max(0, days[i+1]-days[i])
	}
	if !wholeNumbers(sc.cs[:m+1]) || !wholeNumbers(sc.ce[:m+1]) {
		t.Fatalf("%s: not whole numbers", name)
	}
	lastE := append([]int(nil), sc.segmentExact(m)...)
	FE := append([]float64(nil), sc.F[:m+1]...)
	lastB := sc.segmentBounded(m, lnInts(int(max(sc.cs[m], sc.ce[m]))))
	for i := range m + 1 {
		if lastB[i] != lastE[i] || math.Float64bits(sc.F[i]) != math.Float64bits(FE[i]) {
			t.Fatalf("%s: at t = %d bounded (F %v, last %d); exact (F %v, last %d)", name, i, sc.F[i], lastB[i], FE[i], lastE[i])
		}
	}
}

// TestDetectPELTMatchesReference: DetectPELT returns exactly what the
// former implementation returns, and its bounded segmentation has the
// exact one's F and last bit for bit, on the 32 real deai-2025 series and
// on 1,000 random ones (200 with -short): 1–6 regimes of Poisson arrivals up to 5, 40 or 400
// a day (some regimes empty), weekly or 30-daily samples over 1–10 years or daily
// ones over 1–2, some with repeated sample days and dips, under random thresholds;
// then the paths that skip the table: fractional counts or days, counts
// beyond lnIntMax, NaN. Deterministic.
func TestDetectPELTMatchesReference(t *testing.T) {
	check := func(name string, days, cum []float64, rule scenarios.Lego) bool {
		t.Helper()
		day, ok := DetectPELT(days, cum, rule)
		wd, wok := detectPELTReference(days, cum, rule)
		if math.Float64bits(day) != math.Float64bits(wd) || ok != wok {
			t.Fatalf("%s: DetectPELT = (%v, %v); reference (%v, %v)", name, day, ok, wd, wok)
		}
		return ok
	}
	rule := defaultLego()
	for _, s := range deaiSeries(t) {
		check(s.name, s.days, s.k, rule)
		segmentBoth(t, s.name, s.days, s.k)
	}
	rng := rand.New(rand.NewPCG(12, 1))
	fired := 0
	R := 1000
	if testing.Short() {
		R = 200
	}
	for i := range R {
		horizon, every := 365*(1+rng.IntN(10)), []int{7, 7, 30}[rng.IntN(3)]
		if rng.IntN(4) == 0 {
			horizon, every = 365*(1+rng.IntN(2)), 1
		}
		days, cum := randomArrivals(rng, horizon, every, []float64{5, 40, 400}[rng.IntN(3)], rng.IntN(5) == 0)
		name := fmt.Sprintf("random %d", i)
		if check(name, days, cum, randomRule(rng)) {
			fired++
		}
		segmentBoth(t, name, days, cum)
	}
	if fired < R/10 || fired > R-R/10 {
		t.Errorf("%d of %d random series reached; want between %d and %d (both outcomes well covered)", fired, R, R/10, R-R/10)
	}
	for i := range 200 {
		days, cum := randomArrivals(rng, 730, 7, 20, false)
		r := randomRule(rng)
		frac := append([]float64(nil), cum...)
		for j := range frac {
			frac[j] *= 0.37
		}
		check(fmt.Sprintf("fractional counts %d", i), days, frac, r)
		fd := append([]float64(nil), days...)
		fd[len(fd)/2] += 0.5
		check(fmt.Sprintf("fractional day %d", i), fd, cum, r)
		big := append([]float64(nil), cum...)
		for j := range big {
			big[j] = big[j]*1e4 + float64(j)
		}
		check(fmt.Sprintf("beyond the table %d", i), days, big, r)
	}
	days, cum := randomArrivals(rng, 730, 7, 20, false)
	cum[30] = math.NaN()
	check("NaN", days, cum, rule)
	for _, n := range []int{0, 1, 2, 3} {
		check(fmt.Sprintf("%d samples", n), days[:n], cum[:n], rule)
	}
	zero := make([]float64, len(days))
	check("no arrivals", days, zero, rule)
}

// TestDetectFamilyMatchesReference: DetectFamily returns exactly the
// former implementation's verdicts, every member, on the 32 real
// deai-2025 series (under the scenario's rule and two random ones) and on 300
// random series with composability and apps (a quarter with repeated days
// and dips), and with no window. Deterministic.
func TestDetectFamilyMatchesReference(t *testing.T) {
	check := func(name string, days, c, a, k []float64, rule scenarios.Lego) {
		t.Helper()
		got := DetectFamily(days, c, a, k, rule)
		want := detectFamilyReference(days, c, a, k, rule)
		if len(got) != len(want) {
			t.Fatalf("%s: %d members; reference %d", name, len(got), len(want))
		}
		for m := range got {
			if math.Float64bits(got[m].Day) != math.Float64bits(want[m].Day) || got[m].Reached != want[m].Reached {
				t.Fatalf("%s member %d: %+v; reference %+v", name, m, got[m], want[m])
			}
		}
	}
	rng := rand.New(rand.NewPCG(12, 2))
	famRule := func() scenarios.Lego {
		r := randomRule(rng)
		r.ComposabilityMin = rng.Float64()
		r.ComposedShareMin = rng.Float64()
		return r
	}
	for _, s := range deaiSeries(t) {
		check(s.name, s.days, s.comp, s.apps, s.k, defaultLego())
		for j := range 2 {
			check(fmt.Sprintf("%s rule %d", s.name, j), s.days, s.comp, s.apps, s.k, famRule())
		}
	}
	for i := range 300 {
		days, k := randomArrivals(rng, 365*(1+rng.IntN(6)), []int{7, 1, 30}[rng.IntN(3)], 40, rng.IntN(4) == 0)
		c, a := make([]float64, len(days)), make([]float64, len(days))
		for j := range days {
			c[j] = rng.Float64()
			if j > 0 {
				a[j] = a[j-1] + (k[j] - k[j-1]) + poisson(rng, 3*(days[j]-days[j-1]))
			}
		}
		check(fmt.Sprintf("random %d", i), days, c, a, k, famRule())
	}
	check("empty", nil, nil, nil, nil, defaultLego())
	s := deaiSeries(t)[1]
	for _, w := range []float64{0, -1, math.NaN()} {
		r := defaultLego()
		r.WindowDays = w
		check(fmt.Sprintf("W = %v", w), s.days, s.comp, s.apps, s.k, r)
	}
}

// TestDetectPELTConcurrent: goroutines that need logarithm tables of
// different sizes (arrivals up to 3,000 and up to 300,000) share lnTable
// and the scratch pool and still return the reference's verdicts; run
// with -race it checks the table's publication. Deterministic.
func TestDetectPELTConcurrent(t *testing.T) {
	type job struct {
		days, cum []float64
		want      Detection
	}
	rng := rand.New(rand.NewPCG(12, 3))
	var jobs []job
	for i := range 16 {
		days, cum := randomArrivals(rng, 730, 7, []float64{5, 500}[i%2], false)
		d, ok := detectPELTReference(days, cum, defaultLego())
		jobs = append(jobs, job{days, cum, Detection{d, ok}})
	}
	errs := make(chan string, len(jobs))
	for _, j := range jobs {
		go func() {
			d, ok := DetectPELT(j.days, j.cum, defaultLego())
			if got := (Detection{d, ok}); got != j.want {
				errs <- fmt.Sprintf("%+v; reference %+v", got, j.want)
				return
			}
			errs <- ""
		}()
	}
	for range jobs {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}

// TestPELTMemo: a PELTMemo answers exactly what DetectPELT answers, from
// any number of goroutines, on a stream of series that repeat (as the
// variants of one replication do), that differ from an earlier one in one
// sample, in a day or in the rule only, that have no arrivals, and on more
// distinct series than it keeps; FamilyOf through it is FamilyOf. Run with
// -race it checks the memo's locking. Deterministic.
func TestPELTMemo(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 4))
	type job struct {
		days, cum []float64
		rule      scenarios.Lego
	}
	var jobs []job
	for i := range 3 * peltMemoSize {
		days, cum := randomArrivals(rng, 730, 7, []float64{5, 40}[i%2], false)
		rule := defaultLego()
		jobs = append(jobs, job{days, cum, rule}, job{days, cum, rule})
		other := slices.Clone(cum)
		other[len(other)/2]++
		jobs = append(jobs, job{days, other, rule})
		late := slices.Clone(days)
		late[len(late)-1]++
		jobs = append(jobs, job{late, cum, rule})
		r := randomRule(rng)
		jobs = append(jobs, job{days, cum, r}, job{days, cum, rule})
		jobs = append(jobs, job{days, make([]float64, len(days)), rule})
	}
	var memo PELTMemo
	var wg sync.WaitGroup
	errs := make(chan string, len(jobs))
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < len(jobs); i += 4 {
				j := jobs[i]
				d, ok := memo.DetectPELT(j.days, j.cum, j.rule)
				wd, wok := DetectPELT(j.days, j.cum, j.rule)
				if math.Float64bits(d) != math.Float64bits(wd) || ok != wok {
					errs <- fmt.Sprintf("job %d: memo (%v, %v); DetectPELT (%v, %v)", i, d, ok, wd, wok)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	filled := 0
	for i := range memo.entries {
		if memo.entries[i].cum != nil {
			filled++
		}
	}
	if filled != peltMemoSize {
		t.Errorf("%d entries filled; want %d", filled, peltMemoSize)
	}
	for _, s := range deaiSeries(t) {
		rep := &Replication{Names: []string{"composability_index", "builders_cum", "composed_cum"},
			Days: s.days, Values: [][]float64{s.comp, s.apps, s.k}}
		for range 2 {
			got, want := memo.FamilyOf(rep, defaultLego(), 3650), FamilyOf(rep, defaultLego(), 3650)
			if !slices.Equal(got, want) {
				t.Fatalf("%s: memo.FamilyOf %v; FamilyOf %v", s.name, got, want)
			}
		}
	}
}
