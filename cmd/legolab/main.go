// Command legolab forecasts when decentralised AI gets its "Lego moment":
// it runs seeded Monte Carlo ensembles of an agent-based, discrete-event
// model of AI protocols, and reports when (a distribution of dates, with
// censoring) and why (sensitivity) they start composing.
//
// Usage:
//
//	legolab run [FILE|BUILTIN]      run an ensemble (default: the built-in deai-2025)
//	legolab validate FILE...        check scenario files
//	legolab scenarios [show|priors NAME]  list or print the built-ins, or tabulate priors
//	legolab report DIR              regenerate a run's report from its outputs
//	legolab sweep FILE              run a parameter sweep
//	legolab merge DIR... --out DIR  combine sweep shards
//	legolab calibrate FILE|NAME     fit a scenario's priors to history (ABC-SMC); --sbc N checks it
//	legolab check DIR               evaluate a run's or sweep's [[expect]] assertions
//	legolab version                 print the version
//
// Results go to stdout and files; progress and diagnostics to stderr. Exit
// status: 0 ok, 1 failure or invalid input, 2 usage error, 130 interrupted.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"syscall"

	"github.com/legolab/legolab/internal/termsafe"
	"github.com/legolab/legolab/scenarios"
	"github.com/spf13/cobra"
)

// version is the legolab version, set at build time with
// -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func init() {
	info, _ := debug.ReadBuildInfo()
	version = withPlatform(withRevision(version, info), runtime.GOARCH, info)
}

// withPlatform appends, as build metadata, the architecture a binary was
// built for when its outputs may differ from those of the default amd64
// build (GOAMD64=v1), whose bytes are the same on every amd64 processor
// (docs/outputs.md, Across machines): "amd64-v3" for a GOAMD64=v3 build,
// where Go fuses a·b + c into one rounding, "arm64" for an arm64 one. The
// version is part of a sweep's and a calibration's identity, so merge and
// resume then refuse to mix such a binary's shards or checkpoints with
// the default build's, naming the two versions.
func withPlatform(v, goarch string, info *debug.BuildInfo) string {
	tag := goarch
	if goarch == "amd64" {
		level := "v1"
		if info != nil {
			for _, st := range info.Settings {
				if st.Key == "GOAMD64" && st.Value != "" {
					level = st.Value
				}
			}
		}
		if level == "v1" {
			return v
		}
		tag = "amd64-" + level
	}
	if strings.Contains(v, "+") {
		return v + "." + tag
	}
	return v + "+" + tag
}

// withRevision appends the VCS revision the binary was built from, when
// its build info has one, as semver build metadata: "0.1.0-dev+0123456789ab",
// with ".dirty" when the tree had uncommitted changes. The revision is
// only stamped by `go build` of a checkout without -buildvcs=false, so
// it is often absent (go test, go run, GOFLAGS=-buildvcs=false); v is then
// returned as is. Either way the result is fixed for a given binary.
func withRevision(v string, info *debug.BuildInfo) string {
	if info == nil {
		return v
	}
	var rev string
	dirty := false
	for _, st := range info.Settings {
		switch st.Key {
		case "vcs.revision":
			rev = st.Value
		case "vcs.modified":
			dirty = st.Value == "true"
		}
	}
	if rev == "" {
		return v
	}
	rev = rev[:min(len(rev), 12)]
	if dirty {
		rev += ".dirty"
	}
	if strings.Contains(v, "+") {
		return v + "." + rev
	}
	return v + "+" + rev
}

// commands holds the subcommand constructors; each subcommand's file adds
// itself in an init function.
var commands []func(env *env) *cobra.Command

// env is what a subcommand may use of the process.
type env struct {
	stdout, stderr io.Writer
}

// usageError marks a malformed command line (an unknown flag, a value
// that does not parse, a missing argument): exit status 2. A well-formed
// flag with a bad value, such as --set openness=1.7 or --runs 0, is bad
// input: a plain error, exit status 1.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// errInterrupted reports a run stopped by a signal: exit status 130.
var errInterrupted = errors.New("interrupted")

// interruptedOr returns errInterrupted for an error that ctx's
// cancellation (Ctrl-C, SIGTERM) caused, and err itself otherwise.
func interruptedOr(ctx context.Context, err error) error {
	if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return errInterrupted
	}
	return err
}

// notifyContext is signal.NotifyContext, except that once the first
// signal has cancelled the context the signals get their default action
// back: the first Ctrl-C stops legolab with the partial outputs (exit
// 130), a second one ends it at once, as a kill would, for a stage that
// is still finishing (a run re-runs one replication per variant for its
// graphs). Every folder is kill-safe: a kill leaves the previous contents
// or a sweep's checkpoint.
func notifyContext(parent context.Context, sigs ...os.Signal) (context.Context, context.CancelFunc) {
	ctx, stop := signal.NotifyContext(parent, sigs...)
	go func() {
		<-ctx.Done()
		stop()
	}()
	return ctx, stop
}

