package agents

import (
	"math"
	"strings"
	"testing"
)

const mechanisms = `
name = "mech"
horizon_days = 1000
dimensions = ["model", "compute"]
[builders]
market_potential = 2000
p_per_year = 1
q_per_year = 0.5
app_lifetime_days = 200
[[protocols]]
name = "alpha"
serves = { model = 0.6, compute = 0.5 }
openness = 0.9
[protocols.token]
emission_per_day = 100
price_kusd = 0.01
halving_days = 365
decay_per_year = 0.1
builder_share = 0.5
builder_share_from_day = 200
[[protocols]]
name = "beta"
serves = { compute = 0.7 }
openness = 0.9
[[protocols]]
name = "gamma"
serves = { model = 0.7 }
openness = 0.9
[[hubs]]
name = "h"
launch_day = 50
join_incentive = 100
exploits_per_year = 0
recovery_days = 40
trust_loss = 0.5
[[shocks]]
kind = "crash"
day = 500
target = "alpha"
severity = 0.5
[[shocks]]
kind = "outage"
day = 300
target = "beta"
duration_days = 50
[[shocks]]
kind = "exit"
day = 700
target = "gamma"
[[shocks]]
kind = "regulation"
day = 600
severity = 0.25
[[shocks]]
kind = "exploit"
day = 400
target = "h"
[[app_types]]
name = "agent"
needs = ["model", "compute"]
`

// simpson integrates f over [a, b] with n (even) intervals.
func simpson(f func(float64) float64, a, b float64, n int) float64 {
	h := (b - a) / float64(n)
	s := f(a) + f(b)
	for i := 1; i < n; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		s += w * f(a+float64(i)*h)
	}
	return s * h / 3
}

func TestEmissions(t *testing.T) {
	spec := parse(t, mechanisms)
	m := newModel(t, spec, 0)
	pr := &m.prot[0]
	// Closed form against quadrature, across halvings (the integrand
	// jumps at 365 and 730, so integrate piecewise).
	for _, iv := range [][2]float64{{0, 100}, {100, 365}, {0, 1000}, {300, 800}} {
		want := 0.0
		bounds := []float64{iv[0]}
		for _, h := range []float64{365, 730} {
			if h > iv[0] && h < iv[1] {
				bounds = append(bounds, h)
			}
		}
		bounds = append(bounds, iv[1])
		for i := 1; i < len(bounds); i++ {
			want += simpson(func(x float64) float64 { return pr.emission(x) }, bounds[i-1]+1e-9, bounds[i]-1e-9, 2000)
		}
		if got := pr.emissionIntegral(iv[0], iv[1]); math.Abs(got-want) > 1e-6*want {
			t.Errorf("∫ emission over %v = %.6f; want %.6f", iv, got, want)
		}
	}
	if e := pr.emission(400); math.Abs(e-100*0.5*math.Exp(-0.1*400/daysPerYear)) > 1e-9 {
		t.Errorf("emission(400) = %g", e)
	}
	// The observed cumulative value follows the price: 0.01 before the
	// crash at day 500, 0.005 after; builders get half from day 200.
	var o Observation
	run(t, m, 1000)
	m.Observe(&o)
	wantEmit := 0.01*pr.emissionIntegral(0, 500) + 0.005*pr.emissionIntegral(500, 1000)
	if math.Abs(o.EmissionsCum-wantEmit) > 1e-9*wantEmit {
		t.Errorf("emissions = %.6f; want %.6f", o.EmissionsCum, wantEmit)
	}
	wantInc := 0.5 * (0.01*pr.emissionIntegral(200, 500) + 0.005*pr.emissionIntegral(500, 1000))
	if math.Abs(o.IncentivesCum-wantInc) > 1e-9*wantInc {
		t.Errorf("incentives = %.6f; want %.6f", o.IncentivesCum, wantInc)
	}
}

