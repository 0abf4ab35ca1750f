#!/bin/sh
# Hostile and broken input (issue 6), as data: every folder
# tests/hostile/NAME/ is one case, a small site committed to a fresh
# repository and built; crier must exit as the case says, print exactly
# the stderr it says, and never write outside the output folder.
#
# A case folder holds:
#   expect   what crier must do (below); not committed
#   setup    optional sh script run in the work tree before "git add -A",
#            for files a source tree should not hold (binary bytes, huge
#            files, odd names, symbolic links, CRLF)
#   stage    optional sh script run after "git add -A", before the commit,
#            to edit the index (submodules, names too long for the disk);
#            it may make the commit itself (git mktree, commit-tree,
#            update-ref) for trees git's index cannot hold
#   check    optional sh script sourced after the build, with lib.sh's
#            check/todo/has/lacks and $OUT (the output folder) and $R
#            (the repository): what the output must or must not hold
#   anything else: committed as it is, over the site.ini of new_repo
#            ([site] title = Test Site, url = https://example.com/)
#
# expect is a header, a line "stderr:", then the stderr crier must print,
# line for line (all of it).  Header lines, each optional but exit:
#   exit N          the exit status
#   args ARG...     more arguments for crier build (split on spaces)
#   timeout N       seconds allowed (default 10; 10 times that under
#                   $CRIER_WRAP), for input meant to cost crier dearly
#   memory MB       at most MB megabytes for crier (ulimit -v; under
#                   AddressSanitizer, which needs more address space, its
#                   hard_rss_limit_mb), for input meant to exhaust memory
#   nofeeds REASON  the feeds are not checked with feedcheck
#   todo REASON     crier does not do this yet: the exit status, stderr
#                   and output are one TAP TODO check (so that prove's
#                   "TODO passed" means the whole case passes), as is
#                   finishing in time; "nothing outside the output" is
#                   always a real check
#   # ...           a comment, saying what the case is about
# In the stderr lines, @OUT@ stands for the output folder.
#
# Every case also checks: nothing appeared, changed or vanished outside the
# output folder (which sits nine folders deep, so a path climbing out with
# "../" is seen) but crier's state in .crier-cache/ beside it; a failed
# build left no output; and a build that succeeded wrote only plain files
# and folders of safe names, and valid feeds.
. "$(dirname "$0")/lib.sh"
: "${TESTBIN:?TESTBIN must name the folder of the test programs}"

CASES=$ROOT/tests/hostile
SCHEMA=$SHARED/schemas/atom.rng
BOX=$TMP/box
DEEP=1/2/3/4/5/6/7/8
OUT=$BOX/$DEEP/out

# Everything below $BOX but the output folder and crier's state of it
# (.crier-cache/ beside it), with checksums.
outside() {
	(cd "$BOX" && _p="-path ./$DEEP/out -prune -o -path ./$DEEP/.crier-cache -prune" &&
	    find . $_p -o -print | LC_ALL=C sort &&
	    find . $_p -o -type f -exec cksum {} + | LC_ALL=C sort)
}

# Fails, naming them, if paths below $OUT are not plain files and folders
# whose names are printable ASCII without "\" (a served site should not
# hold anything a web server or a shell could misread).
safe_names() {
	_bad=$(cd "$OUT" && find . \( \( ! -type f ! -type d \) -o -name '*[!A-Za-z0-9._~+-]*' \) -print)
	[ -z "$_bad" ] || { echo "unsafe: $_bad"; return 1; }
}

# Fails unless every feed below $OUT is valid Atom or well-formed RSS.
feeds_ok() {
	_atom=$(find "$OUT" -name atom.xml | LC_ALL=C sort)
	_rss=$(find "$OUT" -name rss.xml | LC_ALL=C sort)
	[ -n "$_atom" ] || { echo "no atom.xml"; return 1; }
	# shellcheck disable=SC2086
	$CRIER_WRAP "$TESTBIN/feedcheck" atom "$SCHEMA" $_atom &&
	    $CRIER_WRAP "$TESTBIN/feedcheck" rss $_rss
}

# The header value of KEY in file $1, or "".
header() { sed -n "/^stderr:\$/q; s/^$2 *//p" "$1" | head -n 1; }

# The expected stderr of file $1, with @OUT@ filled in.
expected() { sed -n '/^stderr:$/,$p' "$1" | sed '1d' | sed "s|@OUT@|$OUT|g"; }

# The checks of what a case expects; each prints what went wrong.
exit_is() {
	[ "$rc" -eq "$1" ] || { echo "exit status $rc; stderr:"; cat "$TMP/stderr"; return 1; }
}
stderr_is() { same "$TMP/want" "$TMP/stderr"; }
wrote_nothing() {
	[ ! -e "$OUT" ] || { echo "$OUT was made"; return 1; }
	lines "$TMP/stdout" 0
}
all_expected() {	# all_expected EXPECT EXIT
	_r=0
	exit_is "$2" || _r=1
	stderr_is || _r=1
	if [ "$2" -ne 0 ]; then
		wrote_nothing || _r=1
	else
		safe_names || _r=1
		grep -q '^nofeeds ' "$1" || feeds_ok || _r=1
	fi
	return $_r
}

