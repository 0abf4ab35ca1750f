#!/bin/sh
# Alerts (README.md, "Alerts"): maintenance windows, statuses and their
# badges, the banner and the build's "now", the iCalendar feeds read back
# by python3-icalendar; and what came with them: date archives, sitemap.xml
# and robots.txt, feed.json, 404.html, [build] disable, and the errors of
# bad alert front matter.  Every build is of a real git repository made
# here, by the crier under test.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
ICS=$ROOT/tests/icscheck.py
XSD=$SHARED/schemas/sitemap.xsd

# skip DESCRIPTION REASON: a check that cannot run here.
skip() { _n=$((_n + 1)); echo "ok $_n - $1 # SKIP $2"; }

if $PY -c 'import icalendar' 2>/dev/null; then have_ical=1; else have_ical=0; fi
if command -v xmllint >/dev/null 2>&1; then have_xmllint=1; else have_xmllint=0; fi

# ical DESCRIPTION COMMAND...: a check of a calendar as python3-icalendar
# reads it; skipped without it.
ical() {
	if [ "$have_ical" -eq 1 ]; then check "$@"; else skip "$1" "no python3-icalendar"; fi
}

# ics FILE: what tests/icscheck.py reads in calendar FILE, into $TMP/got
# (events in UID order); fails, saying why, if the file is not a calendar
# of CR LF lines of at most 75 octets that python3-icalendar parses.
ics() { $PY "$ICS" "$1" >"$TMP/got"; }

# absent FILE STRING: FILE is there, without the fixed STRING.
absent() { test -f "$1" && lacks "$1" "$2"; }

