//go:build unix

package outdir

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestLock checks flock semantics on a folder: a second writer is refused
// at once with the holder's PID, readers share, a reader blocks a writer,
// and the last holder removes the lock file. flock conflicts between two
// opens of the file even in one process, so this exercises the OS lock.
func TestLock(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	w, err := LockExclusive(dir)
	if err != nil {
		t.Fatal(err)
	}
	var locked *LockedError
	_, err = LockExclusive(dir)
	if !errors.As(err, &locked) || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", os.Getpid())) || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("second writer: err %v; want a *LockedError naming pid %d", err, os.Getpid())
	}
	if _, err := LockShared(dir); !errors.As(err, &locked) {
		t.Fatalf("reader while a writer holds: err %v", err)
	}
	w.Release()
	lockFile := filepath.Join(filepath.Dir(dir), ".out.lock")
	if _, err := os.Stat(lockFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock file left after the writer: %v", err)
	}
	r1, err := LockShared(dir)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := LockShared(dir)
	if err != nil {
		t.Fatalf("second reader: %v", err)
	}
	if _, err := LockExclusive(dir); !errors.As(err, &locked) || !locked.Shared {
		t.Fatalf("writer while readers hold: err %v; want refused by readers", err)
	}
	r1.Release()
	if _, err := os.Stat(lockFile); err != nil {
		t.Errorf("the first reader out removed the lock file another reader holds: %v", err)
	}
	if _, err := LockExclusive(dir); err == nil {
		t.Fatal("writer while one reader holds: no error")
	}
	r2.Release()
	if _, err := os.Stat(lockFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock file left after the last reader: %v", err)
	}
	w, err = LockExclusive(dir)
	if err != nil {
		t.Fatalf("writer after everyone left: %v", err)
	}
	w.Release()
	w.Release() // a second release does nothing
}

// TestOwnedRefusesLinks checks that a planted link anywhere in an owned
// folder is refused and its target left alone.
func TestOwnedRefusesLinks(t *testing.T) {
	root := t.TempDir()
	dir, victim := filepath.Join(root, "r"), filepath.Join(root, "victim")
	os.MkdirAll(filepath.Join(dir, "plots"), 0o755)
	os.MkdirAll(victim, 0o755)
	os.WriteFile(filepath.Join(victim, "a.svg"), []byte("x"), 0o644)
	if err := WriteManifest(dir, &Manifest{Kind: KindRun, Files: []string{"plots/a.svg"}}); err != nil {
		t.Fatal(err)
	}
	for _, link := range []string{"plots/a.svg", "summary.json"} {
		p := filepath.Join(dir, filepath.FromSlash(link))
		os.Symlink(filepath.Join(victim, "a.svg"), p)
		if _, err := Owned(dir, KindRun); err == nil || !strings.Contains(err.Error(), "symbolic link") {
			t.Errorf("link %s: err %v; want it refused", link, err)
		}
		if err := Empty(dir, KindRun); err == nil {
			t.Errorf("Empty with link %s: no error", link)
		}
		os.Remove(p)
	}
	if b, err := os.ReadFile(filepath.Join(victim, "a.svg")); err != nil || string(b) != "x" {
		t.Errorf("link target changed: %q, %v", b, err)
	}
	// A manifest that is itself a link is no manifest.
	os.Remove(filepath.Join(dir, ManifestFile))
	os.Symlink(filepath.Join(victim, "a.svg"), filepath.Join(dir, ManifestFile))
	if _, err := Owned(dir, KindRun); err == nil {
		t.Error("a linked manifest was accepted")
	}
}

func TestCheckOut(t *testing.T) {
	root := t.TempDir()
	t.Chdir(root)
	os.WriteFile("file", nil, 0o644)
	os.Symlink("nowhere", "dangling")
	os.Mkdir("real", 0o755)
	os.Symlink("real", "link")
	for _, c := range []struct{ out, want string }{
		{".", "current directory"},
		{"..", "current directory"},
		{root, "current directory"},
		{"/", "root of the file system"},
		{"dangling", "dangling symbolic link"},
		{"link", "is a symbolic link"},
		{"file", "not a directory"},
		{"file/x", "not a directory"},
		{"new/deeper", ""},
		{"real", ""},
	} {
		err := CheckOut(c.out)
		if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("CheckOut(%q) = %v; want %q", c.out, err, c.want)
		}
	}
	if !Within("real/trace.jsonl", "real") || !Within("link/t", "real") || Within("realer/t", "real") || Within("t", "real") {
		t.Error("Within is wrong")
	}
}

// TestLockOtherProcess checks the lock between processes: a child holds
// the writer's lock, and this process is refused at once with the child's
// PID; after the child exits the lock is free.
func TestLockOtherProcess(t *testing.T) {
	if dir := os.Getenv("OUTDIR_LOCK_HOLDER"); dir != "" {
		l, err := LockExclusive(dir)
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println("locked")
		io.ReadAll(os.Stdin) // hold until the parent closes stdin
		l.Release()
		os.Exit(0)
	}
	dir := filepath.Join(t.TempDir(), "out")
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockOtherProcess$")
	cmd.Env = append(os.Environ(), "OUTDIR_LOCK_HOLDER="+dir)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if line != "locked\n" {
		stdin.Close()
		cmd.Wait()
		t.Fatalf("child: %q", line)
	}
	_, err := LockExclusive(dir)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("pid %d:", cmd.Process.Pid)) {
		t.Errorf("writer while another process holds: err %v; want pid %d named", err, cmd.Process.Pid)
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	l, err := LockExclusive(dir)
	if err != nil {
		t.Fatalf("after the holder exited: %v", err)
	}
	l.Release()
}
