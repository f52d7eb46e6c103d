//go:build unix

package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// TestSecondInterruptEndsAtOnce: the first SIGINT cancels the command's
// context (legolab then writes its partial outputs and exits 130); a
// second one, while it is still finishing, ends the process at once with
// the default action. Before, every later Ctrl-C was swallowed until the
// command returned. The test re-runs its own binary as the helper below.
func TestSecondInterruptEndsAtOnce(t *testing.T) {
	if os.Getenv("LEGOLAB_SIGNAL_HELPER") == "1" {
		signalHelper()
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSecondInterruptEndsAtOnce$")
	cmd.Env = append(os.Environ(), "LEGOLAB_SIGNAL_HELPER=1")
	start := time.Now()
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("helper: err = %v; want it killed by SIGINT", err)
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGINT {
		t.Errorf("helper ended with %v; want killed by SIGINT (the second one)", ee)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Errorf("helper took %v; the second SIGINT should end it at once", d)
	}
}

// signalHelper receives one SIGINT as a cancelled context, then a second
// one while it "finishes" for 30 s: the second must end the process.
func signalHelper() {
	ctx, stop := notifyContext(context.Background(), os.Interrupt)
	defer stop()
	syscall.Kill(os.Getpid(), syscall.SIGINT)
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		os.Exit(3) // the first signal did not cancel
	}
	// The default action is back once stop has run, which the goroutine
	// does right after Done; give it a moment, then signal again.
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		syscall.Kill(os.Getpid(), syscall.SIGINT)
		time.Sleep(50 * time.Millisecond)
	}
	os.Exit(4) // the second signal was swallowed
}
