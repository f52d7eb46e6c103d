package metrics

import "github.com/legolab/legolab/stats"

// Summary is an ensemble's result, as written to summary.json.
type Summary struct {
	Scenario string `json:"scenario"`
	// SHA256 is the hex SHA-256 of the resolved scenario (scenario.toml).
	SHA256      string  `json:"sha256"`
	Seed        uint64  `json:"seed"`
	Runs        int     `json:"runs"`
	HorizonDays float64 `json:"horizon_days"`
	Start       string  `json:"start"` // YYYY-MM-DD
	Version     string  `json:"version"`
	// Partial is true when the run was interrupted; Completed counts the
	// replications per variant that finished.
	Partial     bool             `json:"partial"`
	Completed   int              `json:"completed"`
	Lego        LegoRule         `json:"lego_rule"`
	Variants    []VariantSummary `json:"variants"`
	Comparisons []Comparison     `json:"comparisons"`
	// Parameters are the resolved scenario's scalar parameters by key path,
	// in file order, for the report's parameter table.
	Parameters []Parameter `json:"parameters"`
}

// LegoRule records the detector's parameters for the method notes.
type LegoRule struct {
	Rule                 string  `json:"rule"`
	WindowDays           float64 `json:"window_days"`
	ComposabilityMin     float64 `json:"composability_min"`
	ComposedShareMin     float64 `json:"composed_share_min"`
	GrowthMin            float64 `json:"growth_min"`
	MinComposedPerWindow float64 `json:"min_composed_per_window"`
}

// VariantSummary is one variant's result.
type VariantSummary struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	// Set are the variant's overrides of the base scenario (whose values
	// are Summary.Parameters), flattened to key paths in sorted order, with
	// values in TOML syntax; empty for a variant that changes nothing.
	Set   []Parameter `json:"set"`
	Lego  LegoSummary `json:"lego"`
	Final []FinalStat `json:"final"`
}

// LegoSummary is the survival analysis of one variant's time to the Lego
// moment.
type LegoSummary struct {
	Reached  int `json:"reached"`
	Censored int `json:"censored"`
	// LeftTruncated counts the runs (reached or censored) whose composition
	// already met the rule when the detector could first see it, day₀ + 2W
	// (Replication.LeftTruncated); 0 in summaries saved before the count.
	LeftTruncated int        `json:"left_truncated"`
	PByHorizon    float64    `json:"p_by_horizon"`
	PCI95         [2]float64 `json:"p_ci95"`
	// MedianDay is nil when the median is not reached within the horizon.
	MedianDay  *float64 `json:"median_day"`
	MedianDate *string  `json:"median_date"`
	// MedianCI95 bounds are nil where unbounded within the horizon.
	MedianCI95 [2]*float64     `json:"median_ci95"`
	RMSTDays   float64         `json:"rmst_days"`
	KM         []stats.KMPoint `json:"km"`
}

// FinalStat is the distribution of one observable at the horizon.
type FinalStat struct {
	Metric string  `json:"metric"`
	Mean   float64 `json:"mean"`
	P05    float64 `json:"p05"`
	P25    float64 `json:"p25"`
	P50    float64 `json:"p50"`
	P75    float64 `json:"p75"`
	P95    float64 `json:"p95"`
}

// Comparison is a log-rank test between two variants, with the paired
// difference (b − a) in Lego day over replications where both reach it.
type Comparison struct {
	A           string   `json:"a"`
	B           string   `json:"b"`
	LogRankChi2 float64  `json:"logrank_chi2"`
	PValue      float64  `json:"p_value"`
	Paired      int      `json:"paired_n"`
	MeanDiff    *float64 `json:"paired_mean_diff_days"`
}

// Parameter is one resolved scenario value, by key path.
type Parameter struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// SeriesPoint is one row of series.csv: the distribution of one observable
// of one variant at one sample day across replications.
type SeriesPoint struct {
	Variant string
	Day     float64
	Metric  string
	Mean    float64
	P05     float64
	P25     float64
	P50     float64
	P75     float64
	P95     float64
}
