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
