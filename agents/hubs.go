package agents

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// hub is the state of one cross-protocol layer.
type hub struct {
	name           string
	enabled        bool
	launch         float64
	adapter        float64
	fee            float64
	incentive      float64
	review         float64
	exploitRate    float64 // per day
	recovery       float64
	trustLoss      float64
	members        int
	usage          int // live links of the members
	routes         int // integrations routed through the hub
	suspendedTill  float64
	incentivesPaid float64
	r              *rand.Rand
}

func (m *Model) setupHubs(stream func(string) *rand.Rand) error {
	m.nHub = len(m.spec.Hubs)
	if m.nHub > MaxHubs {
		return fmt.Errorf("agents: hubs: %d declared, the model handles at most %d", m.nHub, MaxHubs)
	}
	m.coverMask = make([]uint64, m.nVerif)
	m.trust = make([]float64, m.nProt*m.nHub)
	for i := range m.trust {
		m.trust[i] = 1
	}
	for h, sh := range m.spec.Hubs {
		hb := hub{
			name:        sh.Name,
			enabled:     sh.Enabled == nil || *sh.Enabled,
			launch:      math.Max(0, sh.LaunchDay),
			adapter:     sh.AdapterCost,
			fee:         sh.FeePerUse,
			incentive:   sh.JoinIncentive,
			review:      sh.ReviewEveryDays,
			exploitRate: sh.ExploitsPerYear / daysPerYear,
			recovery:    sh.RecoveryDays,
			trustLoss:   sh.TrustLoss,
			r:           stream("hub:" + sh.Name),
		}
		for _, x := range []float64{hb.launch, hb.adapter, hb.fee, hb.incentive, hb.review, hb.exploitRate, hb.recovery, hb.trustLoss} {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("agents: hubs[%d] (%s): a parameter is not finite", h, sh.Name)
			}
		}
		if len(sh.Covers) == 0 {
			for v := range m.nVerif {
				m.coverMask[v] |= 1 << h
			}
		}
		for k, c := range sh.Covers {
			v := mechIndex(m.spec.Verification.Mechanisms, c)
			if v < 0 {
				return fmt.Errorf("agents: hubs[%d].covers[%d]: %q is not in verification.mechanisms", h, k, c)
			}
			m.coverMask[v] |= 1 << h
		}
		m.hubs = append(m.hubs, hb)
	}
	return nil
}

func (m *Model) onHubLaunch(arg int64) {
	h := int(arg)
	hb := &m.hubs[h]
	m.launched |= 1 << h
	m.liveHubs |= 1 << h
	m.routesChanged()
	m.traceHub("hub_launch", h, -1)
	if hb.review > 0 {
		m.eng.After(hb.r.ExpFloat64()*hb.review/float64(m.nProt), prioHub, m.actHubReview, arg)
	}
	if hb.exploitRate > 0 {
		m.eng.After(hb.r.ExpFloat64()/hb.exploitRate, prioHub, m.actHubExploit, arg)
	}
}

// reach is the share of the market protocol p can reach through hub h: the
// weight (1 + live links) of the other members over that of all other live
// protocols.
func (m *Model) reach(p, h int) float64 {
	hb := &m.hubs[h]
	w := 1 + float64(m.prot[p].usage)
	in := float64(hb.members) + float64(hb.usage)
	if m.prot[p].members&(1<<h) != 0 {
		in -= w
	}
	all := float64(len(m.live)) + float64(m.protoLinks) - w
	if all <= 0 || in <= 0 {
		return 0
	}
	return in / all
}

// joinValue is the value to p of being in hub h over the next year, the
// coordination game of the hub pathway:
//
//	V = openness · trust · (fee_per_day · 365.25 · (1 + links_p) · reach + join_incentive)
//
// The first term is the usage (fees) p's apps could gain by composing with
// the reachable share of the market; it is zero until someone joins, so a
// hub needs a critical mass that join incentives (or already-large
// members) provide.
func (m *Model) joinValue(p, h int) float64 {
	hb := &m.hubs[h]
	pr := &m.prot[p]
	v := m.spec.Builders.FeePerDay*daysPerYear*(1+float64(pr.usage))*m.reach(p, h) + hb.incentive
	return pr.open * m.trust[p*m.nHub+h] * v
}

// onHubReview is one join review of hub h, by a protocol drawn uniformly
// (a superposed Poisson process of rate P/review_every_days).
func (m *Model) onHubReview(arg int64) {
	h := int(arg)
	hb := &m.hubs[h]
	p := hb.r.IntN(m.nProt)
	pr := &m.prot[p]
	if m.isLive(p) && pr.members&(1<<h) == 0 && m.coverMask[pr.verif]&(1<<h) != 0 {
		v := m.joinValue(p, h)
		joined := v > hb.adapter
		if joined {
			m.joinHub(p, h)
		}
		m.traceJoin(p, h, v, joined)
	}
	m.eng.After(hb.r.ExpFloat64()*hb.review/float64(m.nProt), prioHub, m.actHubReview, arg)
}

func (m *Model) joinHub(p, h int) {
	hb := &m.hubs[h]
	pr := &m.prot[p]
	pr.members |= 1 << h
	m.routesChanged()
	hb.members++
	hb.usage += pr.usage
	hb.incentivesPaid += hb.incentive
	m.ufUnion(p, m.hubNode(h))
}

func (m *Model) leaveHub(p, h int) {
	hb := &m.hubs[h]
	pr := &m.prot[p]
	if pr.members&(1<<h) == 0 {
		return
	}
	pr.members &^= 1 << h
	m.routesChanged()
	hb.members--
	hb.usage -= pr.usage
	m.ufDirty = true
	m.traceHub("hub_leave", h, p)
}

// onHubExploit is a Poisson exploit of hub h; it schedules the next one.
func (m *Model) onHubExploit(arg int64) {
	h := int(arg)
	m.exploit(h)
	hb := &m.hubs[h]
	m.eng.After(hb.r.ExpFloat64()/hb.exploitRate, prioHub, m.actHubExploit, arg)
}

// exploit suspends hub h's routes for recovery_days, multiplies every
// protocol's trust in h by 1 − trust_loss, and each member leaves with
// probability trust_loss.
func (m *Model) exploit(h int) {
	hb := &m.hubs[h]
	m.exploits++
	m.traceHub("exploit", h, -1)
	until := m.Now() + hb.recovery
	if until > hb.suspendedTill {
		hb.suspendedTill = until
	}
	if hb.recovery > 0 {
		m.liveHubs &^= 1 << h
		m.routesChanged()
		m.eng.At(until, prioHub, m.actHubResume, int64(h))
	}
	for p := range m.nProt {
		m.trust[p*m.nHub+h] *= 1 - hb.trustLoss
	}
	for p := range m.nProt {
		if m.prot[p].members&(1<<h) != 0 && hb.r.Float64() < hb.trustLoss {
			m.leaveHub(p, h)
		}
	}
}

func (m *Model) onHubResume(arg int64) {
	h := int(arg)
	if m.Now() >= m.hubs[h].suspendedTill && m.launched&(1<<h) != 0 {
		m.liveHubs |= 1 << h
		m.routesChanged()
		m.traceHub("hub_resume", h, -1)
	}
}
