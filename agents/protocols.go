package agents

import (
	"fmt"
	"github.com/legolab/legolab/internal/portable"
	"math"
	"math/rand/v2"

	"github.com/legolab/legolab/scenarios"
	"github.com/legolab/legolab/stats"
)

// setupProtocols resolves the named protocols, then draws every population
// from the "population" stream, in declaration order.
func (m *Model) setupProtocols(r *rand.Rand) error {
	m.stdIndex = make(map[string]int32)
	names := make(map[string]bool)
	add := func(p protocol, quality map[int]float64, standards map[int]string, key string) error {
		if names[p.name] {
			return fmt.Errorf("agents: %s: duplicate protocol name %q", key, p.name)
		}
		names[p.name] = true
		idx := len(m.prot)
		own := m.internStd(p.name)
		p.origStd = own
		p.mainDim = -1
		best := -1.0
		for d := range m.nDim {
			m.quality = append(m.quality, 0)
			m.std = append(m.std, -1)
			q, ok := quality[d]
			if !ok {
				continue
			}
			p.serves |= 1 << d
			m.quality[idx*m.nDim+d] = q
			s := own
			if name, ok := standards[d]; ok && name != "" {
				s = m.internStd(name)
			}
			m.std[idx*m.nDim+d] = s
			if q > best {
				best = q
				p.mainDim = d
			}
		}
		if p.serves == 0 {
			return fmt.Errorf("agents: %s.serves: no declared dimension", key)
		}
		if math.IsNaN(p.launch) || math.IsNaN(p.open) || math.IsNaN(p.sov) {
			return fmt.Errorf("agents: %s: launch day, openness or sovereignty cost is NaN", key)
		}
		p.price = p.token.PriceKUSD
		if math.IsNaN(p.token.EmissionFromDay) {
			return fmt.Errorf("agents: %s.token.emission_from_day is NaN", key)
		}
		p.emitStart = math.Max(p.launch, p.token.EmissionFromDay)
		m.prot = append(m.prot, p)
		return nil
	}
	for k, sp := range m.spec.Protocols {
		key := fmt.Sprintf("protocols[%d]", k)
		p := protocol{name: sp.Name, open: sp.Openness, sov: sp.SovereigntyCost, launch: math.Max(0, sp.LaunchDay), token: sp.Token}
		var err error
		if p.verif, p.incent, err = m.mechanisms(sp.Verification, sp.Incentive, key); err != nil {
			return err
		}
		quality := make(map[int]float64, len(sp.Serves))
		for _, dn := range sortedKeys(sp.Serves) {
			d := m.dimIndex(dn)
			if d < 0 {
				return fmt.Errorf("agents: %s.serves.%s: unknown dimension", key, dn)
			}
			quality[d] = clamp(sp.Serves[dn], 1e-6, 1)
		}
		standards := make(map[int]string, len(sp.Standards))
		for _, dn := range sortedKeys(sp.Standards) {
			d := m.dimIndex(dn)
			if d < 0 {
				return fmt.Errorf("agents: %s.standards.%s: unknown dimension", key, dn)
			}
			standards[d] = sp.Standards[dn]
		}
		if err := add(p, quality, standards, key); err != nil {
			return err
		}
	}
	for k, pop := range m.spec.Populations {
		key := fmt.Sprintf("populations[%d]", k)
		for _, f := range []struct {
			name string
			d    scenarios.Dist
		}{{"quality", pop.Quality}, {"openness", pop.Openness}, {"sovereignty_cost", pop.SovereigntyCost}, {"launch_day", pop.LaunchDay}} {
			switch f.d.Dist {
			case "", "const", "uniform", "beta", "normal", "lognormal":
			default:
				return fmt.Errorf("agents: %s.%s.dist: unknown distribution %q", key, f.name, f.d.Dist)
			}
		}
		dims := make([]int, 0, m.nDim)
		if len(pop.Dimensions) == 0 {
			for d := range m.nDim {
				dims = append(dims, d)
			}
		}
		for j, dn := range pop.Dimensions {
			d := m.dimIndex(dn)
			if d < 0 {
				return fmt.Errorf("agents: %s.dimensions[%d]: unknown dimension %q", key, j, dn)
			}
			dims = append(dims, d)
		}
		each := pop.DimensionsEach
		if each <= 0 {
			each = 1
		}
		if each > len(dims) {
			each = len(dims)
		}
		verifs := pop.Verification
		if len(verifs) == 0 {
			verifs = []string{"none"}
		}
		incents := pop.Incentive
		if len(incents) == 0 {
			incents = []string{"fees"}
		}
		pick := make([]int, len(dims))
		for i := 1; i <= pop.Count; i++ {
			name := fmt.Sprintf("%s-%d", pop.Prefix, i)
			copy(pick, dims)
			// Partial Fisher–Yates: the first `each` entries are a
			// uniform draw without replacement.
			for j := 0; j < each; j++ {
				t := j + r.IntN(len(pick)-j)
				pick[j], pick[t] = pick[t], pick[j]
			}
			quality := make(map[int]float64, each)
			standards := make(map[int]string, each)
			for _, d := range sortedInts(pick[:each]) {
				quality[d] = clamp(draw(r, pop.Quality, 0.2, 0.8), 1e-6, 1)
				if pop.Standard != "" {
					standards[d] = pop.Standard
				}
			}
			p := protocol{
				name:   name,
				open:   clamp(draw(r, pop.Openness, 0.2, 0.8), 0, 1),
				sov:    math.Max(0, draw(r, pop.SovereigntyCost, 0, 0)),
				launch: math.Max(0, draw(r, pop.LaunchDay, 0, 0)),
				token:  pop.Token,
			}
			v := verifs[r.IntN(len(verifs))]
			in := incents[r.IntN(len(incents))]
			var err error
			if p.verif, p.incent, err = m.mechanisms(v, in, key); err != nil {
				return err
			}
			if err := add(p, quality, standards, fmt.Sprintf("%s (%s)", key, name)); err != nil {
				return err
			}
		}
	}
	m.nProt = len(m.prot)
	m.usageDim = make([]int32, m.nProt*m.nDim)
	m.listPos = make([]int32, m.nProt*m.nDim)
	for i := range m.listPos {
		m.listPos[i] = -1
	}
	m.providers = make([][]int32, m.nDim)
	for d := range m.nDim {
		m.providers[d] = make([]int32, 0, m.nProt)
	}
	m.live = make([]int32, 0, m.nProt)
	m.livePos = make([]int32, m.nProt)
	for i := range m.livePos {
		m.livePos[i] = -1
	}
	return nil
}

