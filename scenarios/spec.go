// Package scenarios turns TOML scenario files into a validated Spec: plain
// data that the model reads and never writes.
//
// Units: time in days (fields end in _days) unless a name says _per_year;
// money in value units of one thousand US dollars (k$); shares and
// probabilities in [0,1]. Every field below says its unit, its default and
// what zero means. docs/scenarios.md is the user's reference, generated
// from these types; scenario.schema.json is their JSON Schema.
//
// Load, Parse and Open decode a file strictly (an unknown key is an error),
// fill in the defaults and validate; Builtin and Builtins give the embedded
// scenarios (Default first). Every problem is reported at once, each an
// *Error with the file, the line and column of its key, and its key path;
// Errors lists them.
//
// Set and Apply override values by key path, the syntax variants use too;
// VariantNames and Variant give the variants a run compares. Priors declare
// distributions of values by key path; Sampler, DrawTheta and Central draw
// a θ for a variant and WithTheta applies it. Encode writes
// the resolved scenario back as TOML that Parse reads to an equal Spec, and
// Parameters lists its values for a report. ParseAssertion reads the
// [[expect]] assertions that `legolab check` evaluates.
//
// ParseDocument and Document.Decode give other TOML files of the project
// (sweep files, package sweeps) the same decoder, positions and messages.
// Range checks come from the fields' jsonschema tags, the source of the
// schema's bounds too; MaxHubs and MaxDimensions are the model's limits,
// which agents imports.
//
// A Spec is safe for concurrent use by methods that do not change it
// (Clone, Variant, VariantNames, Encode, Parameters, Validate); Set and
// Apply change it.
package scenarios

import "time"

// Spec is one scenario: the world, its mechanisms, its variants and what CI
// expects of it. A Spec returned by Load has its defaults filled in and has
// passed Validate.
type Spec struct {
	// Name identifies the scenario in outputs. Required.
	Name string `toml:"name" jsonschema:"required"`
	// Description is one line shown by `legolab scenarios`.
	Description string `toml:"description"`
	// Start is the calendar date of day 0. Default 2025-07-01.
	Start time.Time `toml:"start"`
	// HorizonDays is the simulated span, in (0, 36525]. Default 3650.
	HorizonDays float64 `toml:"horizon_days" default:"3650" jsonschema:"exclusiveMinimum=0,maximum=36525" why:"100 years"`
	// SampleEveryDays is the observation interval. Default 7.
	SampleEveryDays float64 `toml:"sample_every_days" default:"7" jsonschema:"exclusiveMinimum=0"`
	// Runs is the default number of replications per variant. Default 200.
	Runs int `toml:"runs" default:"200" jsonschema:"minimum=1"`
	// Inner is the default number of replications per θ draw when the
	// scenario declares priors (legolab run --inner overrides it): a run
	// draws Runs/Inner θ and runs each Inner times, which is what the
	// variance split into priors and dice needs (Inner ≥ 2). Runs must be
	// a multiple of it. Ignored without priors. Default 1.
	Inner int `toml:"inner" default:"1" jsonschema:"minimum=1,maximum=1000"`
	// Seed is the default master seed. Default 1.
	Seed uint64 `toml:"seed" default:"1"`
	// Dimensions are the composability dimensions. Default
	// ["data", "model", "compute", "storage"].
	Dimensions []string `toml:"dimensions" jsonschema:"minItems=1,uniqueItems=true"`

	// Protocols are the named protocols (the AI Layer 1s).
	Protocols []Protocol `toml:"protocols"`
	// Populations generate protocols from distributions, next to the named
	// ones.
	Populations []Population `toml:"populations"`
	// Verification is the verification-translation cost matrix (k$).
	Verification CostMatrix `toml:"verification"`
	// Settlement is the incentive-settlement cost matrix (k$).
	Settlement CostMatrix `toml:"settlement"`
	// Integration holds the costs of the integration routes.
	Integration Integration `toml:"integration"`
	// Builders is the builder arrival process and app economics.
	Builders Builders `toml:"builders"`
	// AppTypes are the kinds of app builders make. Default: inference agent
	// (model+compute), training (data+compute+storage), data app
	// (data+storage), full-stack agent (all dimensions), single-dimension
	// apps for the remaining dimensions.
	AppTypes []AppType `toml:"app_types"`
	// Choice is the builders' provider choice model.
	Choice Choice `toml:"choice"`
	// Standards is the de facto standard mechanism. Off when
	// Standards.OfferedBy is empty.
	Standards Standards `toml:"standards"`
	// Hubs are cross-protocol interoperability layers. None by default.
	Hubs []Hub `toml:"hubs"`
	// Shocks are scheduled (Day set) or random (RatePerYear set) events.
	Shocks []Shock `toml:"shocks"`
	// Lego is the Lego-moment detector.
	Lego Lego `toml:"lego"`
	// Priors are distributions of values of the scenario, by key path: a
	// prior-predictive run draws them anew for each replication. None by
	// default: every value is fixed.
	Priors []Prior `toml:"priors"`
	// Posteriors carry calibrations' posteriors over keys of the scenario:
	// a prior-predictive run draws the carried keys jointly, one particle
	// by weight per θ draw, in place of their priors. None by default.
	Posteriors []Posterior `toml:"posteriors"`
	// Variants are named overrides of the base that one run compares on
	// common random numbers. Without variants, the base runs alone as
	// variant "base".
	Variants []Variant `toml:"variants"`
	// Expect are assertions that `legolab check` evaluates on the outputs.
	Expect []Expect `toml:"expect"`
}

