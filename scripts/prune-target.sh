#!/usr/bin/env bash
# Keeps the shared cargo target directory from filling the disk: every change
# of features or dependencies leaves the previous build of a crate behind
# under another hash, and test binaries weigh 100-300 MiB each in debug.
# Removes, in every */deps directory, a build that has a newer build of the
# same crate (same name and kind) and was not written for a day. A build in
# use is either the newest or was written by a recent run; one removed by
# mistake is rebuilt by cargo.
#
#   scripts/prune-target.sh [TARGET_DIR]   # default: $CARGO_TARGET_DIR
set -euo pipefail
dir=${1:-${CARGO_TARGET_DIR:?set CARGO_TARGET_DIR or pass the target directory}}
[ -d "$dir" ] || exit 0
python3 - "$dir" <<'PY'
import collections, os, re, sys, time
root, day = sys.argv[1], 24 * 3600
now, freed = time.time(), 0
for deps, _, files in os.walk(root):
    if os.path.basename(deps) != "deps":
        continue
    builds = collections.defaultdict(list)
    for name in files:
        m = re.match(r"(.+)-([0-9a-f]{16})(\..*)?$", name)
        if m:
            path = os.path.join(deps, name)
            builds[(m.group(1), m.group(3) or "")].append((os.stat(path).st_mtime, path))
    for versions in builds.values():
        versions.sort(reverse=True)
        for mtime, path in versions[1:]:
            if now - mtime > day:
                freed += os.stat(path).st_size
                os.remove(path)
print(f"prune-target: {freed / 2**30:.1f} GiB of superseded builds removed from {root}")
PY
