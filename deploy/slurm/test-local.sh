#!/bin/bash
# The Slurm recipe, end to end, on a one-node cluster on this machine:
#
#   sudo deploy/slurm/test-local.sh        # or as root; .ci/run runs it
#
# 1. installs slurm-wlm and munge from the distribution (apt-get) if missing;
# 2. starts munged, slurmctld and slurmd on localhost, the node sized from
#    nproc and /proc/meminfo, on free ports, everything under one temp dir;
# 3. runs deploy/slurm/submit.sh, sweep.sbatch and merge.sbatch, unchanged,
#    on examples/sweep-small.toml in 3 shards and checks that the merged
#    folder equals a whole `legolab sweep` byte for byte;
# 4. kills one array task with SIGKILL mid-run, checks that the merge fails
#    naming that shard, recovers it with the command deploy/README.md gives
#    (submit.sh --only K ...) and checks the merge again byte for byte;
# 5. stops its daemons by PID and removes the temp dir (KEEP=1 keeps it).
#
# A task of sweep-small runs for a fraction of a second, too short to be
# killed mid-run, so step 4 uses a copy of it with 10 times the
# replications (the sweep file is the only thing that differs).
#
# Needs root (slurmd runs jobs as their submitter and munged's key must be
# its own), Go, and apt-get when the packages are not installed yet. Exits
# 77 when it cannot run here, 1 when a check fails.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
SHARDS=3
VICTIM=2        # the task that is killed
TIMEOUT=${TIMEOUT:-240}   # seconds to wait for any batch of jobs

say() { printf '[slurm-test %3ds] %s\n' "$SECONDS" "$*"; }
die() { say "FAIL: $*"; exit 1; }

if [ "$(id -u)" -ne 0 ]; then
  echo "slurm-test: needs root (to run slurmd and munged); not run" >&2
  exit 77
fi
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  if ! command -v apt-get >/dev/null; then
    echo "slurm-test: slurm-wlm and munge are not installed and there is no apt-get; not run" >&2
    exit 77
  fi
  say "installing slurm-wlm and munge (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi

T=$(mktemp -d /tmp/legolab-slurm.XXXXXX)
mkdir -p "$T/etc" "$T/munge" "$T/state" "$T/spool" "$T/log" "$T/bin" "$T/work" "$T/results"
chmod 700 "$T/munge"
export SLURM_CONF=$T/etc/slurm.conf

