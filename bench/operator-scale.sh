#!/usr/bin/env bash
# The operator at cluster scale (issue 10), on the real control plane: etcd + kube-apiserver + kube-controller-manager
# from e2e/controlplane (no kubelet: Pods are created and stay Pending), the committed CRDs, a default profile and
# three more, the MutatingWebhookConfiguration as the chart installs it (by URL to the operator on loopback), and the
# packaged operator of THIS checkout as its own process with the JVM flags of the operator image and the chart's
# memory limit. Then N annotated Deployments x R replicas (strategy Recreate) over the three profiles, and it prints:
#   - operator RSS idle and at scale (steady and peak)                                targets <= 160 MiB, <= 256 MiB
#   - webhook p50/p99/max and errors at 200 AdmissionReviews/s for 45 s at scale      target p99 < 10 ms
#     (open loop, straight to the webhook's HTTPS port, not through the API server)
#   - time for a profile change to reach all of its workloads, pacing off            target < 60 s
#     (maxWorkloadsPerMinute 0), and the rate at the default pacing over 2 minutes
#   - the operator's API requests per minute in the steady state by verb and resource (apiserver_request_total
#     deltas over a quiet window, with the operator minus without it), Events per minute   target 0 LIST, 0 Events
# The table goes to stdout and to bench-results/operator-scale-<UTC date>.txt (the operator's log next to it).
#
#   bench/operator-scale.sh                              # 500 x 10 = 5,000 Pods: about 25 minutes on 2 cores
#   bench/operator-scale.sh --scale 30 --replicas 2 --quiet-window 60 --paced-seconds 70   # smoke, a few minutes
#
# Flags: --scale N (Deployments, default 500), --replicas R (default 10), --quiet-window SECONDS (each of the two
# steady-state windows, default 180), --load-seconds S (30-60, default 45), --rate N (AdmissionReviews/s, default
# 200), --paced-seconds S (how long the default-paced roll is watched, default 120), --controller-qps N
# (kube-controller-manager's --kube-api-qps, default 20 as its own, burst 1.5x; raise it for 20,000 Pods), --nmt (the
# JVM's native memory tracking, its summary at idle and at scale in the table and next to it; NMT costs a few MiB
# itself, so that run's RSS is not the figure of record), --no-build
# (use the jars in target/ as they are). Needs JDK 21+ (scripts/java-home.sh), python3, and the binaries of e2e/controlplane/build.sh.
# Builds with ./mvnw -pl operator -am package (online on the first run, then add UDSPROXY_MVN_OFFLINE=1 for -o).
# Cleanup: the Python driver stops the operator and the control plane and deletes its temp folder on any exit,
# Ctrl-C and SIGTERM included; both children also get SIGTERM if the driver is SIGKILLed (PR_SET_PDEATHSIG), and
# the control plane's own orphan reaper removes its processes and folder then (OperatorScaleControlPlane.java also
# deletes the driver's work folder when its stdin closes).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
build=1
args=()
positive() { # flag value: a whole number >= 1, said so otherwise
  [[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -ge 1 ] || { echo "operator-scale: $1 needs a whole number >= 1, got '$2'" >&2; exit 2; }
}
while [ $# -gt 0 ]; do
  case "$1" in
    --scale|--replicas|--quiet-window|--load-seconds|--rate|--paced-seconds|--controller-qps)
      [ $# -ge 2 ] || { echo "operator-scale: $1 needs a value" >&2; exit 2; }
      positive "$1" "$2"; args+=("$1" "$2"); shift 2 ;;
    --no-build) build=0; shift ;;
    --nmt) args+=("--nmt"); shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "operator-scale: unknown argument '$1'; allowed: --scale N, --replicas R, --quiet-window SECONDS," \
         "--load-seconds S, --rate N, --paced-seconds S, --controller-qps N, --nmt, --no-build, --help" >&2; exit 2 ;;
  esac
done
. "$repo/scripts/java-home.sh"
command -v python3 >/dev/null || { echo "operator-scale: needs python3 (stdlib only)" >&2; exit 1; }
cd "$repo"
if [ "$build" = 1 ]; then
  # The operator as the image packages it (Quarkus fast-jar), and the runtime classpath of the control-plane module,
  # which the -am reactor builds from this checkout too (the operator's tests depend on it). Each module writes its
  # own target/bench-classpath.txt (a relative outputFile resolves per module).
  echo "operator-scale: ./mvnw -pl operator -am package -DskipTests ..." >&2
  ./mvnw -B -ntp -q ${UDSPROXY_MVN_OFFLINE:+-o} -pl operator -am package -DskipTests dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=runtime
fi
for f in operator/target/quarkus-app/quarkus-run.jar e2e/controlplane/target/classes e2e/controlplane/target/bench-classpath.txt; do
  [ -e "$f" ] || { echo "operator-scale: $f is missing: run without --no-build" >&2; exit 1; }
done
classpath="$repo/e2e/controlplane/target/classes:$(cat e2e/controlplane/target/bench-classpath.txt)"
exec python3 "$repo/bench/operator_scale.py" --repo "$repo" --classpath "$classpath" "${args[@]}"
