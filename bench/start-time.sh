#!/usr/bin/env bash
# Measures the sidecar's start: from exec of bin/udsproxy-sidecar to the moment the TCP listener accepts and
# the admin port answers /healthz (what the startup probe waits for). Prints each run and the median.
#   bench/start-time.sh            # 7 runs, the AOT cache used when present (bin/make-aot-cache makes it)
#   RUNS=3 bench/start-time.sh
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$repo/scripts/java-home.sh"
jar=$repo/sidecar/target/udsproxy-sidecar.jar
if [ ! -f "$jar" ]; then
  (cd "$repo" && ./mvnw -B -ntp -q -pl sidecar -am package -DskipTests)
fi
# The AOT cache is part of how the sidecar starts in production (the image makes it); make it when missing/stale.
if [ ! "${jar%.jar}.aot" -nt "$jar" ]; then
  "$repo/sidecar/bin/make-aot-cache" >/dev/null 2>&1 || echo "no AOT cache: $repo/sidecar/bin/make-aot-cache failed" >&2
fi
aot=${jar%.jar}.aot
if [ -f "$aot" ] && [ "$aot" -nt "$jar" ]; then echo "AOT cache: $aot"; else echo "AOT cache: none (run sidecar/bin/make-aot-cache)"; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
exec python3 - "$repo/sidecar/bin/udsproxy-sidecar" "$work" "${RUNS:-7}" <<'PY'
import http.client, os, signal, socket, statistics, subprocess, sys, time
launcher, work, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
port, admin = 39611, 39612
times = []
for i in range(runs):
    t0 = time.monotonic()
    p = subprocess.Popen([launcher, "--listen", f"127.0.0.1:{port}", "--admin", f"127.0.0.1:{admin}",
                          "--upstream", f"unix:{work}/app.sock", "--socket-dir", work, "--shutdown-grace", "0s"],
                         stderr=subprocess.DEVNULL)
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
    times.append(ms)
    print(f"run {i + 1}: {ms:.0f} ms to listening and /healthz 200")
    p.send_signal(signal.SIGTERM)
    p.wait()
print(f"median {statistics.median(times):.0f} ms, min {min(times):.0f} ms, max {max(times):.0f} ms over {runs} runs")
PY
