package validate

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// dir is deploy/kubernetes, and repo the repository's root.
const (
	dir  = ".."
	repo = "../../.."
)

// decode reads a manifest strictly: a field the API type does not have
// (a typo, a wrong level of indentation) is an error, as the API server's
// strict field validation makes it.
func decode(t *testing.T, name string, into any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalStrict(data, into); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func loadJob(t *testing.T, name string) *batchv1.Job {
	t.Helper()
	var j batchv1.Job
	decode(t, name, &j)
	if j.APIVersion != "batch/v1" || j.Kind != "Job" {
		t.Fatalf("%s: apiVersion %q kind %q; want batch/v1 Job", name, j.APIVersion, j.Kind)
	}
	return &j
}

func envValue(c corev1.Container, name string) (string, bool) {
	for _, e := range c.Env {
		if e.Name == name {
			return e.Value, true
		}
	}
	return "", false
}

// checkJob checks what both Jobs need: a generated name, cleanup after a
// TTL, no overlapping replacement pods, one container hardened, every
// volume mount backed by a volume.
func checkJob(t *testing.T, name string, j *batchv1.Job) {
	t.Helper()
	if j.Name != "" || j.GenerateName == "" {
		t.Errorf("%s: name %q, generateName %q; want a generated name, so that a re-run needs no clean-up", name, j.Name, j.GenerateName)
	}
	if j.Spec.TTLSecondsAfterFinished == nil || *j.Spec.TTLSecondsAfterFinished <= 0 {
		t.Errorf("%s: no ttlSecondsAfterFinished: finished Jobs with generated names would pile up", name)
	}
	if p := j.Spec.PodReplacementPolicy; p == nil || *p != batchv1.Failed {
		t.Errorf("%s: podReplacementPolicy %v; want Failed", name, p)
	}
	ps := j.Spec.Template.Spec
	if ps.RestartPolicy != corev1.RestartPolicyNever {
		t.Errorf("%s: restartPolicy %q; want Never", name, ps.RestartPolicy)
	}
	sc := ps.SecurityContext
	if sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot {
		t.Errorf("%s: the pod's securityContext lacks runAsNonRoot: true", name)
	}
	if sc == nil || sc.RunAsUser == nil || *sc.RunAsUser == 0 {
		t.Errorf("%s: the pod's securityContext lacks a non-zero runAsUser", name)
	}
	if sc == nil || sc.SeccompProfile == nil || sc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("%s: the pod's seccompProfile is not RuntimeDefault", name)
	}
	if len(ps.Containers) != 1 {
		t.Fatalf("%s: %d containers; want 1", name, len(ps.Containers))
	}
	c := ps.Containers[0]
	cs := c.SecurityContext
	switch {
	case cs == nil:
		t.Errorf("%s: container %s has no securityContext", name, c.Name)
	default:
		if cs.ReadOnlyRootFilesystem == nil || !*cs.ReadOnlyRootFilesystem {
			t.Errorf("%s: container %s: readOnlyRootFilesystem is not true", name, c.Name)
		}
		if cs.AllowPrivilegeEscalation == nil || *cs.AllowPrivilegeEscalation {
			t.Errorf("%s: container %s: allowPrivilegeEscalation is not false", name, c.Name)
		}
		if cs.Capabilities == nil || len(cs.Capabilities.Drop) != 1 || cs.Capabilities.Drop[0] != "ALL" || len(cs.Capabilities.Add) != 0 {
			t.Errorf("%s: container %s: capabilities %+v; want drop [ALL], add none", name, c.Name, cs.Capabilities)
		}
	}
	vols := map[string]corev1.Volume{}
	for _, v := range ps.Volumes {
		vols[v.Name] = v
	}
	for _, m := range c.VolumeMounts {
		if _, ok := vols[m.Name]; !ok {
			t.Errorf("%s: volumeMount %s has no volume", name, m.Name)
		}
	}
	if v, ok := vols["results"]; !ok || v.PersistentVolumeClaim == nil || v.PersistentVolumeClaim.ClaimName != pvcName(t) {
		t.Errorf("%s: the results volume is not the claim of results-pvc.yaml", name)
	}
	if len(c.Command) != 2 || c.Command[0] != "/bin/sh" || c.Command[1] != "-c" || len(c.Args) != 1 {
		t.Errorf("%s: command %q args %d; want /bin/sh -c and one script", name, c.Command, len(c.Args))
	}
}

