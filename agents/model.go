package agents

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/legolab/legolab/scenarios"
	"github.com/legolab/legolab/sim"
)

// Event priorities: among events at the same instant, launches run first,
// then shocks, hub events, reviews, app deaths and finally arrivals, so that
// a builder arriving on a protocol's launch day can already choose it.
const (
	prioLaunch = iota
	prioShock
	prioHub
	prioReview
	prioDeath
	prioArrival
)

// Limits that keep the model's bit masks and index types valid.
const (
	// MaxDimensions is the largest number of dimensions a scenario may
	// declare (dimension sets are 64-bit masks); scenarios validates it.
	MaxDimensions = scenarios.MaxDimensions
	// MaxHubs is the largest number of hubs (hub sets are 64-bit masks);
	// scenarios validates it.
	MaxHubs = scenarios.MaxHubs
	// maxLegs bounds the number of needed dimensions of one app type.
	maxLegs = scenarios.MaxNeeds
)

// daysPerYear converts the scenario's per-year rates to per-day rates.
const daysPerYear = 365.25

// Options configure a Model.
type Options struct {
	// Trace, when non-nil, receives a JSON Lines record of every decision.
	Trace io.Writer
}

// protocol is the per-protocol state that is not stored in a flat P×D
// array.
type protocol struct {
	name    string
	serves  uint64 // mask of served dimensions
	mainDim int    // highest-quality served dimension (first on ties)
	verif   int
	incent  int
	open    float64
	sov     float64
	launch  float64
	// emitStart is the day emissions start, max(launch, emission_from_day):
	// the origin of the halving and decay clock.
	emitStart float64
	token     scenarios.Token
	price     float64 // current token price (k$), after crashes
	origStd   int32   // the protocol's original standard on its main dimension
	launched  bool
	exited    bool
	outage    int     // depth of overlapping outages
	appsOn    int     // live apps using the protocol (each app counted once)
	lnApps    float64 // ln(1 + appsOn), cached
	usage     int     // live app-provider links
	members   uint64
	hasPool   bool // pool can be nonzero: emissions and a builder share

	// Emission accounting: value emitted (and offered to builders) up to
	// emitT, integrated in closed form between price changes.
	emitCum, incentCum float64
	emitT              float64

	// Cached builder pool (k$/day) at poolT.
	pool, poolT float64
	offerer     bool
	adoptSlots  int // (protocol, dimension) slots of others speaking its offered standards
}

// appType is a resolved scenarios.AppType.
type appType struct {
	name  string
	needs []int
}

// app is one app slot. Slots are reused after an app dies; gen tells a stale
// death event from a live one.
type app struct {
	gen       uint32
	typ       int32
	nLegs     uint8
	alive     bool
	composed  bool
	fullStack bool
}

