#!/usr/bin/env bash
# The local demo, no cluster needed: the Java example app on a Unix domain socket, the udsproxy
# sidecar in front of it, and a JDK-only load generator that measures three paths one after the
# other on loopback:
#   app over TCP        client --TCP--> app                 (what you have without udsproxy)
#   through udsproxy    client --TCP--> sidecar --UDS--> app (what udsproxy gives the cluster)
#   app over UDS        client --UDS--> app                 (the last hop alone)
# Needs only a JDK 21+. Builds the sidecar jar with the Maven wrapper when it is missing.
# Knobs (env): DEMO_CONNS (4: on a 2-core laptop more client threads than cores blur the latencies), DEMO_WARMUP (2 s), DEMO_DURATION (5 s),
#              DEMO_PROXY_PORT (18080), DEMO_APP_PORT (18081), DEMO_ADMIN_PORT (18090).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh

conns=${DEMO_CONNS:-4}
warmup=${DEMO_WARMUP:-2}
duration=${DEMO_DURATION:-5}
proxy_port=${DEMO_PROXY_PORT:-18080}
app_port=${DEMO_APP_PORT:-18081}
admin_port=${DEMO_ADMIN_PORT:-18090}
jar=sidecar/target/udsproxy-sidecar.jar
# The sidecar's tuned small-footprint JVM flags: the same file the sidecar image uses.
flags_file=sidecar/src/main/jvm/jvm.options

for var in DEMO_PROXY_PORT:$proxy_port DEMO_APP_PORT:$app_port DEMO_ADMIN_PORT:$admin_port; do
  port=${var#*:}
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "demo: port $port on 127.0.0.1 is taken; set ${var%%:*} to a free port" >&2
    exit 1
  fi
done

if [ ! -f "$jar" ] || [ -n "$(find sidecar/src sidecar/pom.xml -newer "$jar" -print -quit)" ]; then
  echo "demo: building the sidecar jar (./mvnw -pl sidecar -am package -DskipTests, about 20 s) ..." >&2
  build_log=$(mktemp "${TMPDIR:-/tmp}/udsproxy-demo-build.XXXXXX")
  if ! ./mvnw -B -ntp -q -pl sidecar -am package -DskipTests >"$build_log" 2>&1; then
    cat "$build_log" >&2; echo "demo: the sidecar build failed (log above)" >&2; exit 1
  fi
  rm -f "$build_log"
fi
jvm_flags=()
if [ -f "$flags_file" ]; then
  # One flag per line; '#' starts a comment.
  while read -r line; do [ -n "$line" ] && jvm_flags+=("$line"); done < <(sed 's/#.*//' "$flags_file")
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/udsproxy-demo.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

sock=$work/app.sock
java -XX:+UseSerialGC -Xmx128m examples/java/Example.java --socket "$sock" --tcp "127.0.0.1:$app_port" \
  2>"$work/app.log" &
pids+=($!)
java "${jvm_flags[@]}" -jar "$jar" --listen "127.0.0.1:$proxy_port" --upstream "unix:$sock" \
  --admin "127.0.0.1:$admin_port" --socket-dir "$work" >"$work/sidecar.log" 2>&1 &
sidecar_pid=$!
pids+=($sidecar_pid)

echo "demo: app (examples/java) on unix:$sock and tcp:127.0.0.1:$app_port; sidecar on tcp:127.0.0.1:$proxy_port" >&2
echo "demo: $conns connections, ${warmup} s warm-up + ${duration} s per path; $(nproc) CPUs shared by client, sidecar and app" >&2
status=0
java demo/LoadGen.java --conns "$conns" --warmup "$warmup" --duration "$duration" --wait 60 \
  "app over TCP=tcp:127.0.0.1:$app_port" \
  "through udsproxy=tcp:127.0.0.1:$proxy_port" \
  "app over UDS=unix:$sock" || status=$?
if [ -r "/proc/$sidecar_pid/status" ]; then
  # Peak resident memory of the sidecar's JVM over the whole run (Linux only).
  hwm_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$sidecar_pid/status")
  [ -n "$hwm_kb" ] && echo && echo "sidecar peak RSS: $((hwm_kb / 1024)) MiB (JVM flags: ${jvm_flags[*]:-none})"
fi
if [ "$status" -ne 0 ]; then
  echo "demo: the load generator failed ($status); last lines of the logs:" >&2
  tail -n 20 "$work/app.log" "$work/sidecar.log" >&2
fi
exit "$status"
