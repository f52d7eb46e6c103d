package scenarios

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/legolab/legolab/stats"
)

// Priors: a scenario declares a distribution for any key path Set accepts,
//
//	[[priors]]
//	key = "hubs.interlink.adapter_cost"
//	dist = "loguniform"
//	min = 10
//	max = 100
//	source = "no figure; a decade around the central value"
//
// and a variant replaces the prior on a key (or adds one) with
// [[variants.priors]] after its [[variants]] header. A key has a prior or a
// variant override in set, not both: a one-value choice fixes a key in one
// variant. DrawTheta draws θ, Central gives the medians, WithTheta applies
// a θ through the override path of Set.

var priorFamilies = []string{"uniform", "loguniform", "normal", "lognormal", "beta", "triangular", "choice"}

var kPrior = kind{"a prior family", ""}

// priorParams lists the parameters of each family: required first, then
// optional. A lognormal takes mu and sigma, or mean and sd.
var priorParams = map[string]struct{ required, optional []string }{
	"uniform":    {[]string{"min", "max"}, nil},
	"loguniform": {[]string{"min", "max"}, nil},
	"normal":     {[]string{"mean", "sd"}, []string{"min", "max"}},
	"lognormal":  {nil, []string{"mu", "sigma", "mean", "sd", "min", "max"}},
	"beta":       {[]string{"a", "b"}, []string{"min", "max"}},
	"triangular": {[]string{"min", "mode", "max"}, nil},
	"choice":     {[]string{"values"}, []string{"weights"}},
}

// priorNumbers are the numeric parameters, in the order of the Prior type.
var priorNumbers = []string{"min", "max", "mode", "mean", "sd", "mu", "sigma", "a", "b"}

// MinPriorMass is the share of a prior's distribution that must lie where
// it is drawn (its min/max window within the key's valid range): a prior
// mostly cut away is not the distribution its file describes.
const MinPriorMass = 0.5

// num returns the numeric parameter k, and whether it is set.
func (p *Prior) num(k string) (float64, bool) {
	var x *float64
	switch k {
	case "min":
		x = p.Min
	case "max":
		x = p.Max
	case "mode":
		x = p.Mode
	case "mean":
		x = p.Mean
	case "sd":
		x = p.SD
	case "mu":
		x = p.Mu
	case "sigma":
		x = p.Sigma
	case "a":
		x = p.A
	case "b":
		x = p.B
	default:
		panic("scenarios: no prior parameter " + k)
	}
	if x == nil {
		return 0, false
	}
	return *x, true
}

func (p *Prior) has(k string) bool {
	switch k {
	case "values":
		return p.Values != nil
	case "weights":
		return p.Weights != nil
	}
	_, ok := p.num(k)
	return ok
}

// sampler is a continuous distribution a prior draws from.
type sampler interface {
	Rand(r *rand.Rand) float64
	Quantile(p float64) float64
}

// clamped keeps a sampler's values in [lo, hi], the key's valid range:
// a beta's open support can round to its ends, which an open end of the
// range (quality in (0, 1]) excludes.
type clamped struct {
	sampler
	lo, hi float64
}

func (c clamped) Rand(r *rand.Rand) float64 {
	return math.Min(math.Max(c.sampler.Rand(r), c.lo), c.hi)
}

func (c clamped) Quantile(p float64) float64 {
	return math.Min(math.Max(c.sampler.Quantile(p), c.lo), c.hi)
}

// resolvedPrior is a prior checked against the scenario it applies to.
type resolvedPrior struct {
	prior *Prior
	// key is the canonical key path (protocols.Bittensor.openness for
	// protocols[0].openness or a hub alias).
	key string
	at  path
	// dist draws a continuous prior, truncated to its window; nil for a
	// choice.
	dist    sampler
	weights []float64
	// own marks a variant's prior.
	own bool
}

// keyInfo is what a prior needs to know of its target.
type keyInfo struct {
	t      reflect.Type
	lo, hi float64
	loOpen bool
	hiOpen bool
}

// noPriorKeys are the top-level keys that shape the ensemble rather than
// the world: a run's observation days, its replications, its identity.
var noPriorKeys = []string{"name", "description", "start", "horizon_days", "sample_every_days", "runs", "inner", "seed", "dimensions", "priors", "posteriors", "variants", "expect"}