// Protocol is one AI Layer 1 (or DeFi protocol, or subnet).
type Protocol struct {
	// Name identifies the protocol; unique across named and generated
	// protocols. Required.
	Name string `toml:"name" jsonschema:"required"`
	// Serves maps each served dimension to its quality in (0,1]. Required,
	// non-empty.
	Serves map[string]float64 `toml:"serves" jsonschema:"required"`
	// Standards maps a served dimension to the interface standard it speaks.
	// Default: the protocol's own name (proprietary).
	Standards map[string]string `toml:"standards"`
	// Verification is the verification mechanism, one of
	// Verification.Mechanisms. Default "none".
	Verification string `toml:"verification" default:"none"`
	// Incentive is the incentive model, one of Settlement.Mechanisms.
	// Default "fees".
	Incentive string `toml:"incentive" default:"fees"`
	// Openness in [0,1] scales how readily the protocol integrates with
	// others or adopts a foreign standard. Default 0.5; 0 never does.
	Openness float64 `toml:"openness" default:"0.5" jsonschema:"minimum=0,maximum=1"`
	// SovereigntyCost (k$) is what adopting someone else's standard costs
	// the protocol. Default 0.
	SovereigntyCost float64 `toml:"sovereignty_cost" jsonschema:"minimum=0"`
	// LaunchDay is the day the protocol goes live. Default 0.
	LaunchDay float64 `toml:"launch_day" jsonschema:"minimum=0"`
	// Token is the protocol's emission schedule. Default: no emissions.
	Token Token `toml:"token"`
}

// Token is a protocol's emission schedule and its incentive levers.
type Token struct {
	// EmissionPerDay is the initial emission in tokens per day. Default 0.
	EmissionPerDay float64 `toml:"emission_per_day" jsonschema:"minimum=0"`
	// PriceKUSD is the value of one token in k$. Default 0.001 ($1).
	PriceKUSD float64 `toml:"price_kusd" default:"0.001" jsonschema:"minimum=0"`
	// HalvingDays halves the emission every so many days. Default 0 (none).
	HalvingDays float64 `toml:"halving_days" jsonschema:"minimum=0"`
	// DecayPerYear is a continuous exponential decay rate of emissions per
	// year, applied on top of halvings. Default 0 (none).
	DecayPerYear float64 `toml:"decay_per_year" jsonschema:"minimum=0"`
	// EmissionFromDay is the day emissions start, ≥ 0: nothing is emitted
	// before it or before the launch day, and the halving and decay clock
	// starts at the later of the two (e.g. COMP, emitted only from its
	// liquidity mining on 2020-06-15, though Compound launched in 2018).
	// Default 0 (from the launch day).
	EmissionFromDay float64 `toml:"emission_from_day" jsonschema:"minimum=0"`
	// BuilderShare in [0,1] is the share of emissions paid to apps built on
	// the protocol (the liquidity-mining lever). Default 0.
	BuilderShare float64 `toml:"builder_share" jsonschema:"minimum=0,maximum=1"`
	// BuilderShareFromDay switches BuilderShare on from that day (e.g. COMP
	// liquidity mining). Default 0 (from the start).
	BuilderShareFromDay float64 `toml:"builder_share_from_day" jsonschema:"minimum=0"`
	// AdoptionSubsidyPerDay (k$/day) is paid, split evenly, to protocols
	// that adopted this protocol's standard (Bittensor-style subnet
	// emissions). Default 0.
	AdoptionSubsidyPerDay float64 `toml:"adoption_subsidy_per_day" jsonschema:"minimum=0"`
}

