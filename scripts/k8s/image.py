#!/usr/bin/env python3
"""Writes a container image as a docker-archive tarball that `ctr images import` loads: no registry, no base image.

    image.py --tag NAME:TAG --output OUT.tar --layer DIR [--layer SRC=DEST,SRC=DEST ...]
             [--exclude PATTERN ...] [--entrypoint JSON] [--cmd JSON] [--user UID:GID] [--env K=V ...] [--workdir DIR]

A --layer is a directory whose contents go to /, or SRC=DEST pairs (files or directories copied to DEST).
--exclude leaves out the image paths that match a shell pattern (a directory with everything below it).
Entries are owned by root, dated 1970 and sorted, so the same inputs give the same image id, and a layer shared by
two images (a Python runtime under two Airflow releases) is stored once. Files are made readable by everyone,
because the images run as non-root users. Standard library only.
"""
import argparse
import fnmatch
import hashlib
import io
import json
import os
import platform
import tarfile

ARCHITECTURES = {"x86_64": "amd64", "aarch64": "arm64"}


def entries(spec):
    """(source, path in the image) pairs of one --layer."""
    if "=" not in spec:
        return [(os.path.join(spec, name), name) for name in sorted(os.listdir(spec))]
    return [(pair.split("=", 1)[0], pair.split("=", 1)[1].lstrip("/")) for pair in spec.split(",")]


def layer(spec, excludes):
    def normalise(info):
        if any(fnmatch.fnmatch("/" + info.name, pattern) for pattern in excludes):
            return None  # a directory left out takes everything below it along
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mtime = 0
        if info.isdir() or info.mode & 0o100:
            info.mode |= 0o555
        else:
            info.mode |= 0o444
        return info

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        written = set()
        for source, target in entries(spec):
            parts = target.split("/")[:-1]
            for depth in range(1, len(parts) + 1):  # parent directories, world-readable whatever the host says
                parent = "/".join(parts[:depth])
                if parent not in written:
                    info = tarfile.TarInfo(parent)
                    info.type, info.mode = tarfile.DIRTYPE, 0o755
                    tar.addfile(normalise(info))
                    written.add(parent)
            tar.add(source, arcname=target, filter=normalise, recursive=True)
    return buffer.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tag", required=True, action="append")
    parser.add_argument("--output", required=True)
    parser.add_argument("--layer", required=True, action="append")
    parser.add_argument("--exclude", action="append", default=[])
    parser.add_argument("--entrypoint")
    parser.add_argument("--cmd")
    parser.add_argument("--user")
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("--workdir")
    args = parser.parse_args()

    layers = [layer(spec, args.exclude) for spec in args.layer]
    diff_ids = ["sha256:" + hashlib.sha256(data).hexdigest() for data in layers]
    default_path = [] if any(env.startswith("PATH=") for env in args.env) else [
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
    runtime = {"Env": default_path + args.env}
    for key, value in (("Entrypoint", args.entrypoint), ("Cmd", args.cmd)):
        if value:
            runtime[key] = json.loads(value)
    if args.user:
        runtime["User"] = args.user
    if args.workdir:
        runtime["WorkingDir"] = args.workdir
    config = json.dumps({
        "architecture": ARCHITECTURES.get(platform.machine(), platform.machine()), "os": "linux",
        "created": "1970-01-01T00:00:00Z", "config": runtime,
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    }, sort_keys=True).encode()
    config_id = hashlib.sha256(config).hexdigest()
    manifest = [{"Config": config_id + ".json", "RepoTags": args.tag,
                 "Layers": [diff_id[7:] + "/layer.tar" for diff_id in diff_ids]}]
    with tarfile.open(args.output, "w") as out:
        def put(name, data):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
        put(config_id + ".json", config)
        for diff_id, data in zip(diff_ids, layers):
            put(diff_id[7:] + "/layer.tar", data)
        put("manifest.json", json.dumps(manifest).encode())
    print(f"{args.output}: {', '.join(args.tag)}, {len(layers)} layers, {os.path.getsize(args.output)} bytes")


if __name__ == "__main__":
    main()