// Model is one replication of a scenario on a sim.Engine. It is not safe
// for concurrent use; replications run in parallel each own a Model.
type Model struct {
	spec *scenarios.Spec
	eng  *sim.Engine
	nDim int // dimensions
	// allDims is the mask of every dimension (all ones for 64).
	allDims uint64
	nHub    int // hubs
	nProt   int // protocols, declared and generated

	rArr, rChoice, rLife, rStd *rand.Rand

	// Protocols: per-protocol structs and flat P×D arrays.
	prot    []protocol
	quality []float64 // P*D, 0 where not served
	// qualityTerm is quality_weight·quality, the choice utility's quality
	// term, P*D (quality and weight are fixed during a run).
	qualityTerm []float64
	std         []int32 // P*D current standard, -1 where not served
	usageDim    []int32 // P*D live links
	listPos     []int32 // P*D position in providers[d], -1 when absent
	// providers[d] lists the protocols a builder can choose on dimension d:
	// launched, not exited, not in an outage.
	providers [][]int32
	live      []int32 // launched and not exited, for observers (order irrelevant)
	livePos   []int32 // position in live, -1 when absent

	// Standards.
	stdNames   []string
	stdIndex   map[string]int32
	stdUsage   []int32 // nStd*D live links on dimension d by speakers of s on d
	speakers   []int32 // nStd*D live protocols speaking s on d
	stdOfferer []int32 // nStd: offering protocol or -1
	offered    []int32 // offered standards, in OfferedBy order
	urn        bool
	stdOn      bool

	// Cost matrices.
	nVerif, nIncent int
	verifCost       []float64
	settleCost      []float64

	// Bridges: the set, and a list for observers.
	bridges map[uint64]struct{}

	// Routes cached by (protocol, dimension) pair, valid in routeEpoch;
	// nil when the scenario has too many slots.
	routeCache []routeEntry
	routeEpoch uint32
	bridgeList [][2]int32

	// Interop graph union-find over P protocols + nStd standards + H hubs.
	uf      []int32
	ufSize  []int32
	ufDirty bool

	// Hubs.
	hubs      []hub
	liveHubs  uint64   // launched and not suspended
	launched  uint64   // launched hubs
	coverMask []uint64 // by verification mechanism: hubs covering it
	trust     []float64

	// Builders and apps.
	pDay, qDay, eta, mPot float64
	etaPos                float64 // max(η, 0), the bound's amplification
	arrBound              float64 // thinning bound of the pending candidate
	looseThinning         bool    // test switch: the bound with c̄ = 1 of before issue 15
	checkDeaths           bool    // test switch: check the bound after every death
	arrGen                uint32  // generation of the pending candidate
	incentives            bool    // some protocol offers builders incentives
	emitters              []int32 // protocols with a builder incentive pool
	nBuilders             int
	types                 []appType
	typeCum               []float64
	joins                 []bool // D*D: dimension pairs some app type joins
	joinPairs             [][2]int
	lifeMean              float64
	apps                  []app
	legs                  []int32 // legsPerApp per slot; -1 = outside option
	legsPerApp            int
	free                  []int32
	appsLive              int
	composedLive          int
	fullStackLive         int
	composedCum           int
	protoLinks            int
	linksDim              []int
	outsideLinks          int
	outsideUtil           float64
	yieldZero             float64 // yield_weight·0: the yield term of a protocol without a pool

	// Money, integrated lazily.
	feesCum, outsideFeesCum, hubFeesCum float64
	feeT                                float64
	subsidyCum, subsidyRate, subsidyT   float64

	exploits int
	shocks   []shock
	choices  uint64

	// Scratch space reused by every choice, so the warm loop allocates
	// nothing per event.
	sel       []int32
	util      []float64
	weights   []float64 // fastPick's weights, util's length
	chosen    []int32
	pairs     []plannedPair
	dropped   []bool
	ciScratch composabilityScratch
	prevP     []int32 // distinct protocols already chosen by the app
	prevD     []int   // the dimension of each one's first leg

	// Actions, registered once with the engine.
	actArrival, actDeath, actLaunch, actOutageEnd sim.ActionID
	actStdReview, actHubLaunch, actHubReview      sim.ActionID
	actHubExploit, actHubResume, actShock         sim.ActionID
	actShockScheduled, actBuilderShare            sim.ActionID
	actEmissionStart                              sim.ActionID

	tr *tracer
}

// New builds the model of replication index of spec with master seed seed,
// generates its populations and schedules its initial events. spec must be
// resolved (variant applied, defaults filled). It returns an error when the
// spec uses names the model cannot resolve or exceeds the model's limits.
func New(spec *scenarios.Spec, seed uint64, index int, opt Options) (*Model, error) {
	if spec == nil {
		panic("agents: New: nil spec")
	}
	m := &Model{spec: spec}
	stream := func(name string) *rand.Rand {
		return sim.NewStream(seed, uint64(index), sim.StreamID(name))
	}
	m.rArr = stream("arrivals")
	m.rChoice = stream("choice")
	m.rLife = stream("lifetime")
	m.rStd = stream("standards")
	if opt.Trace != nil {
		m.tr = newTracer(opt.Trace)
	}
	if err := m.setupDimensions(); err != nil {
		return nil, err
	}
	if err := m.setupMatrices(); err != nil {
		return nil, err
	}
	if err := m.setupProtocols(stream("population")); err != nil {
		return nil, err
	}
	if err := m.setupStandards(); err != nil {
		return nil, err
	}
	if err := m.setupHubs(stream); err != nil {
		return nil, err
	}
	if err := m.setupBuilders(); err != nil {
		return nil, err
	}
	if err := m.setupShocks(stream); err != nil {
		return nil, err
	}
	m.setupRoutes()
	// Room for the apps live at once, which at most every builder of the
	// market builds, up to a bound: grown one app at a time (by a quarter
	// past 256), the slots, legs and free list were reallocated and
	// copied some thirty times a replication, the far heap four.
	room := int(min(max(m.mPot, 0), maxPrealloc))
	if b, ok := spareSlots.Get().(*slots); ok && cap(b.apps) >= room && cap(b.legs) >= room*m.legsPerApp && cap(b.free) >= room {
		m.apps, m.legs, m.free = b.apps[:0], b.legs[:0], b.free[:0]
	} else {
		m.apps = make([]app, 0, room)
		m.legs = make([]int32, 0, room*m.legsPerApp)
		m.free = make([]int32, 0, room)
	}
	m.eng = sim.New(max(room, 1024))
	m.bindActions()
	m.schedule()
	return m, nil
}

