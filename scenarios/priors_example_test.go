package scenarios_test

import (
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/legolab/legolab/scenarios"
)

// A scenario with priors: draw θ for a replication of a variant and apply
// it to the variant's scenario.
func ExampleSpec_DrawTheta() {
	s, err := scenarios.Parse("example.toml", []byte(`
name = "example"
[[protocols]]
name = "A"
serves = { model = 0.6 }
[[hubs]]
name = "interlink"

[[priors]]
key = "hub.adapter_cost"
dist = "loguniform"
min = 10
max = 100

[[priors]]
key = "lego.rule"
dist = "choice"
values = ["window", "logistic"]
`))
	if err != nil {
		log.Fatal(err)
	}
	central, _ := s.Central("base")
	fmt.Printf("central: %s = %.2f (√(10·100)), %s = %s\n", central[0].Key, central[0].Value, central[1].Key, central[1].Text())

	theta, err := s.DrawTheta(rand.New(rand.NewPCG(1, 2)), "base")
	if err != nil {
		log.Fatal(err)
	}
	run, err := s.WithTheta(theta)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("drawn: adapter_cost %.2f, rule %s\n", run.Hubs[0].AdapterCost, run.Lego.Rule)
	// Output:
	// central: hubs.interlink.adapter_cost = 31.62 (√(10·100)), lego.rule = "window"
	// drawn: adapter_cost 16.16, rule logistic
}
