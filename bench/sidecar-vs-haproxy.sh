#!/usr/bin/env bash
# Benchmarks our sidecar against HAProxy and nginx with the shared harness (../shared/bench/run.sh): same load
# generator, same placement (client on CPU 0; backend and proxy share CPU 1), same backend, 64 B echo. Per
# repetition, back to back:
#   C backend:       haproxy, nginx, sidecar-epoll, sidecar-io_uring (TCP -> UDS last hop), and
#                    sidecar-epoll-tcp: the same sidecar forwarding to the app over TCP loopback
#                    (--upstream tcp:127.0.0.1:PORT, the Envoy/Linkerd-style last hop);
#   Node.js backend: sidecar-epoll and sidecar-epoll-tcp (the seed article's app runtime), with --node.
# Then one table: every repetition and the mean, per backend, connection count and proxy.
# The sidecar starts as in production: bin/udsproxy-sidecar with src/main/jvm/jvm.options and its AOT cache.
#   bench/sidecar-vs-haproxy.sh                           # 2 repetitions, 64 and 1,000 connections, C + Node
#   bench/sidecar-vs-haproxy.sh --repeat 1 --duration 5 --backends c
# Needs: gcc, python3, haproxy, nginx (apt-get install -y haproxy nginx libnginx-mod-stream), node for the Node
# rows, a JDK 21+ (scripts/java-home.sh finds one). Raw results: ./bench-results/ (the harness's folders).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
harness=${UDSPROXY_BENCH_HARNESS:-$repo/../shared/bench/run.sh}
repeat=2 duration=10 warmup=15 conns=64,1000 backends="c node"
while [ $# -gt 0 ]; do
  case "$1" in
    --repeat) repeat=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --conns) conns=$2; shift 2 ;;
    --backends) backends=$2; shift 2 ;;
    *) echo "sidecar-vs-haproxy: unknown argument $1 (allowed: --repeat N, --duration S, --warmup S, --conns A,B, --backends \"c node\")" >&2; exit 2 ;;
  esac
done
. "$repo/scripts/java-home.sh"
jar=$repo/sidecar/target/udsproxy-sidecar.jar
[ -f "$jar" ] || (cd "$repo" && ./mvnw -B -ntp -q -pl sidecar -am package -DskipTests)
# The AOT cache is part of how the sidecar starts in production (the image records one); make it when missing/stale.
if [ ! "${jar%.jar}.aot" -nt "$jar" ]; then
  "$repo/sidecar/bin/make-aot-cache" >/dev/null 2>&1 || echo "no AOT cache: $repo/sidecar/bin/make-aot-cache failed" >&2
