package observe

import (
	"github.com/legolab/legolab/agents"
	"github.com/legolab/legolab/scenarios"
)

// Names of the scenario-independent observables, each documented in docs/model.md. Their
// order, and that of the per-dimension and per-hub families after them, is the one of the
// observables table below, not of this list.
const (
	ObsComposability    = "composability_index"
	ObsComposedShareNew = "composed_share_new"
	ObsComposedShare    = "composed_share_live"
	ObsComposedApps     = "composed_apps"
	ObsComposedCum      = "composed_cum"
	ObsFullStackApps    = "full_stack_apps"
	ObsAppsLive         = "apps_live"
	ObsBuildersCum      = "builders_cum"
	ObsOutsideShare     = "outside_share"
	ObsLargestComponent = "largest_component_share"
	ObsComponents       = "components"
	ObsBridges          = "bridges"
	ObsHubShare         = "hub_share"
	ObsLiveProtocols    = "live_protocols"
	ObsEmissions        = "emissions_kusd_cum"
	ObsIncentives       = "incentives_kusd_cum"
	ObsSubsidies        = "subsidies_kusd_cum"
	ObsFees             = "fees_kusd_cum"
	ObsHubFees          = "hub_fees_kusd_cum"
	ObsExploits         = "exploits_cum"
	ObsAdopters         = "adopters"
	ObsProtocolLinks    = "protocol_links"
)

// reading is what a reporter reads at one sample: the model's observation and the apps
// built since the previous sample.
type reading struct {
	*agents.Observation
	newApps, newComposed int
}

// scope says how many observables one row of the table stands for.
type scope int

const (
	perModel     scope = iota // one observable, named name
	perDimension              // name+dimension for each dimension, in declaration order
	perHub                    // name+hub for each hub, in declaration order
)

// reporter is one row of the observables table: an observable (or a family of them, one
// per dimension or hub, name being the prefix) and the function that reads its value,
// i being the dimension's or hub's index (0 for perModel).
type reporter struct {
	name   string
	scope  scope
	report func(r *reading, i int) float64
}

// observables is the one table of what a replication records, in output order, as Mesa's
// DataCollector keeps its model_reporters: adding an observable is adding a row (and
// documenting it in docs/model.md). The perModel rows come first; their number is
// scenarios.FixedObservables, which sizes the ensemble before any model exists (a test
// checks the two agree).
var observables = [...]reporter{
	{ObsComposability, perModel, func(r *reading, _ int) float64 { return r.Composability }},
	{ObsComposedShareNew, perModel, func(r *reading, _ int) float64 { return ratio(r.newComposed, r.newApps) }},
	{ObsComposedShare, perModel, func(r *reading, _ int) float64 { return ratio(r.ComposedLive, r.AppsLive) }},
	{ObsComposedApps, perModel, func(r *reading, _ int) float64 { return float64(r.ComposedLive) }},
	{ObsComposedCum, perModel, func(r *reading, _ int) float64 { return float64(r.ComposedCum) }},
	{ObsFullStackApps, perModel, func(r *reading, _ int) float64 { return float64(r.FullStackLive) }},
	{ObsAppsLive, perModel, func(r *reading, _ int) float64 { return float64(r.AppsLive) }},
	{ObsBuildersCum, perModel, func(r *reading, _ int) float64 { return float64(r.BuildersCum) }},
	{ObsOutsideShare, perModel, func(r *reading, _ int) float64 { return r.OutsideShare }},
	{ObsLargestComponent, perModel, func(r *reading, _ int) float64 { return r.LargestShare }},
	{ObsComponents, perModel, func(r *reading, _ int) float64 { return float64(r.Components) }},
	{ObsBridges, perModel, func(r *reading, _ int) float64 { return float64(r.Bridges) }},
	{ObsHubShare, perModel, func(r *reading, _ int) float64 { return r.HubShare }},
	{ObsLiveProtocols, perModel, func(r *reading, _ int) float64 { return float64(r.LiveProtocols) }},
	{ObsEmissions, perModel, func(r *reading, _ int) float64 { return r.EmissionsCum }},
	{ObsIncentives, perModel, func(r *reading, _ int) float64 { return r.IncentivesCum }},
	{ObsSubsidies, perModel, func(r *reading, _ int) float64 { return r.SubsidiesCum }},
	{ObsFees, perModel, func(r *reading, _ int) float64 { return r.FeesCum }},
	{ObsHubFees, perModel, func(r *reading, _ int) float64 { return r.HubFeesCum }},
	{ObsExploits, perModel, func(r *reading, _ int) float64 { return float64(r.Exploits) }},
	// Observation operators for the analog calibrations (docs/model.md,
	// Observation operators): a subnet count, and the positions a DeFi
	// value-locked proxy counts.
	{ObsAdopters, perModel, func(r *reading, _ int) float64 { return float64(r.Adopters) }},
	{ObsProtocolLinks, perModel, func(r *reading, _ int) float64 { return float64(r.ProtocolLinks) }},
	{"hhi_", perDimension, func(r *reading, d int) float64 { return r.HHI[d] }},
	{"live_standards_", perDimension, func(r *reading, d int) float64 { return float64(r.LiveStandards[d]) }},
	{"hub_members_", perHub, func(r *reading, h int) float64 { return float64(r.HubMembers[h]) }},
}

