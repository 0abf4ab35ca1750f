# Shared by the shell tests: TAP output, and git repositories with fixed
# author and committer dates, as git's own test suite makes them.
# Tests run under TZ=UTC LC_ALL=C; $CRIER is the binary under test and
# $CRIER_WRAP an optional wrapper (valgrind).

set -u
export TZ=UTC LC_ALL=C
unset GIT_DIR GIT_WORK_TREE SOURCE_DATE_EPOCH
export GIT_AUTHOR_NAME="Test Author" GIT_AUTHOR_EMAIL="author@example.com"
export GIT_COMMITTER_NAME="Test Committer" GIT_COMMITTER_EMAIL="committer@example.com"
export GIT_CONFIG_NOSYSTEM=1 HOME="${TMPDIR:-/tmp}"
: "${CRIER:?CRIER must name the crier binary}"
: "${CRIER_WRAP:=}"

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/crier-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

_n=0
_failed=0

ok() {	# ok DESCRIPTION: a passing check
	_n=$((_n + 1)); echo "ok $_n - $1"
}

not_ok() {	# not_ok DESCRIPTION [DETAIL]: a failing check
	_n=$((_n + 1)); _failed=$((_failed + 1)); echo "not ok $_n - $1"
	if [ $# -gt 1 ]; then printf '%s\n' "$2" | sed 's/^/# /'; fi
}

check() {	# check DESCRIPTION COMMAND...: passes when COMMAND succeeds
	_d=$1; shift
	if "$@" >"$TMP/.out" 2>&1; then ok "$_d"; else not_ok "$_d" "$(cat "$TMP/.out")"; fi
}

done_testing() {
	echo "1..$_n"
	[ "$_failed" -eq 0 ]
}

# Runs crier with the wrapper; output in $TMP/stdout and $TMP/stderr, status in $rc.
crier() {
	rc=0
	$CRIER_WRAP "$CRIER" "$@" >"$TMP/stdout" 2>"$TMP/stderr" || rc=$?
}

_tick=1500000000
# Commits everything in repo $1 with message $2 at the next fixed date.
commit_all() {
	_tick=$((_tick + 3600))
	(cd "$1" && git add -A && GIT_AUTHOR_DATE="@$_tick +0000" GIT_COMMITTER_DATE="@$_tick +0000" \
		git commit -q --allow-empty -m "$2")
}

# Makes an empty repository at $1 with a site.ini of url = https://example.com/.
new_repo() {
	rm -rf "$1"
	git init -q -b main "$1"
	mkdir -p "$1/posts"
	printf '[site]\ntitle = Test Site\nurl = https://example.com/\n' >"$1/site.ini"
}

# Writes a post: post REPO FILE TITLE DATE [CATEGORIES] [BODY]
post() {
	{
		printf -- '---\n'
		printf 'title: "%s"\n' "$3"
		[ -n "$4" ] && printf 'date: %s\n' "$4"
		[ -n "${5:-}" ] && printf 'categories: %s\n' "$5"
		printf -- '---\n'
		printf '%s\n' "${6:-Body of $3.}"
	} >"$1/posts/$2"
}

# Fails unless file $1 contains the fixed string $2.
has() { grep -qF -- "$2" "$1"; }
# Fails if file $1 contains the fixed string $2.
lacks() { ! grep -qF -- "$2" "$1"; }

# todo DESCRIPTION REASON COMMAND...: like check, for a known crier bug.
# The line carries a TAP "# TODO REASON" directive, so a failure does not
# fail the suite, and prove reports the check once it starts passing.
todo() {
	_d=$1; _why=$2; shift 2
	_n=$((_n + 1))
	if "$@" >"$TMP/.out" 2>&1; then
		echo "ok $_n - $_d # TODO $_why"
	else
		echo "not ok $_n - $_d # TODO $_why"
		sed 's/^/# /' "$TMP/.out"
	fi
}

# Fails unless file $1 has a line that is exactly $2.
has_line() { grep -qFx -- "$2" "$1"; }

# Fails unless file $1 has lines matching the extended regexp $2.
matches() { grep -qE -- "$2" "$1"; }

# Fails unless file $1 has exactly $2 lines.
lines() {
	_c=$(wc -l <"$1")
	[ "$_c" -eq "$2" ] || { echo "$1 has $_c lines, not $2:"; cat "$1"; return 1; }
}

# in_order FILE STRING...: fails unless each fixed STRING is in FILE, each
# first found on a later line than the one before it.
in_order() {
	_f=$1; shift; _prev=0
	for _s in "$@"; do
		_l=$(grep -nF -- "$_s" "$_f" | head -n 1 | cut -d: -f1)
		if [ -z "$_l" ]; then echo "not found: $_s"; return 1; fi
		if [ "$_l" -le "$_prev" ]; then
			echo "out of order: \"$_s\" on line $_l, not after line $_prev"; return 1
		fi
		_prev=$_l
	done
}

# Prints the titles of the posts listed on an index page of the default
# theme, in order, one a line (HTML entities decoded).
titles() {
	sed -n 's/.*class="post-title[^"]*"><a [^>]*>\([^<]*\)<\/a>.*/\1/p' "$1" |
	    sed 's/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&#39;/'"'"'/g; s/&amp;/\&/g'
}

# same FILE1 FILE2: fails, showing the difference, unless they are equal.
same() { diff -u -- "$1" "$2"; }

# Prints every path below folder $1 and the checksum of every file in it,
# so that two snapshots differ if anything below $1 was added, removed or
# changed.
snapshot() {
	(cd "$1" && find . -print | LC_ALL=C sort && find . -type f -exec cksum {} + | LC_ALL=C sort)
}

# built DESCRIPTION: passes when the last crier run exited 0; shows its
# status and stderr when it did not.
built() {
	if [ "$rc" -eq 0 ]; then ok "$1"; else not_ok "$1" "exit status $rc; stderr:
$(cat "$TMP/stderr")"; fi
}

# feed_dates OUT: "slug published updated" for every entry of the Atom feed
# of the site in OUT, sorted by slug.
feed_dates() {
	/usr/bin/python3 - "$1" <<'EOF'
import sys
import xml.etree.ElementTree as ET

A = "{http://www.w3.org/2005/Atom}"
rows = []
for e in ET.parse(sys.argv[1] + "/atom.xml").getroot().iter(A + "entry"):
    slug = e.find(A + "link").get("href").rstrip("/").rsplit("/", 1)[1]
    rows.append("%s %s %s" % (slug, e.find(A + "published").text, e.find(A + "updated").text))
print("\n".join(sorted(rows)))
EOF
}
