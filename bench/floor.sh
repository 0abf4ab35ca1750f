#!/bin/sh
# The benchmark kit's floor on this machine, beside crier on one thread
# and on all cores.  Run by hand (never from make check):
#
#	make && bench/floor.sh [POSTS]		# default: 10000
#
# The kit's README gives its floor, "read + render (one cmark-gfm run) +
# write, one thread", as measured on another machine.  bench/floor.c is
# that floor: every post file of the corpus read from the work tree, its
# body rendered once with crier's cmark-gfm extensions, and written to
# /YYYY/MM/DD/slug/index.html, with no front matter, template, list,
# feed, history or git.  This script builds it (bench/work/floor), makes
# the corpus as bench/run.sh does (bench/lib.sh: the benchmark's page
# set) if it is not there yet, and times RUNS cold runs of the
# floor, of crier with -j1 and of crier with its default jobs, each into a
# fresh folder on tmpfs (FRESH, default /dev/shm/crier-bench), with
# ../shared/bench/timeit.py.  It prints the medians, and what share of
# crier's time the floor is.  Hugo's figures are bench/run.sh's.
set -eu
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
n=${1:-10000}
corpus=$(corpus "$n")

# shellcheck disable=SC2046
${CC:-cc} -std=c11 -O2 -Wall -Wextra -o "$here/work/floor" "$here/floor.c" \
    $(pkg-config --cflags --libs libcmark-gfm) -lcmark-gfm-extensions
# Each run alone in a new folder, crier's caches beside it removed: cold.
CLEAN=1 timeit "floor-$n" "$here/work/floor" "$corpus/posts" '{fresh}'
CLEAN=1 timeit "crier-j1-$n" "$crier" build -q -j1 -C "$corpus" -o '{fresh}'
CLEAN=1 timeit "crier-jN-$n" "$crier" build -q -C "$corpus" -o '{fresh}'
rm -rf "$fresh/.crier-cache"

python3 - "$here/work/floor-$n.json" "$here/work/crier-j1-$n.json" "$here/work/crier-jN-$n.json" <<'PY'
import json, statistics, sys
rows = []
for path in sys.argv[1:]:
    runs = [json.loads(l) for l in open(path) if l.strip()]
    wall = statistics.median(r["median"]["wall"] for r in runs)
    cpu = statistics.median(r["median"]["user"] + r["median"]["sys"] for r in runs)
    rows.append((runs[0]["label"], wall, cpu))
print("| what | wall, median | CPU (user+sys), median |")
print("| --- | --- | --- |")
for label, wall, cpu in rows:
    print("| %s | %.3f s | %.3f s |" % (label, wall, cpu))
floor = rows[0]
print()
for label, wall, cpu in rows[1:]:
    print("%s: the floor is %.0f%% of its wall time and %.0f%% of its CPU time" %
          (label, 100 * floor[1] / wall, 100 * floor[2] / cpu))
PY
