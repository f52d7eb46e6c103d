package agents

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
)

// Shock kinds.
const (
	shockOutage = iota
	shockExit
	shockCrash
	shockExploit
	shockRegulation
)

var shockKinds = map[string]int{"outage": shockOutage, "exit": shockExit, "crash": shockCrash, "exploit": shockExploit, "regulation": shockRegulation}

// shock is a resolved scenarios.Shock.
type shock struct {
	kind     int
	name     string
	day      float64 // scheduled day, or -1
	rate     float64 // per day, for random shocks
	target   int     // protocol or hub index; -1 draws one
	duration float64
	severity float64
	r        *rand.Rand
}

func (m *Model) setupShocks(stream func(string) *rand.Rand) error {
	for k, s := range m.spec.Shocks {
		key := fmt.Sprintf("shocks[%d]", k)
		kind, ok := shockKinds[s.Kind]
		if !ok {
			return fmt.Errorf("agents: %s.kind: unknown shock kind %q", key, s.Kind)
		}
		sh := shock{kind: kind, name: s.Kind, day: -1, target: -1, duration: s.DurationDays, severity: s.Severity,
			r: stream("shock:" + strconv.Itoa(k))}
		if s.Day != nil {
			sh.day = *s.Day
			if math.IsNaN(sh.day) || sh.day < 0 {
				return fmt.Errorf("agents: %s.day: must be a day ≥ 0, got %g", key, sh.day)
			}
		} else {
			sh.rate = s.RatePerYear / daysPerYear
		}
		if s.Target != "" {
			switch kind {
			case shockExploit:
				for h := range m.hubs {
					if m.hubs[h].name == s.Target {
						sh.target = h
					}
				}
				if sh.target < 0 {
					return fmt.Errorf("agents: %s.target: unknown hub %q", key, s.Target)
				}
			case shockRegulation:
			default:
				sh.target = m.protocolIndex(s.Target)
				if sh.target < 0 {
					return fmt.Errorf("agents: %s.target: unknown protocol %q", key, s.Target)
				}
			}
		}
		m.shocks = append(m.shocks, sh)
	}
	return nil
}

func (m *Model) scheduleShocks() {
	for k := range m.shocks {
		sh := &m.shocks[k]
		switch {
		case sh.day >= 0:
			m.eng.At(sh.day, prioShock, m.actShockScheduled, int64(k))
		case sh.rate > 0:
			m.eng.After(sh.r.ExpFloat64()/sh.rate, prioShock, m.actShock, int64(k))
		}
	}
}

func (m *Model) onScheduledShock(arg int64) { m.applyShock(int(arg)) }

func (m *Model) onRandomShock(arg int64) {
	k := int(arg)
	m.applyShock(k)
	sh := &m.shocks[k]
	m.eng.After(sh.r.ExpFloat64()/sh.rate, prioShock, m.actShock, arg)
}

// applyShock applies shock k to its target, drawing the target uniformly
// among live protocols (or launched hubs) when none is named.
func (m *Model) applyShock(k int) {
	sh := &m.shocks[k]
	target := sh.target
	switch sh.kind {
	case shockExploit:
		if target < 0 {
			n := 0
			for h := range m.hubs {
				if m.launched&(1<<h) != 0 {
					n++
				}
			}
			if n == 0 {
				m.traceShock(sh.name, -1)
				return
			}
			i := sh.r.IntN(n)
			for h := range m.hubs {
				if m.launched&(1<<h) != 0 {
					if i == 0 {
						target = h
						break
					}
					i--
				}
			}
		}
		if m.launched&(1<<target) == 0 {
			m.traceShock(sh.name, -1)
			return
		}
		m.exploit(target)
		return
	case shockRegulation:
		m.outsideUtil += 4 * sh.severity
		m.traceShock(sh.name, -1)
		return
	}
	if target < 0 {
		if len(m.live) == 0 {
			m.traceShock(sh.name, -1)
			return
		}
		target = int(m.live[sh.r.IntN(len(m.live))])
	}
	if !m.isLive(target) {
		m.traceShock(sh.name, target)
		return
	}
	m.traceShock(sh.name, target)
	switch sh.kind {
	case shockOutage:
		pr := &m.prot[target]
		pr.outage++
		m.removeProvider(target)
		d := sh.duration
		if d < 0 {
			d = 0
		}
		m.eng.After(d, prioShock, m.actOutageEnd, int64(target))
	case shockExit:
		m.exitProtocol(target)
	case shockCrash:
		m.flushEmissions(target)
		pr := &m.prot[target]
		pr.price *= 1 - sh.severity
		pr.poolT = -1
	}
}

func (m *Model) onOutageEnd(arg int64) {
	p := int(arg)
	pr := &m.prot[p]
	pr.outage--
	if pr.outage == 0 && m.isLive(p) {
		m.addProvider(p)
		m.trace1("outage_end", p)
	}
}

// exitProtocol removes p for good: it leaves the provider lists, its
// standards' speaker counts, its hubs and the interop graph, and every app
// using it closes.
func (m *Model) exitProtocol(p int) {
	pr := &m.prot[p]
	m.flushEmissions(p)
	m.removeProvider(p)
	for d := range m.nDim {
		s := m.std[p*m.nDim+d]
		if s < 0 {
			continue
		}
		m.speakers[int(s)*m.nDim+d]--
		if o := m.stdOfferer[s]; o >= 0 && int(o) != p {
			m.adoptionChanged(int(o), -1)
		}
	}
	if pr.adoptSlots > 0 && pr.token.AdoptionSubsidyPerDay > 0 {
		m.flushSubsidies()
		m.subsidyRate -= pr.token.AdoptionSubsidyPerDay
	}
	for mask := pr.members; mask != 0; mask &= mask - 1 {
		m.leaveHub(p, trailingZeros(mask))
	}
	// Close its apps: a scan of the app slots, acceptable for a rare event.
	for slot := range m.apps {
		a := &m.apps[slot]
		if !a.alive {
			continue
		}
		legs := m.legs[slot*m.legsPerApp : slot*m.legsPerApp+int(a.nLegs)]
		if firstIndex(legs, int32(p)) >= 0 {
			m.endApp(int32(slot))
		}
	}
	pr.exited = true
	i := m.livePos[p]
	last := m.live[len(m.live)-1]
	m.live[i] = last
	m.livePos[last] = i
	m.live = m.live[:len(m.live)-1]
	m.livePos[p] = -1
	m.ufDirty = true
}
