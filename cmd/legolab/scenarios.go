package main

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/legolab/legolab/scenarios"
)

func init() { commands = append(commands, newScenariosCmd) }

func newScenariosCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "scenarios",
		Short: "List the built-in scenarios",
		Long: `Scenarios lists the built-in scenarios, the default (` + scenarios.Default + `) first, each
with a one-line description. 'legolab scenarios show NAME' prints one as a
commented TOML file to start your own from:

  legolab scenarios show deai-2025 > examples/my.toml

Its first line, "#:schema ` + showSchemaPath + `", points editors
(Taplo, Even Better TOML) at the format's JSON Schema from a file one
directory below the repository root, as examples/ is; elsewhere, change the
path or use the URL docs/scenarios.md gives. 'legolab scenarios priors NAME'
tabulates a scenario's priors (a built-in's name or a file): key,
distribution, range, central value and source, and the priors a variant
replaces or adds.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
			for _, b := range scenarios.Builtins() {
				mark := ""
				if b.Name == scenarios.Default {
					mark = " (default)"
				}
				fmt.Fprintf(w, "%s\t%s%s\n", b.Name, b.Description, mark)
			}
			return w.Flush()
		},
	}
	c.AddCommand(&cobra.Command{
		Use:   "show NAME",
		Short: "Print a built-in scenario's TOML source",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			// An unknown name is bad input, as for legolab run: exit 1,
			// with the built-ins and a did-you-mean.
			src, err := scenarios.BuiltinSource(args[0])
			if err != nil {
				return err
			}
			_, err = e.stdout.Write(showSource(src))
			return err
		},
	})
	c.AddCommand(&cobra.Command{
		Use:   "priors NAME|FILE",
		Short: "Tabulate a scenario's priors with the source of each range",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			spec, err := scenarios.Open(args[0])
			if err != nil {
				return err
			}
			return printPriors(e.stdout, spec)
		},
	})
	return c
}

// printPriors writes the priors of s as a table: the first variant's (the
// base's without variants) in θ order, then, per later variant, the
// priors it replaces or adds. The central value is Sampler.Central's.
func printPriors(out io.Writer, s *scenarios.Spec) error {
	names := s.VariantNames()
	if len(names) == 0 {
		names = []string{"base"}
	}
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	var first []scenarios.Prior
	for i, v := range names {
		list, err := s.VariantPriors(v)
		if err != nil {
			return err
		}
		sm, err := s.Sampler(v)
		if err != nil {
			return err
		}
		// By key: a key a posterior carries is drawn from it, after the
		// priors.
		central := map[string]scenarios.Draw{}
		for _, d := range sm.Central() {
			central[d.Key] = d
		}
		carried := map[string]string{}
		for _, u := range sm.Posteriors() {
			for _, k := range u.Keys {
				carried[k] = u.From
			}
		}
		header := false
		for j, p := range list {
			if i > 0 && j < len(first) && reflect.DeepEqual(p, first[j]) {
				continue
			}
			if !header {
				if i == 0 {
					fmt.Fprintf(w, "%d priors (%s)\n", len(list), strings.Join(names, ", "))
					fmt.Fprintf(w, "key\tdist\trange\tcentral\tsource\n")
				} else {
					fmt.Fprintf(w, "in variant %s:\n", v)
				}
				header = true
			}
			if from, ok := carried[p.Key]; ok {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", p.Key, "posterior", "replaces "+p.Dist+" "+priorRange(p), centralText(central[p.Key]), "from "+from)
				continue
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", p.Key, p.Dist, priorRange(p), centralText(central[p.Key]), p.Source)
		}
		if i == 0 {
			for _, u := range sm.Posteriors() {
				fmt.Fprintf(w, "posterior %s (%d particles, ESS %.0f): %s; %s\n", u.From, u.Particles, u.ESS, strings.Join(u.Keys, ", "), u.Reason)
			}
		}
		if i == 0 {
			if len(list) == 0 {
				fmt.Fprintf(w, "no priors: every value is fixed\n")
			}
			first = list
		}
	}
	return w.Flush()
}

// centralText is a central value to four significant digits, or a
// choice's value in TOML syntax.
func centralText(d scenarios.Draw) string {
	if x, ok := d.Value.(float64); ok {
		return strconv.FormatFloat(x, 'g', 4, 64)
	}
	return d.Text()
}

// priorRange describes a prior's parameters in a few characters.
func priorRange(p scenarios.Prior) string {
	f := func(x *float64) string {
		if x == nil {
			return "?"
		}
		return strconv.FormatFloat(*x, 'g', 4, 64)
	}
	window := ""
	if p.Min != nil || p.Max != nil {
		lo, hi := "−∞", "∞"
		if p.Min != nil {
			lo = f(p.Min)
		}
		if p.Max != nil {
			hi = f(p.Max)
		}
		window = "[" + lo + ", " + hi + "]"
	}
	switch p.Dist {
	case "uniform", "loguniform":
		return window
	case "triangular":
		return window + " mode " + f(p.Mode)
	case "normal":
		return strings.TrimSpace(f(p.Mean) + " ± " + f(p.SD) + " " + window)
	case "lognormal":
		if p.Mu != nil {
			return strings.TrimSpace("log ~ " + f(p.Mu) + " ± " + f(p.Sigma) + " " + window)
		}
		return strings.TrimSpace(f(p.Mean) + " ± " + f(p.SD) + " " + window)
	case "beta":
		return strings.TrimSpace("a " + f(p.A) + ", b " + f(p.B) + " " + window)
	case "choice":
		vals := make([]string, len(p.Values))
		for i, v := range p.Values {
			vals[i] = scenarios.Draw{Value: v}.Text()
		}
		s := "{" + strings.Join(vals, ", ") + "}"
		if p.Weights != nil {
			ws := make([]string, len(p.Weights))
			for i, x := range p.Weights {
				ws[i] = strconv.FormatFloat(x, 'g', 4, 64)
			}
			s += " weights " + strings.Join(ws, ":")
		}
		return s
	}
	return ""
}

// showSchemaPath is the schema directive's path in `scenarios show`
// output: right for a copy one directory below the repository root
// (examples/my.toml), where users are told to keep their scenarios. The
// built-ins' own "../scenario.schema.json" is relative to
// scenarios/builtin/ and wrong anywhere else.
const showSchemaPath = "../scenarios/scenario.schema.json"

// showSource returns a built-in's source with its schema directive
// re-pointed for a user's copy.
func showSource(src []byte) []byte {
	const directive = "#:schema "
	if !bytes.HasPrefix(src, []byte(directive)) {
		return src
	}
	_, rest, _ := bytes.Cut(src, []byte("\n"))
	return append([]byte(directive+showSchemaPath+"\n"), rest...)
}
