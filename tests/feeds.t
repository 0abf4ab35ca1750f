#!/bin/sh
# The Atom and RSS feeds: where they are, that they are valid, what a
# reader (Python's feedparser) sees in them, links made absolute, ids that
# never change, and bytes that change only when a post does.
. "$(dirname "$0")/lib.sh"
: "${TESTBIN:?TESTBIN must name the folder of the test programs}"

PY=/usr/bin/python3
SCHEMA=$SHARED/schemas/atom.rng
feedcheck() { $CRIER_WRAP "$TESTBIN/feedcheck" "$@"; }

# skip DESCRIPTION REASON: a check that cannot run here.
skip() { _n=$((_n + 1)); echo "ok $_n - $1 # SKIP $2"; }

if $PY -c 'import feedparser' 2>/dev/null; then have_fp=1; else have_fp=0; fi
# fp DESCRIPTION SCRIPT ARGS...: a feedparser check, skipped without it.
fp() {
	_d=$1; shift
	if [ "$have_fp" -eq 1 ]; then check "$_d" $PY "$@"; else skip "$_d" "no python3-feedparser"; fi
}

# The feeds below output folder $1, one a line: atom.xml, rss.xml and the
# category feeds, in a fixed order.
# The Atom and RSS feeds below $1 (the JSON Feed and sitemap have tests of their own).
feeds_of() { (cd "$1" && find . -name atom.xml -o -name rss.xml | sed 's|^\./||' | LC_ALL=C sort); }

# --- The site: five posts, three categories, feed_items = 3 ---------------