func pvcName(t *testing.T) string {
	t.Helper()
	var pvc corev1.PersistentVolumeClaim
	decode(t, "results-pvc.yaml", &pvc)
	return pvc.Name
}

func TestManifests(t *testing.T) {
	var pvc corev1.PersistentVolumeClaim
	decode(t, "results-pvc.yaml", &pvc)
	if pvc.Kind != "PersistentVolumeClaim" || pvc.Name == "" {
		t.Errorf("results-pvc.yaml: kind %q name %q", pvc.Kind, pvc.Name)
	}
	if len(pvc.Spec.AccessModes) != 1 || pvc.Spec.AccessModes[0] != corev1.ReadWriteMany {
		t.Errorf("results-pvc.yaml: accessModes %v; want [ReadWriteMany]: the shards write from several nodes at once", pvc.Spec.AccessModes)
	}

	sweep := loadJob(t, "sweep-job.yaml")
	checkJob(t, "sweep-job.yaml", sweep)
	s := sweep.Spec
	if s.CompletionMode == nil || *s.CompletionMode != batchv1.IndexedCompletion {
		t.Errorf("sweep-job.yaml: completionMode %v; want Indexed", s.CompletionMode)
	}
	if s.Completions == nil || *s.Completions < 1 {
		t.Fatalf("sweep-job.yaml: completions %v; want >= 1", s.Completions)
	}
	if s.BackoffLimitPerIndex == nil || s.MaxFailedIndexes == nil {
		t.Errorf("sweep-job.yaml: want backoffLimitPerIndex and maxFailedIndexes, so a shard is retried alone")
	}
	n := strconv.Itoa(int(*s.Completions))
	if v, _ := envValue(s.Template.Spec.Containers[0], "LEGOLAB_SHARD_COUNT"); v != n {
		t.Errorf("sweep-job.yaml: LEGOLAB_SHARD_COUNT %q; want completions %s", v, n)
	}
	merge := loadJob(t, "merge-job.yaml")
	checkJob(t, "merge-job.yaml", merge)
	if v, _ := envValue(merge.Spec.Template.Spec.Containers[0], "LEGOLAB_SHARD_COUNT"); v != n {
		t.Errorf("merge-job.yaml: LEGOLAB_SHARD_COUNT %q; want the sweep's completions %s", v, n)
	}
	if b := merge.Spec.BackoffLimit; b == nil || *b != 0 {
		t.Errorf("merge-job.yaml: backoffLimit %v; want 0 (a failed merge fails for a reason a retry does not fix)", b)
	}
}

// TestDecodeIsStrict makes sure a misspelt field fails decoding, so that
// TestManifests would catch one.
func TestDecodeIsStrict(t *testing.T) {
	var j batchv1.Job
	err := yaml.UnmarshalStrict([]byte("apiVersion: batch/v1\nkind: Job\nspec:\n  podReplacmentPolicy: Failed\n"), &j)
	if err == nil || !strings.Contains(err.Error(), "podReplacmentPolicy") {
		t.Fatalf("err = %v; want an unknown-field error naming podReplacmentPolicy", err)
	}
}

// pod runs a Job's container script as Kubernetes would start it: /bin/sh
// -c with the container's env, JOB_COMPLETION_INDEX for an Indexed Job's
// pod, and the volumes' mount paths mapped to folders under root.
type pod struct {
	t    *testing.T
	root string // holds sweep/ and results/
	bin  string // holds legolab
}