// mechanisms resolves a verification mechanism and an incentive model.
func (m *Model) mechanisms(verif, incent, key string) (int, int, error) {
	if verif == "" {
		verif = "none"
	}
	if incent == "" {
		incent = "fees"
	}
	v := mechIndex(m.spec.Verification.Mechanisms, verif)
	if v < 0 {
		return 0, 0, fmt.Errorf("agents: %s.verification: %q is not in verification.mechanisms", key, verif)
	}
	in := mechIndex(m.spec.Settlement.Mechanisms, incent)
	if in < 0 {
		return 0, 0, fmt.Errorf("agents: %s.incentive: %q is not in settlement.mechanisms", key, incent)
	}
	return v, in, nil
}

// draw samples a population parameter. lo and hi are the default uniform
// range used when the distribution is entirely unset. A truncated normal
// is sampled by inverse CDF (stats.Normal), so a window far from the mean
// still gets values spread as the truncated distribution says.
func draw(r *rand.Rand, d scenarios.Dist, lo, hi float64) float64 {
	switch d.Dist {
	case "", "const":
		if d.Dist == "" && d.Value == 0 && d.Min == 0 && d.Max == 0 && d.Mean == 0 && d.SD == 0 {
			if lo == hi {
				return lo
			}
			return lo + (hi-lo)*r.Float64()
		}
		return d.Value
	case "uniform":
		return stats.Uniform{Min: d.Min, Max: d.Max}.Rand(r)
	case "beta":
		a, b := d.Min, d.Max
		if a == 0 && b == 0 {
			b = 1
		}
		return a + (b-a)*betaVariate(r, d.A, d.B)
	case "normal":
		if d.Min < d.Max {
			return stats.Normal{Mu: d.Mean, Sigma: d.SD, Min: d.Min, Max: d.Max}.Rand(r)
		}
		return d.Mean + d.SD*r.NormFloat64()
	case "lognormal":
		return portable.Exp(d.Mean + d.SD*r.NormFloat64())
	}
	panic(fmt.Sprintf("agents: unknown distribution %q", d.Dist))
}

