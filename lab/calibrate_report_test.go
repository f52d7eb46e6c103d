package lab

import (
	"github.com/legolab/legolab/reports"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRegenerateCalibrationReport checks that `legolab report` on a
// calibration folder rewrites the report calibrate wrote, byte for byte,
// and refuses a summary.json and posterior.csv that are not of one
// calibration.
func TestRegenerateCalibrationReport(t *testing.T) {
	path := writeSmall(t, "")
	dir := filepath.Join(t.TempDir(), "cal")
	if _, err := runSmall(t, path, dir, 1, nil); err != nil {
		t.Fatal(err)
	}
	want := readFolder(t, dir)
	for _, n := range []string{"report.html", "report.md"} {
		if err := os.Remove(filepath.Join(dir, n)); err != nil {
			t.Fatal(err)
		}
	}
	names, err := RegenerateReport(dir, reports.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 3 {
		t.Fatalf("wrote only %v", names)
	}
	sameFolders(t, "regenerated", want, readFolder(t, dir))

	// A posterior of other parameters: refused, naming both files.
	post := filepath.Join(dir, "posterior.csv")
	b := want["posterior.csv"]
	header, rest, _ := strings.Cut(string(b), "\n")
	cols := strings.Split(header, ",")
	cols[len(cols)-1] = "builders.app_lifetime_days"
	if err := os.WriteFile(post, []byte(strings.Join(cols, ",")+"\n"+rest), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = RegenerateReport(dir, reports.Options{})
	if err == nil || !strings.Contains(err.Error(), "not of one calibration") {
		t.Fatalf("a mismatched posterior.csv: got %v", err)
	}
	// A summary.json with a field legolab never writes: refused.
	if err := os.WriteFile(post, b, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := filepath.Join(dir, "summary.json")
	if err := os.WriteFile(sum, []byte(`{"name": "x", "bogus": 1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := RegenerateReport(dir, reports.Options{}); err == nil || !strings.Contains(err.Error(), "not a calibration summary") {
		t.Fatalf("a foreign summary.json: got %v", err)
	}
}
