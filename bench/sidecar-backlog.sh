#!/usr/bin/env bash
# The listen backlog, measured: a burst of new connections (default 5,000, all SYNs sent before any accept)
# against the sidecar at several --backlog values, the default among them, each 3 times. Prints one JSON line
# per burst (bench/backlog-burst.py: established within 0.9 s / later / failed, and the kernel's ListenOverflows
# and SYN-queue counters for the burst). The kernel caps a backlog at net.core.somaxconn, printed first.
#   bench/sidecar-backlog.sh                     # backlogs 128 1024 and the default, 5,000 connections
#   bench/sidecar-backlog.sh --conns 8000 --backlogs "512 4096"
# Needs: gcc and python3 (the shared harness's echo server), nstat (iproute2), a JDK 21+.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
conns=5000 backlogs="128 1024 default" repeat=3
while [ $# -gt 0 ]; do
  case "$1" in
    --conns) conns=$2; shift 2 ;;
    --backlogs) backlogs=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    *) echo "sidecar-backlog: unknown argument $1 (allowed: --conns N, --backlogs \"N ...\", --repeat N)" >&2; exit 2 ;;
  esac
done
. "$repo/scripts/java-home.sh"
jar=$repo/sidecar/target/udsproxy-sidecar.jar
[ -f "$jar" ] || (cd "$repo" && ./mvnw -B -ntp -q -pl sidecar -am package -DskipTests)
bench_bin=${BENCH_BIN:-$HOME/.cache/udsproxy-bench/bench}
if [ ! -x "$bench_bin" ]; then
  mkdir -p "$(dirname "$bench_bin")"; cc -O2 -o "$bench_bin" "$repo/../shared/bench/bench.c" -lpthread
fi
ulimit -n "$(ulimit -Hn)"
need=$((conns * 3 + 200))  # the client's sockets, the sidecar's two per connection, the echo server's
if [ "$(ulimit -n)" -lt "$need" ]; then
  echo "sidecar-backlog: the open-files limit $(ulimit -n) is below $need for $conns connections" >&2; exit 1
fi
work=$(mktemp -d /tmp/udsproxy-backlog.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$bench_bin" server --listen "unix:$work/app.sock" --proto echo >/dev/null 2>&1 & pids+=($!)
echo "net.core.somaxconn=$(cat /proc/sys/net/core/somaxconn) net.ipv4.tcp_max_syn_backlog=$(cat /proc/sys/net/ipv4/tcp_max_syn_backlog) tcp_syncookies=$(cat /proc/sys/net/ipv4/tcp_syncookies)"
port=61290
for b in $backlogs; do
  args=(); label=$b
  if [ "$b" = default ]; then
    label="default ($(grep -o 'DEFAULT_BACKLOG = [0-9]*' "$repo/sidecar/src/main/java/dev/udsproxy/sidecar/config/Limits.java" | grep -o '[0-9]*$'))"
  else
    args=(--backlog "$b")
  fi
  UDSPROXY_JAR=$jar "$repo/sidecar/bin/udsproxy-sidecar" --listen "127.0.0.1:$port" --admin "127.0.0.1:$((port + 1))" \
    --upstream "unix:$work/app.sock" --socket-dir "$work" --shutdown-grace 0s --drain-timeout 1s "${args[@]}" \
    2>"$work/sidecar.log" & sidecar=$!; pids+=($sidecar)
  for i in $(seq 1 200); do grep -q "listening on" "$work/sidecar.log" && break; sleep 0.05; done
  for r in $(seq 1 "$repeat"); do
    printf 'backlog %-14s run %s: ' "$label" "$r"
    python3 "$repo/bench/backlog-burst.py" --port "$port" --conns "$conns"
    sleep 1
  done
  kill "$sidecar"; wait "$sidecar" 2>/dev/null || true
  grep -i "warn\|error" "$work/sidecar.log" | sed "s/^/  sidecar log: /" | head -5 || true
  port=$((port + 2))
done