// betaVariate draws Beta(a, b) on [0, 1] (stats.Beta: in log space when a
// shape is below 1, so tiny shapes give values near 0 or 1, not 0.5).
func betaVariate(r *rand.Rand, a, b float64) float64 {
	return stats.Beta{A: a, B: b, Min: 0, Max: 1}.Rand(r)
}

func clamp(x, lo, hi float64) float64 {
	if x < lo {
		return lo
	}
	if x > hi {
		return hi
	}
	return x
}

// onLaunch makes protocol p live: it joins the provider lists of its
// dimensions and the interop graph through its standards.
func (m *Model) onLaunch(arg int64) {
	p := int(arg)
	pr := &m.prot[p]
	if pr.launched || pr.exited {
		return
	}
	pr.launched = true
	pr.emitT = m.Now()
	pr.poolT = -1
	m.livePos[p] = int32(len(m.live))
	m.live = append(m.live, int32(p))
	for d := range m.nDim {
		if s := m.std[p*m.nDim+d]; s >= 0 {
			m.speakers[int(s)*m.nDim+d]++
			m.ufUnion(p, m.stdNode(s))
			if o := m.stdOfferer[s]; o >= 0 && int(o) != p {
				m.adoptionChanged(int(o), +1)
			}
		}
	}
	if sub := pr.token.AdoptionSubsidyPerDay; sub > 0 && pr.adoptSlots > 0 {
		// Protocols declared on p's standard before p went live: its
		// subsidy starts now.
		m.flushSubsidies()
		m.subsidyRate += sub
	}
	if pr.outage == 0 {
		m.addProvider(p)
	}
	m.trace1("launch", p)
	if pr.token.BuilderShare > 0 {
		m.redrawArrival()
	}
}

// isLive reports whether protocol p is launched and has not exited.
func (m *Model) isLive(p int) bool { return m.prot[p].launched && !m.prot[p].exited }

// addProvider puts p in the provider list of each dimension it serves.
func (m *Model) addProvider(p int) {
	for d := range m.nDim {
		if m.prot[p].serves&(1<<d) == 0 || m.listPos[p*m.nDim+d] >= 0 {
			continue
		}
		m.listPos[p*m.nDim+d] = int32(len(m.providers[d]))
		m.providers[d] = append(m.providers[d], int32(p))
	}
}

// removeProvider takes p out of its provider lists (swap-remove, O(1)).
func (m *Model) removeProvider(p int) {
	for d := range m.nDim {
		i := m.listPos[p*m.nDim+d]
		if i < 0 {
			continue
		}
		list := m.providers[d]
		last := list[len(list)-1]
		list[i] = last
		m.listPos[int(last)*m.nDim+d] = i
		m.providers[d] = list[:len(list)-1]
		m.listPos[p*m.nDim+d] = -1
	}
}

