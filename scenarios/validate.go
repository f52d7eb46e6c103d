package scenarios

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Size limits: a scenario whose estimated footprint exceeds them is
// rejected before it runs out of memory. The estimates are deliberately
// rough upper bounds of what the model keeps per protocol, per builder (an
// app, its providers, its bridges) and per sample.
const (
	bytesPerProtocol = 4 << 10
	bytesPerBuilder  = 512
	bytesPerSample   = 256
	// bytesPerFan is what an ensemble keeps per variant, observable and
	// sample day: one P² fan (stats.Fan), whatever the number of runs.
	// TestBytesPerFan checks it is stats.Fan's size.
	bytesPerFan = 96
	// FixedObservables is the number of scenario-independent observables a
	// replication records: the per-model rows of the metrics package's
	// observables table, the single list of observables, which a metrics
	// test checks against this count. Each dimension adds two, each hub
	// one. It sizes an ensemble before any model exists.
	FixedObservables = 22
	// MaxReplicationBytes bounds the estimated memory of one replication.
	MaxReplicationBytes = 4 << 30
	// MaxEnsembleBytes bounds the estimated memory of the series an
	// ensemble aggregates (variants × observables × samples fans; the
	// aggregation keeps constant memory in the number of runs).
	MaxEnsembleBytes = 4 << 30
	// MaxNeeds bounds the providers one app type needs (the model's
	// limit).
	MaxNeeds = 64
	// MaxDimensions is the most dimensions a scenario may declare: the
	// model keeps dimension sets in 64-bit masks. agents imports it.
	MaxDimensions = 64
	// MaxHubs is the most hubs a scenario may declare: the model keeps hub
	// sets in 64-bit masks. agents imports it.
	MaxHubs = 64
	// MaxHorizonDays is 100 years.
	MaxHorizonDays = 36525
	// MaxReplicationEvents bounds the estimated Poisson events of one
	// replication (random shocks, hub exploits, join and standard reviews):
	// about a quarter of an hour of one core at the engine's speed.
	MaxReplicationEvents = 1e9
)

// Shock kinds, Lego rules, standard rules and distribution families.
var (
	shockKinds     = []string{"outage", "exit", "crash", "exploit", "regulation"}
	legoRules      = []string{"window", "logistic"}
	standardRules  = []string{"threshold", "urn"}
	distFamilies   = []string{"const", "uniform", "beta", "normal", "lognormal"}
	protocolShocks = []string{"outage", "exit", "crash"}
)

// Validate reports every semantic problem of s at once, joined (see
// Errors): values out of range, dangling references, duplicates, empty
// sets, absurd sizes, variants that do not apply or break a rule, and
// malformed expectations. Load and Parse call it, with file positions.
func (s *Spec) Validate() error {
	return joinErrors((*source)(nil).errorsOf(s.check(nil, nil)))
}

// checker holds what the rules need while walking a Spec.
type checker struct {
	s      *Spec
	ps     problems
	failed map[string]bool
	// named holds the named protocols' names.
	named map[string]bool
	// quiet, set by checkQuiet, asks only whether the spec is valid: its
	// problems then have no paths (see path.off).
	quiet bool
}

// checkQuiet returns checkBase's problems for s, which has no decoder
// problems (a spec made by applying values, as a θ draw or a prior's
// probe): first quietly, which is all a valid spec needs, then again with
// the paths if there are problems. The problems are the same either way:
// without decoder problems, a path decides only what a message says.
func checkQuiet(s *Spec) problems {
	ck := &checker{s: s, named: map[string]bool{}, quiet: true}
	ck.checkBase()
	if len(ck.ps) == 0 {
		return nil
	}
	ck = &checker{s: s, named: map[string]bool{}}
	ck.checkBase()
	return ck.ps
}

// check returns the problems of s; src locates the variants' overrides in
// the file, failed holds the idx paths already reported by the decoder.
func (s *Spec) check(src *source, failed map[string]bool) problems {
	c := &checker{s: s, failed: failed, named: map[string]bool{}}
	c.checkBase()
	c.checkVariants(src)
	c.checkPriors()
	c.checkPosteriors()
	c.checkExpect()
	c.ensembleSize(src)
	return c.ps
}

