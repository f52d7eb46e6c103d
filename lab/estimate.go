package lab

import (
	"fmt"
	"runtime"

	"golang.org/x/sync/errgroup"

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
	// Each (variant, draw)'s estimate needs its θ's scenario, made and
	// checked by WithTheta: they are made side by side, and summed in order.
	est := make([]float64, len(e.Variants)*draws)
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := range est {
		g.Go(func() error {
			v, d := i/draws, i%draws
			spec := e.Variants[v].Spec
			if e.prior() {
				if s, _, err := e.specFor(v, d*e.inner()); err == nil {
					spec = s
				}
			}
			est[i] = spec.EstimatedEvents()
			return nil
		})
	}
	g.Wait()
	total := 0.0
	for v := range e.Variants {
		sum := 0.0
		for _, x := range est[v*draws : (v+1)*draws] {
			sum += x
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

// LongRunWarning returns the one-line warning that a calibration (or, with
// histories > 0, its simulation-based calibration of that many histories)
// could take more than scenarios.LongRun seconds: its simulation budget
// (abc.max_simulations, each simulation estimated at the scenario's
// EstimatedEvents times the share of the horizon up to the last fitted day,
// where a simulation stops) plus the posterior-predictive draws, on the cores Jobs keeps busy;
// "" when it could not. It does not refuse.
func (c *Calibration) LongRunWarning(histories int) string {
	budget := c.Settings().MaxSimulations
	if budget == 0 {
		budget = 1_000_000 // calib's default
	}
	sims := float64(budget) + float64(max(c.Draws, 200))
	what := fmt.Sprintf("a budget of %s (abc.max_simulations)", plural(budget, "simulation"))
	if histories > 0 {
		sims *= float64(histories)
		what = fmt.Sprintf("%d SBC histories × %s (abc.max_simulations)", histories, plural(budget, "simulation"))
	}
	// A simulation runs to the last fitted day only: its share of the
	// horizon's events, taken as proportional to time (an overestimate
	// for a diffusion, whose events come late).
	share := 1.0
	if days := c.plan.days; len(days) > 0 && c.File.Spec.HorizonDays > 0 {
		share = min(days[len(days)-1]/c.File.Spec.HorizonDays, 1)
	}
	return scenarios.LongRunWarning(sims*share*c.File.Spec.EstimatedEvents(), cores(c.Jobs), "up to "+what)
}