// TestEmissionFromDay checks emission_from_day: nothing emitted before it
// (though the protocol is live from day 100), the halving and decay clock
// starting from it, the builder pool jumping from 0 then (liquidity mining
// was switched on earlier, at day 200), and a trace record of the start.
func TestEmissionFromDay(t *testing.T) {
	const src = `
name = "late"
horizon_days = 1000
dimensions = ["model"]
[builders]
market_potential = 500
app_lifetime_days = 300
[[protocols]]
name = "alpha"
serves = { model = 0.6 }
launch_day = 100
[protocols.token]
emission_per_day = 100
emission_from_day = 300
price_kusd = 0.01
halving_days = 365
decay_per_year = 0.1
builder_share = 0.5
builder_share_from_day = 200
`
	const start, e0, halving, k = 300.0, 100.0, 365.0, 0.1 / daysPerYear
	want := func(t float64) float64 {
		if t < start {
			return 0
		}
		a := t - start
		return e0 * math.Exp2(-math.Floor(a/halving)) * math.Exp(-k*a)
	}
	var trace strings.Builder
	m, err := New(parse(t, src), 1, 0, Options{Trace: &trace})
	if err != nil {
		t.Fatal(err)
	}
	pr := &m.prot[0]
	for _, day := range []float64{0, 150, 299.9, 300, 400, 664.9, 665, 900} {
		if got := pr.emission(day); math.Abs(got-want(day)) > 1e-12*e0 {
			t.Errorf("emission(%g) = %g; want %g", day, got, want(day))
		}
	}
	// Closed form against quadrature across the start and the halving at
	// 665 (piecewise, the integrand jumps there).
	for _, iv := range [][2]float64{{0, 250}, {100, 400}, {0, 1000}, {350, 700}} {
		w := 0.0
		bounds := []float64{iv[0]}
		for _, b := range []float64{start, start + halving} {
			if b > iv[0] && b < iv[1] {
				bounds = append(bounds, b)
			}
		}
		bounds = append(bounds, iv[1])
		for i := 1; i < len(bounds); i++ {
			w += simpson(want, bounds[i-1]+1e-9, bounds[i]-1e-9, 2000)
		}
		if got := pr.emissionIntegral(iv[0], iv[1]); math.Abs(got-w) > 1e-6*math.Max(w, 1) {
			t.Errorf("∫ emission over %v = %.6f; want %.6f", iv, got, w)
		}
	}
	var o Observation
	run(t, m, 299)
	m.Observe(&o)
	if o.EmissionsCum != 0 || o.IncentivesCum != 0 || m.pool(0) != 0 {
		t.Errorf("day 299: emissions %g, incentives %g, pool %g; want all 0", o.EmissionsCum, o.IncentivesCum, m.pool(0))
	}
	run(t, m, 300)
	if got, w := m.pool(0), e0*0.01*0.5; math.Abs(got-w) > 1e-12 {
		t.Errorf("day 300: pool %g; want %g", got, w)
	}
	run(t, m, 1000)
	m.Observe(&o)
	wantEmit := 0.01 * pr.emissionIntegral(start, 1000)
	if math.Abs(o.EmissionsCum-wantEmit) > 1e-9*wantEmit {
		t.Errorf("emissions = %.6f; want %.6f", o.EmissionsCum, wantEmit)
	}
	if math.Abs(o.IncentivesCum-0.5*wantEmit) > 1e-9*wantEmit {
		t.Errorf("incentives = %.6f; want %.6f", o.IncentivesCum, 0.5*wantEmit)
	}
	if !strings.Contains(trace.String(), `{"day":300,"ev":"emission_on","protocol":"alpha"}`) {
		t.Errorf("trace has no emission_on record at day 300")
	}
}

func TestShocks(t *testing.T) {
	spec := parse(t, mechanisms)
	m := newModel(t, spec, 0)
	beta, gamma := 1, 2
	compute := m.dimIndex("compute")
	run(t, m, 299)
	if m.listPos[beta*m.nDim+compute] < 0 {
		t.Fatalf("beta not a provider before its outage")
	}
	if m.hubs[0].members == 0 {
		t.Fatalf("nobody joined the hub despite its incentive")
	}
	run(t, m, 300)
	if m.listPos[beta*m.nDim+compute] >= 0 || !m.isLive(beta) {
		t.Errorf("during the outage: provider position %d, live %v; want absent but live", m.listPos[beta*m.nDim+compute], m.isLive(beta))
	}
	run(t, m, 350)
	if m.listPos[beta*m.nDim+compute] < 0 {
		t.Errorf("beta not back after its outage")
	}
	members := m.hubs[0].members
	run(t, m, 400)
	if m.liveHubs&1 != 0 || m.exploits != 1 {
		t.Errorf("after the exploit: live hubs %b, exploits %d; want suspended, 1", m.liveHubs, m.exploits)
	}
	if m.trust[0*m.nHub] != 0.5 {
		t.Errorf("trust after the exploit = %g; want 0.5", m.trust[0])
	}
	// Routes through the hub are unusable while it is suspended.
	if m.usableHubs(0) != 0 {
		t.Errorf("usable hubs during the suspension = %b; want none", m.usableHubs(0))
	}
	t.Logf("members before the exploit %d, after %d", members, m.hubs[0].members)
	run(t, m, 440)
	if m.liveHubs&1 == 0 {
		t.Errorf("hub still suspended after recovery_days")
	}
	before := m.outsideUtil
	run(t, m, 600)
	if got := m.outsideUtil - before; math.Abs(got-1) > 1e-12 {
		t.Errorf("regulation raised the outside utility by %g; want 4·0.25 = 1", got)
	}
	run(t, m, 699)
	if m.prot[gamma].usage == 0 {
		t.Fatalf("gamma has no usage before its exit; the test needs some")
	}
	run(t, m, 700)
	if m.isLive(gamma) || m.prot[gamma].usage != 0 || m.prot[gamma].appsOn != 0 || m.prot[gamma].members != 0 {
		t.Errorf("after exit: live %v, usage %d, apps %d, hubs %b; want all gone", m.isLive(gamma), m.prot[gamma].usage, m.prot[gamma].appsOn, m.prot[gamma].members)
	}
	// Counters stay consistent with a recount from the app slots.
	links, composed := 0, 0
	for slot := range m.apps {
		a := &m.apps[slot]
		if !a.alive {
			continue
		}
		if a.composed {
			composed++
		}
		for _, p := range m.legs[slot*m.legsPerApp : slot*m.legsPerApp+int(a.nLegs)] {
			if p >= 0 {
				links++
				if int(p) == gamma {
					t.Fatalf("a live app still uses the exited protocol")
				}
			}
		}
	}
	if links != m.protoLinks || composed != m.composedLive {
		t.Errorf("recount: %d links, %d composed; counters %d, %d", links, composed, m.protoLinks, m.composedLive)
	}
	var o Observation
	m.Observe(&o)
	if o.LiveProtocols != 2 {
		t.Errorf("live protocols = %d; want 2", o.LiveProtocols)
	}
}

