#!/usr/bin/env python3
"""Writes a root filesystem folder as a one-layer image in docker-archive format (what `docker save`
writes, what `podman load`, `kind load image-archive` and Jib's `tar://` base read), as an ordinary
user: the owner, mode and modification time of each entry are set in the archive, not on disk.

Used by images/build.sh for the images that are not Java applications and so are not built by Jib:
the local JRE base (the FROM of the sidecar and operator images when no registry can be reached), the
toolbox and the Node.js example, each FROM scratch.

Why not Jib for these too: Jib builds an application onto a base, writes every file of an extra
directory as root-owned 0644/0755 and follows symbolic links, so /tmp could not be 1777, /home/nonroot
not belong to uid 65532, and busybox's 300 applet links would become 300 copies of busybox.

  rootfs-image.py --rootfs DIR --tag NAME:TAG --out FILE.tar [--config images/NAME/image.json]
                  [--env K=V]... [--user UID:GID] [--entrypoint JSON] [--cmd JSON] [--owner PATH=UID:GID]...
                  [--label K=V]... [--port N]...

--config names a JSON file with the same settings ({"entrypoint": [...], "cmd": [...], "env": ["K=V"],
"ports": [8080], "labels": {...}}): an image's definition in one file, which tests read too; flags add to it.
"""
import argparse
import hashlib
import io
import json
import os
import platform
import stat
import sys
import tarfile
import tempfile

ARCH = {"x86_64": "amd64", "aarch64": "arm64"}


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rootfs", required=True, help="the folder that becomes /")
    p.add_argument("--tag", required=True, help="the image name, e.g. localhost/udsproxy/jre-base:25")
    p.add_argument("--out", required=True, help="the docker-archive tar to write")
    p.add_argument("--config", help="the image's definition (JSON): entrypoint, cmd, env, ports, labels")
    p.add_argument("--env", action="append", default=[], metavar="K=V")
    p.add_argument("--user", default="", metavar="UID:GID")
    p.add_argument("--entrypoint", type=json.loads, default=None, metavar="JSON")
    p.add_argument("--cmd", type=json.loads, default=None, metavar="JSON")
    p.add_argument("--owner", action="append", default=[], metavar="PATH=UID:GID",
                   help="owner of one path in the image (every other entry is 0:0)")
    p.add_argument("--label", action="append", default=[], metavar="K=V")
    p.add_argument("--port", action="append", default=[], metavar="N")
    args = p.parse_args(argv)
    for flag, values in (("--env", args.env), ("--owner", args.owner), ("--label", args.label)):
        for v in values:
            if "=" not in v:
                p.error(f"{flag} {v!r}: expected K=V")
    if not os.path.isdir(args.rootfs):
        p.error(f"--rootfs {args.rootfs!r} is not a folder")
    if args.config:
        with open(args.config) as f:
            definition = json.load(f)
        unknown = set(definition) - {"entrypoint", "cmd", "env", "ports", "labels"}
        if unknown:
            p.error(f"--config {args.config}: unknown keys {sorted(unknown)}; allowed: entrypoint, cmd, env, ports, labels")
        args.entrypoint = definition.get("entrypoint", args.entrypoint)
        args.cmd = definition.get("cmd", args.cmd)
        args.env = definition.get("env", []) + args.env
        args.port = [str(x) for x in definition.get("ports", [])] + args.port
        args.label = [f"{k}={v}" for k, v in definition.get("labels", {}).items()] + args.label
    return args


def owners(specs):
    table = {}
    for spec in specs:
        path, ids = spec.split("=", 1)
        uid, _, gid = ids.partition(":")
        if not uid.isdigit() or not (gid or uid).isdigit():
            raise SystemExit(f"rootfs-image: --owner {spec!r}: expected PATH=UID:GID with numbers")
        table[path.strip("/")] = (int(uid), int(gid or uid))
    return table


def layer(rootfs, owner_of):
    """The layer tar, in a temporary file: owners from the table (else root), modes and times as on disk."""
    out = tempfile.TemporaryFile()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for dirpath, dirnames, filenames in os.walk(rootfs):
            dirnames.sort()  # os.walk descends in this order: the same folder gives the same bytes
            for name in sorted(dirnames + filenames):
                full = os.path.join(dirpath, name)
                rel = os.path.relpath(full, rootfs)
                info = tar.gettarinfo(full, arcname=rel)  # lstat: a symbolic link stays a link
                info.uid, info.gid = owner_of.get(rel, (0, 0))
                info.uname = info.gname = ""
                if info.isreg():
                    with open(full, "rb") as f:
                        tar.addfile(info, f)
                else:
                    tar.addfile(info)
    out.seek(0)
    return out


def sha256_of(f):
    h = hashlib.sha256()
    for chunk in iter(lambda: f.read(1 << 20), b""):
        h.update(chunk)
    f.seek(0)
    return h.hexdigest()


def main(argv):
    args = parse_args(argv)
    layer_file = layer(args.rootfs, owners(args.owner))
    diff_id = sha256_of(layer_file)
    config = {"Env": args.env}
    if args.user:
        config["User"] = args.user
    if args.entrypoint is not None:
        config["Entrypoint"] = args.entrypoint
    if args.cmd is not None:
        config["Cmd"] = args.cmd
    if args.label:
        config["Labels"] = dict(v.split("=", 1) for v in args.label)
    if args.port:
        config["ExposedPorts"] = {f"{p}/tcp": {} for p in args.port}
    image_config = json.dumps({
        "architecture": ARCH.get(platform.machine(), platform.machine()),
        "os": "linux",
        "created": "1970-01-01T00:00:00Z",
        "config": config,
        "rootfs": {"type": "layers", "diff_ids": [f"sha256:{diff_id}"]},
        "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "images/tools/rootfs-image.py"}],
    }, sort_keys=True).encode()
    config_name = hashlib.sha256(image_config).hexdigest() + ".json"
    manifest = json.dumps([{"Config": config_name, "RepoTags": [args.tag],
                            "Layers": [f"{diff_id}/layer.tar"]}]).encode()
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    tmp = args.out + ".part"
    with tarfile.open(tmp, mode="w", format=tarfile.PAX_FORMAT) as tar:
        def add(name, data=None, fileobj=None, size=None):
            info = tarfile.TarInfo(name)
            info.size = len(data) if data is not None else size
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data) if data is not None else fileobj)
        layer_file.seek(0, os.SEEK_END)
        size = layer_file.tell()
        layer_file.seek(0)
        add(f"{diff_id}/layer.tar", fileobj=layer_file, size=size)
        add(config_name, image_config)
        add("manifest.json", manifest)
    os.replace(tmp, args.out)
    print(f"rootfs-image: {args.out}: {args.tag}, one layer of {size // (1 << 20)} MiB (sha256:{diff_id[:12]})",
          file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