// target walks the canonical key path canon in w and describes the value.
func target(w *Spec, canon string) (keyInfo, string) {
	segs, err := parsePath(canon)
	if err != nil {
		return keyInfo{}, err.Error()
	}
	if !segs[0].isIndex && slices.Contains(noPriorKeys, segs[0].key) {
		return keyInfo{}, fmt.Sprintf("%s cannot have a prior: it shapes the run, not the world", segs[0].key)
	}
	v := reflect.ValueOf(w).Elem()
	info := keyInfo{lo: math.Inf(-1), hi: math.Inf(1)}
	for i, g := range segs {
		t := v.Type()
		last := i == len(segs)-1
		switch {
		case t.Kind() == reflect.Struct && t != timeType:
			f, _ := lookupField(t, g.key)
			sf := t.Field(f.index)
			if last {
				if kf := keyField(t); kf != "" && kf == g.key {
					return keyInfo{}, fmt.Sprintf("%s names an element and cannot have a prior", canon)
				}
				info.lo, info.hi, info.loOpen, info.hiOpen = tagRange(sf)
			}
			v = v.Field(f.index)
		case t.Kind() == reflect.Slice:
			j := g.index
			if !g.isIndex {
				j = -1
				fi := mustField(t.Elem(), keyField(t.Elem()))
				for k := range v.Len() {
					if v.Index(k).Field(fi).String() == g.key {
						j = k
						break
					}
				}
			}
			if j < 0 || j >= v.Len() {
				return keyInfo{}, fmt.Sprintf("%s names no element", canon)
			}
			v = v.Index(j)
		case t.Kind() == reflect.Map:
			if t == reflect.TypeFor[map[string]float64]() && i > 0 && segs[i-1].key == "serves" {
				info.lo, info.hi, info.loOpen, info.hiOpen = 0, 1, true, false
			}
			info.t = t.Elem()
			return info, ""
		}
	}
	info.t = v.Type()
	if info.t.Kind() == reflect.Struct && info.t != timeType || info.t.Kind() == reflect.Map {
		return keyInfo{}, fmt.Sprintf("%s is a table: a prior is on one value", canon)
	}
	return info, ""
}

// tagRange reads a field's valid range from its jsonschema tag.
func tagRange(sf reflect.StructField) (lo, hi float64, loOpen, hiOpen bool) {
	lo, hi = math.Inf(-1), math.Inf(1)
	for part := range strings.SplitSeq(sf.Tag.Get("jsonschema"), ",") {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			continue
		}
		switch k {
		case "minimum":
			lo = x
		case "exclusiveMinimum":
			lo, loOpen = x, true
		case "maximum":
			hi = x
		case "exclusiveMaximum":
			hi, hiOpen = x, true
		}
	}
	return lo, hi, loOpen, hiOpen
}

func (k keyInfo) String() string {
	l, r := "[", "]"
	if k.loOpen || math.IsInf(k.lo, -1) {
		l = "("
	}
	if k.hiOpen || math.IsInf(k.hi, 1) {
		r = ")"
	}
	f := func(x float64) string {
		switch {
		case math.IsInf(x, 1):
			return "∞"
		case math.IsInf(x, -1):
			return "−∞"
		}
		return num(x)
	}
	return l + f(k.lo) + ", " + f(k.hi) + r
}

func (k keyInfo) contains(x float64) bool {
	return (x > k.lo || !k.loOpen && x == k.lo) && (x < k.hi || !k.hiOpen && x == k.hi)
}

// window returns the closed interval a draw must lie in: the key's range,
// with an open end moved to the next float inside.
func (k keyInfo) window() (lo, hi float64) {
	lo, hi = k.lo, k.hi
	if k.loOpen {
		lo = math.Nextafter(lo, math.Inf(1))
	}
	if k.hiOpen {
		hi = math.Nextafter(hi, math.Inf(-1))
	}
	return lo, hi
}

