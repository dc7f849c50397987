#!/usr/bin/env bash
# Benchmarks our sidecar against HAProxy and nginx (and direct UDS as the floor) in ONE run of the shared
# harness (../shared/bench/run.sh): same load generator, same placement, same backend. Prints the harness's
# markdown tables; raw results land in ./bench-results/.
#   bench/sidecar-vs-haproxy.sh                       # 64 B echo, 64 and 1,000 connections, 2 repetitions
#   bench/sidecar-vs-haproxy.sh --conns 1000 --repeat 1 --duration 5
# Extra arguments go to the harness (see its --help). Needs: gcc, python3, haproxy, nginx (apt-get install -y
# haproxy nginx socat) and a JDK 21+ (scripts/java-home.sh finds one).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
harness=${UDSPROXY_BENCH_HARNESS:-$repo/../shared/bench/run.sh}
. "$repo/scripts/java-home.sh"
jar=$repo/sidecar/target/udsproxy-sidecar.jar
if [ ! -f "$jar" ]; then
  (cd "$repo" && ./mvnw -B -ntp -q -pl sidecar -am package -DskipTests)
fi
# The AOT cache is part of how the sidecar starts in production (the image makes it); make it when missing/stale.
if [ ! "${jar%.jar}.aot" -nt "$jar" ]; then
  "$repo/sidecar/bin/make-aot-cache" >/dev/null 2>&1 || echo "no AOT cache: $repo/sidecar/bin/make-aot-cache failed" >&2
fi
work=${UDSPROXY_BENCH_WORK:-/tmp/udsproxy-bench-sidecar}
mkdir -p "$work"
admin_port=${UDSPROXY_BENCH_ADMIN_PORT:-61091}
# The sidecar is started exactly as in production: bin/udsproxy-sidecar with src/main/jvm/jvm.options.
proxy_cmd="exec $repo/sidecar/bin/udsproxy-sidecar --listen 127.0.0.1:{port} --upstream unix:{sock}"
proxy_cmd+=" --admin 127.0.0.1:$admin_port --socket-dir $work"
exec "$harness" --scenarios direct-uds,haproxy,nginx --conns 64,1000 --repeat 2 --warmup 15 \
  --proxy-cmd "$proxy_cmd" --proxy-port 61090 --upstream-sock "$work/app.sock" --proxy-name sidecar "$@"