// emission returns protocol p's token emission (tokens/day) at day t:
// E0 · 0.5^⌊(t−S)/H⌋ · e^{−k(t−S)/365.25}, with S the emission start (the
// later of the launch day and emission_from_day) and 0 before S.
func (pr *protocol) emission(t float64) float64 {
	tk := &pr.token
	if tk.EmissionPerDay == 0 || t < pr.emitStart {
		return 0
	}
	a := t - pr.emitStart
	e := tk.EmissionPerDay
	if tk.HalvingDays > 0 {
		e *= math.Exp2(-math.Floor(a / tk.HalvingDays))
	}
	if tk.DecayPerYear > 0 {
		e *= portable.Exp(-tk.DecayPerYear * a / daysPerYear)
	}
	return e
}

// emissionIntegral returns ∫_{t0}^{t1} emission(s) ds in closed form,
// segment by segment between halvings.
func (pr *protocol) emissionIntegral(t0, t1 float64) float64 {
	tk := &pr.token
	if tk.EmissionPerDay == 0 {
		return 0
	}
	t0 = math.Max(t0, pr.emitStart)
	if t1 <= t0 {
		return 0
	}
	k := tk.DecayPerYear / daysPerYear
	seg := func(a0, a1, level float64) float64 {
		// ∫_{a0}^{a1} level·e^{−k a} da with a the emission age.
		if k == 0 {
			return level * (a1 - a0)
		}
		return level * (portable.Exp(-k*a0) - portable.Exp(-k*a1)) / k
	}
	a0, a1 := t0-pr.emitStart, t1-pr.emitStart
	if tk.HalvingDays <= 0 {
		return seg(a0, a1, tk.EmissionPerDay)
	}
	sum := 0.0
	n := math.Floor(a0 / tk.HalvingDays)
	for a := a0; a < a1 && n < 1100; n++ {
		end := math.Min(a1, (n+1)*tk.HalvingDays)
		sum += seg(a, end, tk.EmissionPerDay*math.Exp2(-n))
		a = end
	}
	return sum
}

// builderShare returns the share of p's emissions offered to builders at t.
func (pr *protocol) builderShare(t float64) float64 {
	if t < pr.token.BuilderShareFromDay {
		return 0
	}
	return pr.token.BuilderShare
}

// flushEmissions integrates p's emitted and builder-offered value up to now,
// so a price change or an exit starts a new segment.
func (m *Model) flushEmissions(p int) {
	pr := &m.prot[p]
	now := m.Now()
	if !pr.launched || pr.exited || now <= pr.emitT {
		pr.emitT = math.Max(pr.emitT, now)
		return
	}
	v := pr.price * pr.emissionIntegral(pr.emitT, now)
	pr.emitCum += v
	pr.incentCum += v * pr.builderShare(pr.emitT)
	pr.emitT = now
}

// onBuilderShare marks the day liquidity mining starts for p.
func (m *Model) onBuilderShare(arg int64) {
	m.flushEmissions(int(arg))
	m.prot[arg].poolT = -1
	m.trace1("builder_share_on", int(arg))
	m.redrawArrival()
}

// onEmissionStart marks the day p's emissions start (emission_from_day
// after its launch). Its builder pool, if any, jumps from 0, which can
// raise the incentive factor x(t) of the arrival process, so the pending
// arrival candidate is redrawn.
func (m *Model) onEmissionStart(arg int64) {
	p := int(arg)
	m.flushEmissions(p)
	m.prot[p].poolT = -1
	m.trace1("emission_on", p)
	if m.prot[p].builderShare(m.Now()) > 0 {
		m.redrawArrival()
	}
}

// pool returns the builder incentive pool of p (k$/day) at the current time:
// emission · price · builder share. Cached per instant.
func (m *Model) pool(p int) float64 {
	pr := &m.prot[p]
	if pr.token.EmissionPerDay == 0 || pr.token.BuilderShare == 0 {
		return 0
	}
	now := m.Now()
	if pr.poolT == now && now != 0 {
		return pr.pool
	}
	pr.pool = pr.emission(now) * pr.price * pr.builderShare(now)
	pr.poolT = now
	return pr.pool
}