// record writes every observable of r, in the order of the observables table, to
// dst[off], dst[off+stride], dst[off+2·stride], ...: the values the table's reporters
// return, row by row (nDims values for a per-dimension row, nHubs for a per-hub one),
// computed by the same expressions but without an indirect call per value, which is
// most of what a full collector's sample cost on top of the observation. It must
// follow the table: adding a row is adding its value here too, which
// TestRecordFollowsTable checks on readings whose every field differs.
func (r *reading) record(dst []float64, off, stride, nDims, nHubs int) {
	put := func(v float64) {
		dst[off] = v
		off += stride
	}
	put(r.Composability)
	put(ratio(r.newComposed, r.newApps))
	put(ratio(r.ComposedLive, r.AppsLive))
	put(float64(r.ComposedLive))
	put(float64(r.ComposedCum))
	put(float64(r.FullStackLive))
	put(float64(r.AppsLive))
	put(float64(r.BuildersCum))
	put(r.OutsideShare)
	put(r.LargestShare)
	put(float64(r.Components))
	put(float64(r.Bridges))
	put(r.HubShare)
	put(float64(r.LiveProtocols))
	put(r.EmissionsCum)
	put(r.IncentivesCum)
	put(r.SubsidiesCum)
	put(r.FeesCum)
	put(r.HubFeesCum)
	put(float64(r.Exploits))
	put(float64(r.Adopters))
	put(float64(r.ProtocolLinks))
	for _, v := range r.HHI[:nDims] {
		put(v)
	}
	for _, v := range r.LiveStandards[:nDims] {
		put(float64(v))
	}
	for _, v := range r.HubMembers[:nHubs] {
		put(float64(v))
	}
}

// ratio is a/b, or 0 when b is 0 (a share of nothing).
func ratio(a, b int) float64 {
	if b > 0 {
		return float64(a) / float64(b)
	}
	return 0
}

// Observables returns the names of the observables a replication of spec records, in the
// order of the observables table: the scenario-independent ones (composability_index ...
// protocol_links), then hhi_<dimension> and live_standards_<dimension> for each dimension in
// declaration order, then hub_members_<hub> for each hub in declaration order.
func Observables(spec *scenarios.Spec) []string {
	names := make([]string, 0, scenarios.FixedObservables+2*len(spec.Dimensions)+len(spec.Hubs))
	for _, r := range observables {
		switch r.scope {
		case perModel:
			names = append(names, r.name)
		case perDimension:
			for _, d := range spec.Dimensions {
				names = append(names, r.name+d)
			}
		case perHub:
			for _, h := range spec.Hubs {
				names = append(names, r.name+h.Name)
			}
		}
	}
	return names
}

// ObservableIndex returns the index of name in names, or -1.
func ObservableIndex(names []string, name string) int {
	for i, n := range names {
		if n == name {
			return i
		}
	}
	return -1
}
