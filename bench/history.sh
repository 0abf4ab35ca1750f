#!/bin/sh
# What computing dates from git history costs: full builds of the
# 10,000-post corpus with history and with --no-history, output on tmpfs,
# and a third kind, a build of HEAD whose history walk was kept by a build
# of HEAD~1 (.crier-cache/NAME.history), so that it walks one commit.
# The three are run in turn, round after round (ROUNDS, default 7, after
# one warm-up round), so that a machine busy with something else slows
# all three alike; quote the medians, and the CPU time (user + sys) over
# the wall time on a busy machine.  Run by hand:
#
#	make && bench/history.sh [POSTS]
#
# CRIER=path/to/crier times another binary.
#
# The corpus is made once with ../shared/bench/gen_corpus.py and kept in
# bench/work/ (ignored by git).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
shared=${SHARED:-$root/../shared}
n=${1:-10000}
rounds=${ROUNDS:-7}
corpus=$here/work/c$n
fresh=${FRESH:-/dev/shm/crier-bench}
json=$here/work/history.json
crier=${CRIER:-$root/crier}

[ -x "$crier" ] || { echo "build crier first: make" >&2; exit 1; }
if [ ! -d "$corpus" ]; then
	mkdir -p "$here/work"
	python3 "$shared/bench/gen_corpus.py" "$n" "$corpus" >/dev/null
fi
# Each run's output is a new folder under $fresh, so its walk is kept in
# $fresh/.crier-cache/ under a name no other run has: every build but the
# third kind walks the whole history.
rm -rf "$fresh/.crier-cache"
mkdir -p "$fresh"
commits=$(git -C "$corpus" rev-list --count HEAD)
echo "corpus: $n posts, $commits commits; output on $fresh; $rounds rounds"

# The walk of HEAD~1, which the third kind copies beside its output.
"$crier" build -q --ref HEAD~1 -C "$corpus" -o "$fresh/seed"
kept=$here/work/history-HEAD~1.history
cp "$fresh/.crier-cache/seed.history" "$kept"
rm -rf "$fresh/seed" "$fresh/.crier-cache"

run() {	# run LABEL COMMAND...: one timed run, appended to $json
	label=$1; shift
	python3 "$shared/bench/timeit.py" -n 1 --warmup 0 --fresh "$fresh" \
	    --json "$json" --label "$label" -- "$@" >/dev/null
}
with() { run with-history "$crier" build -q -C "$corpus" -o '{fresh}'; }
without() { run no-history "$crier" build -q --no-history -C "$corpus" -o '{fresh}'; }
# The copy (about 1 MB, on tmpfs) is timed with the build: a few ms.
keeping() {
	run kept-walk sh -c 'mkdir -p "${1%/*}/.crier-cache" &&
	    cp "$2" "${1%/*}/.crier-cache/${1##*/}.history" &&
	    exec "$3" build -q -C "$4" -o "$1"' - '{fresh}' "$kept" "$crier" "$corpus"
}

with; without; keeping		# warm-up
rm -f "$json"
i=0
while [ "$i" -lt "$rounds" ]; do
	if [ $((i % 2)) -eq 0 ]; then with; without; keeping; else keeping; without; with; fi
	i=$((i + 1))
done
rm -rf "$fresh/.crier-cache"

python3 - "$json" <<'PY'
import json, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    runs.setdefault(r["label"], []).extend(r["runs"])
def med(label, key):
    return statistics.median(x[key] if key != "cpu" else x["user"] + x["sys"] for x in runs[label])
b = "no-history"
for a, what in (("with-history", "history adds"), ("kept-walk", "a kept walk adds")):
    for k in ("wall", "user", "sys", "cpu"):
        print("%-4s median: %-12s %.3f s, without history %.3f s: %s %+.1f%%"
              % (k, a, med(a, k), med(b, k), what, 100 * (med(a, k) - med(b, k)) / med(b, k)))
PY
