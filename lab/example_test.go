package lab_test

import (
	"context"
	"fmt"
	"log"

	"github.com/legolab/legolab/lab"
	"github.com/legolab/legolab/scenarios"
)

// An ensemble run from Go, its results kept in memory: no file is written.
// Its summary.json is the one `legolab run defi-2017 --runs 8 --seed 3`
// writes.
func ExampleEnsemble_Run() {
	spec, err := scenarios.Builtin("defi-2017")
	if err != nil {
		log.Fatal(err)
	}
	e, err := lab.NewEnsemble(spec, nil, 8, 3)
	if err != nil {
		log.Fatal(err)
	}
	e.Jobs = 2 // the results do not depend on it
	sink := &lab.MemorySink{}
	res, err := e.Run(context.Background(), sink)
	if err != nil {
		log.Fatal(err)
	}
	s := res.Summary
	fmt.Printf("%s: %d runs per variant, seed %d\n", s.Scenario, s.Runs, s.Seed)
	for _, v := range s.Variants {
		fmt.Printf("%s: P(Lego by the horizon) = %.2f\n", v.Name, v.Lego.PByHorizon)
	}
	fmt.Println("files:", sink.Names()[:4])
	// Output:
	// defi-2017: 8 runs per variant, seed 3
	// mining: P(Lego by the horizon) = 1.00
	// no-mining: P(Lego by the horizon) = 1.00
	// files: [runs.csv summary.json series.csv scenario.toml]
}
