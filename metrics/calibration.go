package metrics

// Calibration is the summary.json of a calibration folder (issue 13), and
// what the calibration report renders: the posterior of the free parameters,
// how the ABC-SMC run went, and the posterior-predictive series against the
// observed points. lab fills it; reports only reads it.
type Calibration struct {
	// Name and Description come from the calibration file; Scenario and
	// Variant name the model that was fitted.
	Name        string `json:"name"`
	Description string `json:"description"`
	Scenario    string `json:"scenario"`
	Variant     string `json:"variant"`
	Seed        uint64 `json:"seed"`
	// Start is the calendar date (YYYY-MM-DD) of model day 0, Cutoff the
	// information cutoff: observed points after it are held out.
	Start  string `json:"start"`
	Cutoff string `json:"cutoff"`
	// Params are the free parameters, in posterior.csv's column order.
	Params []CalibParam `json:"params"`
	// Particles is the population size N, ESS the Kish effective sample
	// size of the final generation, Simulations the simulations run in all.
	Particles   int     `json:"particles"`
	ESS         float64 `json:"ess"`
	Simulations int     `json:"simulations"`
	// Generations is one row per finished generation, the prior first.
	Generations []CalibGeneration `json:"generations"`
	// Stop names the rule that ended the run: budget, min_acceptance,
	// min_eps_decrease or max_generations.
	Stop string `json:"stop"`
	// Series are the observed series with their posterior-predictive bands.
	Series []CalibSeries `json:"series"`
}

// CalibParam is one free parameter's prior and posterior.
type CalibParam struct {
	// Key is the canonical key path; Prior describes its prior in words
	// (e.g. "loguniform(10, 100)"), Source the prior's stated reason.
	Key    string `json:"key"`
	Prior  string `json:"prior"`
	Source string `json:"source"`
	// The weighted posterior mean, sd, median and central 95% credible
	// interval of the final generation.
	Mean   float64 `json:"mean"`
	SD     float64 `json:"sd"`
	Median float64 `json:"median"`
	Lo95   float64 `json:"lo95"`
	Hi95   float64 `json:"hi95"`
	// PriorLo95 and PriorHi95 are the prior's central 95% interval, so a
	// reader sees how much the data narrowed it.
	PriorLo95 float64 `json:"prior_lo95"`
	PriorHi95 float64 `json:"prior_hi95"`
}

// CalibGeneration is one finished ABC-SMC generation.
type CalibGeneration struct {
	Generation  int     `json:"generation"`
	Epsilon     float64 `json:"epsilon"`
	Acceptance  float64 `json:"acceptance"`
	ESS         float64 `json:"ess"`
	Simulations int     `json:"simulations"`
}

// CalibSeries is one observed series: its points and the model's
// posterior-predictive band at each point's date (and on a grid between,
// for the chart).
type CalibSeries struct {
	// Name is the series name, Observable the model observable it meets,
	// Transform the scale of the distance (log1p, log or identity), Unit
	// the observed unit, Discrepancy the model-discrepancy sd.
	Name        string       `json:"name"`
	Observable  string       `json:"observable"`
	Transform   string       `json:"transform"`
	Unit        string       `json:"unit"`
	Discrepancy float64      `json:"discrepancy"`
	Points      []CalibPoint `json:"points"`
	// Band is the posterior-predictive 5/25/50/75/95% quantiles of the
	// observation operator's value (observed units) on a day grid.
	Band []CalibBand `json:"band"`
}

// CalibPoint is one observed value and where it falls in the
// posterior-predictive distribution.
type CalibPoint struct {
	Date  string  `json:"date"`
	Day   float64 `json:"day"`
	Value float64 `json:"value"`
	// Kind is point, approx, lower_bound or capped; Source the citation.
	Kind   string `json:"kind"`
	Source string `json:"source"`
	// HeldOut is true for points after the cutoff, which were not fitted.
	HeldOut bool `json:"held_out"`
	// PIT is the posterior-predictive P(model ≤ value) at the point's date
	// (randomised at ties is not used: ties count half); CRPS the
	// continuous ranked probability score of the predictive sample against
	// the value, on the distance's transformed scale.
	PIT  float64 `json:"pit"`
	CRPS float64 `json:"crps"`
}

// CalibBand is the posterior-predictive quantiles at one day.
type CalibBand struct {
	Day       float64    `json:"day"`
	Date      string     `json:"date"`
	Quantiles [5]float64 `json:"quantiles"`
}