// bad reports a problem unless the decoder already reported one there or
// inside it: a value that did not decode (serves = { model = "high" }) is
// left out of the decoded Spec, and the rules it then breaks (serves must
// not be empty) are knock-on errors, not the user's.
func (c *checker) bad(p path, format string, args ...any) {
	if p.idx != "" {
		for f := range c.failed {
			if strings.HasPrefix(f, p.idx) && len(f) > len(p.idx) && (f[len(p.idx)] == '.' || f[len(p.idx)] == '[') {
				return
			}
		}
	}
	for idx := p.idx; ; {
		if c.failed[idx] {
			return
		}
		cut := max(strings.LastIndexByte(idx, '.'), strings.LastIndexByte(idx, '['))
		if cut <= 0 {
			break
		}
		idx = idx[:cut]
	}
	c.ps.add(p, format, args...)
}

func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

func (c *checker) nonneg(p path, x float64) {
	if !(x >= 0) {
		c.bad(p, "must be ≥ 0, got %s", num(x))
	}
}

func (c *checker) positive(p path, x float64) {
	if !(x > 0) {
		c.bad(p, "must be > 0, got %s", num(x))
	}
}

func (c *checker) finite(p path, x float64) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		c.bad(p, "must be a finite number, got %s", num(x))
	}
}

// kind names what a list holds, for messages: "a declared dimension",
// declared in "dimensions".
type kind struct{ what, where string }

var (
	kDimension    = kind{"a declared dimension", "dimensions"}
	kVerification = kind{"a declared verification mechanism", "verification.mechanisms"}
	kIncentive    = kind{"a declared incentive model", "settlement.mechanisms"}
	kShock        = kind{"a shock kind", ""}
	kStdRule      = kind{"a standard rule", ""}
	kLegoRule     = kind{"a Lego rule", ""}
	kDist         = kind{"a distribution family", ""}
)

// oneOf checks that x is in valid, saying what is.
func (c *checker) oneOf(p path, x string, valid []string, k kind) bool {
	if slices.Contains(valid, x) {
		return true
	}
	c.bad(p, "%s", notOneOf(x, valid, k))
	return false
}

// NotOneOf is the message scenario files give for a name x that is not
// one of valid: what names the kind ("a design"), where the list it must be
// in ("" for a fixed list).
func NotOneOf(x string, valid []string, what, where string) string {
	return notOneOf(x, valid, kind{what, where})
}

func notOneOf(x string, valid []string, k kind) string {
	where := "valid"
	if k.where != "" {
		where = k.where
	}
	if len(valid) == 0 {
		return fmt.Sprintf("%s is not %s (%s is empty)", quoteString(x), k.what, where)
	}
	list := strings.Join(quoteAll(valid), ", ")
	if x == "" {
		return fmt.Sprintf("must be %s (%s: %s)", k.what, where, list)
	}
	if sg := suggest(x, valid); sg != "" {
		return fmt.Sprintf("%s is not %s; did you mean %s?", quoteString(x), k.what, quoteKey(sg))
	}
	return fmt.Sprintf("%s is not %s (%s: %s)", quoteString(x), k.what, where, list)
}

// names returns the display names of n elements named by name(i): the
// name when unique and non-empty, else "" (addressed by index).
func names(n int, name func(int) string) []string {
	out := make([]string, n)
	count := map[string]int{}
	for i := range n {
		out[i] = name(i)
		count[out[i]]++
	}
	for i, x := range out {
		if count[x] > 1 {
			out[i] = ""
		}
	}
	return out
}

// unique reports empty and duplicate names among n elements of base.
func (c *checker) unique(base path, key string, n int, name func(int) string, disp []string) {
	first := map[string]int{}
	for i := range n {
		p := base.elem(i, disp[i]).key(key)
		x := name(i)
		if strings.TrimSpace(x) == "" {
			c.bad(p, "is required and must not be blank")
			continue
		}
		if j, ok := first[x]; ok {
			c.bad(p, "duplicate %s %s (also %s[%d])", key, quoteString(x), base.disp, j)
			continue
		}
		first[x] = i
	}
}

