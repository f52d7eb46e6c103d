package metrics

import "github.com/legolab/legolab/scenarios"

// The fixed observables, in output order. Per-dimension and per-hub
// observables follow them (see Observables). Each is documented in
// docs/model.md.
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
)

// fixedObservables lists the constants above in order; their indices are
// the observable's index in Observables.
var fixedObservables = []string{
	ObsComposability, ObsComposedShareNew, ObsComposedShare, ObsComposedApps, ObsComposedCum,
	ObsFullStackApps, ObsAppsLive, ObsBuildersCum, ObsOutsideShare, ObsLargestComponent,
	ObsComponents, ObsBridges, ObsHubShare, ObsLiveProtocols, ObsEmissions, ObsIncentives,
	ObsSubsidies, ObsFees, ObsHubFees, ObsExploits,
}

// Observables returns the names of the observables a replication of spec
// records, in their fixed order: the scenario-independent ones (composability_index
// ... exploits_cum), then hhi_<dimension> and live_standards_<dimension> for
// each dimension in declaration order, then hub_members_<hub> for each hub
// in declaration order.
func Observables(spec *scenarios.Spec) []string {
	names := make([]string, 0, len(fixedObservables)+2*len(spec.Dimensions)+len(spec.Hubs))
	names = append(names, fixedObservables...)
	for _, d := range spec.Dimensions {
		names = append(names, "hhi_"+d)
	}
	for _, d := range spec.Dimensions {
		names = append(names, "live_standards_"+d)
	}
	for _, h := range spec.Hubs {
		names = append(names, "hub_members_"+h.Name)
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
