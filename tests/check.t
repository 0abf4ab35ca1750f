#!/bin/sh
# crier check: a sound site passes; broken links, missing theme assets and
# broken feeds are each named with the file that holds them.
. "$(dirname "$0")/lib.sh"

SCHEMA=$SHARED/schemas/atom.rng
skip() { _n=$((_n + 1)); echo "ok $_n - $1 # SKIP $2"; }

# crier_check ARGS...: crier check with its temporary folder below $TMP/ctmp.
crier_check() {
	rm -rf "$TMP/ctmp"
	mkdir -p "$TMP/ctmp"
	rc=0
	TMPDIR=$TMP/ctmp $CRIER_WRAP "$CRIER" check "$@" >"$TMP/stdout" 2>"$TMP/stderr" || rc=$?
}
no_temp_left() { [ -z "$(ls -A "$TMP/ctmp")" ] || { ls -A "$TMP/ctmp"; return 1; }; }

# --- A sound site ---------------------------------------------------------------

R=$TMP/site
new_repo "$R"
post "$R" 2017-09-08-irma.md "Irma" "2017-09-08 23:02 -0400" "[Alerts, Announcements]" \
	"See [the balancer](/2013/07/18/balancer/), [it again](https://example.com/2013/07/18/balancer/#main), [home](../../../../), [top](#main), [elsewhere](https://other.example/nope/) and [mail](mailto:a@example.com).[^1]

[^1]: A footnote, linked both ways."
post "$R" 2013-07-18-balancer.md "Balancer" "2013-07-18 17:46 -0400" "[Alerts]" \
	"Back to [Irma](/2017/09/08/irma/) and [the feed](/atom.xml?x=1) and [alerts](/category/alerts)."
commit_all "$R" "two posts"
git -C "$R" tag good
crier_check -C "$R"
built "a sound site: exit 0"
check "a sound site: one summary line" matches "$TMP/stdout" \
	'^crier: 10 pages, [0-9]+ links and 6 feeds checked: no problems$'
check "a sound site: nothing on stderr" lines "$TMP/stderr" 0
check "a sound site: the temporary folder is removed" no_temp_left

if [ -f "$SCHEMA" ]; then
	rc=0
	CRIER_ATOM_RNG=$SCHEMA $CRIER_WRAP "$CRIER" check -C "$R" >"$TMP/stdout" 2>"$TMP/stderr" || rc=$?
	built "CRIER_ATOM_RNG: the feeds validate against RFC 4287's schema"
	check "CRIER_ATOM_RNG: the summary says so" has "$TMP/stdout" "(Atom against the schema too)"
else
	skip "CRIER_ATOM_RNG: the feeds validate against RFC 4287's schema" "no $SCHEMA"
	skip "CRIER_ATOM_RNG: the summary says so" "no $SCHEMA"
fi
rc=0
CRIER_ATOM_RNG=$TMP/none.rng $CRIER_WRAP "$CRIER" check -C "$R" >"$TMP/stdout" 2>"$TMP/stderr" || rc=$?
check "CRIER_ATOM_RNG naming no schema: exit 1" [ "$rc" -eq 1 ]
check "CRIER_ATOM_RNG naming no schema: says so" has "$TMP/stderr" "CRIER_ATOM_RNG names no RELAX NG schema"

# --- Broken links ------------------------------------------------------------------

post "$R" 2017-01-01-bad.md "Bad" "2017-01-01 10:00 +0000" "" \
	"[x](/nope/), [again](/nope/), [own host](https://example.com/gone/), [up](../../../../../gone.png), [anchor](/2017/09/08/irma/#nowhere), [ok](/2017/09/08/irma/#main) and [out](https://other.example/gone/)."
commit_all "$R" "a post with broken links"
crier_check -C "$R"
check "broken links: exit 1" [ "$rc" -eq 1 ]
check "broken links: named with the page" has_line "$TMP/stderr" \
	"2017/01/01/bad/index.html: error: broken link to /nope/"
check "broken links: a page's broken link is named once" \
	[ "$(grep -c '^2017/01/01/bad/index.html: error: broken link to /nope/$' "$TMP/stderr")" -eq 1 ]
check "broken links: every page that holds it (the home page too)" has_line "$TMP/stderr" \
	"index.html: error: broken link to /nope/"