// stringSet checks a list of names: non-empty (unless may be), no blanks,
// no duplicates, each in valid (when not nil).
func (c *checker) stringSet(p path, list []string, valid []string, what kind, mayBeEmpty bool) {
	if len(list) == 0 && !mayBeEmpty {
		c.bad(p, "must not be empty")
	}
	seen := map[string]bool{}
	for i, x := range list {
		ep := p.elem(i, "")
		switch {
		case strings.TrimSpace(x) == "":
			c.bad(ep, "must not be blank")
		case seen[x]:
			c.bad(ep, "duplicate %s", quoteString(x))
		case valid != nil:
			c.oneOf(ep, x, valid, what)
		}
		seen[x] = true
	}
}

// isProtocol reports whether name is a named or generated protocol.
func (c *checker) isProtocol(name string) bool {
	if c.named[name] {
		return true
	}
	_, ok := c.generatedBy(name)
	return ok
}

// generatedBy returns the index of the population that generates name
// (Prefix-1 ... Prefix-Count).
func (c *checker) generatedBy(name string) (int, bool) {
	for i, pop := range c.s.Populations {
		if rest, ok := strings.CutPrefix(name, pop.Prefix+"-"); ok && pop.Prefix != "" {
			n, err := strconv.Atoi(rest)
			if err == nil && n >= 1 && n <= pop.Count && strconv.Itoa(n) == rest {
				return i, true
			}
		}
	}
	return 0, false
}

func (c *checker) protocolNames() []string {
	var out []string
	for _, p := range c.s.Protocols {
		out = append(out, p.Name)
	}
	for _, p := range c.s.Populations {
		if p.Count >= 1 {
			out = append(out, p.Prefix+"-1")
		}
	}
	return out
}

