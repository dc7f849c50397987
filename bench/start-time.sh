#!/usr/bin/env bash
# Measures the sidecar's start: from exec of bin/udsproxy-sidecar to the moment the TCP listener accepts and
# the admin port answers /healthz (what the startup probe waits for). Prints each run and the median.
#   bench/start-time.sh                      # 7 runs of sidecar/target's jar, its AOT cache made when missing
#   RUNS=3 bench/start-time.sh
#   bench/start-time.sh OLD.jar NEW.jar      # compare jars: runs interleaved (old, new, old, ...), so a co-tenant's
#                                            # load hits both alike; each jar with its own AOT cache next to it
#   AOT=off bench/start-time.sh              # without AOT caches (the launcher ignores a missing one)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$repo/scripts/java-home.sh"
jars=("$@")
if [ ${#jars[@]} -eq 0 ]; then
  jars=("$repo/sidecar/target/udsproxy-sidecar.jar")
  if [ ! -f "${jars[0]}" ]; then
    (cd "$repo" && ./mvnw -B -ntp -q -pl sidecar -am package -DskipTests)
  fi
fi
for jar in "${jars[@]}"; do
  aot=${jar%.jar}.aot
  if [ "${AOT:-on}" = off ]; then
    rm -f "$aot"
    echo "$jar: no AOT cache (AOT=off)"
    continue
  fi
  # The AOT cache is part of how the sidecar starts in production (the image makes it); make it when missing/stale.
  if [ ! "$aot" -nt "$jar" ]; then
    UDSPROXY_JAR=$jar "$repo/sidecar/bin/make-aot-cache" >/dev/null 2>&1 || echo "no AOT cache: make-aot-cache failed for $jar" >&2
  fi
  if [ -f "$aot" ] && [ "$aot" -nt "$jar" ]; then echo "$jar: AOT cache $aot"; else echo "$jar: AOT cache none"; fi
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
exec python3 - "$repo/sidecar/bin/udsproxy-sidecar" "$work" "${RUNS:-7}" "${jars[@]}" <<'PY'
import http.client, os, signal, socket, statistics, subprocess, sys, time
launcher, work, runs, jars = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
port, admin = 39611, 39612
times = {jar: [] for jar in jars}
cpu = {jar: [] for jar in jars}  # CPU ms used until then: less sensitive to a co-tenant's load than wall time
tick = os.sysconf("SC_CLK_TCK")
def cpu_ms(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / tick
for i in range(runs):
    for jar in jars:
        t0 = time.monotonic()
        p = subprocess.Popen([launcher, "--listen", f"127.0.0.1:{port}", "--admin", f"127.0.0.1:{admin}",
                              "--upstream", f"unix:{work}/app.sock", "--socket-dir", work, "--shutdown-grace", "0s"],
                             stderr=subprocess.DEVNULL, env=dict(os.environ, UDSPROXY_JAR=jar))
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                c = http.client.HTTPConnection("127.0.0.1", admin, timeout=0.2)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    break
            except OSError:
                pass
            if p.poll() is not None:
                sys.exit(f"sidecar exited with {p.returncode} before listening")
            time.sleep(0.002)
        ms = (time.monotonic() - t0) * 1000
        used = cpu_ms(p.pid)  # the launcher execs java: same pid
        times[jar].append(ms)
        cpu[jar].append(used)
        print(f"run {i + 1}: {ms:.0f} ms to listening and /healthz 200, {used:.0f} ms CPU ({jar})")
        p.send_signal(signal.SIGTERM)
        p.wait()
for jar, t in times.items():
    print(f"median {statistics.median(t):.0f} ms, min {min(t):.0f} ms, max {max(t):.0f} ms over {runs} runs,"
          f" CPU median {statistics.median(cpu[jar]):.0f} ms ({jar}, {os.path.getsize(jar):,} bytes)")
print("load average (1, 5, 15 min):", " ".join(f"{x:.2f}" for x in os.getloadavg()))
PY
