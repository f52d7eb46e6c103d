package agents_test

import (
	"context"
	"fmt"

	"github.com/legolab/legolab/agents"
	"github.com/legolab/legolab/scenarios"
)

// A replication of a two-protocol world with a shared standard, advanced
// to its horizon and observed.
func Example() {
	spec, err := scenarios.Parse("example.toml", []byte(`
name = "example"
horizon_days = 1825
dimensions = ["model", "compute"]
[builders]
market_potential = 1000
[[protocols]]
name = "models"
serves = { model = 0.7 }
standards = { model = "open-api" }
[[protocols]]
name = "gpus"
serves = { compute = 0.7 }
standards = { compute = "open-api" }
[[app_types]]
name = "inference-agent"
needs = ["model", "compute"]
`))
	if err != nil {
		panic(err)
	}
	m, err := agents.New(spec, 1, 0, agents.Options{})
	if err != nil {
		panic(err)
	}
	if err := m.RunUntil(context.Background(), spec.HorizonDays); err != nil {
		panic(err)
	}
	var o agents.Observation
	m.Observe(&o)
	fmt.Printf("builders %d, live apps %d, composed %d, composability %.2f\n", o.BuildersCum, o.AppsLive, o.ComposedLive, o.Composability)
	// Output: builders 685, live apps 336, composed 242, composability 1.00
}