check "broken links: an absolute URL of the site's own host" has_line "$TMP/stderr" \
	"2017/01/01/bad/index.html: error: broken link to https://example.com/gone/"
check "broken links: relative, climbing past the root" has_line "$TMP/stderr" \
	"2017/01/01/bad/index.html: error: broken link to ../../../../../gone.png"
check "broken links: a fragment with no element" has_line "$TMP/stderr" \
	'2017/01/01/bad/index.html: error: broken link to /2017/09/08/irma/#nowhere: 2017/09/08/irma/index.html has no element with id "nowhere"'
check "broken links: good links are not named" lacks "$TMP/stderr" "#main"
check "broken links: other hosts are not checked" lacks "$TMP/stderr" "other.example"
check "broken links: the summary" matches "$TMP/stderr" '^crier: [0-9]+ problems in 12 pages, [0-9]+ links and 6 feeds checked$'
check "broken links: nothing on stdout" lines "$TMP/stdout" 0
check "broken links: the temporary folder is removed" no_temp_left

crier_check -C "$R" --ref good
built "--ref: an earlier, sound commit passes"

# --- A theme that names a missing asset ----------------------------------------------

T=$TMP/theme
new_repo "$T"
printf '[build]\ntheme = mine\n' >>"$T/site.ini"
mkdir -p "$T/themes"
cp -R "$ROOT/themes/default" "$T/themes/mine"
mkdir -p "$T/themes/mine/static/img"
echo '<svg xmlns="http://www.w3.org/2000/svg"/>' >"$T/themes/mine/static/img/logo.svg"
sed 's|</head>|<link rel="icon" href="{{site.base}}favicon.png">\n</head>|; s|<main id="main" class="wrap">|&\n<img src="{{site.base}}img/logo.svg" srcset="{{site.base}}img/logo.svg 1x, {{site.base}}img/logo@2x.png 2x" alt="">|' \
	"$ROOT/themes/default/base.mustache" >"$T/themes/mine/base.mustache"
post "$T" 2020-01-01-a.md "A" "2020-01-01 10:00 +0000" "[News]"
commit_all "$T" "a theme with a missing asset"
crier_check -C "$T"
check "missing theme asset: exit 1" [ "$rc" -eq 1 ]
check "missing theme asset: a link href" has_line "$TMP/stderr" \
	"index.html: error: broken link to /favicon.png"
check "missing theme asset: on every page" has_line "$TMP/stderr" \
	"category/news/index.html: error: broken link to /favicon.png"
check "missing theme asset: a srcset candidate" has_line "$TMP/stderr" \
	"2020/01/01/a/index.html: error: broken link to /img/logo@2x.png"
check "missing theme asset: assets that are there pass" lacks "$TMP/stderr" "logo.svg"

# --- Feeds ----------------------------------------------------------------------------

F=$TMP/feeds
new_repo "$F"
printf '[build]\ntheme = feeds\n' >>"$F/site.ini"
mkdir -p "$F/themes"
cp -R "$ROOT/themes/default" "$F/themes/feeds"
printf '<?xml version="1.0"?>\n<rss version="2.0">\n<channel>\n<title>x</title>\n</rss>\n' \
	>"$F/themes/feeds/static/broken.xml"
cat >"$F/themes/feeds/static/dup.xml" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Dup</title>
<id>tag:example.com,2020:dup</id>
<updated>2020-01-01T00:00:00Z</updated>
<author><name>x</name></author>
<link href="https://example.com/"/>
<entry>
<title>One</title>
<id>tag:example.com,2020:same</id>
<updated>2020-01-01T00:00:00Z</updated>
<content type="html">one</content>
</entry>
<entry>
<title>Two</title>
<id>tag:example.com,2020:same</id>
<updated>2020-01-02 00:00</updated>
<content type="html">two</content>
</entry>
<entry>
<title>Three</title>
<updated>2020-01-03T00:00:00Z</updated>
</entry>
</feed>
EOF
cat >"$F/themes/feeds/static/thin.xml" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
<channel>
<title>Thin</title>
<link>https://example.com/</link>
<item><guid>a</guid><pubDate>yesterday</pubDate></item>
<item><title>b</title><guid>a</guid></item>
</channel>
</rss>
EOF
post "$F" 2020-01-01-a.md "A" "2020-01-01 10:00 +0000" ""
commit_all "$F" "bad feeds in the theme"
crier_check -C "$F"
check "bad feeds: exit 1" [ "$rc" -eq 1 ]
check "bad feeds: not well-formed XML, with the line" matches "$TMP/stderr" \
	'^broken\.xml:5: error: not well-formed XML: '