// TestIncentivesRaiseArrivals checks the Generalized-Bass incentive factor:
// the same market with builder incentives switched on brings builders in
// faster, and without them the arrival process is unaffected by tokens.
func TestIncentivesRaiseArrivals(t *testing.T) {
	spec := parse(t, mechanisms)
	with := newModel(t, spec, 0)
	run(t, with, 400)
	spec.Protocols[0].Token.BuilderShare = 0
	without := newModel(t, spec, 0)
	run(t, without, 400)
	if with.nBuilders <= without.nBuilders {
		t.Errorf("builders by day 400: %d with incentives, %d without; want more with", with.nBuilders, without.nBuilders)
	}
	if with.incentiveFactor() <= 1 || without.incentiveFactor() != 1 {
		t.Errorf("incentive factors %g (with), %g (without)", with.incentiveFactor(), without.incentiveFactor())
	}
}

// TestOfferStartsAtLaunch checks that an offered standard can be adopted,
// and its adoption subsidy is paid, only once its offerer is live: the
// offerer launches on day 200, every other protocol would adopt at its
// first review for the subsidy alone, under both rules.
func TestOfferStartsAtLaunch(t *testing.T) {
	const src = `
name = "late-offer"
horizon_days = 400
dimensions = ["model", "compute"]
[builders]
market_potential = 200
[[protocols]]
name = "offerer"
serves = { model = 0.5, compute = 0.5 }
openness = 1
launch_day = 200
[protocols.token]
adoption_subsidy_per_day = 10
[[protocols]]
name = "a"
serves = { model = 0.6 }
openness = 1
[[protocols]]
name = "b"
serves = { compute = 0.6 }
openness = 1
[standards]
offered_by = ["offerer"]
review_every_days = 5
`
	for _, rule := range []string{"threshold", "urn"} {
		spec := parse(t, src+"rule = \""+rule+"\"\n")
		var trace strings.Builder
		m, err := New(spec, 1, 0, Options{Trace: &trace})
		if err != nil {
			t.Fatal(err)
		}
		run(t, m, 199)
		var o Observation
		m.Observe(&o)
		if sw := strings.Contains(trace.String(), `"switched":true`); sw || o.SubsidiesCum != 0 {
			t.Errorf("%s: before the offerer's launch: switches in trace %v, subsidies %g; want none", rule, sw, o.SubsidiesCum)
		}
		run(t, m, 400)
		m.Observe(&o)
		off := m.stdIndex["offerer"]
		for _, p := range []int{1, 2} {
			d := m.prot[p].mainDim
			if got := m.std[p*m.nDim+d]; got != off {
				t.Errorf("%s: %s speaks %q at day 400; want the offered standard", rule, m.prot[p].name, m.stdNames[got])
			}
		}
		// Both adopt within days of the launch (reviews every 5 days), so
		// the subsidy flows for nearly 200 days, and never before day 200.
		if o.SubsidiesCum <= 10*150 || o.SubsidiesCum > 10*200+1e-9 {
			t.Errorf("%s: subsidies %g; want in (1500, 2000]", rule, o.SubsidiesCum)
		}
	}
}