// Release hands the model's memory (its app slots and its engine's event
// set) to a later New, which reuses it rather than allocating it afresh:
// they are most of a replication's allocations. The model must not be
// used after. A model that is not released is collected as usual.
func (m *Model) Release() {
	if m.eng == nil {
		panic("agents: Release of a released model")
	}
	m.eng.Release()
	spareSlots.Put(&slots{m.apps, m.legs, m.free})
	m.eng, m.apps, m.legs, m.free = nil, nil, nil, nil
}

// slots are the app slots of a released model, for New.
type slots struct {
	apps       []app
	legs, free []int32
}

var spareSlots sync.Pool

// maxPrealloc bounds the apps New makes room for: beyond, the slices grow.
const maxPrealloc = 1 << 14

// RunUntil advances the model to day t (events at t included). It returns
// ctx.Err() when ctx is cancelled, or the first error writing the trace.
func (m *Model) RunUntil(ctx context.Context, t float64) error {
	if err := m.eng.Run(ctx, t); err != nil {
		return err
	}
	if m.tr != nil {
		m.tr.flush()
		return m.tr.err
	}
	return nil
}

// Now returns the model's clock in days.
func (m *Model) Now() float64 { return m.eng.Now() }

// Events returns the number of engine events executed so far.
func (m *Model) Events() uint64 { return m.eng.Processed() }

// Choices returns the number of provider choices (one per needed
// dimension of every app) made so far.
func (m *Model) Choices() uint64 { return m.choices }

// Spec returns the scenario the model runs.
func (m *Model) Spec() *scenarios.Spec { return m.spec }

func (m *Model) bindActions() {
	m.actArrival = m.eng.Register(m.onArrival)
	m.actDeath = m.eng.RegisterFar(m.onDeath) // many, far ahead: the far heap
	m.actLaunch = m.eng.Register(m.onLaunch)
	m.actOutageEnd = m.eng.Register(m.onOutageEnd)
	m.actStdReview = m.eng.Register(m.onStdReview)
	m.actHubLaunch = m.eng.Register(m.onHubLaunch)
	m.actHubReview = m.eng.Register(m.onHubReview)
	m.actHubExploit = m.eng.Register(m.onHubExploit)
	m.actHubResume = m.eng.Register(m.onHubResume)
	m.actShock = m.eng.Register(m.onRandomShock)
	m.actShockScheduled = m.eng.Register(m.onScheduledShock)
	m.actBuilderShare = m.eng.Register(m.onBuilderShare)
	m.actEmissionStart = m.eng.Register(m.onEmissionStart)
}

