package sim_test

import (
	"context"
	"fmt"

	"github.com/legolab/legolab/sim"
)

// Example runs a small M/M/1 queue on the engine: customers arrive at rate
// 1 per day and are served at rate 2 per day, both drawn from named streams
// of replication 0, so every run prints the same numbers.
func Example() {
	e := sim.New(16)
	arrivals := sim.NewStream(7, 0, sim.StreamID("arrivals"))
	service := sim.NewStream(7, 0, sim.StreamID("service"))
	queue, served := 0, 0
	var arrive, depart sim.ActionID
	arrive = e.Register(func(int64) {
		queue++
		if queue == 1 {
			e.After(service.ExpFloat64()/2, 0, depart, 0)
		}
		e.After(arrivals.ExpFloat64(), 0, arrive, 0)
	})
	depart = e.Register(func(int64) {
		queue--
		served++
		if queue > 0 {
			e.After(service.ExpFloat64()/2, 0, depart, 0)
		}
	})
	e.At(0, 0, arrive, 0)
	if err := e.Run(context.Background(), 365); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("day %g: %d served, %d waiting, %d events\n", e.Now(), served, queue, e.Processed())
	// Output: day 365: 393 served, 0 waiting, 786 events
}