# 1 if $CRIER is built with AddressSanitizer, which lists its flags when asked.
ASAN=0
if ASAN_OPTIONS=help=1 "$CRIER" --version 2>&1 | grep -q AddressSanitizer; then ASAN=1; fi

# Fixed dates, as commit_all, but the commit is made after the stage script.
_when=1500000000

run_case() {	# run_case NAME
	C=$CASES/$1
	E=$C/expect
	R=$BOX/repo
	rm -rf "$BOX"
	mkdir -p "$BOX/$DEEP"
	new_repo "$R"
	(cd "$C" && find . -mindepth 1 -maxdepth 1 ! -name expect ! -name setup \
	    ! -name stage ! -name check -exec cp -R {} "$R/" \;)
	if [ -f "$C/setup" ] && ! (cd "$R" && set -e && . "$C/setup") >"$TMP/.setup" 2>&1; then
		not_ok "$1: setup" "$(cat "$TMP/.setup")"
		return
	fi
	_when=$((_when + 86400))
	if ! (cd "$R" && export GIT_AUTHOR_DATE="@$_when +0000" GIT_COMMITTER_DATE="@$_when +0000" &&
	    git add -A && { [ ! -f "$C/stage" ] || (set -e && . "$C/stage"); } &&
	    { git rev-parse -q --verify HEAD >/dev/null || git commit -q --allow-empty -m "$1"; }) \
	    >"$TMP/.setup" 2>&1; then
		not_ok "$1: commit" "$(cat "$TMP/.setup")"
		return
	fi
	outside >"$TMP/before"

	_exit=$(header "$E" exit)
	_args=$(header "$E" args)
	_time=$(header "$E" timeout)
	_todo=$(header "$E" todo)
	: "${_time:=10}"
	[ -z "$CRIER_WRAP" ] || _time=$((_time * 10))
	expected "$E" >"$TMP/want"
	_mem=$(header "$E" memory)
	rc=0
	# shellcheck disable=SC2086
	(
		if [ -n "$_mem" ] && [ "$ASAN" -eq 1 ]; then
			export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}hard_rss_limit_mb=$_mem"
		elif [ -n "$_mem" ]; then
			ulimit -v $((_mem * 1024))
		fi
		exec timeout "$_time" $CRIER_WRAP "$CRIER" build -C "$R" -o "$OUT" $_args
	) >"$TMP/stdout" 2>"$TMP/stderr" </dev/null || rc=$?

	outside >"$TMP/after"

	if [ "$rc" -eq 124 ]; then
		if [ -n "$_todo" ]; then todo "$1: finishes within $_time s" "$_todo" false
		else not_ok "$1: finishes within $_time s"; fi
		# A build that is killed may leave its staging folder and lock
		# file beside the output (for the next build to clear), but
		# nothing else.
		grep -v "^\./$DEEP/\.out\.crier-\| \./$DEEP/\.out\.crier-" "$TMP/after" >"$TMP/after2"
		mv "$TMP/after2" "$TMP/after"
	fi
	check "$1: nothing written outside the output folder" same "$TMP/before" "$TMP/after"
	if [ -z "$_todo" ]; then
		check "$1: exit status $_exit" exit_is "$_exit"
		check "$1: stderr is as expected" stderr_is
		if [ "$_exit" -ne 0 ]; then
			check "$1: nothing written" wrote_nothing
		else
			check "$1: output paths are plain and safe" safe_names
			if grep -q '^nofeeds ' "$E"; then
				ok "$1: the feeds are valid # SKIP $(header "$E" nofeeds)"
			else
				check "$1: the feeds are valid" feeds_ok
			fi
		fi
	else
		todo "$1: exit status $_exit, stderr and output as expected" "$_todo" all_expected "$E" "$_exit"
	fi
	if [ -f "$C/check" ]; then
		. "$C/check"
	fi
}

# HOSTILE=NAME (a shell pattern) runs only the matching cases.
for _c in "$CASES"/*/; do
	_c=${_c%/}
	case ${_c##*/} in ${HOSTILE:-*}) run_case "${_c##*/}" ;; esac
done

# The harness itself: checks that pass everything prove nothing.
rm -rf "$BOX"
mkdir -p "$OUT"
outside >"$TMP/before"
echo evil >"$BOX/1/evil"
outside >"$TMP/after"
check "harness: a file written beside the output is seen" sh -c '! cmp -s "$1" "$2"' - "$TMP/before" "$TMP/after"
echo x >"$OUT/a b"
check "harness: an unsafe name in the output is seen" eval '! safe_names'
ln -s /etc "$OUT/link"
rm "$OUT/a b"
check "harness: a link in the output is seen" eval '! safe_names'
rm -rf "$BOX"

done_testing
