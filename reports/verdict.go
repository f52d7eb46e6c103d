package reports

import (
	"fmt"
	"math"
	"slices"

	"github.com/legolab/legolab/metrics"
)

// Alpha is the significance level of the log-rank verdicts, in the
// terminal's headline and in the report's comparisons alike.
const Alpha = 0.05

// PValue formats a p-value for a reader: "p = 0.32", "p = 0.004",
// "p < 0.001", "p n/a". The terminal, report.md and report.html all use
// it, so they agree on the cut-offs.
func PValue(p float64) string {
	switch {
	case math.IsNaN(p):
		return "p n/a"
	case p < 0.001:
		return "p < 0.001"
	case p < 0.01:
		return fmt.Sprintf("p = %.3f", p)
	}
	return fmt.Sprintf("p = %.2f", p)
}

// Headline says which pathway leads — the earliest median, or when no
// median is reached the highest P(Lego by the horizon) — and whether its
// lead over the runner-up is significant by the log-rank test.
func Headline(s *metrics.Summary) string {
	if len(s.Variants) < 2 {
		if len(s.Variants) == 1 {
			l := s.Variants[0].Lego
			if l.MedianDay != nil {
				return fmt.Sprintf("Median Lego moment %s; one variant, nothing to compare.", *l.MedianDate)
			}
			return fmt.Sprintf("The median Lego moment is not reached by the horizon (P = %.2f); one variant, nothing to compare.", l.PByHorizon)
		}
		return ""
	}
	order := make([]int, len(s.Variants))
	for i := range order {
		order[i] = i
	}
	// Reached medians first, earliest first; then the highest P.
	slices.SortStableFunc(order, func(a, b int) int {
		la, lb := s.Variants[a].Lego, s.Variants[b].Lego
		switch {
		case la.MedianDay != nil && lb.MedianDay != nil && *la.MedianDay != *lb.MedianDay:
			if *la.MedianDay < *lb.MedianDay {
				return -1
			}
			return 1
		case la.MedianDay != nil && lb.MedianDay == nil:
			return -1
		case la.MedianDay == nil && lb.MedianDay != nil:
			return 1
		case la.PByHorizon > lb.PByHorizon:
			return -1
		case la.PByHorizon < lb.PByHorizon:
			return 1
		}
		return 0
	})
	lead, next := s.Variants[order[0]], s.Variants[order[1]]
	p := math.NaN()
	for _, c := range s.Comparisons {
		if (c.A == lead.Name && c.B == next.Name) || (c.A == next.Name && c.B == lead.Name) {
			p = c.PValue
		}
	}
	ll, nl := lead.Lego, next.Lego
	if (ll.MedianDay != nil && nl.MedianDay != nil && *ll.MedianDay == *nl.MedianDay) ||
		(ll.MedianDay == nil && nl.MedianDay == nil && ll.PByHorizon == nl.PByHorizon) {
		return fmt.Sprintf("No pathway leads: %s and %s are level (log-rank %s).", lead.Name, next.Name, PValue(p))
	}
	var why string
	if lead.Lego.MedianDay != nil {
		why = fmt.Sprintf("earliest median, %s", *lead.Lego.MedianDate)
	} else {
		why = fmt.Sprintf("no median reached; highest P(Lego by the horizon), %.2f", lead.Lego.PByHorizon)
	}
	verdict := "not significantly ahead of"
	if p < Alpha {
		verdict = "significantly ahead of"
	}
	return fmt.Sprintf("Leading: %s (%s), %s %s (log-rank %s).", lead.Name, why, verdict, next.Name, PValue(p))
}
