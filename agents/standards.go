package agents

import (
	"math"

	"github.com/legolab/legolab/internal/portable"
)

// The de facto standard mechanism (Arthur 1989). Reviews arrive as a Poisson
// process: every protocol reviews at rate 1/review_every_days, simulated as
// one superposed process of rate P/review_every_days that picks a protocol
// uniformly (a not-yet-launched or exited pick is a no-op), which is the
// same law and keeps one pending event instead of P.

func (m *Model) scheduleStdReview() {
	rate := float64(m.nProt) / m.spec.Standards.ReviewEveryDays
	m.eng.After(m.rStd.ExpFloat64()/rate, prioReview, m.actStdReview, 0)
}

func (m *Model) onStdReview(int64) {
	p := m.rStd.IntN(m.nProt)
	if m.isLive(p) {
		if m.urn {
			m.reviewUrn(p)
		} else {
			m.reviewThreshold(p)
		}
	}
	m.scheduleStdReview()
}

// stdValue is the increasing-returns value to protocol p of speaking
// standard s on dimension d: benefit_per_share × the usage share of s on d,
// plus one year of the offerer's adoption subsidy split over the adopting
// slots (counting p's if it would be new).
func (m *Model) stdValue(p, d int, s int32) float64 {
	st := &m.spec.Standards
	v := 0.0
	if tot := m.linksDim[d]; tot > 0 {
		v = st.BenefitPerShare * float64(m.stdUsage[int(s)*m.nDim+d]) / float64(tot)
	}
	if o := m.stdOfferer[s]; o >= 0 && int(o) != p && m.isLive(int(o)) {
		sub := m.prot[o].token.AdoptionSubsidyPerDay
		if sub > 0 {
			n := m.prot[o].adoptSlots
			if m.std[p*m.nDim+d] != s {
				n++
			}
			v += sub * daysPerYear / float64(n)
		}
	}
	return v
}

// reviewThreshold is the threshold rule: for each served dimension, p
// switches to the standard s maximising
//
//	openness·(V(s) − V(current)) − switching_cost − [s foreign]·sovereignty_cost
//
// when that gain is positive, V as in stdValue. Candidates are the offered
// standards and p's own original standard (switching back is free of
// sovereignty cost).
func (m *Model) reviewThreshold(p int) {
	pr := &m.prot[p]
	if pr.open <= 0 {
		return
	}
	st := &m.spec.Standards
	for d := range m.nDim {
		cur := m.std[p*m.nDim+d]
		if cur < 0 {
			continue
		}
		vcur := m.stdValue(p, d, cur)
		// top is the candidate with the highest gain, positive or not (for
		// the trace); the switch needs a positive one.
		top, topGain := int32(-1), math.Inf(-1)
		try := func(s int32) {
			if s == cur {
				return
			}
			cost := st.SwitchingCost
			if s != pr.origStd && m.stdOfferer[s] != int32(p) {
				cost += pr.sov
			}
			if g := pr.open*(m.stdValue(p, d, s)-vcur) - cost; g > topGain {
				top, topGain = s, g
			}
		}
		for _, s := range m.offered {
			if m.offerOpen(s) {
				try(s)
			}
		}
		try(pr.origStd)
		switched := top >= 0 && topGain > 0
		m.traceThreshold(p, d, cur, vcur, top, topGain, switched)
		if switched {
			m.switchStd(p, d, top)
		}
	}
}