// Dist is a parameter distribution of a Population.
type Dist struct {
	// Dist is the family: "const" (Value), "uniform" (Min, Max), "beta"
	// (A, B, scaled to [Min, Max], default [0,1]), "normal" (Mean, SD,
	// truncated to [Min, Max] when set), "lognormal" (Mean and SD of the
	// log). Default "const".
	Dist string `toml:"dist" default:"const" jsonschema:"enum=const,enum=uniform,enum=beta,enum=normal,enum=lognormal"`
	// Value of a "const" distribution, in the parameter's unit. Default 0.
	Value float64 `toml:"value"`
	// Min is the lower bound of "uniform", "beta" and a truncated "normal".
	// Default 0.
	Min float64 `toml:"min"`
	// Max is the upper bound of "uniform", "beta" (default 1 when neither
	// bound is set) and a truncated "normal". Default 0.
	Max float64 `toml:"max"`
	// Mean of a "normal", or of the logarithm for a "lognormal". Default 0.
	Mean float64 `toml:"mean"`
	// SD is the standard deviation of a "normal", or of the logarithm for a
	// "lognormal", ≥ 0. Default 0.
	SD float64 `toml:"sd" jsonschema:"minimum=0"`
	// A is the first shape parameter of a "beta", > 0.
	A float64 `toml:"a" jsonschema:"exclusiveMinimum=0"`
	// B is the second shape parameter of a "beta", > 0.
	B float64 `toml:"b" jsonschema:"exclusiveMinimum=0"`
}

// Population generates Count protocols named Prefix-1 ... Prefix-Count,
// drawn anew in every replication from the "population" stream.
type Population struct {
	// Prefix names the generated protocols. Required.
	Prefix string `toml:"prefix" jsonschema:"required"`
	// Count is the number of protocols, ≥ 1.
	Count int `toml:"count" jsonschema:"required,minimum=1"`
	// Dimensions a member may serve. Default: all.
	Dimensions []string `toml:"dimensions" jsonschema:"minItems=1,uniqueItems=true"`
	// DimensionsEach is how many of Dimensions each member serves, drawn
	// without replacement. Default 1.
	DimensionsEach int `toml:"dimensions_each" default:"1" jsonschema:"minimum=1"`
	// Quality per served dimension. Default uniform [0.2, 0.8].
	Quality Dist `toml:"quality"`
	// Openness. Default uniform [0.2, 0.8].
	Openness Dist `toml:"openness"`
	// SovereigntyCost (k$). Default const 0.
	SovereigntyCost Dist `toml:"sovereignty_cost"`
	// LaunchDay. Default const 0.
	LaunchDay Dist `toml:"launch_day"`
	// Verification mechanisms, one drawn uniformly per member. Default
	// ["none"].
	Verification []string `toml:"verification" jsonschema:"minItems=1,uniqueItems=true"`
	// Incentive models, one drawn uniformly per member. Default ["fees"].
	Incentive []string `toml:"incentive" jsonschema:"minItems=1,uniqueItems=true"`
	// Standard every member speaks on its dimensions. Default "" (each its
	// own).
	Standard string `toml:"standard"`
	// Token is every member's emission schedule (same for all). Default
	// none.
	Token Token `toml:"token"`
}

// CostMatrix is a symmetric cost between mechanisms (verification
// mechanisms or incentive models), in k$.
type CostMatrix struct {
	// Mechanisms are the declared mechanisms. Default for verification:
	// consensus, proof-of-learning, tee, zk, optimistic, storage-proof, none;
	// for settlement: emissions, fees, royalties, staking.
	Mechanisms []string `toml:"mechanisms" jsonschema:"minItems=1,uniqueItems=true"`
	// Same is the cost between equal mechanisms. Default 0.
	Same float64 `toml:"same" jsonschema:"minimum=0"`
	// Cross is the cost between different mechanisms without a Pair.
	// Default 20 for verification, 5 for settlement.
	Cross float64 `toml:"cross" jsonschema:"minimum=0"`
	// Pairs override Cross for specific pairs (symmetric).
	Pairs []Pair `toml:"pairs"`
}