fi
work=${UDSPROXY_BENCH_WORK:-/tmp/udsproxy-bench-sidecar}
out=$repo/bench-results/sidecar-$(date +%Y%m%d-%H%M%S)
mkdir -p "$work" "$out"
admin_port=${UDSPROXY_BENCH_ADMIN_PORT:-61091}
tcp_app_port=61095
bench_bin=${BENCH_BIN:-$HOME/.cache/udsproxy-bench/bench}
tcp_app=""
trap '[ -z "$tcp_app" ] || kill "$tcp_app" 2>/dev/null || true' EXIT
sidecar() {  # sidecar TRANSPORT UPSTREAM
  echo "exec $repo/sidecar/bin/udsproxy-sidecar --transport $1 --listen 127.0.0.1:{port} --upstream $2 --admin 127.0.0.1:$admin_port --socket-dir $work"
}
run() {  # run BACKEND SCENARIOS NAME PROXY_CMD
  "$harness" --backend "$1" --scenarios "$2" --proxy-name "$3" --proxy-cmd "$4" --proxy-port 61090 \
    --upstream-sock "$work/app.sock" --conns "$conns" --repeat 1 --warmup "$warmup" --duration "$duration" \
    --out "$out/raw" >"$out/log-$3-$1.txt" 2>&1 || { echo "sidecar-vs-haproxy: $3 ($1) failed:" >&2; tail -20 "$out/log-$3-$1.txt" >&2; exit 1; }
}
for rep in $(seq 1 "$repeat"); do
  for backend in $backends; do
    echo "rep $rep, $backend backend ..." >&2
    if [ "$backend" = c ]; then
      run c haproxy,nginx sidecar-epoll "$(sidecar epoll "unix:{sock}")"
      run c "" sidecar-io_uring "$(sidecar io_uring "unix:{sock}")"
    else
      run "$backend" "" sidecar-epoll "$(sidecar epoll "unix:{sock}")"
    fi
    # The TCP-loopback last hop: an app of the same kind on 127.0.0.1, on the server core, outside the proxy's
    # process tree (the harness's own UDS backend idles meanwhile).
    if [ "$backend" = c ]; then
      taskset -c 1 "$bench_bin" server --listen "tcp:127.0.0.1:$tcp_app_port" --proto echo >/dev/null 2>&1 & tcp_app=$!
    else
      taskset -c 1 node "$(dirname "$harness")/node-server.js" --listen "tcp:127.0.0.1:$tcp_app_port" --proto echo >/dev/null 2>&1 & tcp_app=$!
    fi
    sleep 1
    run "$backend" "" sidecar-epoll-tcp "$(sidecar epoll "tcp:127.0.0.1:$tcp_app_port")"
    kill "$tcp_app"; wait "$tcp_app" 2>/dev/null || true; tcp_app=""
  done
done
python3 - "$out" <<'PY'
import glob, json, os, statistics, sys
out = sys.argv[1]
rows = []
for f in sorted(glob.glob(os.path.join(out, "raw", "*", "results.jsonl"))):
    for line in open(f):
        r = json.loads(line)
        if r.get("proxy_cpu_us_per_req") is None:
            continue
        rows.append(r)
order = ["haproxy", "nginx", "sidecar-epoll", "sidecar-io_uring", "sidecar-epoll-tcp"]
groups = {}
for r in rows:
    groups.setdefault((r["backend_kind"], r["conns"], r["scenario"]), []).append(r)
lines = ["| backend | conns | proxy | runs: req/s | mean req/s | mean proxy CPU µs/req | mean p99 µs | max peak RSS MiB | ÷ HAProxy (req/s, CPU/req, p99) |",
         "|---|---:|---|---|---:|---:|---:|---:|---|"]
for backend in ("c", "node"):
    for conns in sorted({k[1] for k in groups}):
        ref = groups.get((backend, conns, "haproxy"))
        for name in order:
            g = groups.get((backend, conns, name))
            if not g:
                continue
            rps = statistics.mean(r["rps"] for r in g)
            cpu = statistics.mean(r["proxy_cpu_us_per_req"] for r in g)
            p99 = statistics.mean(r["p99_us"] for r in g)
            rss = max(r["proxy_peak_rss_mib"] for r in g)
            rel = ""
            if ref and name != "haproxy":
                rrps = statistics.mean(r["rps"] for r in ref)
                rcpu = statistics.mean(r["proxy_cpu_us_per_req"] for r in ref)
                rp99 = statistics.mean(r["p99_us"] for r in ref)
                rel = f"{rps / rrps:.2f}×, {cpu / rcpu:.2f}×, {p99 / rp99:.2f}×"
            runs = " / ".join(f"{r['rps']:,.0f} ({r['proxy_cpu_us_per_req']:.1f} µs)" for r in g)
            lines.append(f"| {backend} | {conns} | {name} | {runs} | {rps:,.0f} | {cpu:.2f} | {p99:,.0f} | {rss:.1f} | {rel} |")
bg = [r["bg_cpu_pct"] for r in rows if r.get("bg_cpu_pct") is not None]
lines.append("")
lines.append(f"{len(rows)} runs; co-tenant (bg) host CPU during the runs: mean {statistics.mean(bg):.0f} %, max {max(bg):.0f} %" if bg else "")
open(os.path.join(out, "table.md"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
print(f"\nraw results and logs: {out}", file=sys.stderr)
PY