func (c *checker) checkBase() {
	s := c.s
	root := path{off: c.quiet}
	if strings.TrimSpace(s.Name) == "" {
		c.bad(root.key("name"), "is required: name the scenario, e.g. name = \"my-scenario\"")
	}
	if strings.ContainsAny(s.Description, "\n\r") {
		c.bad(root.key("description"), "must be one line")
	}
	c.bounds(root, s)
	if s.Inner > 1 && s.Runs > 0 && s.Runs%s.Inner != 0 {
		c.bad(root.key("inner"), "must divide runs (%d): each θ draw gets inner replications, got %d", s.Runs, s.Inner)
	}
	if s.SampleEveryDays > 0 && s.HorizonDays > 0 && s.SampleEveryDays > s.HorizonDays {
		c.bad(root.key("sample_every_days"), "must be ≤ horizon_days (%s), got %s", num(s.HorizonDays), num(s.SampleEveryDays))
	}
	if s.Start.IsZero() {
		c.bad(root.key("start"), "is required")
	}
	c.stringSet(root.key("dimensions"), s.Dimensions, nil, kind{}, false)
	if len(s.Dimensions) > MaxDimensions {
		c.bad(root.key("dimensions"), "must have at most %d dimensions (the model's limit), got %d", MaxDimensions, len(s.Dimensions))
	}
	if len(s.Hubs) > MaxHubs {
		c.bad(root.key("hubs"), "must have at most %d hubs (the model's limit), got %d", MaxHubs, len(s.Hubs))
	}

	c.costMatrix(root.key("verification"), s.Verification, kVerification)
	c.costMatrix(root.key("settlement"), s.Settlement, kIncentive)

	// Protocols.
	pp := root.key("protocols")
	pd := names(len(s.Protocols), func(i int) string { return s.Protocols[i].Name })
	c.unique(pp, "name", len(s.Protocols), func(i int) string { return s.Protocols[i].Name }, pd)
	for _, p := range s.Protocols {
		c.named[p.Name] = true
	}
	for i := range s.Protocols {
		c.protocol(pp.elem(i, pd[i]), &s.Protocols[i])
	}

	// Populations.
	pop := root.key("populations")
	popd := names(len(s.Populations), func(i int) string { return s.Populations[i].Prefix })
	c.unique(pop, "prefix", len(s.Populations), func(i int) string { return s.Populations[i].Prefix }, popd)
	for i := range s.Populations {
		c.population(pop.elem(i, popd[i]), &s.Populations[i])
	}
	for i, p := range s.Protocols {
		if j, ok := c.generatedBy(p.Name); ok {
			c.bad(pp.elem(i, pd[i]).key("name"), "clashes with a protocol generated by population %s", quoteString(s.Populations[j].Prefix))
		}
	}
	total := protocolCount(s)
	if total == 0 {
		c.bad(pp, "the scenario has no protocols: declare [[protocols]] or [[populations]]")
	}

	// Integration, builders, choice.
	in := root.key("integration")
	c.bounds(in, &s.Integration)

	b := root.key("builders")
	c.bounds(b, &s.Builders)

	at := root.key("app_types")
	if len(s.AppTypes) == 0 && len(s.Dimensions) > 0 {
		c.bad(at, "must not be empty: declare at least one [[app_types]] (or leave app_types out for the defaults)")
	}
	atd := names(len(s.AppTypes), func(i int) string { return s.AppTypes[i].Name })
	c.unique(at, "name", len(s.AppTypes), func(i int) string { return s.AppTypes[i].Name }, atd)
	for i, a := range s.AppTypes {
		ap := at.elem(i, atd[i])
		c.bounds(ap, &s.AppTypes[i])
		if len(a.Needs) == 0 {
			c.bad(ap.key("needs"), "must not be empty")
		} else if len(a.Needs) > MaxNeeds {
			c.bad(ap.key("needs"), "an app needs at most %d providers, got %d", MaxNeeds, len(a.Needs))
		}
		for j, n := range a.Needs {
			// A dimension may repeat: an app needing two providers of
			// capital (a DeFi aggregator) lists it twice.
			c.oneOf(ap.key("needs").elem(j, ""), n, s.Dimensions, kDimension)
		}
	}

	ch := root.key("choice")
	c.bounds(ch, &s.Choice)
	c.finite(ch.key("outside_utility"), s.Choice.OutsideUtility)

	// Standards.
	st := root.key("standards")
	for i, o := range s.Standards.OfferedBy {
		p := st.key("offered_by").elem(i, "")
		if !c.isProtocol(o) {
			c.bad(p, "%s is not a protocol%s", quoteString(o), didYouMean(o, c.protocolNames()))
		} else if slices.Index(s.Standards.OfferedBy, o) < i {
			c.bad(p, "duplicate %s", quoteString(o))
		}
	}
	c.bounds(st, &s.Standards)
	c.oneOf(st.key("rule"), s.Standards.Rule, standardRules, kStdRule)

	// Hubs.
	hp := root.key("hubs")
	hd := names(len(s.Hubs), func(i int) string { return s.Hubs[i].Name })
	c.unique(hp, "name", len(s.Hubs), func(i int) string { return s.Hubs[i].Name }, hd)
	for i, h := range s.Hubs {
		p := hp.elem(i, hd[i])
		c.bounds(p, &s.Hubs[i])
		c.stringSet(p.key("covers"), h.Covers, s.Verification.Mechanisms, kVerification, false)
	}

	// Shocks.
	sp := root.key("shocks")
	for i, sh := range s.Shocks {
		p := sp.elem(i, "")
		c.oneOf(p.key("kind"), sh.Kind, shockKinds, kShock)
		switch {
		case sh.Day == nil && sh.RatePerYear == 0:
			c.bad(p, "set exactly one of day (a scheduled shock) and rate_per_year (a random one)")
		case sh.Day != nil && sh.RatePerYear != 0:
			c.bad(p.key("rate_per_year"), "set exactly one of day and rate_per_year, not both")
		}
		c.bounds(p, &s.Shocks[i])
		switch {
		case sh.Target == "":
		case slices.Contains(protocolShocks, sh.Kind):
			if !c.isProtocol(sh.Target) {
				c.bad(p.key("target"), "%s is not a protocol%s", quoteString(sh.Target), didYouMean(sh.Target, c.protocolNames()))
			}
		case sh.Kind == "exploit":
			if !slices.ContainsFunc(s.Hubs, func(h Hub) bool { return h.Name == sh.Target }) {
				hint := didYouMean(sh.Target, c.hubNames())
				if len(s.Hubs) == 0 {
					hint = " (the scenario has no hubs)"
				}
				c.bad(p.key("target"), "%s is not a hub%s", quoteString(sh.Target), hint)
			}
		case sh.Kind == "regulation":
			c.bad(p.key("target"), "a regulation has no target (it raises the outside option for all)")
		}
	}

	// Lego detector.
	lp := root.key("lego")
	c.oneOf(lp.key("rule"), s.Lego.Rule, legoRules, kLegoRule)
	c.bounds(lp, &s.Lego)
	if s.Lego.WindowDays > 0 && s.HorizonDays > 0 && s.Lego.WindowDays > s.HorizonDays {
		c.bad(lp.key("window_days"), "must be ≤ horizon_days (%s), got %s", num(s.HorizonDays), num(s.Lego.WindowDays))
	}

	c.size(total)
	c.events(total)
}