// Pair is a symmetric cost between two mechanisms.
type Pair struct {
	// A is one mechanism of the pair, declared in Mechanisms. Required.
	A string `toml:"a" jsonschema:"required"`
	// B is the other mechanism, declared and different from A. Required.
	B string `toml:"b" jsonschema:"required"`
	// Cost (k$) between A and B, in either direction, ≥ 0.
	Cost float64 `toml:"cost" jsonschema:"required,minimum=0"`
}

// Integration holds the cost (k$) of each integration route between two
// providers of one app, cheapest first.
type Integration struct {
	// SameStandardCost: both sides speak the same interface standard.
	// Default 1.
	SameStandardCost float64 `toml:"same_standard_cost" default:"1" jsonschema:"minimum=0"`
	// BridgeCost: an existing bilateral bridge is reused. Default 2.
	BridgeCost float64 `toml:"bridge_cost" default:"2" jsonschema:"minimum=0"`
	// BespokeCost: a new bespoke integration, before verification
	// translation and settlement costs. Default 30.
	BespokeCost float64 `toml:"bespoke_cost" default:"30" jsonschema:"minimum=0"`
	// BespokeFailureProb in [0,1]: a bespoke integration fails (the builder
	// drops that provider). Default 0.3.
	BespokeFailureProb float64 `toml:"bespoke_failure_prob" default:"0.3" jsonschema:"minimum=0,maximum=1"`
	// MaxStackCost (k$): a stack costing more is unaffordable and the app
	// goes to the outside option or is not built. Default 100.
	MaxStackCost float64 `toml:"max_stack_cost" default:"100" jsonschema:"minimum=0"`
}

// Builders is the builder arrival process (Bass 1969, imitation amplified by
// visible composition) and the app economics.
type Builders struct {
	// MarketPotential M is the number of builders who will ever build. ≥ 1.
	// Default 5000.
	MarketPotential float64 `toml:"market_potential" default:"5000" jsonschema:"minimum=1"`
	// PPerYear is Bass's innovation coefficient p, per year. Default 0.03.
	PPerYear float64 `toml:"p_per_year" default:"0.03" jsonschema:"exclusiveMinimum=0" why:"with p = 0 no builder ever arrives"`
	// QPerYear is Bass's imitation coefficient q, per year. Default 0.38.
	QPerYear float64 `toml:"q_per_year" default:"0.38" jsonschema:"minimum=0"`
	// Amplification η: q_eff = q·(1 + η·composed share of live apps).
	// Default 2; 0 is plain Bass.
	Amplification float64 `toml:"composability_amplification" default:"2" jsonschema:"minimum=0,maximum=1000" why:"q_eff past a thousand times q saturates the market in days"`
	// AppLifetimeDays is the mean of the exponential app lifetime. Default
	// 730; 0 means apps live forever.
	AppLifetimeDays float64 `toml:"app_lifetime_days" default:"730" jsonschema:"minimum=0"`
	// FeePerDay (k$/day) is the usage fee an app pays each of its providers
	// while alive. Default 0.05.
	FeePerDay float64 `toml:"fee_per_day" default:"0.05" jsonschema:"minimum=0"`
	// OutsideFeePerDay (k$/day) is what an app on the outside option pays
	// the centralised provider. Default 0.05.
	OutsideFeePerDay float64 `toml:"outside_fee_per_day" default:"0.05" jsonschema:"minimum=0"`
}

// AppType is a kind of app and the dimensions it needs.
type AppType struct {
	// Name identifies the app type. Required, unique.
	Name string `toml:"name" jsonschema:"required"`
	// Weight is the relative frequency, > 0. Default 1.
	Weight float64 `toml:"weight" default:"1" jsonschema:"exclusiveMinimum=0"`
	// Needs are the dimensions the app needs, non-empty, each declared. A
	// dimension listed twice needs two providers of it (a DeFi aggregator:
	// ["capital", "capital"]).
	Needs []string `toml:"needs" jsonschema:"required,minItems=1"`
}