// schedule puts the initial events on the engine: protocol launches, the
// first arrival, the review processes, hub launches and shocks.
func (m *Model) schedule() {
	for p := range m.prot {
		pr := &m.prot[p]
		m.eng.At(pr.launch, prioLaunch, m.actLaunch, int64(p))
		tk := pr.token
		emitLate := tk.EmissionPerDay > 0 && pr.emitStart > pr.launch
		if emitLate {
			// Emissions start after the launch: the builder pool jumps
			// from 0 then.
			m.eng.At(pr.emitStart, prioLaunch, m.actEmissionStart, int64(p))
		}
		if tk.BuilderShare > 0 && tk.BuilderShareFromDay > 0 && !(emitLate && tk.BuilderShareFromDay == pr.emitStart) {
			// Flush emission accounting when liquidity mining switches on
			// (the emission start's event does it when both coincide).
			m.eng.At(tk.BuilderShareFromDay, prioLaunch, m.actBuilderShare, int64(p))
		}
	}
	m.scheduleArrival()
	if m.stdOn && m.spec.Standards.ReviewEveryDays > 0 {
		m.scheduleStdReview()
	}
	for h := range m.hubs {
		if m.hubs[h].enabled {
			m.eng.At(m.hubs[h].launch, prioHub, m.actHubLaunch, int64(h))
		}
	}
	m.scheduleShocks()
}

func (m *Model) setupDimensions() error {
	m.nDim = len(m.spec.Dimensions)
	if m.nDim == 0 {
		return fmt.Errorf("agents: dimensions: none declared")
	}
	if m.nDim > MaxDimensions {
		return fmt.Errorf("agents: dimensions: %d declared, the model handles at most %d", m.nDim, MaxDimensions)
	}
	m.allDims = uint64(1)<<m.nDim - 1 // 1<<64 is 0 in Go: all ones for 64
	return nil
}

// dimIndex returns the index of dimension name, or -1.
func (m *Model) dimIndex(name string) int {
	for i, d := range m.spec.Dimensions {
		if d == name {
			return i
		}
	}
	return -1
}

// costMatrix resolves a symmetric scenarios.CostMatrix into a flat n×n
// array.
func costMatrix(c scenarios.CostMatrix, key string) ([]float64, error) {
	n := len(c.Mechanisms)
	out := make([]float64, n*n)
	for i := range n {
		for j := range n {
			if i == j {
				out[i*n+j] = c.Same
			} else {
				out[i*n+j] = c.Cross
			}
		}
	}
	idx := func(s string) int {
		for i, x := range c.Mechanisms {
			if x == s {
				return i
			}
		}
		return -1
	}
	for k, p := range c.Pairs {
		a, b := idx(p.A), idx(p.B)
		if a < 0 || b < 0 {
			return nil, fmt.Errorf("agents: %s.pairs[%d]: unknown mechanism %q or %q", key, k, p.A, p.B)
		}
		out[a*n+b] = p.Cost
		out[b*n+a] = p.Cost
	}
	return out, nil
}

func (m *Model) setupMatrices() error {
	var err error
	if m.verifCost, err = costMatrix(m.spec.Verification, "verification"); err != nil {
		return err
	}
	if m.settleCost, err = costMatrix(m.spec.Settlement, "settlement"); err != nil {
		return err
	}
	m.nVerif = len(m.spec.Verification.Mechanisms)
	m.nIncent = len(m.spec.Settlement.Mechanisms)
	return nil
}

