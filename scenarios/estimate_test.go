package scenarios

import (
	"math"
	"strings"
	"testing"
)

// TestEstimatedEvents checks the estimate against its formula: 3 events a
// builder, plus rate × years for a random shock and a hub's exploits, plus
// protocols × horizon / interval for a hub's join reviews.
func TestEstimatedEvents(t *testing.T) {
	s, err := Parse("e.toml", []byte(`name = "e"
horizon_days = 730.5
[[protocols]]
name = "A"
serves = { data = 0.5 }
[[populations]]
prefix = "P"
count = 9
dimensions_each = 1
[builders]
market_potential = 1000
[[hubs]]
name = "h"
review_every_days = 30
exploits_per_year = 0.5
[[shocks]]
kind = "regulation"
rate_per_year = 2
`))
	if err != nil {
		t.Fatal(err)
	}
	years := 730.5 / 365.25
	want := EventsPerBuilder*1000 + 2*years + 0.5*years + 10*730.5/30
	if got := s.EstimatedEvents(); math.Abs(got-want) > 1e-9*want {
		t.Errorf("EstimatedEvents = %v; want %v", got, want)
	}
}

// TestLongRunWarning: silent at LongRun seconds, a warning just above it,
// scaled by the cores.
func TestLongRunWarning(t *testing.T) {
	at := LongRun * EventsPerSecond
	if w := LongRunWarning(at, 1, "x"); w != "" {
		t.Errorf("at the threshold: %q; want none", w)
	}
	if w := LongRunWarning(2*at, 2, "x"); w != "" {
		t.Errorf("twice the threshold on 2 cores: %q; want none", w)
	}
	w := LongRunWarning(at*1.01, 1, "4 runs × 2 variants")
	if !strings.HasPrefix(w, "this will take a while: 4 runs × 2 variants is about 606,000,000 events, ~10 min") {
		t.Errorf("just above: %q", w)
	}
	if w := LongRunWarning(3600*48*EventsPerSecond*4, 4, "x"); !strings.Contains(w, "~2 days") || !strings.Contains(w, "on 4 cores") {
		t.Errorf("two days on 4 cores: %q", w)
	}
}
