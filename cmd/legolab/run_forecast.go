package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/legolab/legolab/metrics"
)

// printForecast writes the prior-predictive answer after the table: the
// predictive interval, the variance split, what drives the date, the PRIM
// box and the detector family's verdict. The table's CIs above are the
// Monte Carlo precision and are labelled so.
func printForecast(w io.Writer, s *metrics.Summary, end string) {
	f := s.Forecast
	of := fmt.Sprintf("%d priors", len(f.Keys))
	if len(f.Posteriors) > 0 {
		n := 0
		for _, p := range f.Posteriors {
			n += len(p.Keys)
		}
		of = fmt.Sprintf("%d keys (%d from posteriors)", len(f.Keys), n)
	}
	fmt.Fprintf(w, "\nPrior-predictive forecast: %d θ draws of %s × %d replications each (the table's intervals are Monte Carlo precision only)\n\n",
		f.Thetas, of, f.Inner)
	for _, p := range f.Posteriors {
		fmt.Fprintf(w, "%s.\n", p.Text())
	}
	if len(f.Posteriors) > 0 {
		fmt.Fprintln(w)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "variant\tP(Lego by %s)\tmedian date\tpredictive 5–95%%\tquartiles\n", end)
	q := func(d *string) string {
		if d == nil {
			return "after " + end
		}
		return *d
	}
	for _, v := range f.Variants {
		fmt.Fprintf(tw, "%s\t%.2f\t%s\t%s to %s\t%s to %s\n", v.Name, v.PByHorizon, q(v.QuantileDates[2]),
			q(v.QuantileDates[0]), q(v.QuantileDates[4]), q(v.QuantileDates[1]), q(v.QuantileDates[3]))
	}
	tw.Flush()
	fmt.Fprintln(w)
	for _, v := range f.Variants {
		fmt.Fprintf(w, "%s:\n", v.Name)
		if v.DayVariance != nil && v.ReachedVariance != nil {
			fmt.Fprintf(w, "  variance due to θ: %.0f%% [%.0f%%, %.0f%%] of the Lego day's (truncated at the horizon), %.0f%% [%.0f%%, %.0f%%] of reached-by-horizon; the rest is the dice\n",
				100*v.DayVariance.Share, 100*v.DayVariance.ShareLo, 100*v.DayVariance.ShareHi,
				100*v.ReachedVariance.Share, 100*v.ReachedVariance.ShareLo, 100*v.ReachedVariance.ShareHi)
		} else {
			fmt.Fprintf(w, "  variance split: none (%s)\n", v.VarianceNote)
		}
		if len(v.Importance) > 0 {
			var parts []string
			for i, im := range v.Importance {
				if i == 3 {
					break
				}
				parts = append(parts, fmt.Sprintf("%s %+.2f", im.Key, im.PRCC))
			}
			fmt.Fprintf(w, "  what drives the date (PRCC with the truncated day; negative = earlier): %s\n", strings.Join(parts, ", "))
		} else if v.ImportanceNote != "" {
			fmt.Fprintf(w, "  importance: %s\n", v.ImportanceNote)
		}
		if v.Box != nil {
			fmt.Fprintf(w, "  PRIM: %s\n", v.Box.Text)
		}
		fam := v.Family
		switch {
		case fam.EarliestMedian != nil && fam.LatestMedian != nil:
			fmt.Fprintf(w, "  detector family: the median date runs from %s to %s across its %d members\n", *fam.EarliestMedian, *fam.LatestMedian, len(fam.Members))
		case fam.EarliestMedian != nil:
			fmt.Fprintf(w, "  detector family: the median date runs from %s to beyond the horizon (%d of %d members never reach it)\n", *fam.EarliestMedian, fam.Unreached, len(fam.Members))
		default:
			fmt.Fprintf(w, "  detector family: no member's median comes by the horizon\n")
		}
	}
	fmt.Fprintf(w, "\nLeading pathway: %s.\n", f.Leading.Text)
}
