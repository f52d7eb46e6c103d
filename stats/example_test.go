package stats_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/legolab/legolab/stats"
)

// Example analyses 200 seeded times to event, exponential with a mean of 1,000 days and
// censored at a 1,500-day horizon: the Kaplan–Meier median with its Brookmeyer–Crowley
// interval, the probability of the event by the horizon with Wilson's interval, and the
// Student t interval of the mean of the observed times.
func Example() {
	rng := rand.New(rand.NewPCG(1, 2))
	const horizon = 1500
	obs := make([]stats.Obs, 200)
	var observed []float64
	for i := range obs {
		t := rng.ExpFloat64() * 1000
		if t > horizon {
			obs[i] = stats.Obs{Time: horizon}
			continue
		}
		obs[i] = stats.Obs{Time: t, Event: true}
		observed = append(observed, t)
	}
	km := stats.KaplanMeier(obs, horizon)
	median, _ := km.Median()
	lo, hi, _, _ := km.MedianCI()
	fmt.Printf("median %.0f days [%.0f, %.0f]\n", median, lo, hi)
	pLo, pHi := stats.Wilson(km.Events, km.N)
	fmt.Printf("P(by day %d) = %.3f [%.3f, %.3f]\n", horizon, float64(km.Events)/float64(km.N), pLo, pHi)
	mean, mLo, mHi := stats.MeanCI(observed)
	fmt.Printf("mean observed time %.0f days [%.0f, %.0f]\n", mean, mLo, mHi)
	// Output:
	// median 711 days [607, 801]
	// P(by day 1500) = 0.820 [0.761, 0.867]
	// mean observed time 601 days [540, 662]
}