// events rejects a scenario whose Poisson processes would schedule too
// many events in one replication (a rate of 1e300, a review every 1e-300
// days), saying the estimate, blaming the largest term.
func (c *checker) events(protocols float64) {
	terms := poissonTerms(c.s, protocols)
	total := 0.0
	for _, t := range terms {
		total += t.x
	}
	if !(total > MaxReplicationEvents) {
		return
	}
	blame := terms[0]
	for _, t := range terms[1:] {
		if t.x > blame.x {
			blame = t
		}
	}
	c.bad(blame.p, "one replication would schedule about %s events (%s from this key), ~%s at about a microsecond an event; the limit is %s",
		count(total), count(blame.x), durationOf(total/EventsPerSecond), count(MaxReplicationEvents))
}

// durationOf formats seconds for an estimate.
func durationOf(sec float64) string {
	switch {
	case sec < 120:
		return fmt.Sprintf("%.0f s", sec)
	case sec < 7200:
		return fmt.Sprintf("%.0f min", sec/60)
	case sec < 48*3600:
		return fmt.Sprintf("%.0f h", sec/3600)
	case sec < 1e6*86400:
		return fmt.Sprintf("%.0f days", sec/86400)
	}
	return "forever"
}

func (c *checker) hubNames() []string {
	out := make([]string, len(c.s.Hubs))
	for i, h := range c.s.Hubs {
		out[i] = h.Name
	}
	return out
}

func (c *checker) costMatrix(p path, m CostMatrix, what kind) {
	c.stringSet(p.key("mechanisms"), m.Mechanisms, nil, kind{}, false)
	c.bounds(p, &m)
	seen := map[[2]string]int{}
	for i, pr := range m.Pairs {
		ep := p.key("pairs").elem(i, "")
		okA := c.oneOf(ep.key("a"), pr.A, m.Mechanisms, what)
		okB := c.oneOf(ep.key("b"), pr.B, m.Mechanisms, what)
		c.bounds(ep, &m.Pairs[i])
		if !okA || !okB {
			continue
		}
		if pr.A == pr.B {
			c.bad(ep, "pair of %s with itself: use same", quoteString(pr.A))
			continue
		}
		k := [2]string{min(pr.A, pr.B), max(pr.A, pr.B)}
		if j, ok := seen[k]; ok {
			c.bad(ep, "duplicate pair %s–%s (also pairs[%d]; pairs are symmetric)", pr.A, pr.B, j)
			continue
		}
		seen[k] = i
	}
}

func (c *checker) token(p path, t Token) {
	c.bounds(p, &t)
}