# want LINE...: $TMP/want holds these lines (none: it is empty).
want() { if [ $# -eq 0 ]; then : >"$TMP/want"; else printf '%s\n' "$@" >"$TMP/want"; fi; }

# at REPO OUT NOW: builds REPO into OUT with --now NOW.
at() { crier build -C "$1" -o "$2" --now "$3"; }

# banner FILE: the alerts in the banner of page FILE, one a line, as
# "badge-CLASS Label Title [window]" (tags out), sorted.
banner() {
	sed -n '/<aside class="banner"/,/<\/aside>/p' "$1" | grep '^<li>' |
	    sed 's/<span class="badge \(badge-[a-z-]*\)">/\1 /; s/<[^>]*>//g; s/&quot;/"/g; s/&amp;/\&/g' |
	    LC_ALL=C sort
}

# badges FILE: each post on page FILE (an index, or a post page), in
# order, as "Title: CLASS Label" of its status badge, or "Title: -".
badges() {
	awk '
	function flush() { if (t != "") print t ": " b }
	/class="post-title/ {
		flush(); t = $0
		sub(/.*class="post-title[^>]*>(<a [^>]*>)?/, "", t); sub(/<.*/, "", t); b = "-"
	}
	/^<p class="status">/ && t != "" {
		b = $0; sub(/.*<span class="badge badge-/, "", b)
		c = b; sub(/".*/, "", c); sub(/^[^>]*>/, "", b); sub(/<.*/, "", b); b = c " " b
	}
	END { flush() }' "$1"
}

# A Python reader of the three kinds of feed, for the titles of their items.
cat >"$TMP/titles.py" <<'EOF'
# titles.py FILE: the titles of the entries of an Atom, RSS or JSON feed.
import json, sys
import xml.etree.ElementTree as ET
out = open(sys.stdout.fileno(), "w", encoding="utf-8", closefd=False)
path = sys.argv[1]
A = "{http://www.w3.org/2005/Atom}"
if path.endswith(".json"):
    titles = [i["title"] for i in json.load(open(path, encoding="utf-8"))["items"]]
elif path.endswith("atom.xml"):
    titles = [e.find(A + "title").text for e in ET.parse(path).getroot().findall(A + "entry")]
else:
    titles = [i.find("title").text for i in ET.parse(path).getroot().find("channel").findall("item")]
for t in titles:
    out.write(t + "\n")
EOF
# feed_titles FILE: the titles of feed FILE into $TMP/got.
feed_titles() { $PY "$TMP/titles.py" "$1" >"$TMP/got"; }

# utc EPOCH: the time as iCalendar's reader and the sitemap show it.
utc() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }

# ===========================================================================
# 1. Calendars
# ===========================================================================

R=$TMP/cal
new_repo "$R"
cat >"$R/site.ini" <<'EOF'
[site]
title = Status
url = https://status.example.com/
timezone = America/New_York
[build]
feed_items = 1
EOF
# A window written with offsets, its title full of what iCalendar escapes
# and long enough to be folded, in two categories.
cat >"$R/posts/2017-07-01-db-upgrade.md" <<'EOF'
---
title: 'Disk swap, rack 3; "quoted" \ backslash – Größe ✓ 東京, long enough to be folded: ünïcödé ünïcödé ünïcödé ✓✓✓'
date: 2017-07-01 09:00 -0400
categories: [Maintenance, Database]
window:
  start: 2017-07-20 22:00 -0400
  end: 2017-07-21 01:30 -0400
---
The primary database will be read-only during the swap.

Writes are queued.
EOF
# A window without offsets, in the site's zone, across the end of daylight
# saving time (November 5, 2017, 2:00 am EDT is 1:00 am EST); its post is
# dated late in the evening, a day before its UTC day.
cat >"$R/posts/2017-07-02-network.md" <<'EOF'
---
title: Network maintenance
date: 2017-07-02 22:30
categories: [Maintenance]
window:
  start: 2017-11-04 23:00
  end: 2017-11-05 03:00
---
Core switches are replaced.
EOF
post "$R" 2017-07-03-news.md "News" "2017-07-03 12:00" "[News]"
commit_all "$R" "two windows"
O=$TMP/cal-out
at "$R" "$O" 2017-07-15T00:00:00Z
built "calendars: the site builds"

(cd "$O" && find . -name '*.ics' | sed 's|^\./||' | LC_ALL=C sort) >"$TMP/got"
want category/database/maintenance.ics category/maintenance/maintenance.ics maintenance.ics
check "calendars: the site's, and one per category with windows (none for News)" same "$TMP/want" "$TMP/got"

cat >"$TMP/cal-db" <<'EOF'
EVENT UID=20170701-db-upgrade@status.example.com
SUMMARY=Disk swap, rack 3; "quoted" \\ backslash – Größe ✓ 東京, long enough to be folded: ünïcödé ünïcödé ünïcödé ✓✓✓
DTSTART=2017-07-21T02:00:00Z
DTEND=2017-07-21T05:30:00Z
URL=https://status.example.com/2017/07/01/db-upgrade/
DESCRIPTION=The primary database will be read-only during the swap.
LAST-MODIFIED=2017-07-01T13:00:00Z
CATEGORIES=Maintenance,Database
STATUS=CONFIRMED
EOF
cat >"$TMP/cal-net" <<'EOF'
EVENT UID=20170702-network@status.example.com
SUMMARY=Network maintenance
DTSTART=2017-11-05T03:00:00Z
DTEND=2017-11-05T08:00:00Z
URL=https://status.example.com/2017/07/02/network/
DESCRIPTION=Core switches are replaced.
LAST-MODIFIED=2017-07-03T02:30:00Z
CATEGORIES=Maintenance
STATUS=CONFIRMED
EOF
ical "maintenance.ics: parses, CR LF lines of at most 75 octets" ics "$O/maintenance.ics"
{ echo "CALENDAR NAME=Status – Maintenance"; cat "$TMP/cal-db" "$TMP/cal-net"; } >"$TMP/want"
ical "maintenance.ics: both windows (feed_items = 1 does not cut it), UID, SUMMARY, UTC times, URL, DESCRIPTION, LAST-MODIFIED" \
	same "$TMP/want" "$TMP/got"
check "maintenance.ics: the long title is folded (so folding was checked)" grep -q '^ ' "$O/maintenance.ics"
check "atom.xml keeps feed_items = 1 entry" sh -c 'test "$(grep -c "<entry>" "$1")" -eq 1' - "$O/atom.xml"

ical "category/maintenance/maintenance.ics: parses" ics "$O/category/maintenance/maintenance.ics"
grep -v '^CALENDAR' "$TMP/got" >"$TMP/got.ev"
cat "$TMP/cal-db" "$TMP/cal-net" >"$TMP/want"
ical "category/maintenance/maintenance.ics: both of its windows" same "$TMP/want" "$TMP/got.ev"
ical "category/database/maintenance.ics: parses" ics "$O/category/database/maintenance.ics"
grep -v '^CALENDAR' "$TMP/got" >"$TMP/got.ev"
ical "category/database/maintenance.ics: only the Database window" same "$TMP/cal-db" "$TMP/got.ev"
ical "category/database/maintenance.ics: named for its category" grep -q '^CALENDAR NAME=Database – Status' "$TMP/got"

check "the home page links the calendar" has_line "$O/index.html" \
	'<link rel="alternate" type="text/calendar" title="Status – Maintenance" href="/maintenance.ics">'
check "the home page links it as webcal://" has "$O/index.html" 'href="webcal://status.example.com/maintenance.ics"'
check "a post page without a window links it too" has "$O/2017/07/03/news/index.html" 'href="/maintenance.ics"'
check "the Database page links its own calendar" has "$O/category/database/index.html" \
	'href="/category/database/maintenance.ics"'
check "the Database page links it as webcal://" has "$O/category/database/index.html" \
	'href="webcal://status.example.com/category/database/maintenance.ics"'
check "the News page links no calendar of its own" absent "$O/category/news/index.html" "category/news/maintenance.ics"
# Every calendar a page links is there.
grep -rhoE 'href="/[^"]*\.ics"' "$O" --include=index.html | sed 's/^href="//; s/"$//' | LC_ALL=C sort -u >"$TMP/links"
check "every linked calendar exists" sh -c 'n=0; while read -r l; do n=$((n + 1)); test -f "$1$l" || { echo "missing: $l"; exit 1; }; done <"$2"; test "$n" -eq 3' \
	- "$O" "$TMP/links"

# Across midnight the first end may name its zone or not.
check "the window's post page: the window in the site's zone" matches "$O/2017/07/01/db-upgrade/index.html" \
	'^<p class="window">Maintenance window: <time datetime="2017-07-20T22:00:00-04:00">July 20, 2017, 10:00 pm( EDT)? – July 21, 2017, 1:30 am EDT</time></p>$'
check "a window across the end of DST: starts in EDT" has "$O/2017/07/02/network/index.html" \
	'<p class="window">Maintenance window: <time datetime="2017-11-04T23:00:00-04:00">November 4, 2017, 11:00 pm'
check "a window across the end of DST: ends in EST" has "$O/2017/07/02/network/index.html" \
	'November 5, 2017, 3:00 am EST</time></p>'
# One zone name for both ends would read "11:00 pm EST", an hour off.
check "a window across the end of DST: the text names the zone of each end" has "$O/2017/07/02/network/index.html" \
	'November 4, 2017, 11:00 pm EDT – November 5, 2017, 3:00 am EST'

# The same commit built again, at another now, anywhere: the same calendar.
cp "$O/maintenance.ics" "$TMP/ics.before"
at "$R" "$TMP/cal-out2" 2017-12-01T00:00:00Z
built "calendars: a fresh build at another now"
check "calendars: a rebuild gives the same bytes" same "$TMP/ics.before" "$TMP/cal-out2/maintenance.ics"

# An edit: new text, a later end.  The UID stays, LAST-MODIFIED is the
# edit's commit, the other event is as it was.
sed -i 's/^The primary database.*/The replica takes over while the disks are swapped./; s/^  end: 2017-07-21 01:30 -0400/  end: 2017-07-21 03:00 -0400/' \
	"$R/posts/2017-07-01-db-upgrade.md"
commit_all "$R" "edit the window"
edited=$(utc "$(git -C "$R" log -1 --format=%ct -- posts/2017-07-01-db-upgrade.md)")
at "$R" "$O" 2017-07-15T00:00:00Z
built "calendars: the edited site builds"
check "calendars: the edit changed the calendar" sh -c 'test -f "$1" && test -f "$2" && ! cmp -s "$1" "$2"' - "$TMP/ics.before" "$O/maintenance.ics"
ical "calendars: the edited calendar parses" ics "$O/maintenance.ics"
{
	echo "CALENDAR NAME=Status – Maintenance"
	sed "s/^DTEND=.*/DTEND=2017-07-21T07:00:00Z/; s/^DESCRIPTION=.*/DESCRIPTION=The replica takes over while the disks are swapped./; s/^LAST-MODIFIED=.*/LAST-MODIFIED=$edited/" "$TMP/cal-db"
	cat "$TMP/cal-net"
} >"$TMP/want"
ical "calendars: after the edit the UID is the same, LAST-MODIFIED is the edit's ($edited)" same "$TMP/want" "$TMP/got"
check "calendars: the post page shows the update" has "$O/2017/07/01/db-upgrade/index.html" '<p class="updated">Updated'

# A front matter id is the UID.
cat >"$R/posts/2017-07-04-moved.md" <<'EOF'
---
title: Moved from the old system
date: 2017-07-04 10:00
id: maint-42@old.example.org
window:
  start: 2017-08-01 10:00
  end: 2017-08-01 11:00
---
x
EOF
commit_all "$R" "a window with an id"
at "$R" "$O" 2017-07-15T00:00:00Z
built "calendars: a window with an id builds"
ical "calendars: it parses" ics "$O/maintenance.ics"
ical "calendars: the front matter id is its UID" grep -qx 'EVENT UID=maint-42@old.example.org' "$TMP/got"
ical "calendars: three events" sh -c 'test "$(grep -c "^EVENT " "$1")" -eq 3' - "$TMP/got"

# The checker itself must fail what is wrong.
tr -d '\r' <"$O/maintenance.ics" >"$TMP/lf.ics"
ical "icscheck refuses LF line ends" sh -c '! "$@"' - $PY "$ICS" "$TMP/lf.ics"
awk '{ sub(/\r$/, ""); if (/^ /) { sub(/^ /, ""); prev = prev $0; next } if (NR > 1) printf "%s\r\n", prev; prev = $0 } END { printf "%s\r\n", prev }' \
	"$O/maintenance.ics" >"$TMP/unfolded.ics"
ical "icscheck refuses a line longer than 75 octets" sh -c '! "$@"' - $PY "$ICS" "$TMP/unfolded.ics"
ical "icscheck reads the unfolded calendar the same (so the fold was right)" sh -c \
	'test -s "$4" && "$1" "$2" "$3" 2>/dev/null | cmp -s - "$4"' - $PY "$ICS" "$TMP/unfolded.ics" "$TMP/got"

# A site without windows has no calendar, and its pages link none.
R=$TMP/nowin
new_repo "$R"
post "$R" 2017-07-01-hello.md "Hello" "2017-07-01 10:00" "[News]"
printf -- '---\ntitle: Outage\ndate: 2017-07-02 10:00\nstatus: in-progress\n---\nx\n' >"$R/posts/2017-07-02-outage.md"
commit_all "$R" "no windows"
O=$TMP/nowin-out
at "$R" "$O" 2017-07-15T00:00:00Z
built "no windows: builds"
check "no windows: no calendar at all" sh -c 'test -f "$1/index.html" && test -z "$(find "$1" -name "*.ics")"' - "$O"
check "no windows: no page links a calendar" sh -c 'test -f "$1/index.html" && ! grep -rlE "maintenance\.ics|webcal:|text/calendar" "$1"' - "$O"
check "no windows: the alert is still in the banner" has "$O/index.html" '<aside class="banner"'

# ===========================================================================
# 2. Status: badges, feed titles, as now moves
# ===========================================================================

R=$TMP/st
new_repo "$R"
cat >>"$R/site.ini" <<'EOF'
timezone = America/New_York
EOF
# mk REPO FILE TITLE DATE FRONT-MATTER-LINES: a post with more front matter.
mk() {
	printf -- '---\ntitle: %s\ndate: %s\n%s\n---\nBody of %s.\n' "$3" "$4" "$5" "$3" >"$1/posts/$2"
}
mk "$R" 2017-07-01-window.md Window "2017-07-01 10:00" 'categories: [Maintenance]
window:
  start: 2017-07-20 10:00 -0400
  end: 2017-07-20 12:00 -0400'
mk "$R" 2017-07-02-attack.md Attack "2017-07-02 10:00" 'categories: [Incidents]
status: in-progress'
mk "$R" 2017-07-03-outage.md Outage "2017-07-03 10:00" 'categories: [Incidents]
status: resolved
resolved: 2017-07-03 14:00 -0400'
mk "$R" 2017-07-04-fixed.md Fixed "2017-07-04 10:00" 'resolved: 2017-07-04 09:15'
mk "$R" 2017-07-05-plain.md Plain "2017-07-05 10:00" 'categories: [News]'
mk "$R" 2017-07-06-cancelled.md Cancelled "2017-07-06 10:00" 'categories: [Maintenance]
status: resolved
window:
  start: 2017-07-25 10:00
  end: 2017-07-25 11:00'
mk "$R" 2017-07-07-stuck.md Stuck "2017-07-07 10:00" 'status: in-progress
window:
  start: 2017-07-07 11:00
  end: 2017-07-07 12:00'
mk "$R" 2017-07-08-sched.md Sched "2017-07-08 10:00" 'status: scheduled'
commit_all "$R" "alerts"

# statuses NOW WINDOW-CLASS WINDOW-LABEL: the badges and feed titles of
# every post built at NOW, the window's as given.
statuses() {
	_o=$TMP/st-$1
	at "$R" "$_o" "$1"
	built "status at $1: builds"
	want "Sched: scheduled Scheduled" "Stuck: in-progress In progress" "Cancelled: resolved Resolved" \
		"Plain: -" "Fixed: resolved Resolved" "Outage: resolved Resolved" \
		"Attack: in-progress In progress" "Window: $2 $3"
	badges "$_o/index.html" >"$TMP/got"
	check "status at $1: the badges of the home page" same "$TMP/want" "$TMP/got"
	badges "$_o/2017/07/01/window/index.html" >"$TMP/got"
	want "Window: $2 $3"
	check "status at $1: the window's post page: $3" same "$TMP/want" "$TMP/got"
	badges "$_o/category/maintenance/index.html" >"$TMP/got"
	want "Cancelled: resolved Resolved" "Window: $2 $3"
	check "status at $1: the Maintenance page" same "$TMP/want" "$TMP/got"
	want "[Scheduled] Sched" "[In progress] Stuck" "[Resolved] Cancelled" "Plain" "[Resolved] Fixed" \
		"[Resolved] Outage" "[In progress] Attack" "[$3] Window"
	for _f in atom.xml rss.xml feed.json; do
		check "status at $1: $_f reads" feed_titles "$_o/$_f"
		check "status at $1: $_f titles lead with the status" same "$TMP/want" "$TMP/got"
	done
	want "[Resolved] Outage" "[In progress] Attack"
	check "status at $1: category/incidents/atom.xml reads" feed_titles "$_o/category/incidents/atom.xml"
	check "status at $1: category/incidents/atom.xml titles" same "$TMP/want" "$TMP/got"
}
statuses 2017-07-15T00:00:00Z scheduled Scheduled
statuses 2017-07-20T13:59:59Z scheduled Scheduled
statuses 2017-07-20T14:00:00Z in-progress "In progress"
statuses 2017-07-20T15:59:59Z in-progress "In progress"
statuses 2017-07-20T16:00:00Z completed Completed
statuses 2018-01-01T00:00:00Z completed Completed

O=$TMP/st-2017-07-15T00:00:00Z
check "a resolved: time is shown with the badge" has_line "$O/2017/07/03/outage/index.html" \
	'<p class="status"><span class="badge badge-resolved">Resolved</span> <time datetime="2017-07-03T14:00:00-04:00">July 3, 2017 at 2:00 pm</time></p>'
check "resolved: alone, in the site's zone" has_line "$O/2017/07/04/fixed/index.html" \
	'<p class="status"><span class="badge badge-resolved">Resolved</span> <time datetime="2017-07-04T09:15:00-04:00">July 4, 2017 at 9:15 am</time></p>'
check "a post that is no alert has no badge" absent "$O/2017/07/05/plain/index.html" '<p class="status">'
check "the window on its post page" has_line "$O/2017/07/01/window/index.html" \
	'<p class="window">Maintenance window: <time datetime="2017-07-20T10:00:00-04:00">July 20, 2017, 10:00 am – 12:00 pm EDT</time></p>'
check "the window on the home page" has "$O/index.html" 'July 20, 2017, 10:00 am – 12:00 pm EDT</time></p>'

# ===========================================================================
# 3. The banner, and the no-op check as now moves
# ===========================================================================

R=$TMP/bn
new_repo "$R"
cat >>"$R/site.ini" <<'EOF'
timezone = America/New_York
[build]
per_page = 2
EOF
# The window starts at 14:00 UTC on July 20 and ends at 16:00 UTC.
mk "$R" 2017-07-01-window.md Window "2017-07-01 10:00" 'categories: [Maintenance]
window:
  start: 2017-07-20 10:00 -0400
  end: 2017-07-20 12:00 -0400'
mk "$R" 2017-07-02-attack.md Attack "2017-07-02 10:00" 'categories: [Incidents]
status: in-progress'
post "$R" 2017-07-03-plain.md "Plain" "2017-07-03 10:00" "[News]"
commit_all "$R" "a window and an attack"
W_SCHED="badge-scheduled Scheduled Window July 20, 2017, 10:00 am – 12:00 pm EDT"
W_PROG="badge-in-progress In progress Window July 20, 2017, 10:00 am – 12:00 pm EDT"
ATTACK="badge-in-progress In progress Attack"

# banner_at NOW DESCRIPTION LINE...: built fresh at NOW, the home page's banner is LINE...
banner_at() {
	_now=$1; _d=$2; shift 2
	at "$R" "$TMP/bn-$_now" "$_now"
	built "banner at $_now: builds"
	banner "$TMP/bn-$_now/index.html" >"$TMP/got"
	want "$@"
	check "banner at $_now: $_d" same "$TMP/want" "$TMP/got"
}
banner_at 2017-07-10T00:00:00Z "the alert in progress only" "$ATTACK"
banner_at 2017-07-13T13:00:00Z "7 days and an hour before the window: not yet" "$ATTACK"
banner_at 2017-07-13T15:00:00Z "7 days less an hour before: the window, scheduled" "$ATTACK" "$W_SCHED"
banner_at 2017-07-20T15:00:00Z "during the window: in progress" "$ATTACK" "$W_PROG"
banner_at 2017-07-20T17:00:00Z "after the window: gone" "$ATTACK"
banner_at "2017-07-20 10:30" "--now without an offset is in the site's zone: 10:30 EDT, in progress" \
	"$ATTACK" "$W_PROG"

O=$TMP/bn-2017-07-20T15:00:00Z
(cd "$O" && find . -name '*.html' | LC_ALL=C sort) >"$TMP/pages"
check "the banner is on every page (posts, indexes, archives, 404)" sh -c \
	'n=0; while read -r f; do n=$((n + 1)); grep -qF "<li><span class=\"badge badge-in-progress\">In progress</span> <a href=\"/2017/07/01/window/\">Window</a>" "$1/$f" || { echo "no banner in $f"; exit 1; }; done <"$2"; test "$n" -ge 10' \
	- "$O" "$TMP/pages"
check "the banner links the alert" has "$O/404.html" '<a href="/2017/07/02/attack/">Attack</a>'

# SOURCE_DATE_EPOCH is the now without --now; with neither, the clock.
rc=0
SOURCE_DATE_EPOCH=$(date -u -d 2017-07-20T15:00:00Z +%s) $CRIER_WRAP "$CRIER" build -C "$R" -o "$TMP/bn-sde" \
	>"$TMP/stdout" 2>"$TMP/stderr" || rc=$?
built "SOURCE_DATE_EPOCH: builds"
banner "$TMP/bn-sde/index.html" >"$TMP/got"
want "$ATTACK" "$W_PROG"
check "SOURCE_DATE_EPOCH: the window in progress" same "$TMP/want" "$TMP/got"
crier build -C "$R" -o "$TMP/bn-clock"
built "the clock: builds"
badges "$TMP/bn-clock/2017/07/01/window/index.html" >"$TMP/got"
want "Window: completed Completed"
check "the clock: the 2017 window is completed" same "$TMP/want" "$TMP/got"
banner "$TMP/bn-clock/index.html" >"$TMP/got"
want "$ATTACK"
check "the clock: only the attack in the banner" same "$TMP/want" "$TMP/got"

# The no-op check.  One output is built at each now in turn; at each, it
# must be what a fresh build at that now gives, and crier must say "up
# to date" exactly when nothing changed since the last build.
# B = the window's start less 7 days; S its start; E its end.
O=$TMP/bn-inc
at "$R" "$O" 2017-07-10T00:00:00Z
built "no-op: the first build"
# noop NOW yes|no WHY: builds $O at NOW; "yes" if it must be a no-op.
noop() {
	snapshot "$O" >"$TMP/snap.before"
	at "$R" "$O" "$1"
	built "no-op at $1: builds"
	if [ "$2" = yes ]; then
		check "no-op at $1: $3: up to date" grep -q "is up to date with" "$TMP/stdout"
		snapshot "$O" >"$TMP/snap.after"
		check "no-op at $1: nothing changed" same "$TMP/snap.before" "$TMP/snap.after"
	else
		check "no-op at $1: $3: not taken for a no-op" sh -c \
			'grep -q "^crier: [0-9]* posts, " "$1" && ! grep -q "is up to date" "$1"' - "$TMP/stdout"
		snapshot "$O" >"$TMP/snap.after"
		check "no-op at $1: the output changed" sh -c '! cmp -s "$1" "$2"' - "$TMP/snap.before" "$TMP/snap.after"
	fi
	at "$R" "$TMP/bn-fresh" "$1"
	check "no-op at $1: the output is what a fresh build at $1 writes" diff -r "$TMP/bn-fresh" "$O"
	rm -rf "$TMP/bn-fresh"
}
noop 2017-07-12T00:00:00Z yes "nothing moves"
noop 2017-07-13T13:59:59Z yes "a second before B"
noop 2017-07-13T14:00:00Z no "B: the window enters the banner"
noop 2017-07-20T13:59:59Z yes "a second before S"
noop 2017-07-20T14:00:00Z no "S: the window starts"
noop 2017-07-20T15:59:59Z yes "a second before E"
noop 2017-07-20T16:00:00Z no "E: the window ends"
noop 2018-01-01T00:00:00Z yes "long after"
noop 2017-07-10T00:00:00Z no "back before B"

# banner_days: 0 shows windows only once they start; 2 two days ahead.
printf '[site]\ntitle = Test Site\nurl = https://example.com/\ntimezone = America/New_York\nbanner_days = 0\n' >"$R/site.ini"
commit_all "$R" "banner_days = 0"
banner_at 2017-07-20T13:00:00Z "banner_days = 0: not an hour before" "$ATTACK"
banner_at 2017-07-20T14:30:00Z "banner_days = 0: once started" "$ATTACK" "$W_PROG"
printf '[site]\ntitle = Test Site\nurl = https://example.com/\ntimezone = America/New_York\nbanner_days = 2\n' >"$R/site.ini"
commit_all "$R" "banner_days = 2"
banner_at 2017-07-18T13:00:00Z "banner_days = 2: not 2 days and an hour before" "$ATTACK"
banner_at 2017-07-18T15:00:00Z "banner_days = 2: 2 days less an hour before" "$ATTACK" "$W_SCHED"
# The no-op boundary follows banner_days too.
O=$TMP/bn-inc2
at "$R" "$O" 2017-07-18T13:59:59Z
built "banner_days = 2: a build a second before the window enters the banner"
noop 2017-07-18T14:00:00Z no "banner_days = 2: the window enters the banner"

# A commit that resolves one alert and renames the other changes the
# banner of every page, those of posts the commit did not touch too.
sed -i 's/^status: in-progress$/status: resolved/' "$R/posts/2017-07-02-attack.md"
sed -i 's/^title: Window$/title: Window moved/' "$R/posts/2017-07-01-window.md"
commit_all "$R" "the attack is over; the window is renamed"
at "$R" "$O" 2017-07-18T14:00:00Z
built "a commit that changes the banner: builds"
banner "$O/2017/07/03/plain/index.html" >"$TMP/got"
want "badge-scheduled Scheduled Window moved July 20, 2017, 10:00 am – 12:00 pm EDT"
check "a commit that changes the banner: an untouched post's page shows the new banner" same "$TMP/want" "$TMP/got"
at "$R" "$TMP/bn-fresh" 2017-07-18T14:00:00Z
check "a commit that changes the banner: the output is what a fresh build writes" diff -r "$TMP/bn-fresh" "$O"
rm -rf "$TMP/bn-fresh"

# A site without alerts has no banner.
R=$TMP/quiet
new_repo "$R"
post "$R" 2017-07-01-hello.md "Hello" "2017-07-01 10:00" "[News]"
commit_all "$R" "no alerts"
at "$R" "$TMP/quiet-out" 2017-07-15T00:00:00Z
built "no alerts: builds"
check "no alerts: no banner on any page" sh -c 'test -f "$1/index.html" && ! grep -rl "class=\"banner\"" "$1"' - "$TMP/quiet-out"

# Two windows in the banner: the one that starts first leads, though it
# was announced later.
R=$TMP/order
new_repo "$R"
mk "$R" 2017-07-01-late.md "Later window" "2017-07-01 10:00" 'window:
  start: 2017-07-20 10:00 +0000
  end: 2017-07-20 11:00 +0000'
mk "$R" 2017-07-02-soon.md "Sooner window" "2017-07-02 10:00" 'window:
  start: 2017-07-18 10:00 +0000
  end: 2017-07-18 11:00 +0000'
commit_all "$R" "two windows"
at "$R" "$TMP/order-out" 2017-07-15T00:00:00Z
built "two windows: builds"
sed -n '/<aside class="banner"/,/<\/aside>/p' "$TMP/order-out/index.html" | grep '^<li>' |
	sed 's/.*<a [^>]*>\([^<]*\)<.*/\1/' >"$TMP/got"
want "Sooner window" "Later window"
check "two windows in the banner: the first to start leads" same "$TMP/want" "$TMP/got"

# ===========================================================================
# 4. Date archives
# ===========================================================================

R=$TMP/ar
new_repo "$R"
cat >>"$R/site.ini" <<'EOF'
[build]
per_page = 2
EOF
post "$R" 2015-06-01-old.md "Old" "2015-06-01 10:00"
# Written with an offset: December 31 as written, January 1 in UTC.
post "$R" 2016-12-31-eve.md "Eve" "2016-12-31 23:30 -0300"
post "$R" 2017-01-05-jan-a.md "Jan A" "2017-01-05 10:00"
post "$R" 2017-01-20-jan-b.md "Jan B" "2017-01-20 10:00"
post "$R" 2017-01-25-jan-c.md "Jan C" "2017-01-25 10:00"
# March 31 as written, April 1 in UTC.
post "$R" 2017-03-31-late-march.md "Late March" "2017-03-31 22:00 -0500"
post "$R" 2017-04-02-april.md "April" "2017-04-02 10:00"
commit_all "$R" "seven posts"
O=$TMP/ar-out
at "$R" "$O" 2017-07-15T00:00:00Z
built "archives: builds"

# archive PATH TITLE...: the posts listed on archive page PATH, in order.
archive() {
	_p=$1; shift
	want "$@"
	if [ -f "$O/${_p}index.html" ]; then titles "$O/${_p}index.html" >"$TMP/got"; else echo "no $_p" >"$TMP/got"; fi
	check "archive /$_p: $*" same "$TMP/want" "$TMP/got"
}
archive 2017/ "April" "Late March"
archive 2017/page/2/ "Jan C" "Jan B"
archive 2017/page/3/ "Jan A"
check "archive /2017/: no fourth page" sh -c 'test -f "$1/2017/page/3/index.html" && test ! -e "$1/2017/page/4"' - "$O"
archive 2017/01/ "Jan C" "Jan B"
archive 2017/01/page/2/ "Jan A"
archive 2017/03/ "Late March"
archive 2017/04/ "April"
archive 2016/ "Eve"
archive 2016/12/ "Eve"
archive 2015/ "Old"
archive 2015/06/ "Old"
check "the post written with an offset keeps its URL's day" test -f "$O/2017/03/31/late-march/index.html"
check "no archive of a month without posts" sh -c 'test -f "$1/2017/01/index.html" && test ! -e "$1/2017/02"' - "$O"
check "no archive of a page that UTC months would give" sh -c 'test -f "$1/2017/01/page/2/index.html" && test ! -e "$1/2017/01/page/3"' - "$O"
(cd "$O" && find . -path './[0-9][0-9][0-9][0-9]/index.html' -o -path './[0-9][0-9][0-9][0-9]/[0-9][0-9]/index.html' |
	sed 's|^\./||' | LC_ALL=C sort) >"$TMP/got"
want 2015/06/index.html 2015/index.html 2016/12/index.html 2016/index.html 2017/01/index.html \
	2017/03/index.html 2017/04/index.html 2017/index.html
check "an archive for every year and month with posts, and no other" same "$TMP/want" "$TMP/got"

check "a month's heading" has_line "$O/2017/01/index.html" '<h1 class="archive-title">January 2017</h1>'
check "a month's title" has_line "$O/2017/01/index.html" '<title>January 2017 – Test Site</title>'
check "a month's second page's title" has_line "$O/2017/01/page/2/index.html" '<title>January 2017 – Page 2 – Test Site</title>'
check "a year's heading" has_line "$O/2017/index.html" '<h1 class="archive-title">2017</h1>'
check "December's name" has_line "$O/2016/12/index.html" '<h1 class="archive-title">December 2016</h1>'
check "the year links its months, newest first, with counts" in_order "$O/2017/index.html" \
	'<a href="/2017/04/">April 2017</a> (1)' '<a href="/2017/03/">March 2017</a> (1)' '<a href="/2017/01/">January 2017</a> (3)'
check "the year links no other month" sh -c 'test "$(grep -c "^<a href=\"/2017/[0-9][0-9]/\">" "$1")" -eq 3' - "$O/2017/index.html"
check "a month's page links the next" has "$O/2017/01/index.html" '<a class="older" href="/2017/01/page/2/">'
check "and back" has "$O/2017/01/page/2/index.html" '<a class="newer" href="/2017/01/">'
for f in index.html 2017/04/02/april/index.html 2015/06/index.html 404.html; do
	check "the footer of /$f links the years, newest first" in_order "$O/$f" \
		'<nav class="archives" aria-label="Archives"><p>Archives:' \
		'<a href="/2017/">2017</a>' '<a href="/2016/">2016</a>' '<a href="/2015/">2015</a>'
done

# ===========================================================================
# 5. sitemap.xml and robots.txt
# ===========================================================================

# An edit makes one post's updated date its commit's.
echo "Edited." >>"$R/posts/2017-01-20-jan-b.md"
commit_all "$R" "edit Jan B"
edited=$(utc "$(git -C "$R" log -1 --format=%ct -- posts/2017-01-20-jan-b.md)")
at "$R" "$O" 2017-07-15T00:00:00Z
built "sitemap: the edited site builds"
if [ "$have_xmllint" -eq 1 ]; then
	check "sitemap.xml is valid against the sitemaps.org schema" xmllint --noout --schema "$XSD" "$O/sitemap.xml"
	sed 's|<lastmod>[^<]*</lastmod>|<lastmod>yesterday</lastmod>|' "$O/sitemap.xml" >"$TMP/bad-sitemap.xml"
	check "xmllint refuses a bad lastmod (so the schema is checked)" sh -c '! xmllint --noout --schema "$1" "$2"' \
		- "$XSD" "$TMP/bad-sitemap.xml"
else
	skip "sitemap.xml is valid against the sitemaps.org schema" "no xmllint (libxml2-utils)"
	skip "xmllint refuses a bad lastmod" "no xmllint (libxml2-utils)"
fi
(cd "$O" && find . -name index.html | sed 's|^\./||; s|index\.html$||; s|^|https://example.com/|' | LC_ALL=C sort) >"$TMP/want"
sed -n 's|.*<loc>\(.*\)</loc>.*|\1|p' "$O/sitemap.xml" | LC_ALL=C sort >"$TMP/got"
check "sitemap.xml lists every page, each once" same "$TMP/want" "$TMP/got"
check "that is, the 22 pages of the site (4 home, 7 posts, 5 year and 6 month pages)" lines "$TMP/got" 22
check "sitemap.xml lists index pages past the first" has_line "$TMP/got" "https://example.com/2017/01/page/2/"
check "sitemap.xml does not list 404.html" absent "$O/sitemap.xml" "404"
check "a lastmod for every loc" sh -c 'test "$(grep -c "<lastmod>" "$1")" -eq "$(grep -c "<loc>" "$1")"' - "$O/sitemap.xml"
# loc and lastmod, one pair a line.
awk '/<loc>/ { gsub(/ *<\/?loc>/, ""); l = $0 } /<lastmod>/ { gsub(/ *<\/?lastmod>/, ""); print l " " $0 }' \
	"$O/sitemap.xml" >"$TMP/pairs"
for pair in "https://example.com/2017/01/20/jan-b/ $edited" \
	"https://example.com/2017/01/05/jan-a/ 2017-01-05T10:00:00Z" \
	"https://example.com/2017/03/31/late-march/ 2017-04-01T03:00:00Z" \
	"https://example.com/2016/12/31/eve/ 2017-01-01T02:30:00Z"; do
	check "sitemap.xml: $pair" has_line "$TMP/pairs" "$pair"
done
printf 'User-agent: *\nAllow: /\n\nSitemap: https://example.com/sitemap.xml\n' >"$TMP/want"
check "robots.txt points to the sitemap" same "$TMP/want" "$O/robots.txt"

# Without a url, locations cannot be absolute: no sitemap, no robots.txt.
printf '[site]\ntitle = Test Site\n[build]\nper_page = 2\n' >"$R/site.ini"
commit_all "$R" "no url"
at "$R" "$TMP/ar-nourl" 2017-07-15T00:00:00Z
built "no url: builds"
check "no url: no sitemap.xml" sh -c 'test -f "$1/index.html" && test ! -e "$1/sitemap.xml"' - "$TMP/ar-nourl"
check "no url: no robots.txt" sh -c 'test -f "$1/index.html" && test ! -e "$1/robots.txt"' - "$TMP/ar-nourl"
check "no url: the rest is there" test -f "$TMP/ar-nourl/2017/index.html"

# A theme's own robots.txt wins; the sitemap is still written.
mkdir -p "$R/themes"
cp -R "$ROOT/themes/default" "$R/themes/mine"
printf 'User-agent: *\nDisallow: /private/\n' >"$R/themes/mine/static/robots.txt"
printf '<!DOCTYPE html>\n<title>Not here</title>\n' >"$R/themes/mine/static/404.html"
printf '[site]\ntitle = Test Site\nurl = https://example.com/\n[build]\ntheme = mine\n' >"$R/site.ini"
commit_all "$R" "a theme with robots.txt"
at "$R" "$TMP/ar-theme" 2017-07-15T00:00:00Z
built "a theme with robots.txt: builds"
check "a theme with robots.txt: it is the theme's" same "$R/themes/mine/static/robots.txt" "$TMP/ar-theme/robots.txt"
check "a theme with robots.txt: sitemap.xml is there" test -f "$TMP/ar-theme/sitemap.xml"
check "a theme with a static 404.html: it is the theme's" same "$R/themes/mine/static/404.html" "$TMP/ar-theme/404.html"

# ===========================================================================
# 6. feed.json
# ===========================================================================

cat >"$TMP/jf.py" <<'EOF'
# jf.py JSON ATOM URL: the JSON Feed JSON, at URL, says what the Atom feed
# ATOM says: title, links, and per item id, url, title, dates, tags, author
# and content.
import json, sys
from datetime import datetime
import xml.etree.ElementTree as ET

A = "{http://www.w3.org/2005/Atom}"
jpath, apath, url = sys.argv[1:4]
errors = []

def eq(what, got, want):
    if got != want:
        errors.append("%s: got %r, want %r" % (what, got, want))

def instant(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00")) if s else None

with open(jpath, encoding="utf-8") as f:
    j = json.load(f)
atom = ET.parse(apath).getroot()
eq("version", j.get("version"), "https://jsonfeed.org/version/1.1")
eq("title", j.get("title"), atom.find(A + "title").text)
alt = [l.get("href") for l in atom.findall(A + "link") if l.get("rel") == "alternate"]
eq("home_page_url", [j.get("home_page_url")], alt)
eq("feed_url", j.get("feed_url"), url)
entries = atom.findall(A + "entry")
items = j.get("items", [])
eq("number of items", len(items), len(entries))
if not entries:
    errors.append("no entries to compare")
for n, (i, e) in enumerate(zip(items, entries), 1):
    w = "item %d" % n
    eq(w + " id", i.get("id"), e.find(A + "id").text)
    eq(w + " title", i.get("title"), e.find(A + "title").text)
    eq(w + " url", i.get("url"), [l.get("href") for l in e.findall(A + "link") if l.get("rel") == "alternate"][0])
    eq(w + " date_published", instant(i.get("date_published")), instant(e.find(A + "published").text))
    eq(w + " date_modified", instant(i.get("date_modified")), instant(e.find(A + "updated").text))
    eq(w + " tags", i.get("tags", []), [c.get("term") for c in e.findall(A + "category")])
    eq(w + " authors", [a.get("name") for a in i.get("authors", [])],
       [a.find(A + "name").text for a in e.findall(A + "author")])
    eq(w + " content_html", i.get("content_html"), e.find(A + "content").text)
    if not i.get("content_html"):
        errors.append(w + ": no content_html")
for e in errors:
    print(e)
sys.exit(1 if errors else 0)
EOF
# jf DESCRIPTION OUT PATH [SITE]: PATH/feed.json below OUT says what
# PATH/atom.xml says (SITE: the site's url, https://example.com/ unless given).
jf() { check "$1" $PY "$TMP/jf.py" "$2/${3}feed.json" "$2/${3}atom.xml" "${4:-https://example.com/}${3}feed.json"; }
O=$TMP/st-2017-07-20T14:00:00Z
jf "feed.json: as atom.xml says, item by item" "$O" ""
for c in incidents maintenance news; do
	check "category/$c/feed.json exists" test -f "$O/category/$c/feed.json"
	jf "category/$c/feed.json: as its atom.xml says" "$O" "category/$c/"
done
check "jf.py refuses a feed.json of other items" sh -c '! "$@" >/dev/null' - $PY "$TMP/jf.py" \
	"$O/category/news/feed.json" "$O/atom.xml" "https://example.com/category/news/feed.json"
cat >"$TMP/want" <<'EOF'
tag:example.com,2017-07-03:outage|[Resolved] Outage|https://example.com/2017/07/03/outage/|2017-07-03T14:00:00Z|Incidents|<p>Body of Outage.</p>
tag:example.com,2017-07-01:window|[In progress] Window|https://example.com/2017/07/01/window/|2017-07-01T14:00:00Z|Maintenance|<p>Body of Window.</p>
EOF
$PY - "$O/feed.json" >"$TMP/got" <<'EOF'
import json, sys
from datetime import datetime, timezone
out = open(sys.stdout.fileno(), "w", encoding="utf-8", closefd=False)
for i in json.load(open(sys.argv[1], encoding="utf-8"))["items"]:
    if i["id"].endswith((":outage", ":window")):
        d = datetime.fromisoformat(i["date_published"].replace("Z", "+00:00")).astimezone(timezone.utc)
        out.write("|".join([i["id"], i["title"], i["url"], d.strftime("%Y-%m-%dT%H:%M:%SZ"),
                            ",".join(i.get("tags", [])), i["content_html"].strip()]) + "\n")
EOF
check "feed.json: two items as expected (id, title, url, date, tags, content)" same "$TMP/want" "$TMP/got"
jf "the calendar site's feed.json, with the odd title" "$TMP/cal-out" "" https://status.example.com/

# ===========================================================================
# 7. 404.html and [build] disable
# ===========================================================================

O=$TMP/st-2017-07-20T14:00:00Z
check "404.html exists" test -f "$O/404.html"
check "404.html: its title" has_line "$O/404.html" '<title>Page not found – Test Site</title>'
check "404.html: the site's header" has_line "$O/404.html" '<p class="site-title"><a href="/">Test Site</a></p>'
check "404.html: the site's footer" has_line "$O/404.html" '<footer class="site-footer">'
check "404.html: the heading" has_line "$O/404.html" '<h1 class="archive-title">Page not found</h1>'
check "404.html: the banner" has "$O/404.html" '<aside class="banner"'
check "404.html: the stylesheet, from the root" has_line "$O/404.html" '<link rel="stylesheet" href="/style.css">'

# files OUT: the files below OUT, one a line.
files() { (cd "$1" && find . -type f ! -name .crier-manifest | sed 's|^\./||' | LC_ALL=C sort); }

R=$TMP/st
FULL=$TMP/st-2017-07-20T14:00:00Z
files "$FULL" >"$TMP/full"
for pat in '^[0-9]{4}/index\.html$' '^[0-9]{4}/[0-9]{2}/index\.html$' '^sitemap\.xml$' '^robots\.txt$' \
	'^feed\.json$' '^category/[a-z]+/feed\.json$' '^maintenance\.ics$' '^category/maintenance/maintenance\.ics$' \
	'^404\.html$'; do
	check "the full build has $pat" grep -qE "$pat" "$TMP/full"
done
cp -R "$FULL" "$TMP/st-dis"
printf '[site]\ntitle = Test Site\nurl = https://example.com/\ntimezone = America/New_York\n[build]\ndisable = archives sitemap json calendar 404\n' >"$R/site.ini"
commit_all "$R" "disable"
at "$R" "$TMP/st-dis" 2017-07-20T14:00:00Z
built "disable: the same output, rebuilt, builds"
at "$R" "$TMP/st-dis-fresh" 2017-07-20T14:00:00Z
built "disable: a fresh build"
grep -vE '^[0-9]{4}/([0-9]{2}/)?(page/[0-9]+/)?index\.html$|^sitemap\.xml$|^robots\.txt$|feed\.json$|maintenance\.ics$|^404\.html$' \
	"$TMP/full" >"$TMP/want"
files "$TMP/st-dis-fresh" >"$TMP/got"
check "disable: 21 files stay (8 posts, 4 indexes, 8 Atom and RSS feeds, style.css)" lines "$TMP/want" 21
check "disable: exactly archives, sitemap (and robots.txt), feed.json, calendars and 404 are gone" same "$TMP/want" "$TMP/got"
check "disable: rebuilt over the full output, the same files" diff -r "$TMP/st-dis-fresh" "$TMP/st-dis"
check "disable: no page links what is gone" sh -c \
	'test -f "$1/index.html" && ! grep -rlE "feed\.json|feed\+json|maintenance\.ics|webcal:|text/calendar|class=\"archives\"|href=\"/2017/\"" "$1"' - "$TMP/st-dis-fresh"
check "disable: the window is still shown on its page" has "$TMP/st-dis-fresh/2017/07/01/window/index.html" \
	'<p class="window">Maintenance window:'
check "disable: Atom and RSS are still linked" has "$TMP/st-dis-fresh/index.html" 'href="/atom.xml"'

printf '[site]\ntitle = Test Site\nurl = https://example.com/\ntimezone = America/New_York\n[build]\ndisable = atom rss\n' >"$R/site.ini"
commit_all "$R" "disable atom rss"
at "$R" "$TMP/st-norss" 2017-07-20T14:00:00Z
built "disable = atom rss: builds"
grep -vE '(^|/)(atom|rss)\.xml$' "$TMP/full" >"$TMP/want"
files "$TMP/st-norss" >"$TMP/got"
check "disable = atom rss: exactly the Atom and RSS feeds are gone" same "$TMP/want" "$TMP/got"
check "disable = atom rss: no page links them" sh -c \
	'test -f "$1/index.html" && ! grep -rlE "atom\.xml|rss\.xml|atom\+xml|rss\+xml" "$1"' - "$TMP/st-norss"

# ===========================================================================
# 8. Errors in alert front matter and settings
# ===========================================================================

R=$TMP/bad
new_repo "$R"
post "$R" 2017-07-01-hello.md "Hello" "2017-07-01 10:00" "[News]"
commit_all "$R" "a good site"
O=$TMP/bad-out
at "$R" "$O" 2017-07-15T00:00:00Z
built "errors: the good site builds"
snapshot "$O" >"$TMP/bad.before"

# bad NAME FRONT-MATTER-LINES LINE-REGEXP: posts/x.md with the lines
# after title (line 2) and date (line 3) fails to build with one error,
# the line LINE-REGEXP (extended, whole line) on stderr, and writes nothing.
bad() {
	printf -- '---\ntitle: Bad\ndate: 2017-07-02 10:00\n%s\n---\nx\n' "$2" >"$R/posts/x.md"
	commit_all "$R" "$1"
	at "$R" "$O" 2017-07-15T00:00:00Z
	check "$1: exit status 1" [ "$rc" -eq 1 ]
	check "$1: says $3" grep -qxE "$3" "$TMP/stderr"
	check "$1: one error, and nothing written" sh -c \
		'test "$(grep -c ": error: " "$1")" -eq 1 && test "$(tail -n 1 "$1")" = "crier: 1 error; nothing was written"' \
		- "$TMP/stderr"
	check "$1: no summary" lines "$TMP/stdout" 0
	snapshot "$O" >"$TMP/bad.after"
	check "$1: the output is as it was" same "$TMP/bad.before" "$TMP/bad.after"
}
NOTDATE='is not a date \(expected YYYY-MM-DD, YYYY-MM-DD HH:MM\[:SS\] \[\+-HHMM\] or RFC 3339\)'
bad "window: text" 'window: 2017-07-20' \
	'posts/x\.md:4: error: window must be a mapping with start: and end:, not text'
bad "window: a list" 'window: [2017-07-20, 2017-07-21]' \
	'posts/x\.md:4: error: window must be a mapping with start: and end:, not a list'
bad "window without end, in flow style" 'window: {start: 2017-07-20 10:00}' \
	'posts/x\.md:4: error: window needs both start: and end: dates'
# The mapping starts on line 5, under the key on line 4: either is fair.
bad "window without end" 'window:
  start: 2017-07-20 10:00' \
	'posts/x\.md:[45]: error: window needs both start: and end: dates'
bad "window without start" 'window:
  end: 2017-07-20 10:00' \
	'posts/x\.md:[45]: error: window needs both start: and end: dates'
bad "window ends before it starts" 'window:
  start: 2017-07-20 10:00 -0400
  end: 2017-07-20 13:00 +0000' \
	'posts/x\.md:6: error: window ends before it starts'
bad "window start not a date" 'window:
  start: next tuesday
  end: 2017-07-20 13:00' \
	"posts/x\\.md:5: error: start \"next tuesday\" $NOTDATE"
bad "window end on July 32" 'window:
  start: 2017-07-20 10:00
  end: 2017-07-32 13:00' \
	"posts/x\\.md:6: error: end \"2017-07-32 13:00\" $NOTDATE"
bad "status: done" 'categories: [A]
status: done' \
	'posts/x\.md:5: error: status "done" is not one of scheduled, in-progress, resolved'
bad "status: a list" 'status: [resolved]' \
	'posts/x\.md:4: error: status must be text, not a list'
bad "resolved: soon" 'resolved: soon' \
	"posts/x\\.md:4: error: resolved \"soon\" $NOTDATE"

# Settings.
printf '[site]\ntitle = Test Site\nurl = https://example.com/\nbanner_days = soon\n' >"$R/site.ini"
rm -f "$R/posts/x.md"
commit_all "$R" "banner_days = soon"
at "$R" "$O" 2017-07-15T00:00:00Z
check "banner_days = soon: exit status 1" [ "$rc" -eq 1 ]
check "banner_days = soon: says so" grep -qx 'site\.ini:4: error: banner_days: "soon" is not a number of days.*' "$TMP/stderr"
snapshot "$O" >"$TMP/bad.after"
check "banner_days = soon: the output is as it was" same "$TMP/bad.before" "$TMP/bad.after"
printf '[site]\ntitle = Test Site\nurl = https://example.com/\n[build]\ndisable = json frob\n' >"$R/site.ini"
commit_all "$R" "disable = frob"
at "$R" "$O" 2017-07-15T00:00:00Z
check "disable = frob: exit status 1" [ "$rc" -eq 1 ]
check "disable = frob: says so" grep -qx 'site\.ini:5: error: disable: "frob" is not one of .*' "$TMP/stderr"
snapshot "$O" >"$TMP/bad.after"
check "disable = frob: the output is as it was" same "$TMP/bad.before" "$TMP/bad.after"

done_testing
