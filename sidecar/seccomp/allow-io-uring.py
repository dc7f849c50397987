#!/usr/bin/env python3
"""Writes a seccomp profile for the sidecar that allows io_uring: your runtime's default profile plus the three
io_uring system calls, which Docker's, containerd's and CRI-O's defaults block (so `--transport auto` falls back to
epoll in a default Pod).

  allow-io-uring.py DEFAULT.json > udsproxy-io-uring.json

DEFAULT.json is the profile your runtime applies as RuntimeDefault, in the OCI/Docker JSON form
({"defaultAction": ..., "syscalls": [{"names": [...], "action": "SCMP_ACT_ALLOW"}, ...]}), e.g. moby's
profiles/seccomp/default.json for the release your nodes run. Copy the output to every node under the kubelet's
seccomp folder (/var/lib/kubelet/seccomp/profiles/udsproxy-io-uring.json) and set the SidecarProfile's
`seccompLocalhostProfile: profiles/udsproxy-io-uring.json`: the injected sidecar then runs with type Localhost,
which Pod Security "restricted" allows, and logs `transport=io_uring`.
Only the three names are added; every other rule of the default stays as it was.
"""
import json
import sys

IO_URING = ["io_uring_setup", "io_uring_enter", "io_uring_register"]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: allow-io-uring.py DEFAULT.json > udsproxy-io-uring.json")
    try:
        profile = json.load(open(sys.argv[1]))
    except (OSError, ValueError) as e:
        sys.exit(f"allow-io-uring: cannot read {sys.argv[1]} as a JSON seccomp profile: {e}")
    rules = profile.get("syscalls")
    if not isinstance(rules, list) or "defaultAction" not in profile:
        sys.exit(f"allow-io-uring: {sys.argv[1]} has no defaultAction and syscalls list: not a seccomp profile")
    already = {n for r in rules if r.get("action") == "SCMP_ACT_ALLOW" and not r.get("args") for n in r.get("names", [])}
    missing = [n for n in IO_URING if n not in already]
    if missing:
        rules.append({"names": missing, "action": "SCMP_ACT_ALLOW",
                      "comment": "udsproxy sidecar: the io_uring transport (sidecar/README.md)"})
    json.dump(profile, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
