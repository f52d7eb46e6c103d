#!/bin/bash
# Submits a sharded sweep and its merge to Slurm:
#
#   deploy/slurm/submit.sh examples/sweep-small.toml results/small 8
#
# runs 8 array tasks (shards 1..8) and, once all succeeded, the merge.
set -euo pipefail

SWEEP=${1:?usage: submit.sh SWEEP.toml RESULTS_DIR [SHARDS]}
RESULTS=${2:?usage: submit.sh SWEEP.toml RESULTS_DIR [SHARDS]}
SHARDS=${3:-8}
HERE=$(cd "$(dirname "$0")" && pwd)

array=$(sbatch --parsable --array="1-$SHARDS" "$HERE/sweep.sbatch" "$SWEEP" "$RESULTS")
array=${array%%;*}   # strip the cluster name, if any
merge=$(sbatch --parsable --dependency="afterok:$array" "$HERE/merge.sbatch" "$RESULTS")
echo "sweep array job $array ($SHARDS shards), merge job ${merge%%;*}; results in $RESULTS/merged"