// resolvePrior checks prior p, declared at at, against the scenario w it
// applies to, and builds its distribution.
func resolvePrior(w *Spec, p *Prior, at path) (resolvedPrior, problems) {
	var ps problems
	bad := func(q path, format string, args ...any) { ps.add(q, format, args...) }
	rp := resolvedPrior{prior: p, at: at}

	// The family and its parameters.
	famOK := slices.Contains(priorFamilies, p.Dist)
	missing := false
	if !famOK {
		ck := &checker{s: w}
		ck.oneOf(at.key("dist"), p.Dist, priorFamilies, kPrior)
		ps = append(ps, ck.ps...)
	}
	if famOK {
		fp := priorParams[p.Dist]
		takes := slices.Concat(fp.required, fp.optional)
		for _, k := range slices.Concat(priorNumbers, []string{"values", "weights"}) {
			if p.has(k) && !slices.Contains(takes, k) {
				bad(at.key(k), "is not a parameter of %s (it takes %s)", p.Dist, strings.Join(takes, ", "))
			}
		}
		for _, k := range fp.required {
			if !p.has(k) {
				bad(at, "%s needs %s", p.Dist, k)
				missing = true
			}
		}
		if p.Dist == "lognormal" {
			logs, vals := p.has("mu") || p.has("sigma"), p.has("mean") || p.has("sd")
			switch {
			case logs && vals:
				bad(at, "a lognormal takes mu and sigma (of the logarithm) or mean and sd (of the value), not both")
			case logs && !(p.has("mu") && p.has("sigma")):
				bad(at, "a lognormal with mu needs sigma too, and the reverse")
			case vals && !(p.has("mean") && p.has("sd")):
				bad(at, "a lognormal with mean needs sd too, and the reverse")
			case !logs && !vals:
				bad(at, "a lognormal needs mu and sigma (of the logarithm) or mean and sd (of the value)")
			}
		}
	}

	// The key.
	var info keyInfo
	keyOK := false
	switch k := strings.TrimSpace(p.Key); {
	case k == "":
		bad(at.key("key"), "is required: the key path of the value, e.g. key = \"hubs.interlink.adapter_cost\"")
	default:
		segs, err := parsePath(k)
		if err != nil {
			bad(at.key("key"), "%s", err.Error())
			break
		}
		if !segs[0].isIndex && (segs[0].key == "variants" || segs[0].key == "priors" || segs[0].key == "posteriors" || segs[0].key == "expect") {
			bad(at.key("key"), "%s cannot have a prior (a variant's priors go in [[variants.priors]])", segs[0].key)
			break
		}
		st := setter{spec: w, dry: true}
		canon := st.set(segs, nil, "", "")
		if canon == "" {
			for _, pr := range st.d.probs {
				bad(at.key("key"), "%s: %s", pr.p.disp, pr.msg)
			}
			break
		}
		var msg string
		if info, msg = target(w, canon); msg != "" {
			bad(at.key("key"), "%s", msg)
			break
		}
		rp.key, keyOK = canon, true
	}
	if !famOK {
		return rp, ps
	}
	if !keyOK {
		// Check the rest against an unbounded number key.
		info = keyInfo{t: reflect.TypeFor[float64](), lo: math.Inf(-1), hi: math.Inf(1)}
	}
	// fail returns the prior without a distribution (a problem was found
	// that leaves none to draw from).
	fail := func() (resolvedPrior, problems) {
		rp.dist = nil
		return rp, ps
	}

	if p.Dist == "choice" {
		if len(p.Values) == 0 {
			bad(at.key("values"), "must not be empty")
		}
		if p.Weights != nil && len(p.Weights) != len(p.Values) {
			bad(at.key("weights"), "has %d weights for %d values: give one per value", len(p.Weights), len(p.Values))
		}
		for i, x := range p.Weights {
			if !(x > 0) || math.IsInf(x, 0) {
				bad(at.key("weights").elem(i, ""), "must be a positive finite number, got %s", num(x))
			}
		}
		rp.weights = p.Weights
		if rp.weights == nil {
			rp.weights = make([]float64, len(p.Values))
			for i := range rp.weights {
				rp.weights[i] = 1
			}
		}
		return rp, ps
	}

	// A continuous family needs a number.
	if info.t.Kind() != reflect.Float64 && !(info.t.Kind() == reflect.Pointer && info.t.Elem().Kind() == reflect.Float64) {
		bad(at.key("dist"), "%s is %s: a %s prior needs a number; use a choice", rp.key, want(info.t), p.Dist)
		return fail()
	}
	n0 := len(ps)
	get := func(k string) float64 { x, _ := p.num(k); return x }
	for _, k := range priorNumbers {
		if x, ok := p.num(k); ok && (math.IsNaN(x) || math.IsInf(x, 0)) {
			bad(at.key(k), "must be a finite number, got %s", num(x))
		}
	}
	if missing || len(ps) > n0 {
		return fail()
	}
	positive := func(k string) bool {
		if x, ok := p.num(k); ok && !(x > 0) {
			bad(at.key(k), "must be > 0, got %s", num(x))
			return false
		}
		return true
	}
	// within reports an end of the distribution's support outside the
	// key's range.
	within := func(k string, x float64) {
		if !info.contains(x) {
			bad(at.key(k), "%s must be in %s, got %s", rp.key, info, num(x))
		}
	}
	lo, hi := math.Inf(-1), math.Inf(1)
	if x, ok := p.num("min"); ok {
		lo = x
	}
	if x, ok := p.num("max"); ok {
		hi = x
	}
	if p.has("min") && p.has("max") && !(lo < hi) {
		bad(at.key("max"), "must be > min (%s), got %s", num(lo), num(hi))
		return fail()
	}
	wlo, whi := info.window()
	switch p.Dist {
	case "uniform", "loguniform", "triangular":
		if p.Dist == "loguniform" && !(lo > 0) {
			bad(at.key("min"), "must be > 0 for a loguniform, got %s", num(lo))
			return fail()
		}
		if p.Dist == "triangular" {
			if m := get("mode"); !(m >= lo && m <= hi) {
				bad(at.key("mode"), "must be in [min, max] = [%s, %s], got %s", num(lo), num(hi), num(m))
				return fail()
			}
		}
		within("min", lo)
		within("max", hi)
		switch p.Dist {
		case "uniform":
			rp.dist = stats.Uniform{Min: lo, Max: hi}
		case "loguniform":
			rp.dist = stats.LogUniform{Min: lo, Max: hi}
		default:
			rp.dist = stats.Triangular{Min: lo, Mode: get("mode"), Max: hi}
		}
	case "beta":
		okA, okB := positive("a"), positive("b")
		if !p.has("min") && !p.has("max") {
			lo, hi = 0, 1
		} else if !p.has("min") || !p.has("max") {
			bad(at, "a beta takes both min and max, or neither (then [0, 1])")
			return fail()
		}
		// The support is open: an end may touch an open end of the range.
		if !(lo >= info.lo && lo <= info.hi) {
			within("min", lo)
		}
		if !(hi >= info.lo && hi <= info.hi) {
			within("max", hi)
		}
		if !okA || !okB {
			return fail()
		}
		rp.dist = stats.Beta{A: get("a"), B: get("b"), Min: lo, Max: hi}
	case "normal", "lognormal":
		var mass float64
		var what string
		if p.has("min") {
			within("min", lo)
			wlo = lo
		}
		if p.has("max") {
			within("max", hi)
			whi = hi
		}
		if len(ps) > 0 {
			return fail()
		}
		if p.Dist == "normal" {
			if !positive("sd") {
				return fail()
			}
			n := stats.Normal{Mu: get("mean"), Sigma: get("sd")}
			mass = n.Mass(wlo, whi)
			what = fmt.Sprintf("normal(%s, %s)", num(n.Mu), num(n.Sigma))
			rp.dist = stats.Normal{Mu: n.Mu, Sigma: n.Sigma, Min: wlo, Max: whi}
		} else {
			mu, sigma := get("mu"), get("sigma")
			if p.has("mean") {
				if !positive("mean") || !positive("sd") {
					return fail()
				}
				// The log's parameters from the value's mean m and sd s:
				// σ² = ln(1 + s²/m²), μ = ln m − σ²/2.
				m, s := get("mean"), get("sd")
				sigma = math.Sqrt(math.Log1p(s * s / (m * m)))
				mu = math.Log(m) - sigma*sigma/2
			} else if !positive("sigma") {
				return fail()
			}
			if whi <= 0 {
				bad(at.key("dist"), "a lognormal is positive, and %s must be in %s", rp.key, info)
				return fail()
			}
			l := stats.LogNormal{Mu: mu, Sigma: sigma}
			mass = l.Mass(wlo, whi)
			what = fmt.Sprintf("lognormal(μ = %s, σ = %s)", num(mu), num(sigma))
			rp.dist = stats.LogNormal{Mu: mu, Sigma: sigma, Min: math.Max(wlo, 0), Max: whi}
		}
		if mass < MinPriorMass {
			where := fmt.Sprintf("the valid range %s of %s", info, rp.key)
			if p.has("min") || p.has("max") {
				where = keyInfo{lo: wlo, hi: whi}.String()
			}
			bad(at.key("dist"), "only %s of %s lies in %s, where it is drawn; at least %s must: centre it in the range or narrow it",
				percent(mass), what, where, percent(MinPriorMass))
			rp.dist = nil
		}
	}
	if len(ps) > n0 {
		return fail()
	}
	if rp.dist != nil {
		klo, khi := info.window()
		rp.dist = clamped{rp.dist, klo, khi}
	}
	return rp, ps
}

