#!/bin/bash
# Submits a sharded sweep to Slurm, and its merge behind it:
#
#   deploy/slurm/submit.sh examples/sweep-small.toml results/small 8
#
# runs 8 array tasks (shards 1..8) and then the merge, which waits for every
# task however it ended (afterany) and fails, naming the shards, unless all
# of them completed. Re-run failed shards, and a new merge behind them, with
#
#   deploy/slurm/submit.sh --only 3,5 examples/sweep-small.toml results/small 8
#
# (each resumes its checkpoint). Options:
#
#   -c, --cpus N     CPUs per task, legolab's --jobs (default: the CPU count
#                    of the smallest node sinfo lists, so a task fits any node)
#   --only LIST      submit only these tasks (sbatch --array syntax: 3,5 or 2-4)
#   -- SBATCH_OPT... passed to both sbatch calls (--partition, --account,
#                    --time, --qos ...)
set -euo pipefail

usage() {
  echo "usage: submit.sh [-c CPUS] [--only LIST] SWEEP.toml RESULTS_DIR [SHARDS] [-- SBATCH_OPTION...]" >&2
  exit 2
}

cpus="" only="" args=() extra=()
while [ $# -gt 0 ]; do
  case $1 in
    -c|--cpus) [ $# -ge 2 ] || usage; cpus=$2; shift 2 ;;
    --cpus=*) cpus=${1#*=}; shift ;;
    --only) [ $# -ge 2 ] || usage; only=$2; shift 2 ;;
    --only=*) only=${1#*=}; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) usage ;;
    -*) echo "submit.sh: unknown option $1 (sbatch options go after --)" >&2; usage ;;
    *) args+=("$1"); shift ;;
  esac
done
if [ ${#args[@]} -lt 2 ] || [ ${#args[@]} -gt 3 ]; then usage; fi
SWEEP=${args[0]}
RESULTS=${args[1]}
SHARDS=${args[2]:-8}
HERE=$(cd "$(dirname "$0")" && pwd)

case $SHARDS in ''|*[!0-9]*|0*) echo "submit.sh: SHARDS must be a whole number >= 1, got '$SHARDS'" >&2; exit 2 ;; esac
if [ -z "$cpus" ]; then
  cpus=$(sinfo --noheader --format=%c 2>/dev/null | sort -n | head -n 1 | tr -d ' +')
fi
case $cpus in ''|*[!0-9]*|0*) echo "submit.sh: CPUs per task must be a whole number >= 1, got '$cpus' (pass -c N)" >&2; exit 2 ;; esac
[ -f "$SWEEP" ] || { echo "submit.sh: no sweep file $SWEEP" >&2; exit 2; }

array=$(sbatch --parsable --array="${only:-1-$SHARDS}" --cpus-per-task="$cpus" "${extra[@]}" \
  "$HERE/sweep.sbatch" "$SWEEP" "$RESULTS" "$SHARDS")
array=${array%%;*}   # strip the cluster name, if any
merge=$(sbatch --parsable --dependency="afterany:$array" "${extra[@]}" \
  "$HERE/merge.sbatch" "$RESULTS" "$SHARDS")
merge=${merge%%;*}
echo "sweep array job $array (tasks ${only:-1-$SHARDS} of $SHARDS shards, $cpus CPUs each), merge job $merge; results in $RESULTS/merged"