R=$TMP/site
new_repo "$R"
cat >>"$R/site.ini" <<'EOF'
author = vlad
timezone = America/New_York
description = Alerts & notices
[build]
feed_items = 3
EOF
post "$R" 2017-01-01-alpha.md "Alpha" "2017-01-01 10:00 -0500" "[Alerts]"
cat >"$R/posts/2017-02-01-beta.md" <<'EOF'
---
title: Beta
date: 2017-02-01 08:15 -0500
categories: [Alerts, Offsite Backups]
author: bob
summary: Beta in short.
---
Body of Beta.
EOF
post "$R" 2017-03-01-gamma.md "Gamma" "2017-03-01 16:45 -0500" "[Announcements]"
cat >"$R/posts/2017-04-01-fish.md" <<'EOF'
---
title: 'Fish & Chips <b>"quoted"</b> Überraschung ✓'
date: 2017-04-01 09:30 -0400
categories: [Alerts]
---
Fish.
EOF
cat >"$R/posts/2017-05-01-links.md" <<'EOF'
---
title: Links
date: 2017-05-01 12:00 -0400
categories: Announcements
---
See [a](/x/y/), [b](other/), ![i](img.png), [c](../up/), [abs](https://other.example.org/z),
[mail](mailto:ops@example.org), [proto](//cdn.example.net/s.js), [frag](#sec) and a note[^1].

<a href='/single/'>single-quoted</a>

The sample `<a href='/code/'>` is code.

[^1]: The note.
EOF
commit_all "$R" "five posts"
O=$TMP/out1
crier build -C "$R" -o "$O"
check "build: exit 0" [ "$rc" -eq 0 ]
check "build: nothing on stderr" lines "$TMP/stderr" 0

# --- Where the feeds are ---------------------------------------------------

printf '%s\n' atom.xml category/alerts/atom.xml category/alerts/rss.xml \
	category/announcements/atom.xml category/announcements/rss.xml \
	category/offsite-backups/atom.xml category/offsite-backups/rss.xml rss.xml >"$TMP/want"
feeds_of "$O" >"$TMP/got"
check "a feed pair for the site and for every category, and no other" same "$TMP/want" "$TMP/got"
for f in atom.xml category/alerts/atom.xml; do
	grep -c '<entry>' "$O/$f" >"$TMP/got"
	echo 3 >"$TMP/want"
	check "$f: feed_items = 3 entries" same "$TMP/want" "$TMP/got"
done
grep -c '<item>' "$O/rss.xml" >"$TMP/got"
check "rss.xml: feed_items = 3 items" same "$TMP/want" "$TMP/got"
check "atom.xml: the three newest, newest first" in_order "$O/atom.xml" \
	'<id>tag:example.com,2017-05-01:links</id>' '<id>tag:example.com,2017-04-01:fish</id>' \
	'<id>tag:example.com,2017-03-01:gamma</id>'
check "rss.xml: the three newest, newest first" in_order "$O/rss.xml" \
	'>tag:example.com,2017-05-01:links</guid>' '>tag:example.com,2017-04-01:fish</guid>' \
	'>tag:example.com,2017-03-01:gamma</guid>'
check "atom.xml: older posts left out" lacks "$O/atom.xml" "2017-01-01:alpha"
grep -c '<entry>' "$O/category/offsite-backups/atom.xml" >"$TMP/got"
echo 1 >"$TMP/want"
check "a category of one post has one entry" same "$TMP/want" "$TMP/got"

# --- Valid: the Atom schema, RSS 2.0, unique ids ---------------------------

check "every Atom feed is valid against RFC 4287's schema" feedcheck atom "$SCHEMA" \
	"$O/atom.xml" "$O"/category/*/atom.xml
check "every RSS feed has what RSS 2.0 asks, with RFC 822 dates" feedcheck rss \
	"$O/rss.xml" "$O"/category/*/rss.xml
check "no id is used twice in a feed" feedcheck ids "$O/atom.xml" "$O/rss.xml" "$O"/category/*/*.xml

# feedcheck itself: a checker that passes everything proves nothing.
sed 's/<updated>[^<]*</<updated>yesterday</' "$O/atom.xml" >"$TMP/bad-date.xml"
check "feedcheck atom rejects a bad date" sh -c '! "$@"' - "$TESTBIN/feedcheck" atom "$SCHEMA" "$TMP/bad-date.xml"
sed 's/Mon, 01 May 2017/Tue, 01 May 2017/' "$O/rss.xml" >"$TMP/bad-day.xml"
check "feedcheck rss rejects a wrong day name" sh -c '! "$@"' - "$TESTBIN/feedcheck" rss "$TMP/bad-day.xml"
sed 's/<pubDate>Mon, 01 May 2017 12:00:00 -0400/<pubDate>2017-05-01T12:00:00-04:00/' "$O/rss.xml" >"$TMP/bad-822.xml"
check "feedcheck rss rejects an ISO date" sh -c '! "$@"' - "$TESTBIN/feedcheck" rss "$TMP/bad-822.xml"
sed 's/<guid[^>]*>[^<]*</<guid>same</' "$O/rss.xml" >"$TMP/bad-ids.xml"
check "feedcheck ids rejects a shared guid" sh -c '! "$@"' - "$TESTBIN/feedcheck" ids "$TMP/bad-ids.xml"

# --- What a reader sees ----------------------------------------------------

cat >"$TMP/fp.py" <<'EOF'
# fp.py FILE FEED-PATH FEED-TITLE SLUG...: FILE, parsed by feedparser, is
# the feed at FEED-PATH (below the site) titled FEED-TITLE, listing the
# posts SLUG... in that order, each as the table below says.
import calendar, sys, time
import feedparser

SITE = "https://example.com/"
POSTS = {
    # slug: title, date (UTC), categories, author
    "alpha": ("Alpha", "2017-01-01 15:00", ["Alerts"], "vlad"),
    "beta": ("Beta", "2017-02-01 13:15", ["Alerts", "Offsite Backups"], "bob"),
    "gamma": ("Gamma", "2017-03-01 21:45", ["Announcements"], "vlad"),
    "fish": ('Fish & Chips <b>"quoted"</b> \u00dcberraschung \u2713', "2017-04-01 13:30",
             ["Alerts"], "vlad"),
    "links": ("Links", "2017-05-01 16:00", ["Announcements"], "vlad"),
}
path, feedpath, feedtitle, slugs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
rss = path.endswith("rss.xml")
errors = []

def eq(what, got, want):
    if got != want:
        errors.append("%s: got %r, want %r" % (what, got, want))

def utc(s):
    return calendar.timegm(time.strptime(s, "%Y-%m-%d %H:%M"))

def when(e, key):
    t = e.get(key + "_parsed")
    return t and calendar.timegm(t)

d = feedparser.parse(path)
eq("bozo", d.bozo, 0)
if d.bozo:
    errors.append("bozo_exception: %r" % d.get("bozo_exception"))
eq("version", d.version, "rss20" if rss else "atom10")
eq("feed title", d.feed.get("title"), feedtitle)
eq("feed link", d.feed.get("link"), SITE + feedpath)
self_links = [l.href for l in d.feed.get("links", []) if l.get("rel") == "self"]
eq("feed self link", self_links, [SITE + feedpath + ("rss.xml" if rss else "atom.xml")])
if not rss:
    eq("feed id", d.feed.get("id"), SITE + feedpath)
    eq("feed subtitle", d.feed.get("subtitle"), "Alerts & notices")
    eq("feed author", d.feed.get("author"), "vlad")
eq("feed updated", when(d.feed, "updated"), max(utc(POSTS[s][1]) for s in slugs))
eq("ids, in order", [e.get("id") for e in d.entries],
   ["tag:example.com,%s:%s" % (POSTS[s][1][:10], s) for s in slugs])
for e, s in zip(d.entries, slugs):
    title, date, cats, author = POSTS[s]
    y, m, dd = date[:10].split("-")
    eq(s + " title", e.get("title"), title)
    eq(s + " link", e.get("link"), "%s%s/%s/%s/%s/" % (SITE, y, m, dd, s))
    eq(s + " author", e.get("author"), author)
    eq(s + " categories", [t.term for t in e.get("tags", [])], cats)
    eq(s + " published", when(e, "published"), utc(date))
    eq(s + " updated", when(e, "updated"), utc(date))
    if s == "beta":
        eq(s + " summary", e.get("summary"), "Beta in short.")
    content = e.get("content", [{}])[0].get("value", "")
    if ("Body of %s" % title) not in content and s not in ("fish", "links"):
        errors.append("%s content: %r" % (s, content))
if errors:
    sys.exit("%s:\n%s" % (path, "\n".join(errors)))
EOF
for f in atom rss; do
	fp "feedparser: /$f.xml" "$TMP/fp.py" "$O/$f.xml" "" "Test Site" links fish gamma
	fp "feedparser: /category/alerts/$f.xml" "$TMP/fp.py" "$O/category/alerts/$f.xml" \
		category/alerts/ "Alerts – Test Site" fish beta alpha
	fp "feedparser: /category/announcements/$f.xml" "$TMP/fp.py" \
		"$O/category/announcements/$f.xml" category/announcements/ \
		"Announcements – Test Site" links gamma
	fp "feedparser: /category/offsite-backups/$f.xml" "$TMP/fp.py" \
		"$O/category/offsite-backups/$f.xml" category/offsite-backups/ \
		"Offsite Backups – Test Site" beta
done

# The title, exactly, in both feeds: escaped once, not twice, not dropped.
cat >"$TMP/title.py" <<'EOF'
import sys
import feedparser

want = 'Fish & Chips <b>"quoted"</b> \u00dcberraschung \u2713'
for path in sys.argv[1:]:
    d = feedparser.parse(path)
    got = [e.title for e in d.entries if e.id.endswith(":fish")]
    if got != [want]:
        sys.exit("%s: got %r, want [%r]" % (path, got, want))
EOF
fp "a title with & < > \" and non-ASCII round-trips through Atom" "$TMP/title.py" "$O/atom.xml"
fp "... and through RSS" "$TMP/title.py" "$O/rss.xml"
check "the title is escaped once in the Atom XML" has "$O/atom.xml" \
	'<title type="text">Fish &amp; Chips &lt;b&gt;&quot;quoted&quot;&lt;/b&gt; Überraschung ✓</title>'

# --- Links in post bodies are absolute in the feeds ------------------------

# The content of the links post as HTML, as a reader gets it from the XML
# (parsed by Python's own XML parser: feedparser would resolve links itself
# and hide a relative one).
cat >"$TMP/content.py" <<'EOF'
import sys
import xml.etree.ElementTree as ET

A = "{http://www.w3.org/2005/Atom}"
C = "{http://purl.org/rss/1.0/modules/content/}"
path, which = sys.argv[1], sys.argv[2]
root = ET.parse(path).getroot()
if root.tag == A + "feed":
    for e in root.iter(A + "entry"):
        if e.find(A + "id").text.endswith(":links"):
            sys.stdout.write(e.find(A + which).text)
else:
    for e in root.iter("item"):
        if e.find("guid").text.endswith(":links"):
            sys.stdout.write(e.find(which if which == "description" else C + which).text)
EOF
P=https://example.com/2017/05/01/links/
$PY "$TMP/content.py" "$O/atom.xml" content >"$TMP/atom-content.html"
$PY "$TMP/content.py" "$O/rss.xml" description >"$TMP/rss-description.html"
$PY "$TMP/content.py" "$O/rss.xml" encoded >"$TMP/rss-encoded.html"
for f in atom-content rss-description rss-encoded; do
	H=$TMP/$f.html
	check "$f: a root-relative link gets the site's origin" has "$H" 'href="https://example.com/x/y/"'
	check "$f: a relative link is resolved against the post" has "$H" "href=\"${P}other/\""
	check "$f: a relative image is resolved against the post" has "$H" "src=\"${P}img.png\""
	check "$f: ../ is resolved against the post" sh -c \
		'grep -qF "href=\"https://example.com/2017/05/01/up/\"" "$1" || grep -qF "href=\"$2../up/\"" "$1"' - "$H" "$P"
	check "$f: a footnote reference points into the post" matches "$H" "href=\"${P}#fn-?1\""
	check "$f: the footnote's back link points into the post" matches "$H" "href=\"${P}#fnref-?1\""
	check "$f: a fragment link points into the post" has "$H" "href=\"${P}#sec\""
	check "$f: an absolute link is kept" has "$H" 'href="https://other.example.org/z"'
	check "$f: a mailto: link is kept" has "$H" 'href="mailto:ops@example.org"'
	check "$f: a scheme-relative link is kept" has "$H" 'href="//cdn.example.net/s.js"'
	check "$f: no relative href or src is left" sh -c \
		'! grep -oE "(href|src)=\"[^\"]*\"" "$1" | grep -vE "=\"(https://|mailto:|//)"' - "$H"
	check "$f: a code sample is not rewritten" \
		has "$H" "&lt;a href='/code/'&gt;"
done
check "the post's page keeps its links as written" has "$O/2017/05/01/links/index.html" 'href="/x/y/"'

# --- Ids and bytes survive an edit ----------------------------------------

# diff.py OLD NEW ID DATE: the feeds below OLD and NEW list the same ids
# in the same order, each feed's bytes are the same but for the entry of
# ID (whose title, content and updated may change, updated to DATE) and
# the feed's own updated date (to DATE, if ID is in it).
cat >"$TMP/diff.py" <<'EOF'
import os, re, sys

old, new, edited, date = sys.argv[1:]
errors = []
ENTRY = re.compile(r"[ ]*<entry>.*?</entry>\n|[ ]*<item>.*?</item>\n", re.S)
ID = re.compile(r"<id>(.*?)</id>|<guid[^>]*>(.*?)</guid>")
MAY_CHANGE = re.compile(r"<(title|updated|atom:updated|content|content:encoded|description)"
                        r"\b[^>]*>.*?</\1>", re.S)

def split(text):
    entries = ENTRY.findall(text)
    ids = [next(g for g in ID.search(e).groups() if g) for e in entries]
    return ENTRY.sub("", text), ids, dict(zip(ids, entries))

for dirpath, _, files in os.walk(old):
    for f in sorted(files):
        if f not in ("atom.xml", "rss.xml"):
            continue
        rel = os.path.relpath(os.path.join(dirpath, f), old)
        a = open(os.path.join(old, rel), encoding="utf-8").read()
        b = open(os.path.join(new, rel), encoding="utf-8").read()
        ha, ida, ea = split(a)
        hb, idb, eb = split(b)
        if ida != idb:
            errors.append("%s: ids %r became %r" % (rel, ida, idb))
            continue
        if edited in ida:
            rss = f == "rss.xml"
            tag = "lastBuildDate" if rss else "updated"
            m = re.search(r"<%s>(.*?)</%s>" % (tag, tag), hb)
            if not rss and (m is None or m.group(1) != date):
                errors.append("%s: feed updated is %s, not %s" % (rel, m and m.group(1), date))
            if m is not None and m.group(0) in ha:
                errors.append("%s: the feed's %s did not change" % (rel, tag))
            ha = re.sub(r"<%s>.*?</%s>" % (tag, tag), "", ha, count=1)
            hb = re.sub(r"<%s>.*?</%s>" % (tag, tag), "", hb, count=1)
            up = "atom:updated" if rss else "updated"
            if "<%s>%s</%s>" % (up, date, up) not in eb[edited]:
                errors.append("%s: the edited entry's %s is not %s:\n%s" % (rel, up, date, eb[edited]))
            if MAY_CHANGE.sub("", ea[edited]) != MAY_CHANGE.sub("", eb[edited]):
                errors.append("%s: the edited entry changed beyond title, content and updated:\n%s\n%s"
                              % (rel, ea[edited], eb[edited]))
        if ha != hb:
            errors.append("%s: the feed itself changed:\n%s\n%s" % (rel, ha, hb))
        for i in ida:
            if i != edited and ea[i] != eb[i]:
                errors.append("%s: the entry %s changed:\n%s\n%s" % (rel, i, ea[i], eb[i]))
if errors:
    sys.exit("\n".join(errors))
EOF

# ids FEED: the ids of the entries or items of FEED, sorted.
cat >"$TMP/ids.py" <<'EOF'
import sys
import xml.etree.ElementTree as ET

A = "{http://www.w3.org/2005/Atom}"
root = ET.parse(sys.argv[1]).getroot()
ids = [e.text for e in root.findall(A + "entry/" + A + "id") + root.findall("channel/item/guid")]
print("\n".join(sorted(ids)))
EOF
ids() { $PY "$TMP/ids.py" "$1"; }
mkdir "$TMP/ids1"
for f in $(feeds_of "$O"); do ids "$O/$f" >"$TMP/ids1/$(echo "$f" | tr / _)"; done

sed -i 's/^title: "Gamma"$/title: "Gamma, revised"/; s/^Body of Gamma\.$/Body of Gamma, corrected./' \
	"$R/posts/2017-03-01-gamma.md"
commit_all "$R" "edit gamma"
at=$(git -C "$R" log -1 --format=%at)
edit_date=$(TZ=America/New_York date -d "@$at" +%Y-%m-%dT%H:%M:%S%:z)
O2=$TMP/out2
crier build -C "$R" -o "$O2"
check "edit: exit 0" [ "$rc" -eq 0 ]
check "edit: the edit is in the feed" has "$O2/atom.xml" "Body of Gamma, corrected."
feeds_of "$O2" >"$TMP/got"
feeds_of "$O" >"$TMP/want"
check "edit: the same feeds" same "$TMP/want" "$TMP/got"
bad=
for f in $(feeds_of "$O2"); do
	ids "$O2/$f" >"$TMP/ids2"
	cmp -s "$TMP/ids1/$(echo "$f" | tr / _)" "$TMP/ids2" || bad="$bad $f"
done
check "edit: every feed has the same set of ids" [ -z "$bad" ]
check "edit: only the edited entry and the feeds' dates changed" $PY "$TMP/diff.py" \
	"$O" "$O2" tag:example.com,2017-03-01:gamma "$edit_date"
check "edit: the site feed's updated is the edit's" has_line "$O2/atom.xml" "  <updated>$edit_date</updated>"
check "edit: the category feed's updated is the edit's" has_line "$O2/category/announcements/atom.xml" \
	"  <updated>$edit_date</updated>"
check "edit: lastBuildDate is the edit's" has_line "$O2/rss.xml" \
	"    <lastBuildDate>$(TZ=America/New_York date -d "@$at" '+%a, %d %b %Y %H:%M:%S %z')</lastBuildDate>"
check "edit: the new title is in the feed" has "$O2/rss.xml" "<title>Gamma, revised</title>"
check "edit: published did not move" has "$O2/atom.xml" "<published>2017-03-01T16:45:00-05:00</published>"
check "edit: feeds without the post are byte-identical" sh -c \
	'cmp "$1/category/alerts/atom.xml" "$2/category/alerts/atom.xml" &&
	 cmp "$1/category/alerts/rss.xml" "$2/category/alerts/rss.xml" &&
	 cmp "$1/category/offsite-backups/rss.xml" "$2/category/offsite-backups/rss.xml"' - "$O" "$O2"
check "edit: the edited feeds are still valid" feedcheck atom "$SCHEMA" "$O2/atom.xml" "$O2"/category/*/atom.xml
check "edit: ... and the RSS too" feedcheck rss "$O2/rss.xml" "$O2"/category/*/rss.xml

# --- A new theme leaves the feeds alone ------------------------------------

mkdir -p "$R/themes"
cp -R "$ROOT/themes/default" "$R/themes/default"
sed -i 's|<body>|<body class="restyled">|' "$R/themes/default/base.mustache"
commit_all "$R" "restyle"
O3=$TMP/out3
crier build -C "$R" -o "$O3"
check "theme: exit 0" [ "$rc" -eq 0 ]
check "theme: the repository's theme is used" has "$O3/index.html" '<body class="restyled">'
bad=
for f in $(feeds_of "$O2"); do cmp "$O2/$f" "$O3/$f" || bad="$bad $f"; done
check "theme: every feed byte-identical" [ -z "$bad" ]
feeds_of "$O3" >"$TMP/got"
feeds_of "$O2" >"$TMP/want"
check "theme: no feed added or removed" same "$TMP/want" "$TMP/got"

# --- One commit, the same bytes --------------------------------------------

crier build -C "$R" -o "$TMP/twice1"
rc1=$rc
rc=0
env TZ=Asia/Tokyo LC_ALL=C.UTF-8 LANG=de_DE.UTF-8 $CRIER_WRAP "$CRIER" build -C "$R" \
	-o "$TMP/twice2" >/dev/null 2>&1 || rc=$?
check "twice: both builds exit 0" [ "$rc1$rc" = 00 ]
bad=
for f in $(feeds_of "$TMP/twice1"); do cmp "$TMP/twice1/$f" "$TMP/twice2/$f" || bad="$bad $f"; done
check "twice: every feed byte-identical, whatever TZ and locale" [ -z "$bad" ]
snapshot "$TMP/twice1" >"$TMP/snap1"
snapshot "$TMP/twice2" >"$TMP/snap2"
check "twice: the whole site byte-identical" same "$TMP/snap1" "$TMP/snap2"

# --- Autodiscovery and subscribe links -------------------------------------

# discovery OUT: every page links the site's feeds in <head> and in the
# footer, and every category page its category's feeds too.
discovery() {
	_bad=0
	for _f in $(cd "$1" && find . -name '*.html' | sed 's|^\./||' | LC_ALL=C sort); do
		_h=$1/$_f
		for _t in atom rss; do
			if ! grep -qE "^<link rel=\"alternate\" type=\"application/$_t\\+xml\" title=\"[^\"]+\" href=\"/$_t.xml\">$" "$_h"; then
				echo "$_f: no <link> to /$_t.xml"; _bad=1
			fi
			if ! grep -qE "<a href=\"/$_t.xml\" type=\"application/$_t\\+xml\">" "$_h"; then
				echo "$_f: no subscribe link to /$_t.xml"; _bad=1
			fi
		done
		grep -q '<p class="subscribe">' "$_h" || { echo "$_f: no subscribe paragraph"; _bad=1; }
		case $_f in
		category/*)
			_c=${_f#category/}; _c=${_c%%/*}
			for _t in atom rss; do
				if ! grep -qE "^<link rel=\"alternate\" type=\"application/$_t\\+xml\" title=\"[^\"]+\" href=\"/category/$_c/$_t.xml\">$" "$_h"; then
					echo "$_f: no <link> to /category/$_c/$_t.xml"; _bad=1
				fi
				if ! grep -qE "<a href=\"/category/$_c/$_t.xml\" type=\"application/$_t\\+xml\">" "$_h"; then
					echo "$_f: no subscribe link to /category/$_c/$_t.xml"; _bad=1
				fi
			done
			;;
		esac
	done
	return $_bad
}
check "every page links the site's feeds; category pages their own too" discovery "$O3"
check "there are category pages to check" test -f "$O3/category/offsite-backups/index.html"
check "discovery links name the feed" has_line "$O3/category/offsite-backups/index.html" \
	'<link rel="alternate" type="application/atom+xml" title="Offsite Backups – Test Site (Atom)" href="/category/offsite-backups/atom.xml">'
check "the home page does not link a category's feeds" lacks "$O3/index.html" 'href="/category/alerts/atom.xml"'

# --- Ids that outlive configuration changes --------------------------------

R=$TMP/ids
new_repo "$R"
printf 'timezone = America/New_York\n' >>"$R/site.ini"
post "$R" 2017-09-08-late.md "Late in the evening" "2017-09-08 23:02 -0400" "[Alerts]"
post "$R" 2017-09-07-early.md "Early in the morning" "2017-09-07 08:00 -0400" "[Alerts]"
{ printf -- '---\ntitle: Moved here\ndate: 2010-01-01\nid: urn:uuid:0b9d8a52-4a4b-4bde-9bd7-93d5b9f6bd11\n---\nOld.\n'; } \
	>"$R/posts/moved.md"
{ printf -- '---\ntitle: Not yet\ndate: 2017-09-09\ndraft: true\n---\nSecret.\n'; } >"$R/posts/draft.md"
commit_all "$R" "three posts and a draft"
crier build -C "$R" -o "$TMP/ids-a"
check "ids: exit 0" [ "$rc" -eq 0 ]
check "ids: an id in front matter wins" has "$TMP/ids-a/atom.xml" \
	'<id>urn:uuid:0b9d8a52-4a4b-4bde-9bd7-93d5b9f6bd11</id>'
check "ids: ... in RSS too" has "$TMP/ids-a/rss.xml" \
	'<guid isPermaLink="false">urn:uuid:0b9d8a52-4a4b-4bde-9bd7-93d5b9f6bd11</guid>'
check "ids: the day of a tag: id is the post's" has "$TMP/ids-a/atom.xml" \
	'<id>tag:example.com,2017-09-08:late</id>'
check "ids: a draft is in no feed" sh -c '! grep -rl "Not yet\|Secret" "$1"' - "$TMP/ids-a"
ids "$TMP/ids-a/atom.xml" >"$TMP/ids-before"
printf '[build]\npermalink = /archives/:slug/\n' >>"$R/site.ini"
commit_all "$R" "new permalinks"
crier build -C "$R" -o "$TMP/ids-b"
check "ids: new permalinks: exit 0" [ "$rc" -eq 0 ]
check "ids: the links follow the new permalinks" has "$TMP/ids-b/atom.xml" \
	'href="https://example.com/archives/late/"'
ids "$TMP/ids-b/atom.xml" >"$TMP/ids-after"
check "ids: unchanged by new permalinks" same "$TMP/ids-before" "$TMP/ids-after"
sed -i 's|^timezone = .*|timezone = UTC|' "$R/site.ini"
commit_all "$R" "now in UTC"
crier build -C "$R" -o "$TMP/ids-c"
check "ids: new time zone: exit 0" [ "$rc" -eq 0 ]
ids "$TMP/ids-c/atom.xml" >"$TMP/ids-after"
check "ids: unchanged by a new time zone" \
	same "$TMP/ids-before" "$TMP/ids-after"

# --- Feeds of an empty site, and text XML cannot carry ---------------------

# A site without categories once passed qsort a null pointer, which
# UBSan stops under make asan.
R=$TMP/empty
new_repo "$R"
printf 'timezone = America/New_York\n' >>"$R/site.ini"
commit_all "$R" "no posts"
crier build -C "$R" -o "$TMP/empty-out"
check "empty: exit 0" [ "$rc" -eq 0 ]
if [ "$rc" -eq 0 ]; then
	check "empty: the Atom feed is valid" feedcheck atom "$SCHEMA" "$TMP/empty-out/atom.xml"
	check "empty: the RSS feed is valid" feedcheck rss "$TMP/empty-out/rss.xml"
else
	skip "empty: the Atom feed is valid" "the build failed"
	skip "empty: the RSS feed is valid" "the build failed"
fi

R=$TMP/nocats
new_repo "$R"
post "$R" 2017-01-01-plain.md "No categories" ""
commit_all "$R" "a post without categories"
crier build -C "$R" -o "$TMP/nocats-out"
check "no categories: exit 0" [ "$rc" -eq 0 ]
check "no categories: the post is in the site feed" \
	has "$TMP/nocats-out/atom.xml" "<id>tag:example.com,2017-01-01:plain</id>"

R=$TMP/controls
new_repo "$R"
printf -- '---\ntitle: "Bell \\a and \\x01 and tab\\tend"\ndate: 2017-01-01\ncategories: [X]\n---\nA \001 b \033 c\n' \
	>"$R/posts/controls.md"
commit_all "$R" "control characters"
crier build -C "$R" -o "$TMP/controls-out"
check "controls: exit 0" [ "$rc" -eq 0 ]
check "controls: the Atom feed is valid" feedcheck atom "$SCHEMA" "$TMP/controls-out/atom.xml"
check "controls: the RSS feed is well-formed" feedcheck rss "$TMP/controls-out/rss.xml"
check "controls: the rest of the title is kept" has "$TMP/controls-out/atom.xml" \
	"<title type=\"text\">Bell  and  and tab	end</title>"

R=$TMP/nonchars
new_repo "$R"
# U+FFFE and U+FFFF are UTF-8 that XML 1.0 forbids, like C0 controls.
printf -- '---\ntitle: Nonchars\ndate: 2017-01-01\ncategories: [X]\n---\nA \357\277\276 b \357\277\277 c\n' \
	>"$R/posts/nonchars.md"
commit_all "$R" "noncharacters"
crier build -C "$R" -o "$TMP/nonchars-out"
check "noncharacters: exit 0" [ "$rc" -eq 0 ]
check "noncharacters: the Atom feed is well-formed" \
	feedcheck atom "$SCHEMA" "$TMP/nonchars-out/atom.xml"
check "noncharacters: the RSS feed is well-formed" \
	feedcheck rss "$TMP/nonchars-out/rss.xml"

done_testing