func (c *checker) protocol(p path, pr *Protocol) {
	s := c.s
	if len(pr.Serves) == 0 {
		c.bad(p.key("serves"), "must not be empty: say which dimensions the protocol serves, e.g. serves = { compute = 0.6 }")
	}
	for _, d := range sortedKeys(pr.Serves) {
		dp := p.key("serves").key(d)
		if c.oneOf(dp, d, s.Dimensions, kDimension) {
			if q := pr.Serves[d]; !(q > 0 && q <= 1) {
				c.bad(dp, "quality must be in (0, 1], got %s", num(q))
			}
		}
	}
	for _, d := range sortedKeys(pr.Standards) {
		if len(pr.Serves) == 0 {
			break // knock-on of the empty serves reported above
		}
		dp := p.key("standards").key(d)
		if _, ok := pr.Serves[d]; !ok {
			c.bad(dp, "%s is not a dimension the protocol serves%s", quoteString(d), didYouMean(d, sortedKeys(pr.Serves)))
		} else if strings.TrimSpace(pr.Standards[d]) == "" {
			c.bad(dp, "must not be blank")
		}
	}
	c.oneOf(p.key("verification"), pr.Verification, s.Verification.Mechanisms, kVerification)
	c.oneOf(p.key("incentive"), pr.Incentive, s.Settlement.Mechanisms, kIncentive)
	c.bounds(p, pr)
	c.token(p.key("token"), pr.Token)
}

func (c *checker) population(p path, pop *Population) {
	s := c.s
	c.bounds(p, pop)
	c.stringSet(p.key("dimensions"), pop.Dimensions, s.Dimensions, kDimension, false)
	if pop.DimensionsEach >= 1 && pop.DimensionsEach > max(len(pop.Dimensions), 1) {
		c.bad(p.key("dimensions_each"), "must be in [1, %d] (the population's dimensions), got %d", len(pop.Dimensions), pop.DimensionsEach)
	}
	c.dist(p.key("quality"), pop.Quality, 0, 1, true, false)
	c.dist(p.key("openness"), pop.Openness, 0, 1, false, false)
	c.dist(p.key("sovereignty_cost"), pop.SovereigntyCost, 0, math.Inf(1), false, true)
	c.dist(p.key("launch_day"), pop.LaunchDay, 0, math.Inf(1), false, true)
	c.stringSet(p.key("verification"), pop.Verification, s.Verification.Mechanisms, kVerification, false)
	c.stringSet(p.key("incentive"), pop.Incentive, s.Settlement.Mechanisms, kIncentive, false)
	c.token(p.key("token"), pop.Token)
}

// dist checks a distribution whose draws must lie in [lo, hi] ((lo, hi]
// when loOpen); unbounded says hi is +∞ (a lognormal is allowed).
func (c *checker) dist(p path, d Dist, lo, hi float64, loOpen, unbounded bool) {
	if !c.oneOf(p.key("dist"), d.Dist, distFamilies, kDist) {
		return
	}
	rng := fmt.Sprintf("[%s, %s]", num(lo), num(hi))
	if loOpen {
		rng = fmt.Sprintf("(%s, %s]", num(lo), num(hi))
	}
	if unbounded {
		rng = fmt.Sprintf("[%s, ∞)", num(lo))
	}
	in := func(x float64) bool {
		if loOpen {
			return x > lo && x <= hi
		}
		return x >= lo && x <= hi
	}
	inRange := func(k string, x float64) {
		if !in(x) {
			c.bad(p.key(k), "must be in %s, got %s", rng, num(x))
		}
	}
	switch d.Dist {
	case "const":
		inRange("value", d.Value)
	case "uniform":
		inRange("min", d.Min)
		inRange("max", d.Max)
		if d.Min > d.Max {
			c.bad(p.key("max"), "must be ≥ min (%s), got %s", num(d.Min), num(d.Max))
		}
	case "beta":
		c.positive(p.key("a"), d.A)
		c.positive(p.key("b"), d.B)
		// Beta draws fall strictly inside (min, max): an open bound of
		// the support may be min itself.
		if !(d.Min >= lo && d.Min <= hi) {
			c.bad(p.key("min"), "must be in %s, got %s", rng, num(d.Min))
		}
		inRange("max", d.Max)
		if !(d.Min < d.Max) {
			c.bad(p.key("max"), "must be > min (%s), got %s", num(d.Min), num(d.Max))
		}
	case "normal":
		c.finite(p.key("mean"), d.Mean)
		c.nonneg(p.key("sd"), d.SD)
		if !(d.Min < d.Max) {
			c.bad(p, "a normal distribution here needs a truncation range: set min < max within %s", rng)
			return
		}
		if !(d.Min >= lo) || (!unbounded && d.Max > hi) || (loOpen && d.Min <= lo) {
			c.bad(p.key("min"), "truncation [%s, %s] must lie within %s", num(d.Min), num(d.Max), rng)
		}
	case "lognormal":
		if !unbounded {
			c.bad(p.key("dist"), "a lognormal is unbounded; values here must lie in %s: use beta, uniform or a truncated normal", rng)
			return
		}
		c.finite(p.key("mean"), d.Mean)
		c.nonneg(p.key("sd"), d.SD)
	}
}

