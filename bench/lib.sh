# shellcheck shell=sh
# Shared by bench/run.sh and bench/floor.sh, which source it: the
# settings, the corpus and the timing.  Environment: RUNS (default 5),
# FRESH (default /dev/shm/crier-bench, a tmpfs), SETTLE (seconds, see
# timeit; default 0, and run.sh's default is 2 from 50,000 posts up),
# SHARED (default ../shared beside the project).
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
shared=${SHARED:-$root/../shared}
runs=${RUNS:-5}
fresh=${FRESH:-/dev/shm/crier-bench}
settle=${SETTLE:-0}
crier=$root/crier

[ -x "$crier" ] || { echo "build crier first: make" >&2; exit 1; }
mkdir -p "$here/work" "$fresh"

# corpus N: the corpus of N posts, made once with ../shared/bench/gen_corpus.py
# into bench/work/cN (ignored by git), with the benchmark's page set.
corpus() {
	_c=$here/work/c$1
	if [ ! -d "$_c" ]; then
		echo "making a corpus of $1 posts..." >&2
		python3 "$shared/bench/gen_corpus.py" "$1" "$_c" >/dev/null
	fi
	# Like with like: the Hugo yardstick turns off every kind of page
	# outside the benchmark's page set (sitemap, robots.txt, 404, lists of
	# terms) and writes RSS only, so crier turns off its own extras too.
	if ! grep -q '^disable' "$_c/site.ini"; then
		printf '\n[build]\ndisable = archives sitemap json atom calendar 404\n' >>"$_c/site.ini"
		git -C "$_c" -c user.name=bench -c user.email=bench@example.com \
		    commit -qam "bench: only the benchmark's page set"
	fi
	echo "$_c"
}

# timeit LABEL COMMAND...: a warm-up, then RUNS runs, each timed alone into
# a new output folder that is removed before the next run starts.  (With
# timeit.py's -n, the outputs of earlier runs stay on the tmpfs until the
# last: at 100,000 posts that is millions of files, and the kernel's
# lookups slow down run after run, tripling the system time.)  The runs'
# figures go to bench/work/LABEL.json.  With CLEAN=1, the caches cold
# builds leave beside their output are removed before each run, outside
# the timing.  Each run starts $settle seconds after what was removed
# before it: the kernel is still freeing a large output's inodes for a
# while, and at 100,000 posts a run started at once took up to a fifth
# longer, with half again the system time.  (A pause is no gift to small
# runs: after two idle seconds a 10,000-post build took 2-4% longer.)
timeit() {
	label=$1; shift
	i=0
	: >"$here/work/$label.json"
	while [ $i -le "$runs" ]; do
		[ "${CLEAN:-0}" = 1 ] && rm -rf "$fresh/.crier-cache"
		sync
		sleep "$settle"
		out=/dev/null
		[ $i -gt 0 ] && out=$here/work/$label.json
		python3 "$shared/bench/timeit.py" -n 1 --warmup 0 --fresh "$fresh" \
		    --json "$out" --label "$label" -- "$@" >/dev/null 2>&1 ||
		    { echo "$label: the command failed" >&2; exit 1; }
		i=$((i + 1))
	done
	echo "$label: $runs runs" >&2
}