// Choice is the multinomial-logit provider choice over a bounded
// consideration set plus the centralised outside option.
type Choice struct {
	// ConsiderationSet is how many providers a builder considers per
	// dimension, ≥ 1. Default 5.
	ConsiderationSet int `toml:"consideration_set" default:"5" jsonschema:"minimum=1"`
	// Beta is the logit precision. Default 1.
	Beta float64 `toml:"beta" default:"1" jsonschema:"minimum=0"`
	// QualityWeight multiplies quality in (0,1]. Default 3.
	QualityWeight float64 `toml:"quality_weight" default:"3" jsonschema:"minimum=0"`
	// YieldWeight multiplies the incentive yield in k$ per app per day, in
	// provider choice and in the incentive factor of builder arrivals.
	// Default 1.
	YieldWeight float64 `toml:"yield_weight" default:"1" jsonschema:"minimum=0"`
	// NetworkWeight multiplies ln(1 + live apps on the provider). Default
	// 0.3.
	NetworkWeight float64 `toml:"network_weight" default:"0.3" jsonschema:"minimum=0"`
	// CostWeight multiplies the integration cost in k$. Default 0.1.
	CostWeight float64 `toml:"cost_weight" default:"0.1" jsonschema:"minimum=0"`
	// OutsideUtility is the utility of the centralised outside option (cloud
	// AI). Default 2.
	OutsideUtility float64 `toml:"outside_utility" default:"2"`
}

// Standards is the de facto standard mechanism (Arthur 1989).
type Standards struct {
	// OfferedBy are the protocols offering their standard to others; an
	// offer opens on the offerer's launch day. Empty: the mechanism is off.
	OfferedBy []string `toml:"offered_by" jsonschema:"uniqueItems=true"`
	// ReviewEveryDays is the mean time between a protocol's reviews
	// (Poisson). Default 90.
	ReviewEveryDays float64 `toml:"review_every_days" default:"90" jsonschema:"exclusiveMinimum=0"`
	// BenefitPerShare (k$) is the increasing-returns benefit per unit of
	// usage share already on a standard. Default 50.
	BenefitPerShare float64 `toml:"benefit_per_share" default:"50" jsonschema:"minimum=0"`
	// SwitchingCost (k$) is the one-time cost of switching a dimension's
	// standard. Default 5.
	SwitchingCost float64 `toml:"switching_cost" default:"5" jsonschema:"minimum=0"`
	// Rule is "threshold" (switch when openness × the gain in benefit and
	// subsidy over the current standard exceeds the switching cost plus,
	// for a foreign standard, the sovereignty cost) or "urn" (pick a
	// standard with probability ∝ adopters^UrnExponent: Pólya at 1).
	// Default "threshold".
	Rule string `toml:"rule" default:"threshold" jsonschema:"enum=threshold,enum=urn"`
	// UrnExponent is the reinforcement exponent of the "urn" rule. Default 1.
	UrnExponent float64 `toml:"urn_exponent" default:"1" jsonschema:"minimum=0"`
}

// Hub is a cross-protocol interoperability layer ("protocol of protocols").
type Hub struct {
	// Name identifies the hub. Required, unique.
	Name string `toml:"name" jsonschema:"required"`
	// Enabled switches the hub on. Default true.
	Enabled *bool `toml:"enabled" default:"true"`
	// LaunchDay is the day the hub goes live. Default 365.
	LaunchDay float64 `toml:"launch_day" default:"365" jsonschema:"minimum=0"`
	// AdapterCost (k$) is the one-time cost a protocol pays to join.
	// Default 40.
	AdapterCost float64 `toml:"adapter_cost" default:"40" jsonschema:"minimum=0"`
	// FeePerUse (k$) is added to a route's cost when an app uses the hub.
	// Default 0.5.
	FeePerUse float64 `toml:"fee_per_use" default:"0.5" jsonschema:"minimum=0"`
	// Covers are the verification mechanisms the hub can translate. Default:
	// all declared.
	Covers []string `toml:"covers" jsonschema:"minItems=1,uniqueItems=true"`
	// JoinIncentive (k$) is paid once to each joining protocol. Default 0.
	JoinIncentive float64 `toml:"join_incentive" jsonschema:"minimum=0"`
	// ReviewEveryDays is the mean time between a protocol's join reviews.
	// Default 60.
	ReviewEveryDays float64 `toml:"review_every_days" default:"60" jsonschema:"exclusiveMinimum=0"`
	// ExploitsPerYear is the Poisson rate of exploits. Default 0.2.
	ExploitsPerYear float64 `toml:"exploits_per_year" default:"0.2" jsonschema:"minimum=0"`
	// RecoveryDays is how long an exploit suspends the hub's routes.
	// Default 30.
	RecoveryDays float64 `toml:"recovery_days" default:"30" jsonschema:"minimum=0"`
	// TrustLoss in [0,1]: at an exploit each member leaves the hub with
	// this probability, and the hub's value in later join decisions is
	// scaled by the trust left. Default 0.3.
	TrustLoss float64 `toml:"trust_loss" default:"0.3" jsonschema:"minimum=0,maximum=1"`
}