// errSilent is a failure whose details were already printed: exit 1
// without another line.
var errSilent = errors.New("failed")

// gcPercent is the garbage collector's target when GOGC is not set. A
// replication allocates ~0.5 MB that dies with it while the live heap stays
// small (tens of MB), so the default of 100 collects very often; 400 cut
// the CPU of a two-worker sweep by ~15% for ~12 MB more memory (measured
// on deai-2025).
const gcPercent = 400

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := notifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes legolab with args and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	// Every print goes through the one terminal sanitiser: names and
	// values from input files may hold ESC, BEL or other controls.
	stdout, stderr = termsafe.NewWriter(stdout), termsafe.NewWriter(stderr)
	e := &env{stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:           "legolab",
		Short:         "Forecast when decentralised AI protocols start composing like money legos",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetArgs(args)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{err}
	})
	// --cpuprofile is for whoever tunes legolab (go tool pprof FILE), so
	// it is hidden from the help; it covers the whole subcommand.
	var cpuprofile string
	root.PersistentFlags().StringVar(&cpuprofile, "cpuprofile", "", "write a CPU profile of the command to `FILE`")
	_ = root.PersistentFlags().MarkHidden("cpuprofile")
	var prof *os.File
	root.PersistentPreRunE = func(c *cobra.Command, _ []string) error {
		if cpuprofile == "" {
			return nil
		}
		f, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		prof = f
		return nil
	}
	root.AddCommand(&cobra.Command{
		Use:   "version",
		Short: "Print the legolab version",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			fmt.Fprintln(stdout, "legolab", version)
			return nil
		},
	})
	for _, mk := range commands {
		root.AddCommand(mk(e))
	}
	// cobra adds its completion command at Execute, after markUsage; added
	// now, and runnable, its argument check runs and a shell it does not
	// know (legolab completion nosh) is a usage error, exit 2.
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.RunE = func(c *cobra.Command, _ []string) error { return c.Help() }
		}
	}
	completeBuiltins(root)
	markUsage(root)
	// Runnable, so that cobra checks the root's arguments with markUsage's
	// check rather than its own untyped one.
	root.RunE = func(c *cobra.Command, _ []string) error { return c.Help() }
	err := root.ExecuteContext(ctx)
	if prof != nil {
		pprof.StopCPUProfile()
		if cerr := prof.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("--cpuprofile: %w", cerr)
		}
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errInterrupted):
		fmt.Fprintln(stderr, "legolab: interrupted")
		return 130
	case errors.Is(err, errSilent):
		return 1
	case errors.As(err, new(usageError)):
		fmt.Fprintf(stderr, "legolab: %v\nRun 'legolab --help' for usage.\n", err)
		return 2
	default:
		fmt.Fprintf(stderr, "legolab: %v\n", err)
		return 1
	}
}

// completeBuiltins makes shell completion offer the built-in scenario
// names where a command takes one: run's argument and validate's (beside
// file names), and scenarios show's (alone).
func completeBuiltins(root *cobra.Command) {
	names := func(withFiles bool) cobra.CompletionFunc {
		return func(c *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
			dir := cobra.ShellCompDirectiveNoFileComp
			if withFiles {
				dir = cobra.ShellCompDirectiveDefault
			}
			if c.Name() != "validate" && len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var out []cobra.Completion
			for _, b := range scenarios.Builtins() {
				if strings.HasPrefix(b.Name, prefix) {
					out = append(out, cobra.CompletionWithDesc(b.Name, b.Description))
				}
			}
			return out, dir
		}
	}
	for _, c := range root.Commands() {
		switch c.Name() {
		case "run", "validate":
			c.ValidArgsFunction = names(true)
		case "scenarios":
			for _, sub := range c.Commands() {
				if sub.Name() == "show" {
					sub.ValidArgsFunction = names(false)
				}
			}
		}
	}
}

// markUsage makes the argument checks of c and its subcommands return
// usage errors, so that a wrong number of arguments or an unknown
// subcommand exits 2 by its type, not by its message. A command without
// checks gets cobra's own rule: no arguments when it has subcommands.
func markUsage(c *cobra.Command) {
	check := c.Args
	if check == nil && c.HasSubCommands() {
		check = func(c *cobra.Command, args []string) error {
			if len(args) > 0 {
				msg := fmt.Sprintf("unknown command %q for %q", args[0], c.CommandPath())
				if c.SuggestionsMinimumDistance <= 0 {
					c.SuggestionsMinimumDistance = 2 // cobra's default
				}
				if s := c.SuggestionsFor(args[0]); len(s) > 0 {
					msg += "\n\nDid you mean this?\n\t" + strings.Join(s, "\n\t")
				}
				return errors.New(msg)
			}
			return nil
		}
	}
	if check != nil {
		c.Args = func(c *cobra.Command, args []string) error {
			if err := check(c, args); err != nil {
				return usageError{err}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		markUsage(sub)
	}
}
