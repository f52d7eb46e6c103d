package reports_test

import (
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/reports"
	"github.com/legolab/legolab/reports/reportstest"
)

var sampleDir = flag.String("sample", "", "write sample reports (one, four and no-Lego variants) under this folder for a visual check")

// TestSample writes sample reports for a person to look at (with a
// browser or a headless screenshot) when -sample is given.
func TestSample(t *testing.T) {
	if *sampleDir == "" {
		t.Skip("no -sample folder")
	}
	for name, d := range fixtures(1000) {
		dir := filepath.Join(*sampleDir, name)
		files, err := reports.Files(d)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, f := range files {
			p := filepath.Join(dir, filepath.FromSlash(f.Name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	charts, _ := sweepSamples()
	for name, mk := range charts {
		files, err := mk("sweep/" + name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, f := range files {
			p := filepath.Join(*sampleDir, filepath.FromSlash(f.Name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// fixtures are the report tests' ensembles: one variant, four variants,
// and one where nothing reaches the Lego moment, with runs replications.
func fixtures(runs int) map[string]*reports.Data {
	return map[string]*reports.Data{
		"one": reportstest.New(reportstest.Options{
			Scenario: "deai-2025", Horizon: 3650, Runs: runs, Seed: 42, Protocols: 30,
			Variants: []reportstest.Variant{{Name: "baseline", Description: "The six AI Layer 1s as of 2025, no hub.", Rate: 1.0 / 1500, Delay: 200}},
		}),
		"four": reportstest.New(reportstest.Options{
			Scenario: "deai-2025", Horizon: 3650, Runs: runs, Seed: 42, Protocols: 40,
			Variants: []reportstest.Variant{
				{Name: "baseline", Description: "The six AI Layer 1s as of 2025, no hub.", Rate: 1.0 / 4000, Delay: 300},
				{Name: "hub", Description: "A cross-protocol hub launches on day 180.", Rate: 1.0 / 900, Delay: 250,
					Set: []metrics.Parameter{{Key: "hubs.interlink.enabled", Value: "true"}, {Key: "hubs.interlink.launch_day", Value: "180"}}},
				{Name: "defacto", Description: "Bittensor offers its subnet standard with emissions.", Rate: 1.0 / 1600, Delay: 200,
					Set: []metrics.Parameter{{Key: "standards.offered_by", Value: `["Bittensor"]`}}},
				{Name: "both", Description: "Hub and de facto standard together.", Rate: 1.0 / 800, Delay: 150,
					Set: []metrics.Parameter{{Key: "hubs.interlink.enabled", Value: "true"}, {Key: "standards.offered_by", Value: `["Bittensor"]`}}},
			},
		}),
		"none": reportstest.New(reportstest.Options{
			Scenario: "siloed", Horizon: 1825, Runs: runs, Seed: 7, Protocols: 12,
			Variants: []reportstest.Variant{
				{Name: "silo", Description: "No interop at all."},
				{Name: "silo-subsidy", Description: "Liquidity mining without interop."},
			},
		}),
	}
}

// sweepSamples are example sweep charts: a heatmap of median dates with
// cells never reaching the Lego moment, Sobol indices, and a response
// curve per variant with bands.
func sweepSamples() (map[string]func(base string) ([]reports.File, error), error) {
	xs := []float64{50, 100, 200, 400, 800}
	ys := []float64{0.1, 0.3, 0.5, 0.7, 0.9}
	z := make([][]float64, len(ys))
	for i, y := range ys {
		for _, x := range xs {
			d := 400 + 3*x*(1-y)
			if d > 2500 {
				d = math.NaN()
			}
			z[i] = append(z[i], d)
		}
	}
	return map[string]func(string) ([]reports.File, error){
		"heatmap": func(base string) ([]reports.File, error) {
			return reports.Heatmap(base, reports.HeatmapChart{
				Title: "Median date of the Lego moment", XLabel: "hub adapter cost (k$)", YLabel: "mean openness (0–1)",
				ZLabel: "median Lego date", X: xs, Y: ys, Z: z, ZStart: "2025-01-01", NaNLabel: "not reached",
			})
		},
		"sobol": func(base string) ([]reports.File, error) {
			return reports.SensitivityBars(base, reports.SensitivityChart{
				Title: "What drives the date of the Lego moment (Sobol indices)", ValueLabel: "share of variance (0–1)",
				Params: []string{"hubs.interlink.adapter_cost", "builders.bass_q", "protocols.openness", "lego.window_days"},
				Series: []reports.BarSeries{
					{Name: "first-order S1", Value: []float64{0.31, 0.44, 0.02, 0}, Lo: []float64{0.27, 0.4, -0.01, -0.02}, Hi: []float64{0.35, 0.48, 0.05, 0.02}},
					{Name: "total ST", Value: []float64{0.56, 0.44, 0.24, 0.01}, Lo: []float64{0.5, 0.41, 0.2, 0}, Hi: []float64{0.6, 0.47, 0.28, 0.03}},
				},
			})
		},
		"response": func(base string) ([]reports.File, error) {
			var curves []reports.Curve
			for k, name := range []string{"hub", "defacto"} {
				c := reports.Curve{Name: name}
				for _, x := range []float64{0, 90, 180, 365, 730} {
					y := 700 + float64(k)*300 + 0.8*x
					c.X, c.Y = append(c.X, x), append(c.Y, y)
					c.Lo, c.Hi = append(c.Lo, y-60-0.1*x), append(c.Hi, y+80+0.1*x)
				}
				curves = append(curves, c)
			}
			return reports.ResponseCurve(base, reports.ResponseChart{
				Title: "Median Lego date by hub launch day", XLabel: "hub launch day (days after start)",
				YLabel: "median Lego date", YStart: "2025-01-01", Curves: curves,
			})
		},
	}, nil
}
