#!/bin/sh
# What computing dates from git history costs: a full build of the
# 10,000-post corpus with history against one with --no-history, output
# on tmpfs, five cold runs each after a warm-up.  Run by hand:
#
#	make && bench/history.sh [POSTS]
#
# The corpus is made once with ../shared/bench/gen_corpus.py and kept in
# bench/work/ (ignored by git).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
shared=${SHARED:-$root/../shared}
n=${1:-10000}
corpus=$here/work/c$n
fresh=${FRESH:-/dev/shm/crier-bench}

[ -x "$root/crier" ] || { echo "build crier first: make" >&2; exit 1; }
if [ ! -d "$corpus" ]; then
	mkdir -p "$here/work"
	python3 "$shared/bench/gen_corpus.py" "$n" "$corpus" >/dev/null
fi
mkdir -p "$fresh"
commits=$(git -C "$corpus" rev-list --count HEAD)
echo "corpus: $n posts, $commits commits; output on $fresh"

run() {	# run LABEL [crier flags]
	label=$1; shift
	rm -f "$here/work/history-$label.json"
	python3 "$shared/bench/timeit.py" -n 5 --warmup 1 --fresh "$fresh" \
	    --json "$here/work/history-$label.json" --label "$label" -- \
	    "$root/crier" build -q "$@" -C "$corpus" -o '{fresh}' >&2
}
run with-history
run no-history --no-history

python3 - "$here/work/history-with-history.json" "$here/work/history-no-history.json" <<'PY'
import json, sys
a, b = (json.loads(open(p).read().splitlines()[-1])["median"] for p in sys.argv[1:3])
for k in ("wall", "user", "sys"):
    print("%-4s median: with history %.3f s, without %.3f s: history adds %+.1f%%"
          % (k, a[k], b[k], 100 * (a[k] - b[k]) / b[k]))
cpu_a, cpu_b = a["user"] + a["sys"], b["user"] + b["sys"]
print("cpu  median: with history %.3f s, without %.3f s: history adds %+.1f%%"
      % (cpu_a, cpu_b, 100 * (cpu_a - cpu_b) / cpu_b))
PY
