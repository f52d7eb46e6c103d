package main

import (
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/legolab/legolab/lab"
	"github.com/legolab/legolab/reports"
)

// pandasPython returns a Python interpreter that can import pandas (the
// one on PATH, else Debian's /usr/bin/python3), or "".
func pandasPython() string {
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if p, err := exec.LookPath(py); err == nil && exec.Command(p, "-c", "import pandas").Run() == nil {
			return p
		}
	}
	return ""
}

// interopFolders writes a small run folder and sweep folder, and the
// sweep's --plan CSV, and returns the CSV files by name.
func interopFolders(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	scen := write("tiny.toml", cliScenario)
	sw := write("cli.toml", cliSweep)
	ctx := context.Background()
	runDir, sweepDir := filepath.Join(dir, "run"), filepath.Join(dir, "sweep")
	if code, _, stderr := sweepCLI(ctx, "run", scen, "--runs", "6", "--seed", "9007199254740993", "--out", runDir, "--no-report", "--quiet"); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	if code, _, stderr := sweepCLI(ctx, "sweep", sw, "--replications", "2", "--out", sweepDir, "--no-report", "--quiet"); code != 0 {
		t.Fatalf("sweep: exit %d: %s", code, stderr)
	}
	code, plan, stderr := sweepCLI(ctx, "sweep", sw, "--plan")
	if code != 0 {
		t.Fatalf("sweep --plan: exit %d: %s", code, stderr)
	}
	// 2^53+1: a double would read it as 2^53.
	return map[string]string{
		"runs.csv":        filepath.Join(runDir, reports.RunsFile),
		"series.csv":      filepath.Join(runDir, reports.SeriesFile),
		"points.csv":      filepath.Join(sweepDir, lab.PointsFile),
		"sensitivity.csv": filepath.Join(sweepDir, lab.SensitivityFile),
		"plan.csv":        write("plan.csv", plan),
	}
}

// csvHeader returns the first line of a CSV file, split.
func csvHeader(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h, err := csv.NewReader(f).Read()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// wantType is the type a column must load as: by pandas (with seed read
// as a string, the documented dtype) and by R's read.csv (with
// colClasses seed = "character"). "" leaves a column unchecked.
func wantType(file, col string) (pandas, r string) {
	switch {
	case col == "seed":
		return "object", "character"
	case col == "censored" || col == "left_truncated":
		return "bool", "logical"
	case col == "variant" || col == "metric" || col == "date" || col == "outcome" || col == "param" || col == "method" || col == "block":
		return "", "" // text, or empty (block of a sobol point is A, B, AB1...)
	case col == "note":
		return "", ""
	case col == "point" || col == "replication" || strings.HasPrefix(col, "reached."):
		return "int64", "integer"
	}
	// Every other column is a number: a whole-valued column may load
	// as an integer type, a column with NA or empty cells as a double.
	return "number", "number"
}

// typeIs reports whether a loaded type is the wanted one; "number" is
// any numeric type.
func typeIs(got, want string) bool {
	if want == "number" {
		switch got {
		case "int64", "float64", "integer", "numeric":
			return true
		}
	}
	return got == want
}

// TestCSVReadByPandasAndR reads every CSV legolab writes with pandas and
// with R's read.csv, where they are installed (Debian python3-pandas,
// r-base-core), and checks that booleans load as booleans, numbers as
// numbers, seeds exactly as strings, and that R keeps every header.
func TestCSVReadByPandasAndR(t *testing.T) {
	py := pandasPython()
	rs, rerr := exec.LookPath("Rscript")
	if py == "" && rerr != nil {
		t.Skip("neither pandas (python3-pandas) nor R (r-base-core) is installed")
	}
	if testing.Short() {
		t.Skip("runs a sweep; skipped with -short")
	}
	files := interopFolders(t)
	names := []string{"runs.csv", "series.csv", "points.csv", "sensitivity.csv", "plan.csv"}
	for _, name := range names {
		path := files[name]
		header := csvHeader(t, path)
		if py == "" {
			t.Log("pandas not installed (python3-pandas): pandas checks skipped")
		} else {
			out, err := exec.Command(py, "-c", `
import sys, pandas as pd
d = pd.read_csv(sys.argv[1], dtype={"seed": str} if "seed" in pd.read_csv(sys.argv[1], nrows=0).columns else None)
for c in d.columns:
    print(c + "\t" + str(d[c].dtype))
if "seed" in d.columns:
    print("SEEDS\t" + ",".join(d["seed"]))
`, path).CombinedOutput()
			if err != nil {
				t.Fatalf("%s: pandas: %v\n%s", name, err, out)
			}
			checkLoaded(t, "pandas", name, path, header, string(out), func(c string) string { p, _ := wantType(name, c); return p })
		}
		if rerr != nil {
			t.Log("R not installed (r-base-core): R checks skipped")
			continue
		}
		out, err := exec.Command(rs, "-e", `
a <- commandArgs(TRUE)
h <- names(read.csv(a[1], nrows = 1, check.names = FALSE))
cc <- if ("seed" %in% h) c(seed = "character") else NA
d <- read.csv(a[1], colClasses = cc)
for (c in names(d)) cat(c, "\t", class(d[[c]]), "\n", sep = "")
if ("seed" %in% names(d)) cat("SEEDS\t", paste(d$seed, collapse = ","), "\n", sep = "")
`, path).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: R: %v\n%s", name, err, out)
		}
		checkLoaded(t, "R", name, path, header, string(out), func(c string) string { _, r := wantType(name, c); return r })
	}
}

// checkLoaded compares what a reader printed ("column\ttype" lines, then
// "SEEDS\t" and the seeds) with the file: the same column names in the
// same order, each of its wanted type, and the seeds digit for digit.
func checkLoaded(t *testing.T, reader, name, path string, header []string, out string, want func(string) string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// missing reports whether column k has no value at all: R reads such
	// a column as logical (all NA), whatever it would hold.
	missing := func(k string) bool {
		for i, h := range header {
			if h != k {
				continue
			}
			for _, r := range recs[1:] {
				if r[i] != "" && r[i] != "NA" {
					return false
				}
			}
			return true
		}
		return false
	}
	var cols, seeds []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		k, v, ok := strings.Cut(line, "\t")
		if !ok {
			continue
		}
		if k == "SEEDS" {
			seeds = strings.Split(v, ",")
			continue
		}
		cols = append(cols, k)
		if w := want(k); w != "" && !typeIs(v, w) && !(v == "logical" && missing(k)) {
			t.Errorf("%s reads %s column %s as %s; want %s", reader, name, k, v, w)
		}
	}
	if strings.Join(cols, ",") != strings.Join(header, ",") {
		t.Errorf("%s reads %s with columns\n%v\nwant the header\n%v", reader, name, cols, header)
	}
	if seeds != nil {
		col := -1
		for i, h := range header {
			if h == "seed" {
				col = i
			}
		}
		if len(seeds) != len(recs)-1 {
			t.Fatalf("%s read %d seeds from %s; want %d", reader, len(seeds), name, len(recs)-1)
		}
		for i, s := range seeds {
			if s != recs[i+1][col] {
				t.Errorf("%s reads %s seed %d as %s; want %s", reader, name, i, s, recs[i+1][col])
			}
		}
	}
}