// reviewUrn is the urn rule: a protocol still on its own standard adopts,
// with probability equal to its openness, one of the offered standards
// drawn with probability ∝ speakers^urn_exponent (speakers on that
// dimension); adoption is final. At exponent 1 and one initial speaker per
// standard this is Pólya's urn, whose limiting shares are Beta(1, 1, ...)
// (Dirichlet) distributed; above 1 it locks in (Arthur, Ermoliev & Kaniovski
// 1987).
func (m *Model) reviewUrn(p int) {
	pr := &m.prot[p]
	if pr.offerer {
		return
	}
	open := 0
	for _, s := range m.offered {
		if m.offerOpen(s) {
			open++
		}
	}
	if open == 0 {
		return
	}
	alpha := m.spec.Standards.UrnExponent
	for d := range m.nDim {
		cur := m.std[p*m.nDim+d]
		if cur < 0 || m.stdOfferer[cur] >= 0 {
			continue // not served, or already on an offered standard
		}
		if m.rStd.Float64() >= pr.open {
			m.traceUrn(p, d, cur, -1)
			continue
		}
		total := 0.0
		for _, s := range m.offered {
			total += m.urnWeight(s, d, alpha)
		}
		var pick int32 = -1
		if total > 0 {
			x := m.rStd.Float64() * total
			for _, s := range m.offered {
				w := m.urnWeight(s, d, alpha)
				if w > 0 {
					pick = s // the last positive weight absorbs rounding
				}
				if x < w {
					break
				}
				x -= w
			}
		} else {
			// No speakers yet: uniformly among the open offers.
			k := m.rStd.IntN(open)
			for _, s := range m.offered {
				if m.offerOpen(s) {
					if k == 0 {
						pick = s
						break
					}
					k--
				}
			}
		}
		m.traceUrn(p, d, cur, pick)
		m.switchStd(p, d, pick)
	}
}

// offerOpen reports whether offered standard s can be adopted now: an offer
// starts with its offerer's launch (a protocol that is not live yet offers
// nothing, and pays no subsidy). An exited offerer's standard stays open:
// its speakers remain, though its subsidy has stopped.
func (m *Model) offerOpen(s int32) bool {
	return m.prot[m.stdOfferer[s]].launched
}

// urnWeight is the urn rule's weight of offered standard s on dimension d:
// speakers^alpha, 0 while the offer is not open.
func (m *Model) urnWeight(s int32, d int, alpha float64) float64 {
	if !m.offerOpen(s) {
		return 0
	}
	return portable.Pow(float64(m.speakers[int(s)*m.nDim+d]), alpha)
}

// switchStd moves p's dimension d from its current standard to s, carrying
// its usage, speaker count and adoption subsidies along.
func (m *Model) switchStd(p, d int, s int32) {
	old := m.std[p*m.nDim+d]
	u := m.usageDim[p*m.nDim+d]
	m.stdUsage[int(old)*m.nDim+d] -= u
	m.stdUsage[int(s)*m.nDim+d] += u
	m.speakers[int(old)*m.nDim+d]--
	m.speakers[int(s)*m.nDim+d]++
	if o := m.stdOfferer[old]; o >= 0 && int(o) != p {
		m.adoptionChanged(int(o), -1)
	}
	if o := m.stdOfferer[s]; o >= 0 && int(o) != p {
		m.adoptionChanged(int(o), +1)
	}
	m.std[p*m.nDim+d] = s
	m.routesChanged()
	// Leaving a standard others still speak may split a component.
	if m.speakersAll(old) > 0 {
		m.ufDirty = true
	}
	m.ufUnion(p, m.stdNode(s))
}

// speakersAll counts live (protocol, dimension) slots speaking s.
func (m *Model) speakersAll(s int32) int {
	n := 0
	for d := range m.nDim {
		n += int(m.speakers[int(s)*m.nDim+d])
	}
	return n
}

// adoptionChanged updates offerer o's adopting slots and the subsidy rate
// it pays (adoption_subsidy_per_day while it has at least one adopter).
func (m *Model) adoptionChanged(o, delta int) {
	pr := &m.prot[o]
	before := pr.adoptSlots
	pr.adoptSlots += delta
	sub := pr.token.AdoptionSubsidyPerDay
	if sub <= 0 || !m.isLive(o) {
		return // a protocol pays subsidies only while it is live
	}
	if (before == 0) != (pr.adoptSlots == 0) {
		m.flushSubsidies()
		if pr.adoptSlots > 0 {
			m.subsidyRate += sub
		} else {
			m.subsidyRate -= sub
		}
	}
}

func (m *Model) flushSubsidies() {
	now := m.Now()
	if dt := now - m.subsidyT; dt > 0 {
		m.subsidyCum += m.subsidyRate * dt
	}
	m.subsidyT = now
}