stop_pid() { # name pidfile
  local pid
  [ -s "$2" ] || return 0
  pid=$(cat "$2")
  kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || { say "stopped $1 (pid $pid)"; return 0; }
    sleep 0.2
  done
  say "$1 (pid $pid) still running after 10 s: SIGKILL"
  kill -9 "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  set +e
  if [ -s "$T/slurmctld.pid" ] && kill -0 "$(cat "$T/slurmctld.pid")" 2>/dev/null; then
    scancel --quiet --user=root 2>/dev/null   # this cluster's jobs only (SLURM_CONF)
  fi
  if [ "$rc" -ne 0 ]; then
    say "exit $rc; the logs:"
    for f in "$T"/log/*.log "$T"/work/*.log; do
      [ -f "$f" ] && { echo "--- $f"; tail -n 30 "$f"; }
    done
  fi
  stop_pid slurmd "$T/slurmd.pid"
  stop_pid slurmctld "$T/slurmctld.pid"
  stop_pid munged "$T/munge/munged.pid"
  if [ "${KEEP:-}" = 1 ]; then say "kept $T"; else rm -rf "$T"; fi
  exit "$rc"
}
trap cleanup EXIT

# free_port prints a TCP port nothing listens on, from a range seeded by our PID.
free_port() {
  local p=$((20000 + ($$ * 7 + $1 * 101) % 30000))
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}

# --- the cluster
node=$(hostname -s)
cpus=$(nproc)
mem=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.8 }' /proc/meminfo)
ctld_port=$(free_port 1)
slurmd_port=$(free_port 2)
[ "$ctld_port" != "$slurmd_port" ] || slurmd_port=$((slurmd_port + 1))

say "munged"
mungekey --create --keyfile="$T/munge/munge.key" >/dev/null
chmod 600 "$T/munge/munge.key"
munged --force --socket="$T/munge/munge.socket" --key-file="$T/munge/munge.key" \
  --pid-file="$T/munge/munged.pid" --log-file="$T/log/munged.log" --seed-file="$T/munge/munged.seed"
for _ in $(seq 1 50); do [ -S "$T/munge/munge.socket" ] && break; sleep 0.1; done
munge --socket="$T/munge/munge.socket" -n | unmunge --socket="$T/munge/munge.socket" >/dev/null ||
  die "munge cannot encode and decode a credential"

cat >"$SLURM_CONF" <<EOF
# A one-node cluster for deploy/slurm/test-local.sh.
ClusterName=legolab-test
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$T/munge/munge.socket
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
ReturnToService=2
KillWait=5
MinJobAge=3600
InactiveLimit=0
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF

say "slurmctld on port $ctld_port, slurmd on $slurmd_port: node $node with $cpus CPUs, $mem MiB"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF" -N "$node"
for _ in $(seq 1 100); do
  state=$(sinfo --noheader --format=%T 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.3
done
[ "$state" = idle ] || die "the node is not idle after 30 s (state '$state')"
say "the node is idle"

# --- the project
say "building legolab"
(cd "$REPO" && go build -o "$T/bin/legolab" ./cmd/legolab)
export LEGOLAB=$T/bin/legolab
export PATH=$T/bin:$PATH
cd "$T/work"   # the job logs land here

# wait_jobs ID... waits until none of the jobs is pending or running.
wait_jobs() {
  local ids deadline=$((SECONDS + TIMEOUT))
  ids=$(IFS=,; echo "$*")
  while [ -n "$(squeue --noheader --jobs="$ids" --format=%i 2>/dev/null)" ]; do
    [ "$SECONDS" -lt "$deadline" ] || { squeue; die "jobs $ids still queued after $TIMEOUT s"; }
    sleep 0.5
  done
}
job_state() { scontrol --oneliner show job "$1" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1; }
# submit ARGS... runs submit.sh and sets $array and $merge from what it prints.
submit() {
  local out
  out=$("$REPO/deploy/slurm/submit.sh" "$@")
  echo "  $out"
  array=$(sed -n 's/^sweep array job \([0-9]*\) .*/\1/p' <<<"$out")
  merge=$(sed -n 's/.*merge job \([0-9]*\);.*/\1/p' <<<"$out")
  if [ -z "$array" ] || [ -z "$merge" ]; then die "cannot read the job IDs from submit.sh's output"; fi
}
task_state() { scontrol --oneliner show job "${1}_$2" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1; }

# 1. The whole sweep, on one machine, for reference.
small=$REPO/examples/sweep-small.toml
say "the whole sweep: legolab sweep $small"
legolab sweep "$small" --out "$T/whole-small" --quiet >"$T/log/whole-small.txt"

# 2. The recipe: 3 shards and a merge, CPUs per task from the node.
say "submit: deploy/slurm/submit.sh examples/sweep-small.toml RESULTS $SHARDS"
submit "$small" "$T/results/small" "$SHARDS"
wait_jobs "$array" "$merge"
for k in $(seq 1 "$SHARDS"); do
  s=$(task_state "$array" "$k")
  [ "$s" = COMPLETED ] || die "task ${array}_$k ended $s"
  grep -q "shard $k/$SHARDS" "legolab-sweep-${array}_$k.log" || die "the log of task $k does not name shard $k/$SHARDS"
