#!/bin/sh
# The example site: this project's own committed posts, built and compared
# with the page they were taken from (../shared/seed/alerts-blog.txt).
. "$(dirname "$0")/lib.sh"

SEED=$SHARED/seed/alerts-blog.txt
if [ ! -e "$ROOT/.git" ]; then
	echo "1..0 # SKIP not a git checkout: there are no committed posts to build"
	exit 0
fi
check "the project has a commit" git -C "$ROOT" rev-parse --verify -q HEAD
check "the seed page is at hand" test -f "$SEED"

# -C changes folder first, so -o is given as an absolute path.
crier build -C "$ROOT" -o "$TMP/site"
O=$TMP/site
P=$O/category/alerts/index.html
built "builds: exit 0"
check "builds: the summary line" matches "$TMP/stdout" '^crier: 10 posts, [0-9]+ categor(y|ies), [0-9]+ pages? written to .*/site in '
check "no errors" sh -c '! grep -q ": error: " "$1"' - "$TMP/stderr"
check "nothing written into the source tree" sh -c '! ls -A "$1" | grep -q "crier-stage"' - "$ROOT"
check "the Alerts category page" test -f "$P"
check "its <title>" has_line "$P" "<title>Alerts – ExchangeDefender Blog</title>"
check "its heading" has_line "$P" '<h1 class="archive-title">Alerts</h1>'

# The seed: a date heading, then the title, then the byline, per post.
awk '
/^(January|February|March|April|May|June|July|August|September|October|November|December) [0-9]+, [0-9][0-9][0-9][0-9]$/ {
	date = $0; want = 1; next
}
want == 1 && NF { title = $0; want = 2; next }
want == 2 && NF { print date; print title; print $0; want = 0 }
' "$SEED" >"$TMP/seed.txt"
check "the seed has ten posts" sh -c 'test "$(wc -l <"$1")" -eq 30' - "$TMP/seed.txt"
check "every seed byline was found" sh -c \
	'test "$(awk "NR % 3 == 0" "$1" | grep -c "^Filed under: .* — vlad @ [0-9]*:[0-9][0-9] [ap]m$")" -eq 10' - "$TMP/seed.txt"

# The page, the same way: the date, title and byline of each post, tags
# taken out.  The default theme puts a space after each comma between
# categories, which the seed's page does not.
grep -E 'class="(post-date|post-title|byline)' "$P" |
	sed 's/<[^>]*>//g; s/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&#39;/'"'"'/g; s/&amp;/\&/g; /^Filed under:/s/, /,/g' \
	>"$TMP/page.txt"
check "the page lists ten posts" sh -c 'test "$(grep -c "class=\"post h-entry" "$1")" -eq 10' - "$P"
awk 'NR % 3 == 2' "$TMP/seed.txt" >"$TMP/seed-titles"
titles "$P" >"$TMP/page-titles"
check "the ten titles of the seed, newest first" same "$TMP/seed-titles" "$TMP/page-titles"
check "each post's date, title and byline (categories, author, time) as in the seed" \
	same "$TMP/seed.txt" "$TMP/page.txt"
check "the first byline, as the seed's page shows it" has "$P" \
	'Filed under: <a href="/category/alerts/" rel="tag">Alerts</a>, <a href="/category/announcements/" rel="tag">Announcements</a> — <span class="p-author">vlad</span> @ <time datetime="2017-09-08T23:02:00-04:00">11:02 pm</time>'

# Each post has its page at its WordPress URL, titled as in the seed.
check "the Irma post at its WordPress URL" has_line "$O/2017/09/08/hurricane-irma/index.html" \
	"<title>Schedule and SLA during Hurricane Irma – ExchangeDefender Blog</title>"
check "the oldest post at its URL" test -f "$O/2007/07/17/extended-maintenance-cycle/index.html"
for cat in announcements exchangedefender general offsite-backups; do
	check "category page $cat" test -f "$O/category/$cat/index.html"
done
check "\"Offsite Backups\" keeps its name" has_line "$O/category/offsite-backups/index.html" \
	'<h1 class="archive-title">Offsite Backups</h1>'

# The same commit built again gives the same bytes.
crier build -C "$ROOT" -o "$TMP/site2"
built "a second build: exit 0"
check "a second build: byte-identical" diff -r "$TMP/site" "$TMP/site2"

done_testing