// Shock is a scheduled (Day) or random (RatePerYear) event.
type Shock struct {
	// Kind is one of "outage", "exit", "crash", "exploit", "regulation".
	Kind string `toml:"kind" jsonschema:"required,enum=outage,enum=exit,enum=crash,enum=exploit,enum=regulation"`
	// Day schedules the shock; set exactly one of Day and RatePerYear.
	Day *float64 `toml:"day" jsonschema:"minimum=0"`
	// RatePerYear makes the shock a Poisson process.
	RatePerYear float64 `toml:"rate_per_year" jsonschema:"minimum=0"`
	// Target is a protocol (outage, exit, crash) or hub (exploit). Empty:
	// drawn uniformly among live ones at each occurrence.
	Target string `toml:"target"`
	// DurationDays of an outage. Default 30.
	DurationDays float64 `toml:"duration_days" default:"30" jsonschema:"minimum=0"`
	// Severity in [0,1]: a crash multiplies token price by 1−Severity; a
	// regulation raises the outside utility by Severity·4. Default 0.5.
	Severity float64 `toml:"severity" default:"0.5" jsonschema:"minimum=0,maximum=1"`
}

// Lego is the Lego-moment detector: the first sample day at which, over a
// trailing window of WindowDays, (a) the composability index ≥
// ComposabilityMin, (b) composed apps' share of new apps ≥ ComposedShareMin
// and (c) the rate of new composed apps ≥ GrowthMin × its rate over the
// window before.
type Lego struct {
	// Rule is "window" (above) or "logistic" (inflection of a logistic fit
	// to cumulative composed apps). Default "window".
	Rule string `toml:"rule" default:"window" jsonschema:"enum=window,enum=logistic"`
	// WindowDays W. Default 90.
	WindowDays float64 `toml:"window_days" default:"90" jsonschema:"exclusiveMinimum=0"`
	// ComposabilityMin c* in [0,1]. Default 0.3.
	ComposabilityMin float64 `toml:"composability_min" default:"0.3" jsonschema:"minimum=0,maximum=1"`
	// ComposedShareMin s* in [0,1]. Default 0.3.
	ComposedShareMin float64 `toml:"composed_share_min" default:"0.3" jsonschema:"minimum=0,maximum=1"`
	// GrowthMin G ≥ 1. Default 2.
	GrowthMin float64 `toml:"growth_min" default:"2" jsonschema:"minimum=1" why:"an explosion, not a decline"`
	// MinComposedPerWindow guards (c) against tiny counts: the window must
	// hold at least this many new composed apps. Default 10.
	MinComposedPerWindow float64 `toml:"min_composed_per_window" default:"10" jsonschema:"minimum=0"`
	// ComposeCostMax (k$) is the route cost below which a cross-dimension
	// pair counts as composable in the composability index. Default 5.
	ComposeCostMax float64 `toml:"compose_cost_max" default:"5" jsonschema:"minimum=0"`
}

// Variant is a named set of overrides of the base scenario.
type Variant struct {
	// Name identifies the variant. Required, unique.
	Name string `toml:"name" jsonschema:"required"`
	// Description is one line for reports.
	Description string `toml:"description"`
	// Set holds overrides by key path, as nested tables or dotted keys:
	// `hubs.interlink.launch_day = 180`.
	Set map[string]any `toml:"set"`
	// Priors replace, in this variant, the base's prior on the same key,
	// or add one. A key may not have a prior and an override in Set. None
	// by default.
	Priors []Prior `toml:"priors"`
}

// Expect is an assertion that `legolab check` evaluates, such as
// "p_by_horizon(hub) >= 0.5", "median_day(hub) < median_day(defacto)" or
// "st(hubs.interlink.adapter_cost) >= 0.1".
type Expect struct {
	// Assert is the assertion: FUNC(ARG) OP NUMBER or FUNC(ARG) OP
	// FUNC(ARG), OP one of < <= > >= == != (≤ ≥ ≠ too). Required.
	Assert string `toml:"assert" jsonschema:"required"`
	// Note says why the assertion should hold, for the check's report.
	Note string `toml:"note"`
}

