#!/usr/bin/env python3
"""A burst of new connections far above a listen backlog, against a proxy on 127.0.0.1:PORT.

Opens N non-blocking TCP connections in one go (all SYNs sent before any accept), then waits until each one
is established and has carried one echo round trip. Prints, per run:
  - established within 0.9 s of its connect() (before Linux's first SYN retransmission at 1 s) / later /
    failed;
  - the kernel's own counters for the burst (nstat deltas, noise-free): ListenOverflows (accept queue full),
    ListenDrops, and TCPReqQFullDrop / TCPReqQFullDoCookies (SYN queue full, SYN cookies sent).
A connection the accept queue had no room for is not refused on Linux: its handshake is dropped and retried
by the client after 1 s, 3 s, ... so "refused" here means: not established within 0.9 s, or failed.

  bench/backlog-burst.py --port 8080 --conns 5000
Needs an echo upstream behind the proxy (bench/sidecar-backlog.sh sets one up) and an open-files limit above
N (the client holds N sockets).
"""
import argparse
import json
import os
import selectors
import socket
import subprocess
import time

COUNTERS = ["TcpExtListenOverflows", "TcpExtListenDrops", "TcpExtTCPReqQFullDrop", "TcpExtTCPReqQFullDoCookies"]


def nstat():
    out = subprocess.run(["nstat", "-az", "--json"], capture_output=True, text=True, check=True).stdout
    data = json.loads(out)
    # nstat --json nests the counters under the kernel's table name ("kernel").
    flat = {}
    for table in data.values():
        flat.update(table)
    return {k: int(flat.get(k, 0)) for k in COUNTERS}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--conns", type=int, default=5000)
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for the last connection")
    a = ap.parse_args()

    before = nstat()
    sel = selectors.DefaultSelector()
    started = time.monotonic()
    socks = []
    began = {}
    for _ in range(a.conns):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        began[s] = time.monotonic()
        s.connect_ex(("127.0.0.1", a.port))  # EINPROGRESS: the SYN is on its way
        socks.append(s)
        sel.register(s, selectors.EVENT_WRITE, "connect")
    sent_all = time.monotonic() - started
    payload = b"x" * 64
    fast = slow = failed = 0
    pending = a.conns
    received = {}
    while pending and time.monotonic() - started < a.timeout:
        for key, events in sel.select(timeout=0.2):
            s = key.fileobj
            if key.data == "connect":
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    failed += 1
                    pending -= 1
                    sel.unregister(s)
                    continue
                s.send(payload)
                received[s] = 0
                sel.modify(s, selectors.EVENT_READ, "echo")
            else:
                try:
                    chunk = s.recv(4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    failed += 1
                    pending -= 1
                    sel.unregister(s)
                    continue
                received[s] += len(chunk)
                if received[s] >= len(payload):
                    # Each connection from its own connect(): creating 5,000 sockets takes a while itself.
                    if time.monotonic() - began[s] <= 0.9:
                        fast += 1
                    else:
                        slow += 1
                    pending -= 1
                    sel.unregister(s)
    failed += pending  # still not done at the timeout
    elapsed = time.monotonic() - started
    after = nstat()
    for s in socks:
        s.close()
    delta = {k: after[k] - before[k] for k in COUNTERS}
    print(json.dumps({"conns": a.conns, "sent_all_s": round(sent_all, 3), "within_0.9s": fast,
                      "later": slow, "failed": failed, "elapsed_s": round(elapsed, 3), **delta}))


if __name__ == "__main__":
    main()
