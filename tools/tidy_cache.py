#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Splits the files tools/tidy.sh checks into those already known clean and those to check.
#
#   tidy_cache.py pending BUILD_DIR CACHE_DIR FILE...   prints the files whose verdict is unknown
#   tidy_cache.py clean   BUILD_DIR CACHE_DIR FILE...   records these files as clean
#
# A file's key is the SHA-256 of what clang-tidy's verdict depends on: the clang-tidy version,
# .clang-tidy, and the file preprocessed with its own compile command (every header it
# includes, with their contents; `-P` drops line markers and the checkout's path is replaced by
# a placeholder where __FILE__ or a -D option spelled it, so where the checkout lives does not
# matter). Only clean verdicts are kept; a file with findings is always checked again.
import hashlib
import json
import os
import shlex
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor


def compile_commands(build_dir):
    with open(os.path.join(build_dir, "compile_commands.json"), encoding="utf-8") as f:
        return {os.path.realpath(e["file"]): e for e in json.load(f)}


def preprocessed(entry):
    args = shlex.split(entry["command"])
    out = []
    skip = False
    for a in args:  # drop "-o OBJ" and "-c"; keep the compiler, flags and the source
        if skip:
            skip = False
            continue
        if a == "-o":
            skip = True
            continue
        if a == "-c":
            continue
        out.append(a)
    res = subprocess.run(out + ["-E", "-P"], cwd=entry["directory"], capture_output=True,
                         check=False)
    if res.returncode != 0:
        return None
    return res.stdout.replace(os.getcwd().encode(), b"@ROOT@")


def main():
    mode, build_dir, cache_dir = sys.argv[1:4]
    files = sys.argv[4:]
    root = os.getcwd()
    db = compile_commands(build_dir)
    version = subprocess.run([os.environ.get("TIDY", "clang-tidy"), "--version"],
                             capture_output=True, check=False).stdout
    with open(os.path.join(root, ".clang-tidy"), "rb") as f:
        config = f.read()
    os.makedirs(cache_dir, exist_ok=True)

    def text_of(rel):
        entry = db.get(os.path.realpath(os.path.join(root, rel)))
        return preprocessed(entry) if entry else None

    jobs = int(os.environ.get("TIDY_JOBS", "2"))
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        texts = list(pool.map(text_of, files))
    for rel, text in zip(files, texts):
        if text is None:
            if mode == "pending":
                print(rel)
            continue
        key = hashlib.sha256(version + b"\0" + config + b"\0" + rel.encode() + b"\0" +
                             text).hexdigest()
        marker = os.path.join(cache_dir, key)
        if mode == "pending":
            if not os.path.exists(marker):
                print(rel)
        else:
            with open(marker, "w", encoding="utf-8") as f:
                f.write(rel + "\n")


if __name__ == "__main__":
    main()
