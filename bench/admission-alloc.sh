#!/usr/bin/env bash
# Bytes one webhook admission allocates on the heap, whole and by stage (parse, read Pod, admit, patch, answer), for
# golden cases of operator/src/test/resources/golden (default: plain-deployment-pod several-containers), in one JVM with
# the thread's allocation counter: a figure noise cannot move, beside the us per admission of this host (noisy). The
# young collections of the webhook under load (bench/operator-scale.sh) sweep exactly this garbage.
#
#   bench/admission-alloc.sh [CASE ...]    # -Dadmissions=N -Drounds=R -Dwarmup=W through UDSPROXY_BENCH_JAVA_OPTS
#
# Builds with ./mvnw -pl operator -am test-compile (add UDSPROXY_MVN_OFFLINE=1 for -o). Needs JDK 21+ (scripts/java-home.sh).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
case "${1:-}" in -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
for c in "$@"; do
  [ -f "$repo/operator/src/test/resources/golden/$c/in-AdmissionReview.yaml" ] || {
    echo "admission-alloc: no golden case '$c'; allowed: $(ls "$repo/operator/src/test/resources/golden" | tr '\n' ' ')" >&2
    exit 2; }
done
. "$repo/scripts/java-home.sh"
cd "$repo"
cpfile=$(mktemp)
trap 'rm -f "$cpfile"' EXIT
./mvnw -B -ntp -q ${UDSPROXY_MVN_OFFLINE:+-o} -pl operator -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$cpfile"
# The operator image's JVM flags that shape allocation (compact headers: 8-byte object headers), SerialGC as there.
java -XX:+UseSerialGC -XX:+UseCompactObjectHeaders ${UDSPROXY_BENCH_JAVA_OPTS:-} \
  -cp "operator/target/test-classes:operator/target/classes:$(cat "$cpfile")" \
  dev.udsproxy.operator.bench.AdmissionAllocation "$@"