// size rejects a scenario too large to run, saying the estimate and the
// limit.
func (c *checker) size(protocols float64) {
	s := c.s
	if !(s.SampleEveryDays > 0) || !(s.HorizonDays > 0) {
		return
	}
	samples := math.Floor(s.HorizonDays/s.SampleEveryDays) + 1
	market := max(s.Builders.MarketPotential, 0)
	est := protocols*bytesPerProtocol + market*bytesPerBuilder + samples*bytesPerSample
	if est > MaxReplicationBytes {
		// Blame the largest term.
		terms := []struct {
			p path
			x float64
		}{
			{path{}.key("builders").key("market_potential"), market * bytesPerBuilder},
			{path{}.key("sample_every_days"), samples * bytesPerSample},
			{path{}.key("protocols"), float64(len(s.Protocols)) * bytesPerProtocol},
		}
		popd := names(len(s.Populations), func(i int) string { return s.Populations[i].Prefix })
		for i, pop := range s.Populations {
			terms = append(terms, struct {
				p path
				x float64
			}{path{}.key("populations").elem(i, popd[i]).key("count"), float64(pop.Count) * bytesPerProtocol})
		}
		blame := terms[0]
		for _, t := range terms[1:] {
			if t.x > blame.x {
				blame = t
			}
		}
		c.bad(blame.p, "the scenario is too large to run: one replication would need about %s (%s protocols × %s + %s builders × %s + %s samples × %s); the limit is %s",
			bytesize(est), count(protocols), bytesize(bytesPerProtocol), count(market), bytesize(bytesPerBuilder), count(samples), bytesize(bytesPerSample), bytesize(MaxReplicationBytes))
	}
}