func percent(x float64) string {
	switch {
	case x == 0:
		return "0%"
	case x < 0.001:
		return fmt.Sprintf("%.2g%%", 100*x)
	}
	return strconv.FormatFloat(math.Round(1000*x)/10, 'f', -1, 64) + "%"
}

// probes returns the values the scenario must accept for a resolved prior:
// the ends of its support (or its 1e-9 and 1 − 1e-9 quantiles when
// unbounded) and its median, or each value of a choice; each with the key
// of the prior that states it.
func (rp *resolvedPrior) probes() []struct {
	at path
	x  any
} {
	type probe = struct {
		at path
		x  any
	}
	var out []probe
	if rp.prior.Dist == "choice" {
		for i, x := range rp.prior.Values {
			out = append(out, probe{rp.at.key("values").elem(i, ""), x})
		}
		return out
	}
	if rp.dist == nil {
		return nil
	}
	end := func(k string, p, tail float64) {
		x := rp.dist.Quantile(p)
		if math.IsInf(x, 0) {
			x = rp.dist.Quantile(tail)
		}
		at := rp.at
		if rp.prior.has(k) {
			at = at.key(k)
		}
		out = append(out, probe{at, x})
	}
	end("min", 0, 1e-9)
	end("max", 1, 1-1e-9)
	out = append(out, probe{rp.at, rp.dist.Quantile(0.5)})
	return out
}