// Posterior carries the posterior of a calibration over keys of this
// scenario: a prior-predictive run draws the carried keys jointly, one
// particle by weight per θ draw, in place of their priors.
type Posterior struct {
	// From is a built-in posterior (scenarios/builtin/posteriors/NAME.csv,
	// a copy of a calibration's posterior.csv), or the path of a
	// posterior.csv or of the calibration folder holding one, relative to
	// this file. Loading resolves a path to an absolute one, so that a
	// run's scenario.toml finds it again. Required.
	From string `toml:"from" jsonschema:"required"`
	// Keys maps a column of the posterior (the analog's key path) to the
	// key path of this scenario it sets: { "hubs.ibc.join_incentive" =
	// "hubs.hub.join_incentive" }. Columns not named stay out. Required,
	// non-empty.
	Keys map[string]string `toml:"keys" jsonschema:"required"`
	// Reason says why these parameters are shared between the analog the
	// calibration fitted and this scenario; the report quotes it. Required.
	Reason string `toml:"reason" jsonschema:"required"`
	// SHA256 is the hex SHA-256 of the posterior's file. Optional: loading
	// fills it in, so a run's scenario.toml records it, and a file whose
	// digest differs is refused: a run reproduced from its scenario.toml,
	// or a sweep resumed, draws from the same particles or not at all.
	SHA256 string `toml:"sha256"`

	// Data are the particles read from From, set when the scenario is
	// loaded (or by CarryPosterior).
	Data *Particles `toml:"-"`
}

// Prior is the distribution of one value of the scenario, the θ a
// prior-predictive run draws per replication. Draws are kept within the
// key's valid range (a normal on openness is truncated to [0, 1]), and at
// least half of the distribution must lie where it is drawn.
type Prior struct {
	// Key is the key path of the value, as Set accepts it
	// (hubs.interlink.adapter_cost, hub.adapter_cost). Required.
	Key string `toml:"key" jsonschema:"required"`
	// Dist is the family: "uniform" (min, max), "loguniform" (0 < min <
	// max), "normal" (mean, sd; min and max truncate), "lognormal" (mu and
	// sigma of the logarithm, or mean and sd of the value; min and max
	// truncate), "beta" (a, b, scaled to [min, max], default [0, 1]),
	// "triangular" (min, mode, max) or "choice" (values, weights). Required.
	Dist string `toml:"dist" jsonschema:"required,enum=uniform,enum=loguniform,enum=normal,enum=lognormal,enum=beta,enum=triangular,enum=choice"`
	// Min is the lower end of the range or of the truncation, in the key's
	// unit. Default: none (a normal or lognormal is then truncated only by
	// the key's range).
	Min *float64 `toml:"min"`
	// Max is the upper end of the range or of the truncation. Default: none.
	Max *float64 `toml:"max"`
	// Mode is the peak of a "triangular". Default: none.
	Mode *float64 `toml:"mode"`
	// Mean of a "normal", or of a "lognormal" value (before truncation).
	// Default: none.
	Mean *float64 `toml:"mean"`
	// SD is the standard deviation of a "normal", or of a "lognormal"
	// value (before truncation), > 0. Default: none.
	SD *float64 `toml:"sd"`
	// Mu is the mean of the logarithm of a "lognormal". Default: none.
	Mu *float64 `toml:"mu"`
	// Sigma is the standard deviation of the logarithm of a "lognormal",
	// > 0. Default: none.
	Sigma *float64 `toml:"sigma"`
	// A is the first shape of a "beta", > 0. Default: none.
	A *float64 `toml:"a"`
	// B is the second shape of a "beta", > 0. Default: none.
	B *float64 `toml:"b"`
	// Values are the outcomes of a "choice", each a value the key accepts
	// (numbers, strings, booleans, arrays). Default: none.
	Values []any `toml:"values"`
	// Weights are the relative probabilities of a choice's values, each >
	// 0, one per value. Default: equal weights.
	Weights []float64 `toml:"weights"`
	// Source says where the range comes from (docs/sources.md §..., or why
	// it is a guess). Default "".
	Source string `toml:"source"`
}
