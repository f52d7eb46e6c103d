package metrics_test

import (
	"fmt"

	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/scenarios"
)

// The worked example of docs/model.md: 10 apps a day, a composed share
// that jumps from 0.1 to 0.9 on day 1001, samples every 7 days.
func ExampleDetectLego() {
	var days, ci, apps, composed []float64
	for t := 0.0; t <= 2000; t += 7 {
		days = append(days, t)
		ci = append(ci, 0.5)
		apps = append(apps, 10*t)
		c := 0.1 * 10 * t
		if t > 1001 {
			c = 0.1*10*1001 + 0.9*10*(t-1001)
		}
		composed = append(composed, c)
	}
	rule := scenarios.Lego{Rule: "window", WindowDays: 90, ComposabilityMin: 0.3, ComposedShareMin: 0.3, GrowthMin: 2, MinComposedPerWindow: 10}
	day, reached := metrics.DetectLego(days, ci, apps, composed, rule)
	fmt.Println(day, reached)
	// Output: 1029 true
}