check "bad feeds: two Atom entries with one id" has_line "$TMP/stderr" \
	'dup.xml:16: error: two entries have the id "tag:example.com,2020:same" (the other on line 10)'
check "bad feeds: an Atom date that is not RFC 3339" has "$TMP/stderr" \
	'dup.xml:17: error: <updated> "2020-01-02 00:00" is not an RFC 3339 date-time'
check "bad feeds: an Atom entry without id" has_line "$TMP/stderr" \
	"dup.xml:20: error: an entry has no <id>"
check "bad feeds: an Atom entry without content or alternate link" has_line "$TMP/stderr" \
	'dup.xml:20: error: an entry has neither <content> nor a rel="alternate" <link>'
check "bad feeds: RSS channel without description" has_line "$TMP/stderr" \
	"thin.xml:3: error: <channel> needs exactly one <description>"
check "bad feeds: RSS item without title or description" has_line "$TMP/stderr" \
	"thin.xml:6: error: an <item> needs a <title> or a <description>"
check "bad feeds: RSS pubDate" has_line "$TMP/stderr" \
	'thin.xml:6: error: <pubDate> "yesterday" is not an RFC 822 date'
check "bad feeds: two RSS items with one guid" has_line "$TMP/stderr" \
	'thin.xml:7: error: two items have the id "a" (the other on line 6)'
check "bad feeds: crier's own feeds pass" lacks "$TMP/stderr" "atom.xml"
if [ -f "$SCHEMA" ]; then
	rc=0
	CRIER_ATOM_RNG=$SCHEMA $CRIER_WRAP "$CRIER" check -C "$F" >"$TMP/stdout" 2>"$TMP/stderr" || rc=$?
	check "CRIER_ATOM_RNG: an invalid Atom feed is named" matches "$TMP/stderr" \
		'^dup\.xml:[0-9]+: error: not valid against the Atom schema: '
else
	skip "CRIER_ATOM_RNG: an invalid Atom feed is named" "no $SCHEMA"
fi

# --- A site below a path ----------------------------------------------------------------

B=$TMP/blog
new_repo "$B"
printf '[site]\nurl = https://example.com/blog/\n' >>"$B/site.ini"
post "$B" 2020-01-01-a.md "A" "2020-01-01 10:00 +0000" "[News]" \
	"[b](/blog/2020/01/02/b/), [b again](https://example.com/blog/2020/01/02/b/) and [c](/blog/2020/01/03/c/)."
post "$B" 2020-01-02-b.md "B" "2020-01-02 10:00 +0000" "" "[outside](/other/) [up](/blog/../blog/)."
commit_all "$B" "a site below /blog/"
crier_check -C "$B"
check "below a path: exit 1" [ "$rc" -eq 1 ]
check "below a path: a missing page below it" has_line "$TMP/stderr" \
	"2020/01/01/a/index.html: error: broken link to /blog/2020/01/03/c/"
check "below a path: a link outside the site's path" has_line "$TMP/stderr" \
	"2020/01/02/b/index.html: error: broken link to /other/: outside the site's path"
check "below a path: good links below it pass" lacks "$TMP/stderr" "2020/01/02/b/,"
check "below a path: nine problems in all (home, category and archive pages hold posts)" matches "$TMP/stderr" '^crier: 9 problems in '

# --- Mistakes ---------------------------------------------------------------------------

E=$TMP/broken
new_repo "$E"
printf -- '---\ndate: 2020-01-01\n---\nNo title.\n' >"$E/posts/a.md"
commit_all "$E" "a post without a title"
crier_check -C "$E"
check "a site that does not build: exit 1" [ "$rc" -eq 1 ]
check "a site that does not build: the build's error" has "$TMP/stderr" "posts/a.md:1: error: missing title"
check "a site that does not build: says it was not checked" has "$TMP/stderr" \
	"crier: the site does not build, so it was not checked"
check "a site that does not build: the temporary folder is removed" no_temp_left
crier check --bogus
check "an unknown option: exit 2" [ "$rc" -eq 2 ]
crier check -C "$R" extra
check "an extra argument: exit 2" [ "$rc" -eq 2 ]

done_testing