// ensembleSize rejects a scenario whose ensemble would aggregate too many
// series: one fan per variant, observable and sample day, independent of
// the number of runs (the aggregation streams replications through P²
// fans). It blames the largest factor the file sets, so that the message
// names a key the user wrote; src is nil off file.
func (c *checker) ensembleSize(src *source) {
	s := c.s
	if !(s.SampleEveryDays > 0) || !(s.HorizonDays > 0) || s.HorizonDays > MaxHorizonDays {
		return
	}
	samples := math.Floor(s.HorizonDays/s.SampleEveryDays) + 1
	variants := float64(max(len(s.Variants), 1))
	observables := float64(FixedObservables + 2*len(s.Dimensions) + len(s.Hubs))
	est := variants * observables * samples * bytesPerFan
	if est <= MaxEnsembleBytes {
		return
	}
	written := func(k string) bool {
		if src == nil {
			return true
		}
		_, ok := src.pos[k]
		return ok
	}
	// Candidates, largest factor first among those written.
	type factor struct {
		key string
		x   float64
	}
	fs := []factor{{"sample_every_days", samples}, {"horizon_days", samples}, {"variants", variants}, {"dimensions", float64(2 * len(s.Dimensions))}, {"hubs", float64(len(s.Hubs))}}
	slices.SortStableFunc(fs, func(a, b factor) int { return -cmpFloat(a.x, b.x) })
	blame := fs[0].key
	for _, f := range fs {
		if written(f.key) {
			blame = f.key
			break
		}
	}
	c.bad(path{}.key(blame), "the ensemble is too large: its series would need about %s (%s variants × %s observables × %s samples × %s), whatever the number of runs; the limit is %s",
		bytesize(est), count(variants), count(observables), count(samples), bytesize(bytesPerFan), bytesize(MaxEnsembleBytes))
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// bytesize formats a byte count with a binary unit: "3.7 TiB".
func bytesize(b float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := 0
	for b >= 1024 && i < len(units)-1 {
		b /= 1024
		i++
	}
	if b == math.Trunc(b) {
		return fmt.Sprintf("%.0f %s", b, units[i])
	}
	return fmt.Sprintf("%.1f %s", b, units[i])
}

// count formats a count with thousands separators: "1,000,000".
func count(x float64) string {
	if x >= 1e15 {
		return strconv.FormatFloat(x, 'g', 3, 64)
	}
	s := strconv.FormatFloat(math.Round(x), 'f', 0, 64)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// checkVariants checks names and applies each variant to a copy of the
// base, reporting overrides that do not apply and rules the result breaks
// (problems the base already has are not repeated).
func (c *checker) checkVariants(src *source) {
	s := c.s
	vp := path{}.key("variants")
	vd := names(len(s.Variants), func(i int) string { return s.Variants[i].Name })
	c.unique(vp, "name", len(s.Variants), func(i int) string { return s.Variants[i].Name }, vd)
	// A variant is judged on what it changes: problems the base already
	// has are reported once, for the base.
	inBase := map[string]bool{}
	for _, pr := range c.ps {
		inBase[pr.p.disp+"\x00"+pr.msg] = true
	}
	for i := range s.Variants {
		v := &s.Variants[i]
		ep := vp.elem(i, vd[i])
		if strings.ContainsAny(v.Description, "\n\r") {
			c.bad(ep.key("description"), "must be one line")
		}
		if v.Name == "" || vd[i] == "" {
			continue
		}
		// Outcomes and assertions name variants as measure(variant): a
		// parenthesis or comma in the name cannot be read back there.
		if strings.ContainsAny(v.Name, "(),") {
			c.bad(ep.key("name"), "%s must not contain parentheses or commas: outcomes such as p_by_horizon(VARIANT) name it", quoteString(v.Name))
		}
		// A CSV reader drops the \r of a \r\n inside a quoted cell, so a
		// name with a line break would not read back from runs.csv and
		// series.csv as summary.json has it (report regenerates from them).
		if strings.ContainsAny(v.Name, "\r\n") {
			c.bad(ep.key("name"), "%s must be one line: a line break in a name does not read back from runs.csv and series.csv", quoteString(v.Name))
		}
		prefix := joinKey("variants", v.Name) + "."
		clone := s.Clone()
		st := setter{spec: clone}
		targets := st.applyEntries(v, prefix, ep.key("set").idx)
		c.ps = append(c.ps, st.d.probs...)
		if len(st.d.probs) > 0 {
			continue
		}
		sub := &checker{s: clone, named: map[string]bool{}}
		sub.checkBase()
		for _, pr := range sub.ps {
			if inBase[pr.p.disp+"\x00"+pr.msg] {
				continue
			}
			// Point at the override that caused it, else at the variant.
			idx := ep.idx
			best := ""
			for t, tidx := range targets {
				if (pr.p.disp == t || strings.HasPrefix(pr.p.disp, t+".") || strings.HasPrefix(pr.p.disp, t+"[")) && len(t) > len(best) {
					best, idx = t, tidx
				}
			}
			if idx == "" {
				idx = ep.idx
			}
			c.ps = append(c.ps, problem{p: path{disp: prefix + pr.p.disp, idx: idx}, msg: pr.msg})
		}
	}
}