// setValue applies x at the canonical key of a prior, through Set's
// override path, and returns the problems.
func setValue(w *Spec, key string, x any) problems {
	segs, err := parsePath(key)
	if err != nil {
		return problems{{p: path{disp: key}, msg: err.Error()}}
	}
	st := setter{spec: w}
	st.set(segs, x, "", "")
	for _, f := range st.d.pending {
		f(w)
	}
	return st.d.probs
}

// world is one scenario a prior applies in: the base (name "") or a
// variant, with the variant's set targets.
type world struct {
	name    string
	vi      int
	spec    *Spec
	targets map[string]string
	// known are the problems the world has without any prior's value.
	known map[string]bool
}

// variantWorlds returns the worlds a run draws θ in: the base (vi -1) when
// the scenario has no variants, else each well-named variant applied to a
// clone of the base, with the keys its set table changes. A variant whose
// set fails is left out (checkVariants reports it); one whose set changes a
// key under section is reported with why.
func (c *checker) variantWorlds(section, why string) []world {
	s := c.s
	if len(s.Variants) == 0 {
		return []world{{spec: s, vi: -1}}
	}
	var worlds []world
	vp := path{}.key("variants")
	vd := names(len(s.Variants), func(i int) string { return s.Variants[i].Name })
	for i := range s.Variants {
		v := &s.Variants[i]
		if v.Name == "" || vd[i] == "" {
			continue
		}
		clone := s.Clone()
		st := setter{spec: clone}
		targets := st.applyEntries(v, "", vp.elem(i, vd[i]).key("set").idx)
		if len(st.d.probs) > 0 {
			continue // checkVariants reports it
		}
		for _, t := range sortedKeys(targets) {
			if strings.HasPrefix(t, section) {
				c.bad(path{disp: joinKey("variants", v.Name) + ".set", idx: targets[t]}, "changes %s: %s", t, why)
			}
		}
		worlds = append(worlds, world{name: v.Name, vi: i, spec: clone, targets: targets})
	}
	return worlds
}

