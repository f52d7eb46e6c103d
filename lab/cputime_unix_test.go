//go:build unix

package lab

import (
	"syscall"
	"testing"
	"time"
)

// cpuTime returns the process's user plus system CPU time. On a shared,
// oversubscribed machine it moves far less than wall time, so benchmarks
// report it per op beside ns/op.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the CPU time per op since start as "cpu-ns/op".
func reportCPU(b *testing.B, start time.Duration, n int) {
	if d := cpuTime() - start; d > 0 && n > 0 {
		b.ReportMetric(float64(d.Nanoseconds())/float64(n), "cpu-ns/op")
	}
}
