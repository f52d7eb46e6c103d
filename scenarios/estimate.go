package scenarios

import (
	"fmt"
	"math"
)

// Up-front work estimates. A run or sweep whose estimate passes LongRun
// says so on stderr before it starts, with the estimate in events and time;
// a replication whose Poisson processes alone pass MaxReplicationEvents is
// refused by Validate.
const (
	// EventsPerSecond is the engine's speed on one core, measured on the
	// built-in scenarios (lab's replications of every variant, on a shared
	// 2-core machine): 0.7 to 2.0 million events a second, of which this
	// is the round lower end.
	EventsPerSecond = 1e6
	// EventsPerBuilder is the events one builder of the market potential
	// costs a replication: a candidate arrival (thinning rejects some), an
	// app's start and its death, measured at 1.3 (defi-2017) to 2.7
	// (scale-1000) on the built-ins; 3 errs on the side of warning.
	EventsPerBuilder = 3
	// LongRun is the estimated wall time, in seconds, above which run and
	// sweep warn before starting.
	LongRun = 10 * 60
)

// eventTerm is one process's expected events in a replication, at the key
// that sets its rate.
type eventTerm struct {
	p path
	x float64
}

// poissonTerms returns the expected events of s's Poisson processes in one
// replication (random shocks, hub exploits, join and standard reviews),
// with protocols the number of protocols, generated ones included; nil
// when the horizon is not valid.
func poissonTerms(s *Spec, protocols float64) []eventTerm {
	if !(s.HorizonDays > 0) || s.HorizonDays > MaxHorizonDays {
		return nil
	}
	years := s.HorizonDays / 365.25
	var terms []eventTerm
	add := func(p path, x float64) {
		if x > 0 && !math.IsNaN(x) {
			terms = append(terms, eventTerm{p, x})
		}
	}
	for i := range s.Shocks {
		add(path{}.key("shocks").elem(i, "").key("rate_per_year"), s.Shocks[i].RatePerYear*years)
	}
	hd := names(len(s.Hubs), func(i int) string { return s.Hubs[i].Name })
	for i := range s.Hubs {
		h := &s.Hubs[i]
		hp := path{}.key("hubs").elem(i, hd[i])
		add(hp.key("exploits_per_year"), h.ExploitsPerYear*years)
		if h.ReviewEveryDays > 0 {
			add(hp.key("review_every_days"), protocols*s.HorizonDays/h.ReviewEveryDays)
		}
	}
	if len(s.Standards.OfferedBy) > 0 && s.Standards.ReviewEveryDays > 0 {
		add(path{}.key("standards").key("review_every_days"), protocols*s.HorizonDays/s.Standards.ReviewEveryDays)
	}
	return terms
}

// protocolCount is the number of protocols s runs: those it lists and
// those its populations generate.
func protocolCount(s *Spec) float64 {
	n := float64(len(s.Protocols))
	for _, p := range s.Populations {
		n += float64(max(p.Count, 0))
	}
	return n
}

// EstimatedEvents returns a rough estimate of the events one replication
// of s processes: EventsPerBuilder per builder of the market potential
// plus the expected events of its Poisson processes. With priors it is
// the estimate at the file's own values. Multiplied by the replications
// and divided by EventsPerSecond it gives the CPU time up front.
func (s *Spec) EstimatedEvents() float64 {
	total := EventsPerBuilder * max(s.Builders.MarketPotential, 0)
	for _, t := range poissonTerms(s, protocolCount(s)) {
		total += t.x
	}
	return total
}

// LongRunWarning returns the one-line warning run and sweep print before
// a computation of events (EstimatedEvents summed over every replication
// to run) that would take more than LongRun seconds on cores cores, what
// describing it ("400 runs × 4 variants"); "" when it would not.
// The estimate is rough (EventsPerBuilder and EventsPerSecond are measured
// averages): it is said, never refused.
func LongRunWarning(events float64, cores int, what string) string {
	cores = max(cores, 1)
	sec := events / (EventsPerSecond * float64(cores))
	if !(sec > LongRun) {
		return ""
	}
	on := "1 core"
	if cores > 1 {
		on = fmt.Sprintf("%d cores", cores)
	}
	return fmt.Sprintf("this will take a while: %s is about %s events, ~%s at %s events/s a core on %s (it runs; Ctrl-C stops it and keeps what is done)",
		what, count(events), durationOf(sec), count(EventsPerSecond), on)
}
