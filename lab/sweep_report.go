package lab

import (
	"fmt"
	"io"
	"strings"
)

// writeSweepMarkdown writes report.md: what was swept, how the outcomes
// ranged over the design, and which parameters matter most for each
// outcome.
func writeSweepMarkdown(w io.Writer, s *SweepSummary) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Sweep %s\n\n", s.Sweep)
	if s.Description != "" {
		fmt.Fprintf(&b, "%s\n\n", s.Description)
	}
	fmt.Fprintf(&b, "Base scenario **%s**, variants %s. Design **%s** with %d points × %d replications (seed %d, legolab %s).\n\n",
		s.Scenario, strings.Join(s.Variants, ", "), swDesignText(s), s.Points, s.Replications, s.Seed, s.Version)
	b.WriteString("## Parameters\n\n| parameter | range |\n|---|---|\n")
	for _, p := range s.Params {
		fmt.Fprintf(&b, "| `%s` | %s |\n", p.Key, swParamRange(p))
	}
	b.WriteString("\n## Outcomes over the design\n\n")
	b.WriteString("Mean over points with its 95% CI; for median days, the median over points (not reached = ∞).\n\n")
	b.WriteString("| outcome | mean [95% CI] | median [95% CI] | min | max |\n|---|---|---|---|---|\n")
	for _, st := range s.Stats {
		maxText := swNum(st.Max)
		if st.Max == nil {
			maxText = "∞"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", st.Outcome, swCI(st.Mean, st.MeanCI95, "∞"),
			swCI(st.Median, st.MedianCI95, "∞"), swNum(st.Min), maxText)
	}
	b.WriteString("\n## Sensitivity\n\n")
	b.WriteString(swMethodNote(s.Design))
	for _, o := range s.Outcomes {
		fmt.Fprintf(&b, "\n### %s\n\n", o)
		rows := s.Top(o, 0)
		switch s.Design {
		case "sobol":
			b.WriteString("| parameter | ST [95% CI] | S1 [95% CI] |\n|---|---|---|\n")
			for _, r := range rows {
				fmt.Fprintf(&b, "| `%s` | %s | %s%s |\n", r.Param, swCI(r.ST, r.STCI95, "—"), swCI(r.S1, r.S1CI95, "—"), swNote(r.Note))
			}
		case "morris":
			b.WriteString("| parameter | μ* | μ | σ |\n|---|---|---|---|\n")
			for _, r := range rows {
				fmt.Fprintf(&b, "| `%s` | %s | %s | %s%s |\n", r.Param, swNum(r.MuStar), swNum(r.Mu), swNum(r.Sigma), swNote(r.Note))
			}
		default:
			b.WriteString("| parameter | S1 (main effect) |\n|---|---|\n")
			for _, r := range rows {
				fmt.Fprintf(&b, "| `%s` | %s%s |\n", r.Param, swNum(r.S1), swNote(r.Note))
			}
		}
	}
	if len(s.Warnings) > 0 {
		b.WriteString("\n## Warnings\n\n")
		for _, w := range s.Warnings {
			fmt.Fprintf(&b, "- %s\n", w)
		}
	}
	b.WriteString("\nPer-point outcomes are in points.csv, all indices in sensitivity.csv; see docs/sweeps.md.\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func swDesignText(s *SweepSummary) string {
	switch s.Design {
	case "sobol":
		sc := "scrambled"
		if !s.Scramble {
			sc = "unscrambled"
		}
		return fmt.Sprintf("sobol (Saltelli, N = %d, %s, %d bootstrap resamples)", s.Samples, sc, s.Bootstrap)
	case "morris":
		return fmt.Sprintf("morris (r = %d trajectories, p = %d levels)", s.Trajectories, s.Levels)
	case "grid":
		return "grid (full factorial)"
	}
	return fmt.Sprintf("%s (%d samples)", s.Design, s.Samples)
}

func swMethodNote(design string) string {
	switch design {
	case "sobol":
		return "Sobol' indices from Saltelli's A/B/AB_i design: S1 (Saltelli 2010) is the share of the outcome's variance due to the parameter alone, ST (Jansen 1999) the share it takes part in, with interactions. Parameters are ranked by ST.\n"
	case "morris":
		return "Morris elementary effects, in outcome units per full range of the parameter: μ* (mean absolute effect) ranks importance, σ flags nonlinearity or interactions. Parameters are ranked by μ*.\n"
	}
	return "Main effects (correlation ratio Var(E[Y|X])/Var(Y)): a screening measure; use a sobol design for total indices. Parameters are ranked by S1.\n"
}

func swParamRange(p SweepParamInfo) string {
	if len(p.Values) > 0 {
		return "{" + strings.Join(p.Values, ", ") + "}"
	}
	r := fmt.Sprintf("[%s, %s]", swNum(p.Min), swNum(p.Max))
	if p.Scale == "log" {
		r += " log"
	}
	if p.Type == "int" {
		r += " int"
	}
	return r
}

func swNum(p *float64) string {
	if p == nil {
		return "—"
	}
	return fmt.Sprintf("%.4g", *p)
}

// swCI formats "x [lo, hi]"; a nil x is written none, a nil upper bound ∞.
func swCI(p *float64, ci [2]*float64, none string) string {
	if p == nil {
		return none
	}
	if ci[0] == nil && ci[1] == nil {
		return swNum(p)
	}
	hi := "∞"
	if ci[1] != nil {
		hi = fmt.Sprintf("%.4g", *ci[1])
	}
	lo := "—"
	if ci[0] != nil {
		lo = fmt.Sprintf("%.4g", *ci[0])
	}
	return fmt.Sprintf("%.4g [%s, %s]", *p, lo, hi)
}

func swNote(n string) string {
	if n == "" {
		return ""
	}
	return " (" + strings.ReplaceAll(n, "|", "/") + ")"
}
