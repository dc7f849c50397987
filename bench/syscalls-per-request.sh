#!/usr/bin/env bash
# System calls per proxied request: a figure the machine's noise cannot move (unlike req/s or CPU time).
# For HAProxy, nginx and the sidecar on each transport: a 64 B echo load through the proxy (the shared
# harness's client and C backend, client on CPU 0, backend and proxy on CPU 1), 8 s warm-up, then the kernel's
# syscall tracepoints counted on the proxy's process with `perf stat` for a 5 s window, divided by the requests
# the client completed in that window. Prints one table.
#   bench/syscalls-per-request.sh                 # 64 and 1,000 connections
#   bench/syscalls-per-request.sh --conns 1000
# Needs: perf (apt-get install -y linux-perf) with tracepoints readable (root), haproxy, nginx, gcc, a JDK 21+.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
conns_list="64 1000" window=5 warm=8
while [ $# -gt 0 ]; do
  case "$1" in
    --conns) conns_list=$2; shift 2 ;;
    *) echo "syscalls-per-request: unknown argument $1 (allowed: --conns \"64 1000\")" >&2; exit 2 ;;
  esac
done
command -v perf >/dev/null || { echo "syscalls-per-request: needs perf (apt-get install -y linux-perf)" >&2; exit 1; }
. "$repo/scripts/java-home.sh"
jar=$repo/sidecar/target/udsproxy-sidecar.jar
[ -f "$jar" ] || (cd "$repo" && ./mvnw -B -ntp -q -pl sidecar -am package -DskipTests)
bench_bin=${BENCH_BIN:-$HOME/.cache/udsproxy-bench/bench}
if [ ! -x "$bench_bin" ]; then mkdir -p "$(dirname "$bench_bin")"; cc -O2 -o "$bench_bin" "$repo/../shared/bench/bench.c" -lpthread; fi
ulimit -n "$(ulimit -Hn)"
work=$(mktemp -d /tmp/udsproxy-syscalls.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
port=61190
cat >"$work/haproxy.cfg" <<CFG
global
  maxconn 8000
  nbthread 1
defaults
  mode tcp
  timeout connect 5s
  timeout client 300s
  timeout server 300s
frontend fe
  bind 127.0.0.1:$port
  default_backend be
backend be
  server s1 unix@$work/app.sock
CFG
cat >"$work/nginx.conf" <<CFG
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
user root;
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
worker_rlimit_nofile 20000;
events { worker_connections 10000; }
stream { server { listen 127.0.0.1:$port backlog=4096; proxy_pass unix:$work/app.sock; } }
CFG
events=raw_syscalls:sys_enter
for s in read write recvfrom sendto readv writev recvmsg sendmsg epoll_wait epoll_pwait epoll_pwait2 epoll_ctl io_uring_enter futex; do
  events+=",syscalls:sys_enter_$s"
done
taskset -c 1 "$bench_bin" server --listen "unix:$work/app.sock" --proto echo >/dev/null 2>&1 & pids+=($!)
sleep 0.3
echo "| proxy | conns | requests counted | syscalls / request | of which (per request) |"
echo "|---|---:|---:|---:|---|"
for conns in $conns_list; do
  for proxy in haproxy nginx sidecar-epoll sidecar-io_uring; do
    case "$proxy" in
      haproxy) cmd=(haproxy -db -f "$work/haproxy.cfg") ;;
      nginx) cmd=(nginx -p "$work" -e "$work/nginx-error.log" -c "$work/nginx.conf") ;;
      sidecar-*) cmd=(env UDSPROXY_JAR="$jar" "$repo/sidecar/bin/udsproxy-sidecar" --transport "${proxy#sidecar-}"
                      --listen "127.0.0.1:$port" --upstream "unix:$work/app.sock" --admin "127.0.0.1:$((port + 1))"
                      --socket-dir "$work" --shutdown-grace 0s --drain-timeout 1s) ;;
    esac
    taskset -c 1 "${cmd[@]}" >"$work/proxy.log" 2>&1 & proxy_pid=$!; pids+=($proxy_pid)
    for i in $(seq 1 200); do (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done
    # The process that does the I/O: the JVM (the launcher execs it), HAProxy, or nginx's one worker.
    target=$proxy_pid
    if [ "$proxy" = nginx ]; then target=$(pgrep -P "$proxy_pid" | head -1); fi
    taskset -c 0 "$bench_bin" client --target "tcp:127.0.0.1:$port" --conns "$conns" --duration "$warm" --warmup 0 --size 64 >/dev/null
    perf stat -x, -e "$events" -p "$target" -o "$work/perf.txt" -- sleep $((window + 1)) & perf_pid=$!
    sleep 0.5
    taskset -c 0 "$bench_bin" client --target "tcp:127.0.0.1:$port" --conns "$conns" --duration "$window" --warmup 0 --size 64 >"$work/client.json"
    wait "$perf_pid"
    kill "$proxy_pid"; wait "$proxy_pid" 2>/dev/null || true
    python3 - "$proxy" "$conns" "$work/client.json" "$work/perf.txt" <<'PY'
import json, sys
proxy, conns, client, perf = sys.argv[1:]
req = json.loads(open(client).read().strip().splitlines()[-1])["requests"]
counts = {}
for line in open(perf):
    p = line.strip().split(",")
    if len(p) > 3 and p[0].replace(".", "").isdigit():
        counts[p[2].split(":")[-1].replace("sys_enter_", "")] = float(p[0])
total = counts.pop("sys_enter", 0.0)
parts = ", ".join(f"{k} {v / req:.3f}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]) if v / req >= 0.001)
print(f"| {proxy} | {conns} | {req:,} | {total / req:.3f} | {parts} |")
PY
    # (the counted window is slightly longer than the client's: the figure errs on the high side for everyone)
    sleep 1
  done
done