func mechIndex(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// internStd returns the id of standard name, creating it.
func (m *Model) internStd(name string) int32 {
	if id, ok := m.stdIndex[name]; ok {
		return id
	}
	id := int32(len(m.stdNames))
	m.stdNames = append(m.stdNames, name)
	m.stdIndex[name] = id
	return id
}

func (m *Model) setupStandards() error {
	nStd := len(m.stdNames)
	m.stdUsage = make([]int32, nStd*m.nDim)
	m.speakers = make([]int32, nStd*m.nDim)
	m.stdOfferer = make([]int32, nStd)
	for i := range m.stdOfferer {
		m.stdOfferer[i] = -1
	}
	st := m.spec.Standards
	m.urn = st.Rule == "urn"
	for k, name := range st.OfferedBy {
		p := m.protocolIndex(name)
		if p < 0 {
			return fmt.Errorf("agents: standards.offered_by[%d]: unknown protocol %q", k, name)
		}
		m.prot[p].offerer = true
		for d := range m.nDim {
			s := m.std[p*m.nDim+d]
			if s < 0 || m.stdOfferer[s] >= 0 {
				continue
			}
			m.stdOfferer[s] = int32(p)
			m.offered = append(m.offered, s)
		}
	}
	m.stdOn = len(m.offered) > 0
	return nil
}

// protocolIndex returns the index of the protocol named name, or -1.
func (m *Model) protocolIndex(name string) int {
	for i := range m.prot {
		if m.prot[i].name == name {
			return i
		}
	}
	return -1
}

func (m *Model) setupBuilders() error {
	b := m.spec.Builders
	m.mPot = math.Floor(b.MarketPotential)
	m.pDay = b.PPerYear / daysPerYear
	m.qDay = b.QPerYear / daysPerYear
	m.eta = b.Amplification
	m.etaPos = math.Max(m.eta, 0)
	m.lifeMean = b.AppLifetimeDays
	for p := range m.prot {
		if tk := m.prot[p].token; tk.EmissionPerDay > 0 && tk.BuilderShare > 0 && tk.PriceKUSD > 0 {
			m.emitters = append(m.emitters, int32(p))
		}
	}
	m.incentives = len(m.emitters) > 0 && m.spec.Choice.YieldWeight != 0
	m.outsideUtil = m.spec.Choice.OutsideUtility
	m.qualityTerm = make([]float64, len(m.quality))
	for i, q := range m.quality {
		m.qualityTerm[i] = m.spec.Choice.QualityWeight * q
	}
	m.yieldZero = m.spec.Choice.YieldWeight * 0
	for p := range m.prot {
		tk := m.prot[p].token
		// The negation of pool's test for an always-zero pool.
		m.prot[p].hasPool = !(tk.EmissionPerDay == 0 || tk.BuilderShare == 0)
	}
	if len(m.spec.AppTypes) == 0 {
		return fmt.Errorf("agents: app_types: none declared")
	}
	m.joins = make([]bool, m.nDim*m.nDim)
	m.linksDim = make([]int, m.nDim)
	total := 0.0
	for k, t := range m.spec.AppTypes {
		at := appType{name: t.Name}
		if len(t.Needs) == 0 {
			return fmt.Errorf("agents: app_types[%d].needs: empty", k)
		}
		if len(t.Needs) > maxLegs {
			return fmt.Errorf("agents: app_types[%d].needs: %d dimensions, at most %d", k, len(t.Needs), maxLegs)
		}
		for j, n := range t.Needs {
			d := m.dimIndex(n)
			if d < 0 {
				return fmt.Errorf("agents: app_types[%d].needs[%d]: unknown dimension %q", k, j, n)
			}
			at.needs = append(at.needs, d)
		}
		for i := range at.needs {
			for j := i + 1; j < len(at.needs); j++ {
				a, c := at.needs[i], at.needs[j]
				if a > c {
					a, c = c, a
				}
				if !m.joins[a*m.nDim+c] {
					m.joins[a*m.nDim+c] = true
					m.joinPairs = append(m.joinPairs, [2]int{a, c})
				}
			}
		}
		if len(at.needs) > m.legsPerApp {
			m.legsPerApp = len(at.needs)
		}
		w := t.Weight
		if w <= 0 {
			return fmt.Errorf("agents: app_types[%d].weight: must be > 0, got %g", k, w)
		}
		total += w
		m.types = append(m.types, at)
		m.typeCum = append(m.typeCum, total)
	}
	// Join pairs in a fixed order: by first then second dimension.
	sortPairs(m.joinPairs)
	L := m.legsPerApp
	m.sel = make([]int32, 0, 64)
	m.util = make([]float64, 0, 65)
	m.weights = make([]float64, 0, 65)
	m.chosen = make([]int32, 0, L)
	m.prevP = make([]int32, 0, L)
	m.prevD = make([]int, 0, L)
	m.dropped = make([]bool, 0, L)
	np := L * (L - 1) / 2
	m.pairs = make([]plannedPair, 0, np)
	return nil
}

func sortPairs(p [][2]int) {
	for i := 1; i < len(p); i++ {
		for j := i; j > 0 && (p[j][0] < p[j-1][0] || (p[j][0] == p[j-1][0] && p[j][1] < p[j-1][1])); j-- {
			p[j], p[j-1] = p[j-1], p[j]
		}
	}
}
