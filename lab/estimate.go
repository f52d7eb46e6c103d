package lab

import (
	"fmt"
	"runtime"

	"github.com/legolab/legolab/scenarios"
)

// estimateDraws is the most θ draws a prior-predictive ensemble's
// estimate averages over.
const estimateDraws = 32

// EstimatedEvents returns the ensemble's up-front work estimate: the sum
// over its variants of scenarios.Spec.EstimatedEvents, times Runs. A
// prior-predictive ensemble averages each variant's estimate over the
// first θ draws the run itself will use (at most estimateDraws), so that a
// prior that moves the market potential moves the estimate.
func (e *Ensemble) EstimatedEvents() float64 {
	draws := 1
	if e.prior() {
		draws = min(max((e.Runs+e.inner()-1)/e.inner(), 1), estimateDraws)
	}
	total := 0.0
	for v, vr := range e.Variants {
		sum := 0.0
		for d := range draws {
			spec := vr.Spec
			if e.prior() {
				if s, _, err := e.specFor(v, d*e.inner()); err == nil {
					spec = s
				}
			}
			sum += spec.EstimatedEvents()
		}
		total += sum / float64(draws)
	}
	return total * float64(max(e.Runs, 0))
}

// LongRunWarning returns the one-line warning that the ensemble would take
// more than scenarios.LongRun seconds at scenarios.EventsPerSecond on each
// of the cores it uses (Jobs, at most the machine's), or "" when it would
// not. It does not refuse: the caller prints it before Run.
func (e *Ensemble) LongRunWarning() string {
	return scenarios.LongRunWarning(e.EstimatedEvents(), cores(e.Jobs),
		fmt.Sprintf("%s × %s", plural(e.Runs, "run"), plural(len(e.Variants), "variant")))
}

// plural is "1 run", "2 runs".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// cores is the number of cores jobs replications at once keep busy.
func cores(jobs int) int {
	return min(max(jobs, 1), runtime.NumCPU())
}

// sweepEvents is the estimated events of every variant at one point of a
// sweep, for one replication.
func sweepEvents(specs []*scenarios.Spec) float64 {
	x := 0.0
	for _, s := range specs {
		x += s.EstimatedEvents()
	}
	return x
}
