package scenarios_test

import (
	"fmt"

	"github.com/legolab/legolab/scenarios"
)

func Example() {
	s, err := scenarios.Parse("example.toml", []byte(`
name = "example"
[[protocols]]
name = "Alpha"
serves = { model = 0.6, compute = 0.5 }

[[hubs]]
name = "link"
enabled = false

[[variants]]
name = "siloed"

[[variants]]
name = "hub"
set.hub.enabled = true
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Start.Format("2006-01-02"), s.HorizonDays, s.Protocols[0].Openness, s.VariantNames())

	// Override by key path, as legolab run --set does.
	if err := s.Apply([]string{"hub.launch_day=180", "protocols.Alpha.openness=0.9"}); err != nil {
		fmt.Println(err)
	}
	hub, _ := s.Variant("hub")
	fmt.Println(*hub.Hubs[0].Enabled, hub.Hubs[0].LaunchDay, hub.Protocols[0].Openness)

	// Mistakes say where and what.
	fmt.Println(s.Apply([]string{"protocols.Alpha.opennes=0.9"}))
	_, err = scenarios.Parse("bad.toml", []byte("name = \"x\"\n[[protocols]]\nname = \"A\"\nserves = { data = 1.5 }\n"))
	fmt.Println(err)
	// Output:
	// 2025-07-01 3650 0.5 [siloed hub]
	// true 180 0.9
	// protocols.Alpha.opennes: unknown key; did you mean openness?
	// bad.toml:4:12: protocols.A.serves.data: quality must be in (0, 1], got 1.5
}
