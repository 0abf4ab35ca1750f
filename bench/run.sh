#!/bin/sh
# crier against Hugo on the same posts and the same page set.  Run by hand
# (never from make check):
#
#	make && bench/run.sh [SIZES]		# default: 1000 10000 100000
#
# The corpus's site.ini gets "disable = archives sitemap json atom
# calendar 404" (one commit), since the Hugo yardstick site builds only
# the benchmark's page set: posts, paginated home and category pages, and
# RSS.
# For each size it makes a corpus once with ../shared/bench/gen_corpus.py
# (kept in bench/work/, ignored by git), builds it cold with crier and
# with Hugo (../shared/bench/run_hugo.sh) into fresh folders on tmpfs,
# checks both outputs with ../shared/bench/check_output.py, and times
# RUNS cold builds of each (after a warm-up) with ../shared/bench/timeit.py,
# each run alone, its output removed before the next.
# For crier it also times a rebuild with nothing changed, and a rebuild
# after a commit that edits one post.  It prints medians with min-max and
# the ratios crier/Hugo.
#
# Environment: RUNS (default 5), FRESH (default /dev/shm/crier-bench, a
# tmpfs), SETTLE (seconds between runs; default 2 from 50,000 posts up,
# else 0), SKIP_HUGO=1 to time crier alone, CRIER_FLAGS for crier.
set -eu
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
sizes=${*:-1000 10000 100000}
flags=${CRIER_FLAGS:-}

for n in $sizes; do
	corpus=$(corpus "$n")
	if [ -z "${SETTLE:-}" ]; then
		settle=0
		[ "$n" -ge 50000 ] && settle=2
	fi
	# The outputs must be the page set the benchmark asks for.
	rm -rf "$fresh/check-crier" "$fresh/check-hugo"
	"$crier" build -q $flags -C "$corpus" -o "$fresh/check-crier"
	python3 "$shared/bench/check_output.py" "$corpus" "$fresh/check-crier" >/dev/null ||
	    { echo "crier's output for $n posts is not the intended page set" >&2; exit 1; }
	if [ -z "${SKIP_HUGO:-}" ]; then
		sh "$shared/bench/run_hugo.sh" "$corpus" "$fresh/check-hugo" >/dev/null
		python3 "$shared/bench/check_output.py" "$corpus" "$fresh/check-hugo" >/dev/null ||
		    { echo "Hugo's output for $n posts is not the intended page set" >&2; exit 1; }
		timeit "hugo-$n" sh "$shared/bench/run_hugo.sh" "$corpus" '{fresh}'
	fi
	# Each cold build leaves its caches beside its fresh folder: removed
	# before the next, so every one is cold.
	CLEAN=1 timeit "crier-$n" "$crier" build -q $flags -C "$corpus" -o '{fresh}'
	rm -rf "$fresh/.crier-cache"

	# Rebuilds of one output: nothing changed, then one post edited in a
	# commit of a scratch clone (the corpus itself is never changed).
	work=$fresh/rebuild-$n
	rm -rf "$work" "$fresh/.crier-cache"
	git clone -q "$corpus" "$work.git-tmp" && mv "$work.git-tmp" "$work"
	"$crier" build -q $flags -C "$work" -o "$fresh/out-$n"
	timeit "crier-noop-$n" "$crier" build -q $flags -C "$work" -o "$fresh/out-$n"
	edit=$(ls "$work/posts" | sed -n '5p')
	i=0
	: >"$here/work/edit-$n.times"
	: >"$here/work/edit-$n.json"
	while [ $i -lt "$runs" ]; do
		echo "Update $i: all is well." >>"$work/posts/$edit"
		git -C "$work" -c user.name=bench -c user.email=bench@example.com \
		    commit -qam "edit $i"
		python3 "$shared/bench/timeit.py" -n 1 --warmup 0 --no-sync --json "$here/work/edit-$n.json" \
		    --label "crier-edit-$n" -- "$crier" build -q $flags -C "$work" -o "$fresh/out-$n" \
		    >/dev/null 2>&1
		i=$((i + 1))
	done
	rm -rf "$work" "$fresh/out-$n" "$fresh/.crier-cache" "$fresh/check-crier" "$fresh/check-hugo"
done

files=
for n in $sizes; do
	files="$files $here/work/hugo-$n.json $here/work/crier-$n.json $here/work/crier-noop-$n.json $here/work/edit-$n.json"
done
# shellcheck disable=SC2086
python3 - $files <<'PY'
import json, os, statistics, sys
rows = {}
for path in sys.argv[1:]:
    if not os.path.exists(path):
        continue
    runs = [json.loads(l) for l in open(path) if l.strip()]
    if runs:
        label = runs[0]["label"]
        walls = [r["median"]["wall"] for r in runs]
        rows[label] = {"median": {"wall": statistics.median(walls), "user": statistics.median(r["median"]["user"] for r in runs),
                                  "sys": statistics.median(r["median"]["sys"] for r in runs), "peak_mb": max(r["median"]["peak_mb"] for r in runs)},
                       "min": {"wall": min(walls)}, "max": {"wall": max(walls)}}
sizes = sorted({int(k.rsplit("-", 1)[1]) for k in rows})
def cell(d):
    m = d["median"]
    return "%.3f s (%.3f-%.3f)" % (m["wall"], d["min"]["wall"], d["max"]["wall"])
print("| posts | tool | wall median (min-max) | CPU (user+sys), median | peak RSS, max |")
print("| --- | --- | --- | --- | --- |")
for n in sizes:
    for tool in ("hugo", "crier", "crier-noop", "crier-edit"):
        d = rows.get("%s-%d" % (tool, n))
        if d:
            m = d["median"]
            print("| %d | %s | %s | %.3f s | %.0f MiB |" % (n, tool, cell(d), m["user"] + m["sys"], m["peak_mb"]))
print()
print("| posts | wall crier/Hugo | CPU crier/Hugo | memory crier/Hugo | no-op / cold | edit / cold |")
print("| --- | --- | --- | --- | --- | --- |")
for n in sizes:
    c, h = rows.get("crier-%d" % n), rows.get("hugo-%d" % n)
    no, ed = rows.get("crier-noop-%d" % n), rows.get("crier-edit-%d" % n)
    if not c:
        continue
    cm = c["median"]
    def r(a, b):
        return "%.3f (1/%.1f)" % (a / b, b / a) if b else "-"
    if h:
        hm = h["median"]
        ratios = [r(cm["wall"], hm["wall"]), r(cm["user"] + cm["sys"], hm["user"] + hm["sys"]), r(cm["peak_mb"], hm["peak_mb"])]
    else:
        ratios = ["-", "-", "-"]
    print("| %d | %s | %s | %s | %s | %s |" % (n, ratios[0], ratios[1], ratios[2],
          "%.1f%%" % (100 * no["median"]["wall"] / cm["wall"]) if no else "-",
          "%.1f%%" % (100 * ed["median"]["wall"] / cm["wall"]) if ed else "-"))
PY
