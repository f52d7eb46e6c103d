package metrics

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"
)

// The results of a sweep, as summary.json and sensitivity.csv hold them:
// what lab computes and reports renders.

// SweepSummary is a sweep's result, as written to summary.json. It holds
// nothing that depends on how the work was split, so a whole run, merged
// shards and a resumed run write the same bytes.
type SweepSummary struct {
	// Kind is "sweep", telling a sweep's summary.json from a run's.
	Kind        string `json:"kind"`
	Sweep       string `json:"sweep"`
	Description string `json:"description"`
	// SHA256 is the hex SHA-256 of the sweep file (sweep.toml),
	// ScenarioSHA256 that of the resolved base scenario (scenario.toml).
	SHA256         string `json:"sha256"`
	Scenario       string `json:"scenario"`
	ScenarioSHA256 string `json:"scenario_sha256"`
	Version        string `json:"version"`
	Seed           uint64 `json:"seed"`
	CommonSeed     bool   `json:"common_seed"`
	// Design is the design kind; Samples, Trajectories, Levels, Scramble
	// and Bootstrap its settings (zero when unused).
	Design       string           `json:"design"`
	Samples      int              `json:"samples,omitempty"`
	Trajectories int              `json:"trajectories,omitempty"`
	Levels       int              `json:"levels,omitempty"`
	Scramble     bool             `json:"scramble,omitempty"`
	Bootstrap    int              `json:"bootstrap,omitempty"`
	Replications int              `json:"replications"`
	Points       int              `json:"points"`
	HorizonDays  float64          `json:"horizon_days"`
	Start        string           `json:"start"`
	Variants     []string         `json:"variants"`
	Params       []SweepParamInfo `json:"params"`
	Outcomes     []string         `json:"outcomes"`
	Stats        []OutcomeStats   `json:"stats"`
	Sensitivity  []SensitivityRow `json:"sensitivity"`
	Warnings     []string         `json:"warnings"`
}

// SweepParamInfo describes one swept parameter.
type SweepParamInfo struct {
	Key    string   `json:"key"`
	Values []string `json:"values,omitempty"`
	Min    *float64 `json:"min,omitempty"`
	Max    *float64 `json:"max,omitempty"`
	Scale  string   `json:"scale,omitempty"`
	Type   string   `json:"type,omitempty"`
}

// OutcomeStats summarises one outcome over the sweep's points (for sobol,
// over the A and B blocks, its independent samples): the mean with a
// normal 95% interval, and the median with a distribution-free 95%
// interval (order statistics). A median day not reached by the horizon
// counts as +∞: the mean is then nil, as are medians and bounds beyond the
// horizon.
type OutcomeStats struct {
	Outcome    string      `json:"outcome"`
	Points     int         `json:"points"`
	NotReached int         `json:"not_reached,omitempty"`
	Mean       *float64    `json:"mean"`
	MeanCI95   [2]*float64 `json:"mean_ci95"`
	Median     *float64    `json:"median"`
	MedianCI95 [2]*float64 `json:"median_ci95"`
	Min        *float64    `json:"min"`
	Max        *float64    `json:"max"`
}

// Sensitivity methods, by design.
const (
	MethodSobol      = "sobol"       // Saltelli S1, Jansen ST, bootstrap CIs
	MethodMorris     = "morris"      // elementary effects μ*, μ, σ
	MethodMainEffect = "main-effect" // correlation ratio Var(E[Y|X_i])/Var(Y)
)

// Method returns the sensitivity method of the summary's indices (one of
// the Method constants), as its rows record it; "" when it has none. The
// renderers dispatch on it, not on the design's name, so that a new design
// reuses the renderer of its method.
func (s *SweepSummary) Method() string {
	for _, r := range s.Sensitivity {
		if r.Method != "" {
			return r.Method
		}
	}
	return ""
}

// SensitivityRow is one parameter's sensitivity indices for one outcome,
// a row of sensitivity.csv. Indices a method does not give are nil.
type SensitivityRow struct {
	Outcome string `json:"outcome"`
	Param   string `json:"param"`
	Method  string `json:"method"`
	// S1 is the first-order index (sobol, main-effect) and ST the total
	// index (sobol), each with its 95% bootstrap interval (sobol).
	S1     *float64    `json:"s1"`
	S1CI95 [2]*float64 `json:"s1_ci95"`
	ST     *float64    `json:"st"`
	STCI95 [2]*float64 `json:"st_ci95"`
	// MuStar, Mu and Sigma are Morris's mean absolute elementary effect,
	// mean effect and their standard deviation, in outcome units per full
	// range of the parameter.
	MuStar *float64 `json:"mu_star"`
	Mu     *float64 `json:"mu"`
	Sigma  *float64 `json:"sigma"`
	// Note explains missing indices (e.g. an outcome constant over the
	// design).
	Note string `json:"note,omitempty"`
}

// Rank returns the index the parameter is ranked by: ST for sobol, μ* for
// morris, S1 for main-effect; NaN when missing.
func (r SensitivityRow) Rank() float64 {
	var p *float64
	switch r.Method {
	case MethodSobol:
		p = r.ST
	case MethodMorris:
		p = r.MuStar
	default:
		p = r.S1
	}
	if p == nil {
		return math.NaN()
	}
	return *p
}

// ReadSweepSummary reads a sweep folder's summary.json.
func ReadSweepSummary(data []byte) (*SweepSummary, error) {
	var s SweepSummary
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, err
	}
	if s.Kind != "sweep" {
		return nil, fmt.Errorf("not a sweep summary (kind %q)", s.Kind)
	}
	return &s, nil
}

// Top returns the sensitivity rows of outcome ranked by ST (sobol), μ*
// (morris) or S1 (main-effect), highest first, at most n (all when n <= 0).
func (s *SweepSummary) Top(outcome string, n int) []SensitivityRow {
	rows := TopParams(s.Sensitivity, outcome)
	if n > 0 && len(rows) > n {
		rows = rows[:n]
	}
	return rows
}

// TopParams returns the sensitivity rows of one outcome sorted by Rank,
// highest first (missing last, then file order).
func TopParams(rows []SensitivityRow, outcome string) []SensitivityRow {
	var out []SensitivityRow
	for _, r := range rows {
		if r.Outcome == outcome {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b SensitivityRow) int {
		ra, rb := a.Rank(), b.Rank()
		switch {
		case math.IsNaN(ra) && math.IsNaN(rb):
			return 0
		case math.IsNaN(ra):
			return 1
		case math.IsNaN(rb):
			return -1
		}
		return cmp.Compare(rb, ra)
	})
	return out
}