func (p pod) run(j *batchv1.Job, index int) (string, error) {
	c := j.Spec.Template.Spec.Containers[0]
	script := c.Args[0]
	for _, m := range c.VolumeMounts {
		script = strings.ReplaceAll(script, m.MountPath+"/", filepath.Join(p.root, strings.TrimPrefix(m.MountPath, "/"))+"/")
	}
	env := []string{"PATH=" + p.bin + ":/usr/bin:/bin", "HOSTNAME=pod-" + strconv.Itoa(index)}
	for _, e := range c.Env {
		switch {
		case e.ValueFrom == nil:
			env = append(env, e.Name+"="+e.Value)
		case e.ValueFrom.ResourceFieldRef != nil && e.ValueFrom.ResourceFieldRef.Resource == "limits.cpu":
			// Divisor 1: the limit rounded up to whole CPUs.
			q := c.Resources.Limits[corev1.ResourceCPU]
			env = append(env, e.Name+"="+strconv.FormatInt(q.Value(), 10))
		default:
			p.t.Fatalf("env %s: a valueFrom the simulation does not know", e.Name)
		}
	}
	if j.Spec.CompletionMode != nil && *j.Spec.CompletionMode == batchv1.IndexedCompletion {
		env = append(env, "JOB_COMPLETION_INDEX="+strconv.Itoa(index))
	}
	cmd := exec.Command(c.Command[0], append(c.Command[1:], script)...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestSimulatedPods runs the sweep Job's pods, one per index, and the merge
// Job's, and compares the merged folder with a whole `legolab sweep` byte
// for byte; before that, the merge must fail naming a shard whose pod has
// not run and one whose pod was cut off after a point (as a kill leaves
// it), and the retried pods must resume them. What this does not run: the
// API server, the scheduler, the Job controller's retries, the image.
func TestSimulatedPods(t *testing.T) {
	if testing.Short() {
		t.Skip("builds legolab and runs a sweep")
	}
	root := t.TempDir()
	bin := filepath.Join(root, "bin")
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "legolab"), "./cmd/legolab")
	build.Dir = repo
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// The ConfigMap: examples/sweep-small.toml as sweep.toml.
	sweepFile, err := os.ReadFile(filepath.Join(repo, "examples", "sweep-small.toml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"sweep", "results"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, "sweep", "sweep.toml"), sweepFile, 0o644); err != nil {
		t.Fatal(err)
	}
	whole := filepath.Join(root, "whole")
	if out, err := exec.Command(filepath.Join(bin, "legolab"), "sweep", filepath.Join(root, "sweep", "sweep.toml"), "--out", whole, "--quiet").CombinedOutput(); err != nil {
		t.Fatalf("whole sweep: %v\n%s", err, out)
	}

	p := pod{t, root, bin}
	sweep, merge := loadJob(t, "sweep-job.yaml"), loadJob(t, "merge-job.yaml")
	n := int(*sweep.Spec.Completions)
	const notRun, cut = 2, 5
	for i := range n {
		if i == notRun {
			continue
		}
		out, err := p.run(sweep, i)
		if err != nil {
			t.Fatalf("sweep pod %d: %v\n%s", i, err, out)
		}
		if want := "shard " + strconv.Itoa(i+1) + "/" + strconv.Itoa(n); !strings.Contains(out, want) {
			t.Errorf("sweep pod %d's log %q does not name %s", i, out, want)
		}
	}
	// Cut shard `cut` back to its checkpoint's header and first point.
	cutDir := filepath.Join(root, "results", "shard-"+strconv.Itoa(cut))
	ck, err := os.ReadFile(filepath.Join(cutDir, "checkpoint.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(ck, []byte("\n"))
	if len(lines) < 3 {
		t.Fatalf("shard %d's checkpoint has %d lines; want a header and 2 points or more", cut, len(lines))
	}
	// A killed pod leaves what a sweep has written by then: its folder's
	// marker, listing only the checkpoint, and the checkpoint so far.
	var marker map[string]any
	if data, err := os.ReadFile(filepath.Join(cutDir, ".legolab.json")); err != nil {
		t.Fatal(err)
	} else if err := json.Unmarshal(data, &marker); err != nil {
		t.Fatal(err)
	}
	marker["files"] = []string{"checkpoint.jsonl"}
	markerData, err := json.MarshalIndent(marker, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(cutDir); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(cutDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cutDir, ".legolab.json"), append(markerData, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cutDir, "checkpoint.jsonl"), bytes.Join(lines[:2], nil), 0o644); err != nil {
		t.Fatal(err)
	}

	out, err := p.run(merge, 0)
	if err == nil {
		t.Fatalf("the merge pod succeeded with shard %d missing and %d unfinished:\n%s", notRun+1, cut+1, out)
	}
	for _, want := range []string{"shard-" + strconv.Itoa(notRun) + ": no checkpoint.jsonl: this shard has not started", "shard-" + strconv.Itoa(cut) + " (shard " + strconv.Itoa(cut+1) + "/" + strconv.Itoa(n) + ") is unfinished"} {
		if !strings.Contains(out, want) {
			t.Errorf("the failed merge's log does not say %q:\n%s", want, out)
		}
	}

	// The re-created sweep Job: every pod again; finished shards resume and end.
	for i := range n {
		if out, err := p.run(sweep, i); err != nil {
			t.Fatalf("re-run sweep pod %d: %v\n%s", i, err, out)
		}
	}
	if out, err := p.run(merge, 0); err != nil {
		t.Fatalf("merge pod after the re-run: %v\n%s", err, out)
	}
	sameTree(t, whole, filepath.Join(root, "results", "merged"))
}

// sameTree compares two folders file by file, byte for byte.
func sameTree(t *testing.T, want, got string) {
	t.Helper()
	files := func(root string) map[string][]byte {
		m := map[string][]byte{}
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(path)
			rel, _ := filepath.Rel(root, path)
			m[rel] = b
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	w, g := files(want), files(got)
	for name, b := range w {
		gb, ok := g[name]
		switch {
		case !ok:
			t.Errorf("merged folder lacks %s", name)
		case !bytes.Equal(gb, b):
			t.Errorf("merged %s differs from the whole sweep's", name)
		}
	}
	for name := range g {
		if _, ok := w[name]; !ok {
			t.Errorf("merged folder has %s, the whole sweep not", name)
		}
	}
	if len(w) == 0 {
		t.Error("the whole sweep wrote no files")
	}
}

// TestWaitScript runs wait.sh against a stand-in kubectl that reports the
// Job's conditions, for each way a Job can end.
func TestWaitScript(t *testing.T) {
	root := t.TempDir()
	fake := filepath.Join(root, "kubectl")
	// The stand-in prints $CONDS for the conditions query and a reason or
	// failed indexes for the others.
	script := `#!/bin/sh
case "$*" in
  *'@.status=="True"'*) printf '%s' "$CONDS" ;;
  *failedIndexes*) printf '3' ;;
  *reason*) printf 'FailedIndexes: Job has failed indexes' ;;
esac
[ -z "$BROKEN" ]
`
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, conds, broken string
		rc                  int
		out                 string
	}{
		{"complete", "SuccessCriteriaMet Complete", "", 0, "Complete"},
		{"failed", "FailureTarget Failed", "", 1, "failed indexes: 3"},
		{"running, timeout 0", "", "", 124, "has not ended"},
		{"no such job", "", "1", 2, "cannot read"},
	} {
		cmd := exec.Command("sh", filepath.Join(dir, "wait.sh"), "job/legolab-sweep-abcde", "0")
		cmd.Env = append(os.Environ(), "KUBECTL="+fake, "CONDS="+c.conds, "BROKEN="+c.broken, "INTERVAL=0")
		out, _ := cmd.CombinedOutput()
		if rc := cmd.ProcessState.ExitCode(); rc != c.rc || !strings.Contains(string(out), c.out) {
			t.Errorf("%s: exit %d, output %q; want exit %d and %q", c.name, rc, out, c.rc, c.out)
		}
	}
}