// checkPriors checks the base's and the variants' priors in every
// scenario they apply to.
func (c *checker) checkPriors() {
	s := c.s
	pp := path{}.key("priors")
	base := make([]resolvedPrior, len(s.Priors))
	reported := map[string]bool{}
	for i := range s.Priors {
		rp, ps := resolvePrior(s, &s.Priors[i], pp.elem(i, ""))
		c.addAll(ps)
		for _, pr := range ps {
			reported[pr.p.idx+"\x00"+pr.msg] = true
		}
		base[i] = rp
	}
	base = c.dupPriors(base)
	if len(s.Priors) == 0 && !slices.ContainsFunc(s.Variants, func(v Variant) bool { return len(v.Priors) > 0 }) {
		return
	}
	worlds := c.variantWorlds("priors", "a variant replaces a prior with [[variants.priors]], not through set")
	vp := path{}.key("variants")
	vd := names(len(s.Variants), func(i int) string { return s.Variants[i].Name })
	// Probe problems, each once with the variants it holds in.
	type hit struct {
		at       path
		msg      string
		variants []string
	}
	hits := map[string]*hit{}
	var order []string
	for wi := range worlds {
		w := &worlds[wi]
		ck := &checker{s: w.spec, named: map[string]bool{}}
		ck.checkBase()
		w.known = map[string]bool{}
		for _, pr := range ck.ps {
			w.known[pr.p.disp+"\x00"+pr.msg] = true
		}
		// The priors of this world: the base's, each replaced by the
		// variant's on the same key, then the variant's new keys.
		list := make([]resolvedPrior, 0, len(s.Priors))
		if w.name == "" {
			list = append(list, base...)
		} else {
			for _, b := range base {
				if b.key == "" {
					continue // reported for the base
				}
				rp, ps := resolvePrior(w.spec, b.prior, b.at)
				ps = slices.DeleteFunc(ps, func(pr problem) bool { return reported[pr.p.idx+"\x00"+pr.msg] })
				c.addAll(suffix(ps, " (in variant "+w.name+")"))
				if rp.key != "" {
					list = append(list, rp)
				}
			}
			var own []resolvedPrior
			vpp := vp.elem(w.vi, vd[w.vi]).key("priors")
			for j := range s.Variants[w.vi].Priors {
				rp, ps := resolvePrior(w.spec, &s.Variants[w.vi].Priors[j], vpp.elem(j, ""))
				c.addAll(ps)
				if rp.key == "" {
					continue
				}
				rp.own = true
				if _, ok := w.targets[rp.key]; ok {
					c.bad(rp.at.key("key"), "%s is also fixed by the variant's set: a key has a prior or a value, not both", rp.key)
					continue
				}
				own = append(own, rp)
			}
			for _, rp := range c.dupPriors(own) {
				if k := slices.IndexFunc(list, func(b resolvedPrior) bool { return b.key == rp.key }); k >= 0 {
					list[k] = rp
				} else {
					list = append(list, rp)
				}
			}
			for _, rp := range list {
				if rp.own || rp.key == "" {
					continue
				}
				if idx, ok := w.targets[rp.key]; ok {
					c.bad(path{disp: joinKey("variants", w.name) + ".set", idx: idx},
						"fixes %s, which has a prior (%s): a key has a prior or a value, not both; remove the override, or replace the prior in the variant with [[variants.priors]] (a one-value choice fixes it)",
						rp.key, rp.at.disp)
				}
			}
		}
		// Each probe is a clone validated whole: independent of the others,
		// so validated side by side, then reported in order.
		var tasks []probeTask
		for i := range list {
			rp := &list[i]
			if rp.key == "" {
				continue
			}
			for _, pb := range rp.probes() {
				tasks = append(tasks, probeTask{rp: rp, at: pb.at, x: pb.x})
			}
		}
		runProbes(w.spec, tasks)
		for _, task := range tasks {
			rp := task.rp
			for _, pr := range task.ps {
				if w.known[pr.p.disp+"\x00"+pr.msg] {
					continue
				}
				msg := fmt.Sprintf("at %s = %s, %s %s", rp.key, describeValue(task.x), pr.p.disp, pr.msg)
				if pr.p.disp == rp.key {
					msg = pr.p.disp + " " + pr.msg
				}
				// One problem whatever the value (a key the world
				// rejects) is reported once, at the prior.
				k := rp.at.idx + "\x00" + msg
				if hits[k] == nil {
					hits[k] = &hit{at: task.at, msg: msg}
					order = append(order, k)
				} else if hits[k].at != task.at {
					hits[k].at = rp.at
				}
				if h := hits[k]; w.name != "" && !slices.Contains(h.variants, w.name) {
					h.variants = append(h.variants, w.name)
				}
			}
		}
	}
	for _, k := range order {
		h := hits[k]
		where := ""
		if len(h.variants) > 0 && len(h.variants) < len(worlds) {
			where = " (in variant" + pluralS(len(h.variants)) + " " + strings.Join(h.variants, ", ") + ")"
		}
		c.bad(h.at, "%s%s", h.msg, where)
	}
}

// probeTask is one value of a prior's range to validate the world at, and
// what the validation found.
type probeTask struct {
	rp *resolvedPrior
	at path
	x  any
	ps problems
}

// runProbes validates world at each task's value, as many at once as there
// are processors, and stores the problems in the task.
func runProbes(world *Spec, tasks []probeTask) {
	probe := func(t *probeTask) {
		s := thetaClone(world)
		t.ps = setValue(s, t.rp.key, t.x)
		if len(t.ps) == 0 {
			t.ps = checkQuiet(s)
		}
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(tasks)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(tasks); i = int(next.Add(1) - 1) {
				probe(&tasks[i])
			}
		})
	}
	wg.Wait()
}

// describeValue formats x for a message: a number as written, other
// values in TOML syntax.
func describeValue(x any) string {
	if f, ok := x.(float64); ok {
		return num(f)
	}
	var e encoder
	return e.value(reflect.ValueOf(x), path{})
}

func (c *checker) addAll(ps problems) {
	for _, p := range ps {
		c.bad(p.p, "%s", p.msg)
	}
}

func suffix(ps problems, s string) problems {
	out := make(problems, len(ps))
	for i, p := range ps {
		p.msg += s
		out[i] = p
	}
	return out
}

// dupPriors reports two priors on one key (under any spelling) and
// returns the list without the second ones.
func (c *checker) dupPriors(list []resolvedPrior) []resolvedPrior {
	first := map[string]path{}
	out := list[:0:0]
	for _, rp := range list {
		if f, ok := first[rp.key]; ok && rp.key != "" {
			c.bad(rp.at.key("key"), "a second prior on %s (also %s)", rp.key, f.disp)
			continue
		}
		first[rp.key] = rp.at
		out = append(out, rp)
	}
	return out
}

// Draw is one value of θ: a key path and the value drawn for it.
type Draw struct {
	// Key is the canonical key path, as Set accepts it.
	Key string
	// Value is a float64 for the continuous families; for a choice, the
	// value as the file writes it (int64, float64, string, bool, []any,
	// map[string]any).
	Value any
}

