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

# The alerts of the example (README.md, "Alerts"), as `make site` builds
# it: the SQL balancer's maintenance window, long over, and the DDoS alert,
# in progress as its post says.
SQL=$O/2013/07/18/sql-balancer-maintenance-window/index.html
WINDOW='<p class="window">Maintenance window: <time datetime="2013-07-19T15:00:00-04:00">July 19, 2013, 3:00 pm – 6:00 pm EDT</time></p>'
DDOS='<li><span class="badge badge-in-progress">In progress</span> <a href="/2007/08/30/ddos-in-effect/">DDoS In Effect 8/30/2007 6AM – 2PM EST</a></li>'
check "the SQL balancer window on its page, in EDT" has_line "$SQL" "$WINDOW"
check "the SQL balancer window on the Alerts page" has_line "$P" "$WINDOW"
check "the SQL balancer window is completed" has_line "$SQL" \
	'<p class="status"><span class="badge badge-completed">Completed</span></p>'
check "the DDoS alert in the banner of the home page" has_line "$O/index.html" "$DDOS"
check "the DDoS alert in the banner of every page" sh -c \
	'n=0; for f in $(find "$1" -name "*.html"); do n=$((n + 1)); grep -qxF "$2" "$f" || { echo "not in $f"; exit 1; }; done; test "$n" -ge 20' \
	- "$O" "$DDOS"
check "the DDoS post's badge" has_line "$O/2007/08/30/ddos-in-effect/index.html" \
	'<p class="status"><span class="badge badge-in-progress">In progress</span></p>'
check "the banner has nothing else (the window is over)" sh -c \
	'test "$(sed -n "/<aside class=\"banner\"/,/<\/aside>/p" "$1" | grep -c "^<li>")" -eq 1' - "$O/index.html"
check "the home page links the calendar" has "$O/index.html" 'href="webcal://blog.exchangedefender.com/maintenance.ics"'

# Its calendar, read by python3-icalendar: one event, the window.
if /usr/bin/python3 -c 'import icalendar' 2>/dev/null; then
	for f in maintenance.ics category/alerts/maintenance.ics category/announcements/maintenance.ics \
		category/exchangedefender/maintenance.ics; do
		check "$f parses (CR LF, lines of at most 75 octets)" sh -c \
			'/usr/bin/python3 "$1/tests/icscheck.py" "$2" >"$3"' - "$ROOT" "$O/$f" "$TMP/ics.txt"
		grep -E '^(EVENT UID|SUMMARY|DTSTART|DTEND|URL|CATEGORIES)=' "$TMP/ics.txt" >"$TMP/got"
		cat >"$TMP/want" <<'EOF'
EVENT UID=20130718-sql-balancer-maintenance-window@blog.exchangedefender.com
SUMMARY=ExchangeDefender SQL Balancer Maintenance Window
DTSTART=2013-07-19T19:00:00Z
DTEND=2013-07-19T22:00:00Z
URL=https://blog.exchangedefender.com/2013/07/18/sql-balancer-maintenance-window/
CATEGORIES=Alerts,Announcements,ExchangeDefender
EOF
		check "$f: one event, the SQL balancer window, in UTC" same "$TMP/want" "$TMP/got"
	done
else
	_n=$((_n + 1)); echo "ok $_n - the calendar parses # SKIP no python3-icalendar"
fi
check "no calendar for a category without windows" sh -c \
	'test -f "$1/category/general/index.html" && test ! -e "$1/category/general/maintenance.ics"' - "$O"

# The day before the window, both are in the banner (the Irma post, not
# yet published then, is held back).
crier build -C "$ROOT" -o "$TMP/site-2013" --now "2013-07-19 12:00"
built "built as of July 19, 2013, noon EDT"
sed -n '/<aside class="banner"/,/<\/aside>/p' "$TMP/site-2013/index.html" | grep '^<li>' >"$TMP/got"
{
	echo '<li><span class="badge badge-scheduled">Scheduled</span> <a href="/2013/07/18/sql-balancer-maintenance-window/">ExchangeDefender SQL Balancer Maintenance Window</a> <span class="window">July 19, 2013, 3:00 pm – 6:00 pm EDT</span></li>'
	echo "$DDOS"
} | LC_ALL=C sort >"$TMP/want"
LC_ALL=C sort "$TMP/got" >"$TMP/got.sorted"
check "as of July 19, 2013, noon: the window and the DDoS alert in the banner" same "$TMP/want" "$TMP/got.sorted"
crier build -C "$ROOT" -o "$TMP/site-2013" --now "2013-07-19 16:00"
built "built as of July 19, 2013, 4:00 pm EDT"
check "as of 4:00 pm: the window in progress" has "$TMP/site-2013/index.html" \
	'<li><span class="badge badge-in-progress">In progress</span> <a href="/2013/07/18/sql-balancer-maintenance-window/">'

# The same commit built again gives the same bytes.
crier build -C "$ROOT" -o "$TMP/site2"
built "a second build: exit 0"
check "a second build: byte-identical" diff -r "$TMP/site" "$TMP/site2"

done_testing
