#!/usr/bin/env bash
# Webhook latency benchmark: a real control plane, the packaged operator as its own process,
# AdmissionReviews over HTTPS at a fixed rate; prints p50/p99 and the operator's RSS.
# Usage: operator/bench.sh [-Drate=50] [-Dseconds=30] [-Dwarmup=10]   (needs e2e/controlplane/build.sh done)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
# In the reactor, so the control-plane module resolves to this checkout; the operator is built last
# and so writes the file last.
cpfile=$(mktemp)
./mvnw -B -ntp -q -pl operator -am package dependency:build-classpath -DskipTests -Dmdep.includeScope=test \
  -Dmdep.outputFile="$cpfile"
cp=$(cat "$cpfile"); rm -f "$cpfile"
exec java -cp "operator/target/test-classes:operator/target/classes:$cp" -Dbasedir=operator "$@" \
  dev.udsproxy.operator.bench.AdmissionBenchmark