// Float returns the draw as a number: the value of a numeric draw, or 1
// and 0 for a boolean; ok is false for other values.
func (d Draw) Float() (x float64, ok bool) {
	switch v := d.Value.(type) {
	case float64:
		return v, true
	case int64:
		return float64(v), true
	case bool:
		if v {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// Text returns the value in TOML syntax: Set(d.Key, d.Text()) sets it.
func (d Draw) Text() string { return describeValue(d.Value) }

// Theta is one draw of a scenario's priors, in declaration order: the
// base's priors as declared (a variant's replacement in its base prior's
// place), then the variant's priors on new keys.
type Theta []Draw

// VariantPriors returns the priors that apply in variant name ("base"
// without variants), in θ order, each with its canonical key path in Key.
func (s *Spec) VariantPriors(variant string) ([]Prior, error) {
	list, err := s.effectivePriors(variant)
	if err != nil {
		return nil, err
	}
	out := make([]Prior, len(list))
	for i, rp := range list {
		out[i] = *rp.prior
		out[i].Key = rp.key
	}
	return out, nil
}

// effectivePriors resolves the priors of variant name in its scenario.
func (s *Spec) effectivePriors(variant string) ([]resolvedPrior, error) {
	w, err := s.Variant(variant)
	if err != nil {
		return nil, err
	}
	var list []resolvedPrior
	var ps problems
	pp := path{}.key("priors")
	for i := range s.Priors {
		rp, p := resolvePrior(w, &s.Priors[i], pp.elem(i, ""))
		ps = append(ps, p...)
		list = append(list, rp)
	}
	if vi := slices.IndexFunc(s.Variants, func(v Variant) bool { return v.Name == variant }); vi >= 0 {
		vpp := path{}.key("variants").key(variant).key("priors")
		for j := range s.Variants[vi].Priors {
			rp, p := resolvePrior(w, &s.Variants[vi].Priors[j], vpp.elem(j, ""))
			ps = append(ps, p...)
			if k := slices.IndexFunc(list, func(b resolvedPrior) bool { return b.key == rp.key }); k >= 0 {
				list[k] = rp
			} else {
				list = append(list, rp)
			}
		}
	}
	if len(ps) > 0 {
		return nil, joinErrors((*source)(nil).errorsOf(ps))
	}
	return list, nil
}

// Sampler draws θ for one variant of a scenario, its priors resolved once;
// Spec.Sampler makes one. It is safe for concurrent use.
type Sampler struct {
	list []resolvedPrior
	// posts are the posteriors, drawn jointly after the priors; replaced
	// the keys whose priors each replaces, by its idx path.
	posts    []resolvedPosterior
	replaced map[string][]string
}

// Sampler resolves the priors of variant name ("base" without variants)
// for drawing θ repeatedly.
func (s *Spec) Sampler(variant string) (*Sampler, error) {
	list, err := s.effectivePriors(variant)
	if err != nil {
		return nil, err
	}
	if len(s.Posteriors) == 0 {
		return &Sampler{list: list}, nil
	}
	w, err := s.Variant(variant)
	if err != nil {
		return nil, err
	}
	list, posts, replaced, err := s.withPosteriors(w, list)
	if err != nil {
		return nil, err
	}
	return &Sampler{list: list, posts: posts, replaced: replaced}, nil
}

// Without returns a sampler without the priors on the given canonical
// keys (CanonicalKey): a sweep's swept keys, or keys --set fixes. Each key
// has its own generator, so the other keys draw the same values as before.
func (sm *Sampler) Without(keys ...string) *Sampler {
	out := &Sampler{posts: withoutPosteriorKeys(sm.posts, keys), replaced: sm.replaced}
	for _, rp := range sm.list {
		if !slices.Contains(keys, rp.key) {
			out.list = append(out.list, rp)
		}
	}
	return out
}

// CanonicalKey returns the canonical spelling of keyPath in s, the one θ
// uses: hubs.interlink.adapter_cost for hub.adapter_cost,
// protocols.Bittensor.openness for protocols[0].openness.
func (s *Spec) CanonicalKey(keyPath string) (string, error) {
	segs, err := parsePath(keyPath)
	if err != nil {
		return "", &Error{Path: keyPath, Msg: err.Error()}
	}
	st := setter{spec: s, dry: true}
	canon := st.set(segs, nil, "", "")
	if canon == "" {
		return "", joinErrors((*source)(nil).errorsOf(st.d.probs))
	}
	return canon, nil
}

// Len is the number of keys drawn, priors and posteriors', the length of
// every θ.
func (sm *Sampler) Len() int {
	n := len(sm.list)
	for _, rp := range sm.posts {
		n += len(rp.keys)
	}
	return n
}

// Draw draws θ from r.
//
// It takes exactly two words from r whatever the priors, k1 and k2, and
// draws the value of each key from its own generator,
//
//	rand.New(rand.NewPCG(mix64(k1 ^ h), mix64(k2 ^ h))), h = FNV-1a(canonical key),
//
// mix64 being the SplitMix64 finaliser. So the value of a key depends only
// on r and the key: every variant of a replication gets the same value of
// a key they share a prior on, a variant's replacement prior is coupled to
// the base's through the same uniform, and adding, removing or fixing
// another prior changes nothing else. The continuous families other than
// beta are drawn by inverse CDF from one uniform, a beta from gamma
// variates, a choice from one uniform.
//
// The keys a posterior carries follow the priors, each posterior's in its
// file's column order, drawn jointly: one particle by weight, all its
// carried keys together, from the generator of h = the file's Hash (see
// drawPosteriors). Every entry carrying the same posterior file draws the
// same particle.
func (sm *Sampler) Draw(r *rand.Rand) Theta {
	k1, k2 := r.Uint64(), r.Uint64()
	pcg := rand.NewPCG(0, 0)
	kr := rand.New(pcg)
	out := make(Theta, len(sm.list), sm.Len())
	for i, rp := range sm.list {
		h := fnv64a(rp.key)
		pcg.Seed(mix64(k1^h), mix64(k2^h))
		out[i] = Draw{Key: rp.key, Value: rp.draw(kr)}
	}
	return sm.drawPosteriors(k1, k2, pcg, kr, out)
}

// Central returns the central θ: the median of each continuous prior's
// distribution as drawn (truncated to its window and the key's range), and
// the most probable value of a choice (the first of equals); for a key a
// posterior carries, the weighted median of its column.
func (sm *Sampler) Central() Theta {
	out := make(Theta, len(sm.list))
	for i, rp := range sm.list {
		if rp.dist != nil {
			out[i] = Draw{Key: rp.key, Value: rp.dist.Quantile(0.5)}
			continue
		}
		best := 0
		for j, w := range rp.weights {
			if w > rp.weights[best] {
				best = j
			}
		}
		out[i] = Draw{Key: rp.key, Value: copyTreeValue(rp.prior.Values[best])}
	}
	return sm.centralPosteriors(out)
}

func (rp *resolvedPrior) draw(r *rand.Rand) any {
	if rp.dist == nil {
		return copyTreeValue(rp.prior.Values[stats.Choice{Weights: rp.weights}.Rand(r)])
	}
	return rp.dist.Rand(r)
}

// DrawTheta draws θ for variant name ("base" without variants) from r:
// Sampler(name) and its Draw (which documents the mapping from r to θ).
func (s *Spec) DrawTheta(r *rand.Rand, variant string) (Theta, error) {
	sm, err := s.Sampler(variant)
	if err != nil {
		return nil, err
	}
	return sm.Draw(r), nil
}

// Central returns the central θ of variant name: see Sampler.Central.
func (s *Spec) Central(variant string) (Theta, error) {
	sm, err := s.Sampler(variant)
	if err != nil {
		return nil, err
	}
	return sm.Central(), nil
}

// WithTheta returns a copy of s with θ applied through Set's override
// path, validated. s is the scenario θ was drawn for: the variant's
// (Spec.Variant), since a variant's keys may only exist there. The copy
// shares s's Priors, Posteriors, Variants and Expect, which no θ reaches
// (see thetaClone): change neither's.
func (s *Spec) WithTheta(t Theta) (*Spec, error) {
	c := thetaClone(s)
	var ps problems
	for _, d := range t {
		ps = append(ps, setValue(c, d.Key, d.Value)...)
	}
	if len(ps) == 0 {
		ps = checkQuiet(c)
	}
	if len(ps) > 0 {
		return nil, joinErrors((*source)(nil).errorsOf(ps))
	}
	return c, nil
}

// thetaClone is Clone for applying θ: a deep copy of s but for the
// sections no prior can target (noPriorKeys: priors, posteriors, variants,
// expect), which it shares with s. Neither setValue of a prior's key nor
// the checker changes them, so the copy is Clone's, value for value; and
// they are most of Clone's time (in deai-2025, its 55 priors alone cost
// twice its protocols), paid for every θ a run draws and every probe of a
// prior when a scenario loads.
func thetaClone(s *Spec) *Spec {
	shallow := *s
	shallow.Priors, shallow.Posteriors, shallow.Variants, shallow.Expect = nil, nil, nil, nil
	c := shallow.Clone()
	c.Priors, c.Posteriors, c.Variants, c.Expect = s.Priors, s.Posteriors, s.Variants, s.Expect
	return c
}

// fnv64a is the 64-bit FNV-1a hash.
func fnv64a(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// mix64 is the SplitMix64 finaliser (Steele, Lea & Flood 2014).
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}
