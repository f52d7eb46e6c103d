package metrics

// Replication is what one replication of one variant produced: the sampled
// series of every observable, the final values and the Lego moment.
type Replication struct {
	// Variant is the variant's name; Index the replication number (0-based);
	// Seed the master seed the replication's streams derive from.
	Variant string
	Index   int
	Seed    uint64
	// LegoDay is the day of the Lego moment; meaningful only when Reached.
	LegoDay float64
	// Reached is false when the replication is right-censored at the
	// horizon.
	Reached bool
	// LeftTruncated is true when the composition already met the rule's
	// conditions at the first day the detector can use (see LeftTruncated):
	// a LegoDay is then "at or before", and a censored run composed
	// undated.
	LeftTruncated bool
	// Names are the observables, in a fixed order (see Observables).
	Names []string
	// Days are the sample days, ascending.
	Days []float64
	// Values[k][i] is observable Names[k] at Days[i].
	Values [][]float64
	// Final[k] is observable Names[k] at the horizon.
	Final []float64
	// Events is the number of engine events the replication executed.
	Events uint64
	// Graph is the interop graph at the horizon, when requested.
	Graph *Graph
}

// Graph is a snapshot of the interop graph: protocols as nodes, interop
// routes as edges.
type Graph struct {
	Nodes []Node `json:"nodes"`
	Edges []Edge `json:"edges"`
}

// Node is one protocol in a Graph.
type Node struct {
	Name string `json:"name"`
	// Dimension is the protocol's main served dimension (its highest
	// quality, first declared on ties).
	Dimension string `json:"dimension"`
	// Usage is the number of live app-provider links at the snapshot.
	Usage float64 `json:"usage"`
}

// Edge is one interop route between Nodes A and B (indices into Nodes).
type Edge struct {
	A    int    `json:"a"`
	B    int    `json:"b"`
	Kind string `json:"kind"` // "standard", "hub" or "bridge"
	// Hub is the hub's name for a Kind "hub" edge (A and B are members of
	// it); "" otherwise, and in graphs saved before edges named their hub.
	Hub string `json:"hub,omitempty"`
}
