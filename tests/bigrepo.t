#!/bin/sh
# A repository with 100,000 files in posts/ builds (issue 6).  The
# commit is made straight from an index (git update-index --index-info),
# so making it takes a fraction of a second: every post is the same blob,
# told apart by its file name, which gives its date and slug.  A theme of
# one-line templates, a single index page and a page per post without a
# folder of its own (/:year/:slug.html) keep the output small: the point
# is crier's own cost per post, not the file system's.
. "$(dirname "$0")/lib.sh"

N=${BIGREPO_N:-100000}
# Under valgrind, 100,000 posts would take hours: a smaller repository
# still runs every path.
[ -z "$CRIER_WRAP" ] || N=2000
LIMIT=${BIGREPO_SECONDS:-120}

# The output goes to a memory file system when there is one with room:
# on a slow disk, making 100,000 files can take a minute by itself.
# BIGREPO_DIR names another folder for it.
SCRATCH=${BIGREPO_DIR:-}
if [ -z "$SCRATCH" ] && [ -d /dev/shm ] && [ -w /dev/shm ] &&
    [ "$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')" -gt 2097152 ]; then
	SCRATCH=$(mktemp -d /dev/shm/crier-bigrepo.XXXXXX)
	trap 'rm -rf "$TMP" "$SCRATCH"' EXIT
fi
R=$TMP/big.git
O=${SCRATCH:-$TMP}/out
git init -q --bare -b main "$R"
(
	cd "$R" || exit 1
	export GIT_INDEX_FILE="$TMP/index"
	post=$(printf -- '---\ntitle: A post\n---\nThe same short body for every post.\n' |
	    git hash-object -w --stdin)
	ini=$(printf '[site]\ntitle = Big\nurl = https://example.com/\n\n[build]\ntheme = tiny\nper_page = 100000\npermalink = /:year/:slug.html\n' |
	    git hash-object -w --stdin)
	tpost=$(printf '{{post.title}} {{post.date}}\n' | git hash-object -w --stdin)
	tindex=$(printf '{{#posts}}{{url}}\n{{/posts}}' | git hash-object -w --stdin)
	# Ten posts a day from 1990-01-01, in file name order, which is the
	# index's order, so update-index only ever appends.
	awk -v n="$N" -v post="$post" -v ini="$ini" -v tpost="$tpost" -v tindex="$tindex" 'BEGIN {
		split("31 28 31 30 31 30 31 31 30 31 30 31", ml, " ")
		y = 1990; m = 1; d = 1
		for (i = 0; i < n; i++) {
			printf "100644 %s\tposts/%04d-%02d-%02d-post-%06d.md\n", post, y, m, d, i
			if (i % 10 == 9) {
				days = ml[m] + (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
				if (++d > days) { d = 1; if (++m > 12) { m = 1; y++ } }
			}
		}
		printf "100644 %s\tsite.ini\n", ini
		printf "100644 %s\tthemes/tiny/index.mustache\n", tindex
		printf "100644 %s\tthemes/tiny/post.mustache\n", tpost
	}' | git update-index --add --index-info
	tree=$(git write-tree)
	commit=$(GIT_AUTHOR_DATE="@1500000000 +0000" GIT_COMMITTER_DATE="@1500000000 +0000" \
	    git commit-tree -m "$N posts" "$tree")
	git update-ref refs/heads/main "$commit"
)
check "the repository has $N files in posts/" sh -c \
	'test "$(git -C "$1" ls-tree --name-only main:posts | wc -l)" -eq "$2"' - "$R" "$N"

start=$(date +%s)
rc=0
timeout "$LIMIT" $CRIER_WRAP "$CRIER" build -C "$R" -o "$O" >"$TMP/stdout" 2>"$TMP/stderr" || rc=$?
took=$(($(date +%s) - start))
built "$N posts build (in $took s)"
check "it says nothing on stderr" lines "$TMP/stderr" 0
check "the summary counts $N posts" grep -q "^crier: $N posts, 0 categories, " "$TMP/stdout"
check "every post has its page" sh -c \
	'test "$(find "$1" -name "post-*.html" | wc -l)" -eq "$2"' - "$O" "$N"
# The last post's page, from its file name: YYYY/post-NNNNNN.html.
last=$(git -C "$R" ls-tree --name-only main:posts | tail -n 1 |
	sed 's|\(....\)-..-..-\(.*\)\.md|\1/\2.html|')
check "the first post's page" has_line "$O/1990/post-000000.html" "A post January 1, 1990"
check "the last post's page ($last)" test -f "$O/$last"
# Posts of one day come in file name order, so the home page starts with
# the ten of the last day.
check "the home page lists them all, the last day first" sh -c \
	'test "$(wc -l <"$1")" -eq "$2" && head -n 10 "$1" | grep -qx "/$3"' - "$O/index.html" "$N" "$last"
check "the feed has 20 entries" sh -c 'test "$(grep -c "<entry>" "$1")" -eq 20' - "$O/atom.xml"
rm -rf "$O"

done_testing
