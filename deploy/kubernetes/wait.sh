#!/bin/sh
# Waits for a Kubernetes Job to end, whichever way it ends (kubectl wait
# waits for one condition only: --for=condition=complete alone would hang
# until its timeout on a Job that failed):
#
#   deploy/kubernetes/wait.sh job/legolab-sweep-x7k2p [TIMEOUT_SECONDS]
#
# exits 0 when the Job is Complete, 1 when it Failed (printing its reason
# and the failed indexes), 124 on the timeout (default 24 h) and 2 when
# kubectl cannot read the Job. INTERVAL sets the polling period (10 s).
set -eu

job=${1:?usage: wait.sh job/NAME [TIMEOUT_SECONDS]}
timeout=${2:-86400}
interval=${INTERVAL:-10}
KUBECTL=${KUBECTL:-kubectl}

start=$(date +%s)
while :; do
  if ! conds=$($KUBECTL get "$job" -o 'jsonpath={.status.conditions[?(@.status=="True")].type}'); then
    echo "wait.sh: cannot read $job" >&2
    exit 2
  fi
  case " $conds " in
    *" Complete "*)
      echo "$job: Complete"
      exit 0 ;;
    *" Failed "*)
      reason=$($KUBECTL get "$job" -o 'jsonpath={.status.conditions[?(@.type=="Failed")].reason}: {.status.conditions[?(@.type=="Failed")].message}')
      failed=$($KUBECTL get "$job" -o 'jsonpath={.status.failedIndexes}')
      echo "$job: Failed ($reason)${failed:+; failed indexes: $failed}" >&2
      exit 1 ;;
  esac
  if [ $(($(date +%s) - start)) -ge "$timeout" ]; then
    echo "wait.sh: $job has not ended after $timeout s" >&2
    exit 124
  fi
  sleep "$interval"
done