done
s=$(job_state "$merge")
[ "$s" = COMPLETED ] || die "the merge job $merge ended $s"
diff -r "$T/whole-small" "$T/results/small/merged" || die "the merged folder differs from the whole sweep"
say "PASS: $SHARDS tasks and the merge completed; the merged folder equals the whole sweep byte for byte ($(find "$T/whole-small" -type f | wc -l) files)"

# 3. Kill one task mid-run, see the merge fail and say why, recover it.
big=$T/sweep-small-x10.toml
reps=$(sed -n 's/^replications = \([0-9]*\).*/\1/p' "$small")
sed -e "s/^replications = .*/replications = $((reps * 10))/" -e 's/^name = .*/name = "sweep-small-x10"/' "$small" >"$big"
say "the whole sweep: legolab sweep sweep-small-x10.toml ($((reps * 10)) replications)"
legolab sweep "$big" --out "$T/whole-big" --quiet --jobs "$cpus" >"$T/log/whole-big.txt"

say "submit: deploy/slurm/submit.sh -c 1 sweep-small-x10.toml RESULTS $SHARDS -- --time=00:20:00"
submit -c 1 "$big" "$T/results/big" "$SHARDS" -- --time=00:20:00
ckpt=$T/results/big/shard-$VICTIM/checkpoint.jsonl
deadline=$((SECONDS + TIMEOUT))
while :; do
  s=$(task_state "$array" "$VICTIM")
  lines=0
  [ -f "$ckpt" ] && lines=$(wc -l <"$ckpt")
  [ "$s" = RUNNING ] && [ "$lines" -ge 3 ] && break
  case $s in PENDING|RUNNING|CONFIGURING) ;; *) die "task ${array}_$VICTIM ended $s before it could be killed" ;; esac
  [ "$SECONDS" -lt "$deadline" ] || die "task ${array}_$VICTIM never got going"
  sleep 0.1
done
say "kill: scancel --signal=KILL ${array}_$VICTIM (its checkpoint holds $((lines - 1)) points)"
scancel --signal=KILL "${array}_$VICTIM"
wait_jobs "$array" "$merge"
s=$(task_state "$array" "$VICTIM")
[ "$s" != COMPLETED ] || die "the killed task ${array}_$VICTIM completed"
done_pts=$(($(wc -l <"$ckpt") - 1))
say "task ${array}_$VICTIM ended $s with $done_pts points in its checkpoint"
s=$(job_state "$merge")
[ "$s" = FAILED ] || die "the merge job $merge ended $s, want FAILED: shard $VICTIM is unfinished"
mlog=legolab-merge-$merge.log
grep -q "shard-$VICTIM (shard $VICTIM/$SHARDS) is unfinished" "$mlog" || { cat "$mlog"; die "the merge's log does not name shard $VICTIM as unfinished"; }
grep -q "submit.sh --only" "$mlog" || die "the merge's log does not say how to recover"
say "the merge failed as it should:"
sed 's/^/    /' "$mlog"

say "recover: deploy/slurm/submit.sh --only $VICTIM -c 1 sweep-small-x10.toml RESULTS $SHARDS"
submit --only "$VICTIM" -c 1 "$big" "$T/results/big" "$SHARDS"
wait_jobs "$array" "$merge"
s=$(task_state "$array" "$VICTIM")
[ "$s" = COMPLETED ] || die "the resubmitted task ${array}_$VICTIM ended $s"
grep -q "shard $VICTIM/$SHARDS" "legolab-sweep-${array}_$VICTIM.log" || die "the resubmitted task's log does not name shard $VICTIM/$SHARDS"
s=$(job_state "$merge")
[ "$s" = COMPLETED ] || { cat "legolab-merge-$merge.log"; die "the merge job $merge ended $s after the recovery"; }
diff -r "$T/whole-big" "$T/results/big/merged" || die "the merged folder differs from the whole sweep after the recovery"
say "PASS: killed task $VICTIM resumed as shard $VICTIM/$SHARDS, the merge completed, and the merged folder equals the whole sweep byte for byte"
say "all Slurm checks passed in ${SECONDS} s"
