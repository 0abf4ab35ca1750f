#!/bin/sh
# crier build, the happy paths: small repositories with fixed dates, built
# and checked page by page.
. "$(dirname "$0")/lib.sh"

# --- A site of three posts in two categories -----------------------------

R=$TMP/basic
new_repo "$R"
printf 'author = vlad\ntimezone = America/New_York\n' >>"$R/site.ini"
post "$R" 2017-09-08-hurricane-irma.md "Schedule and SLA during Hurricane Irma" \
	"2017-09-08 23:02 -0400" "[Alerts, Announcements]"
post "$R" 2013-07-18-sql-balancer.md "SQL Balancer Maintenance Window" \
	"2013-07-18 17:46 -0400" "[Alerts]"
post "$R" 2011-09-15-network-updates.md "Massive Network Infrastructure Updates" \
	"2011-09-15 19:29 -0400" "[Announcements]"
commit_all "$R" "three posts"
crier build -C "$R"
O=$R/output
built "three posts: exit 0"
check "three posts: one line on stdout" lines "$TMP/stdout" 1
check "three posts: the summary line" matches "$TMP/stdout" \
	'^crier: 3 posts, 2 categories, [0-9]+ pages written to .*/basic/output in [0-9]+\.[0-9]+ s \([0-9]+ files changed, [0-9]+ unchanged\)$'
check "three posts: nothing on stderr" lines "$TMP/stderr" 0
check "post page at the default permalink" test -f "$O/2017/09/08/hurricane-irma/index.html"
check "second post page" test -f "$O/2013/07/18/sql-balancer/index.html"
check "third post page" test -f "$O/2011/09/15/network-updates/index.html"
check "post page title" has_line "$O/2017/09/08/hurricane-irma/index.html" \
	"<title>Schedule and SLA during Hurricane Irma – Test Site</title>"
check "post page body" has "$O/2017/09/08/hurricane-irma/index.html" \
	"<p>Body of Schedule and SLA during Hurricane Irma.</p>"
printf '%s\n' "Schedule and SLA during Hurricane Irma" "SQL Balancer Maintenance Window" \
	"Massive Network Infrastructure Updates" >"$TMP/want"
titles "$O/index.html" >"$TMP/got"
check "home lists all posts newest first" same "$TMP/want" "$TMP/got"
check "home page title is the site title" has_line "$O/index.html" "<title>Test Site</title>"
check "home links the posts" in_order "$O/index.html" 'href="/2017/09/08/hurricane-irma/"' \
	'href="/2013/07/18/sql-balancer/"' 'href="/2011/09/15/network-updates/"'
check "category page of Alerts" test -f "$O/category/alerts/index.html"
check "category page of Announcements" test -f "$O/category/announcements/index.html"
check "no other category pages" sh -c 'test "$(ls "$1")" = "$(printf "alerts\nannouncements")"' - "$O/category"
printf '%s\n' "Schedule and SLA during Hurricane Irma" "SQL Balancer Maintenance Window" >"$TMP/want"
titles "$O/category/alerts/index.html" >"$TMP/got"
check "Alerts lists only its posts, newest first" same "$TMP/want" "$TMP/got"
printf '%s\n' "Schedule and SLA during Hurricane Irma" "Massive Network Infrastructure Updates" >"$TMP/want"
titles "$O/category/announcements/index.html" >"$TMP/got"
check "Announcements lists only its posts, newest first" same "$TMP/want" "$TMP/got"
check "category page <title>" has_line "$O/category/alerts/index.html" "<title>Alerts – Test Site</title>"
check "category page heading" has_line "$O/category/alerts/index.html" '<h1 class="archive-title">Alerts</h1>'
check "byline links each category" has "$O/2017/09/08/hurricane-irma/index.html" \
	'Filed under: <a href="/category/alerts/" rel="tag">Alerts</a>, <a href="/category/announcements/" rel="tag">Announcements</a> — '
grep 'class="byline"' "$O/2017/09/08/hurricane-irma/index.html" | sed 's/<[^>]*>//g' >"$TMP/got"
echo "Filed under: Alerts, Announcements — vlad @ 11:02 pm" >"$TMP/want"
check "byline text on the post page" same "$TMP/want" "$TMP/got"
grep 'class="byline"' "$O/category/alerts/index.html" | sed 's/<[^>]*>//g' >"$TMP/got"
printf '%s\n' "Filed under: Alerts, Announcements — vlad @ 11:02 pm" \
	"Filed under: Alerts — vlad @ 5:46 pm" >"$TMP/want"
check "bylines on the category page" same "$TMP/want" "$TMP/got"
check "date shown in the site's zone" has "$O/2017/09/08/hurricane-irma/index.html" \
	'<time class="dt-published" datetime="2017-09-08T23:02:00-04:00">September 8, 2017</time>'
check "style.css copied from the theme's static/" cmp "$ROOT/themes/default/static/style.css" "$O/style.css"
check "canonical link is absolute" has_line "$O/2017/09/08/hurricane-irma/index.html" \
	'<link rel="canonical" href="https://example.com/2017/09/08/hurricane-irma/">'
check "newer post links the older one" has "$O/2017/09/08/hurricane-irma/index.html" \
	'<a class="older" href="/2013/07/18/sql-balancer/">SQL Balancer Maintenance Window »</a>'
check "no staging folder left" test ! -e "$R/.output.crier-stage"

# --- Pagination: per_page = 2 and 0 to 3 posts ----------------------------

for n in 0 1 2 3; do
	R=$TMP/pages$n
	new_repo "$R"
	printf '[build]\nper_page = 2\n' >>"$R/site.ini"
	i=1
	while [ "$i" -le "$n" ]; do
		post "$R" "2017-01-0$i-post-$i.md" "Post $i" "" "[X]"
		i=$((i + 1))
	done
	commit_all "$R" "$n posts"
	crier build -C "$R"
	O=$R/output
	built "$n posts, per_page 2: exit 0"
	check "$n posts: the home page exists" test -f "$O/index.html"
	if [ "$n" -lt 3 ]; then
		check "$n posts: no /page/2/" test ! -e "$O/page/2"
		check "$n posts: no Older Posts link" lacks "$O/index.html" "Older Posts"
		check "$n posts: no Newer Posts link" lacks "$O/index.html" "Newer Posts"
	fi
	if [ "$n" -ge 1 ] && [ "$n" -lt 3 ]; then
		check "$n posts: no /category/x/page/2/" test ! -e "$O/category/x/page/2"
		check "$n posts: no Older Posts on the category" lacks "$O/category/x/index.html" "Older Posts"
	fi
done

O=$TMP/pages0/output
check "0 posts: home says nothing was posted" has "$O/index.html" "Nothing has been posted yet."
check "0 posts: no category pages" test ! -e "$O/category"
O=$TMP/pages1/output
check "1 post: listed on home" has "$O/index.html" ">Post 1</a>"
check "1 post: home does not say nothing was posted" lacks "$O/index.html" "Nothing has been posted yet."
O=$TMP/pages2/output
printf 'Post 2\nPost 1\n' >"$TMP/want"
titles "$O/index.html" >"$TMP/got"
check "2 posts: both on page 1" same "$TMP/want" "$TMP/got"

O=$TMP/pages3/output
check "3 posts: /page/2/ exists" test -f "$O/page/2/index.html"
check "3 posts: no /page/3/" test ! -e "$O/page/3"
printf 'Post 3\nPost 2\n' >"$TMP/want"
titles "$O/index.html" >"$TMP/got"
check "3 posts: page 1 has the two newest" same "$TMP/want" "$TMP/got"
printf 'Post 1\n' >"$TMP/want"
titles "$O/page/2/index.html" >"$TMP/got"
check "3 posts: page 2 has the oldest" same "$TMP/want" "$TMP/got"
check "3 posts: page 1 links Older Posts to /page/2/" has_line "$O/index.html" \
	'<a class="older" href="/page/2/">Older Posts »</a>'
check "3 posts: page 1 has no Newer Posts" lacks "$O/index.html" "Newer Posts"
check "3 posts: page 2 links Newer Posts to /" has_line "$O/page/2/index.html" \
	'<a class="newer" href="/">« Newer Posts</a>'
check "3 posts: page 2 has no Older Posts" lacks "$O/page/2/index.html" "Older Posts"
check "3 posts: page 2 title" has_line "$O/page/2/index.html" "<title>Page 2 – Test Site</title>"
check "3 posts: /category/x/page/2/ exists" test -f "$O/category/x/page/2/index.html"
check "3 posts: no /category/x/page/3/" test ! -e "$O/category/x/page/3"
printf 'Post 3\nPost 2\n' >"$TMP/want"
titles "$O/category/x/index.html" >"$TMP/got"
check "3 posts: category page 1 has the two newest" same "$TMP/want" "$TMP/got"
printf 'Post 1\n' >"$TMP/want"
titles "$O/category/x/page/2/index.html" >"$TMP/got"
check "3 posts: category page 2 has the oldest" same "$TMP/want" "$TMP/got"
check "3 posts: category page 1 links Older Posts" has_line "$O/category/x/index.html" \
	'<a class="older" href="/category/x/page/2/">Older Posts »</a>'
check "3 posts: category page 2 links Newer Posts" has_line "$O/category/x/page/2/index.html" \
	'<a class="newer" href="/category/x/">« Newer Posts</a>'
check "3 posts: category page 2 title" has_line "$O/category/x/page/2/index.html" \
	"<title>X – Page 2 – Test Site</title>"

# The summary's nouns agree with their numbers.
PAGES='(1 page|([02-9]|[1-9][0-9]+) pages) written to '
crier build -C "$TMP/pages0" -o "$TMP/pages0-out"
check "0 posts: summary" matches "$TMP/stdout" "^crier: 0 posts, 0 categories, $PAGES"
crier build -C "$TMP/pages1" -o "$TMP/pages1-out"
check "1 post: summary is singular" matches "$TMP/stdout" "^crier: 1 post, 1 category, $PAGES"

# --- Categories: spaces, non-ASCII, shared pages --------------------------

R=$TMP/cats
new_repo "$R"
post "$R" 2017-01-01-backup.md "Backup window" "" "[Offsite Backups, Überwachung]"
post "$R" 2017-01-02-backup-2.md "Second backup window" "" "[Offsite Backups]"
post "$R" 2017-01-03-monitor.md "Monitoring" "" "[Überwachung]"
commit_all "$R" "categories"
crier build -C "$R"
O=$R/output
built "categories: exit 0"
check "categories: the summary counts 2 categories" matches "$TMP/stdout" '^crier: 3 posts, 2 categories, '
check "\"Offsite Backups\" at /category/offsite-backups/" test -f "$O/category/offsite-backups/index.html"
check "\"Offsite Backups\" displayed as written" has_line "$O/category/offsite-backups/index.html" \
	'<h1 class="archive-title">Offsite Backups</h1>'
check "\"Offsite Backups\" page title" has_line "$O/category/offsite-backups/index.html" \
	'<title>Offsite Backups – Test Site</title>'
check "\"Überwachung\" at /category/uberwachung/" test -f "$O/category/uberwachung/index.html"
check "\"Überwachung\" displayed as written" has_line "$O/category/uberwachung/index.html" \
	'<h1 class="archive-title">Überwachung</h1>'
check "byline shows both names and slugs" has "$O/2017/01/01/backup/index.html" \
	'Filed under: <a href="/category/offsite-backups/" rel="tag">Offsite Backups</a>, <a href="/category/uberwachung/" rel="tag">Überwachung</a> — '
check "only the two category folders" sh -c 'test "$(ls "$1")" = "$(printf "offsite-backups\nuberwachung")"' - "$O/category"
printf 'Second backup window\nBackup window\n' >"$TMP/want"
titles "$O/category/offsite-backups/index.html" >"$TMP/got"
check "posts spelling a category alike share its page" same "$TMP/want" "$TMP/got"
printf 'Monitoring\nBackup window\n' >"$TMP/want"
titles "$O/category/uberwachung/index.html" >"$TMP/got"
check "the non-ASCII category lists its posts" same "$TMP/want" "$TMP/got"
check "nav lists each category once" sh -c \
	'test "$(grep -c "<li><a href=\"/category/offsite-backups/\">Offsite Backups</a></li>" "$1")" -eq 1' - "$O/index.html"

# Jekyll reads "category:" (singular) as one category, and crier's design
# says Jekyll's posts build unchanged; crier splits it on white space.
R=$TMP/cat1
new_repo "$R"
printf -- '---\ntitle: One\ndate: 2017-01-01\ncategory: Offsite Backups\n---\nx\n' >"$R/posts/one.md"
commit_all "$R" "category"
crier build -C "$R"
built "category: (singular): exit 0"
check "category: Offsite Backups is one category, /category/offsite-backups/" \
	test -f "$R/output/category/offsite-backups/index.html"
R=$TMP/cat2
new_repo "$R"
printf -- '---\ntitle: Two\ndate: 2017-01-01\ncategories: Offsite Backups\n---\nx\n' >"$R/posts/two.md"
commit_all "$R" "categories"
crier build -C "$R"
check "categories: as text is split on white space, as Jekyll does" \
	sh -c 'test "$(ls "$1")" = "$(printf "backups\noffsite")"' - "$R/output/category"

# A :category in the permalink is the category's URL word, as WordPress's
# %category% is; crier puts the display name in the path.
R=$TMP/catlink
new_repo "$R"
printf '[build]\npermalink = /:category/:slug/\n' >>"$R/site.ini"
post "$R" 2017-01-01-window.md "Window" "" "[Offsite Backups]"
post "$R" 2017-01-02-plain.md "Plain" "" ""
commit_all "$R" "category permalinks"
crier build -C "$R"
built "permalink with :category: exit 0"
check "a post with no category is uncategorized" test -f "$R/output/uncategorized/plain/index.html"
check "permalink /:category/:slug/ uses the category slug" \
	test -f "$R/output/offsite-backups/window/index.html"
check "and not its display name" test ! -e "$R/output/Offsite Backups"

# --- Ordering and ties -----------------------------------------------------

R=$TMP/order
new_repo "$R"
mkdir -p "$R/posts/2017"
post "$R" b.md "Bee, committed first" "2017-05-05 10:00" ""
commit_all "$R" "b first"
post "$R" a.md "Ay, committed second" "2017-05-05 10:00" ""
commit_all "$R" "a second"
post "$R" 2010-01-01-renamed.md "Front matter date" "2018-03-04" ""
post "$R" 2017/nested.md "Nested" "2016-06-06" ""
post "$R" 2012-02-02-by-name.md "Dated by name" "" ""
commit_all "$R" "more"
crier build -C "$R"
O=$R/output
built "ordering: exit 0"
printf '%s\n' "Front matter date" "Ay, committed second" "Bee, committed first" "Nested" \
	"Dated by name" >"$TMP/want"
titles "$O/index.html" >"$TMP/got"
check "newest first; equal dates in path order (a.md before b.md)" same "$TMP/want" "$TMP/got"
check "the front matter date beats the file name's" test -f "$O/2018/03/04/renamed/index.html"
check "no page at the file name's date" test ! -e "$O/2010"
check "a date from the file name" test -f "$O/2012/02/02/by-name/index.html"
check "posts in subfolders are found" test -f "$O/2016/06/06/nested/index.html"
# The same posts committed in the other order sort the same.
R=$TMP/order2
new_repo "$R"
post "$R" a.md "Ay" "2017-05-05 10:00" ""
commit_all "$R" "a first"
post "$R" b.md "Bee" "2017-05-05 10:00" ""
commit_all "$R" "b second"
crier build -C "$R"
printf 'Ay\nBee\n' >"$TMP/want"
titles "$R/output/index.html" >"$TMP/got"
check "equal dates in path order whatever the commit order" same "$TMP/want" "$TMP/got"

# A post with no date in its front matter nor in its file name takes the
# author date of the commit that added it, and a later commit that changes
# it gives its updated date.
R=$TMP/history
new_repo "$R"
printf -- '---\ntitle: Undated\n---\nFirst words.\n' >"$R/posts/undated.md"
commit_all "$R" "add"
added=$(git -C "$R" log -1 --format=%ad --date=format-local:%Y/%m/%d)
added_iso=$(git -C "$R" log -1 --format=%ad --date=format-local:%Y-%m-%dT%H:%M:%SZ)
commit_all "$R" "an unrelated commit"
printf -- '---\ntitle: Undated\n---\nSecond words.\n' >"$R/posts/undated.md"
commit_all "$R" "edit"
edited_iso=$(git -C "$R" log -1 --format=%ad --date=format-local:%Y-%m-%dT%H:%M:%SZ)
crier build -C "$R"
P=$R/output/$added/undated/index.html
built "undated post: exit 0"
check "undated post: dated by the commit that added it" test -f "$P"
check "undated post: published at that commit's time" has "$P" "class=\"dt-published\" datetime=\"$added_iso\""
check "undated post: updated by the commit that changed it" has "$P" "class=\"dt-updated\" datetime=\"$edited_iso\""
check "undated post: the last version is built" has "$P" "Second words."

# --- Escaping --------------------------------------------------------------

R=$TMP/escape
new_repo "$R"
cat >"$R/posts/2017-01-01-xss.md" <<'EOF'
---
title: '<script>alert(1)</script> & "q"'
categories: ['<b>bold</b>']
---
Body.
EOF
commit_all "$R" "escaping"
crier build -C "$R"
O=$R/output
T='&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;'
built "escaping: exit 0"
check "title escaped on the home page" has "$O/index.html" ">$T</a></h2>"
check "title escaped on the post page" has_line "$O/2017/01/01/xss/index.html" "<h1 class=\"post-title p-name\">$T</h1>"
check "title escaped in <title>" has_line "$O/2017/01/01/xss/index.html" "<title>$T – Test Site</title>"
check "no raw <script>alert anywhere" sh -c '! grep -rF "<script>alert" "$1"' - "$O"
check "category page of <b>bold</b>" test -f "$O/category/b-bold-b/index.html"
check "category name escaped on its page" has_line "$O/category/b-bold-b/index.html" \
	'<h1 class="archive-title">&lt;b&gt;bold&lt;/b&gt;</h1>'
check "category name escaped in the byline" has "$O/2017/01/01/xss/index.html" \
	'rel="tag">&lt;b&gt;bold&lt;/b&gt;</a>'
check "no raw <b>bold anywhere" sh -c '! grep -rF "<b>bold" "$1"' - "$O"

# --- Markdown --------------------------------------------------------------

R=$TMP/md
new_repo "$R"
cat >"$R/posts/2017-01-01-md.md" <<'EOF'
---
title: Markdown
---
"quotes" and it's

<div class="x">hi</div>

| a | b |
|---|---|
| 1 | 2 |

~~gone~~ and www.example.com

- [x] done
- [ ] open

Note[^1].

[^1]: The footnote.
EOF
commit_all "$R" "markdown"
crier build -C "$R"
P=$R/output/2017/01/01/md/index.html
built "markdown: exit 0"
check "raw HTML omitted by default" has_line "$P" "<!-- raw HTML omitted -->"
check "raw HTML not passed through by default" lacks "$P" '<div class="x">'
check "smart punctuation by default" has "$P" "<p>“quotes” and it’s</p>"
check "GFM table" has "$P" "<th>a</th>"
check "GFM table cell" has "$P" "<td>2</td>"
check "strikethrough" has "$P" "<del>gone</del>"
check "autolink" has "$P" '<a href="http://www.example.com">www.example.com</a>'
check "task list, done" has "$P" '<li><input type="checkbox" checked="" disabled="" /> done</li>'
check "task list, open" has "$P" '<li><input type="checkbox" disabled="" /> open</li>'
check "footnote reference" has "$P" '<sup class="footnote-ref"><a href="#fn-1" id="fnref-1"'
check "footnote" has "$P" '<li id="fn-1">'
check "footnote text" has "$P" 'The footnote.'
# The two Markdown options are keys of [build] (they were once a
# [markdown] section).
printf '[build]\nunsafe_html = true\nsmart = false\n' >>"$R/site.ini"
commit_all "$R" "unsafe, not smart"
crier build -C "$R"
built "markdown options: exit 0"
check "raw HTML passes with unsafe_html = true" has_line "$P" '<div class="x">hi</div>'
check "no omission comment with unsafe_html" lacks "$P" "raw HTML omitted"
check "no smart punctuation with smart = false" has "$P" "<p>&quot;quotes&quot; and it's</p>"

# --- GFM extensions on many threads -----------------------------------------
# cmark-gfm keeps the extensions' special characters ("~", ":", "w") in a
# global table that each parse once added to and took from; crier keeps
# them in it, so parses run at once.  Many posts with strikethrough,
# autolinks and tables (whose rows are parsed while the blocks are), on
# more threads than cores, must each come out whole, and as on one thread.

R=$TMP/gfm-threads
new_repo "$R"
# A body of 40 paragraphs and a table of 40 rows, each with its ~~ and autolink.
body=$(i=0; while [ $i -lt 40 ]; do
	printf 'Para ~~old%s~~ and www.example.com/%s then ops@example.com.\n\n' $i $i
	i=$((i + 1))
done
printf '| h | ~~c~~ |\n|---|---|\n'
i=0; while [ $i -lt 40 ]; do printf '| ~~v%s~~ | www.example.org/%s |\n' $i $i; i=$((i + 1)); done)
i=0
while [ $i -lt 200 ]; do
	post "$R" "g$i.md" "GFM $i" "2017-02-01 10:00 +0000" "" "$body"
	i=$((i + 1))
done
commit_all "$R" "many GFM posts"
crier build -C "$R" -o "$TMP/gfm-j8" -j 8 -q
built "GFM on 8 threads: exit 0"
bad=0
i=0
while [ $i -lt 200 ]; do
	f=$TMP/gfm-j8/2017/02/01/g$i/index.html
	[ "$(grep -o '<del>' "$f" | wc -l)" -eq 81 ] &&
		[ "$(grep -o 'href="http://www.example.' "$f" | wc -l)" -eq 80 ] &&
		[ "$(grep -o 'href="mailto:ops@example.com"' "$f" | wc -l)" -eq 40 ] &&
		[ "$(grep -o '<td>' "$f" | wc -l)" -eq 80 ] || bad=$((bad + 1))
	i=$((i + 1))
done
check "GFM on 8 threads: every post has its strikethrough, autolinks and table" [ "$bad" -eq 0 ]
crier build -C "$R" -o "$TMP/gfm-j1" -j 1 -q
built "GFM on 1 thread: exit 0"
check "GFM: 8 threads and 1 give the same site" diff -r "$TMP/gfm-j8" "$TMP/gfm-j1"

# --- Uncommitted posts -----------------------------------------------------

R=$TMP/dirty
new_repo "$R"
post "$R" a.md "Committed title" "2017-01-01" ""
commit_all "$R" "a"
post "$R" a.md "Edited title" "2017-01-01" ""
post "$R" new.md "Brand new" "2017-01-02" ""
crier build -C "$R"
O=$R/output
built "uncommitted: exit 0"
check "the committed version is built" has "$O/2017/01/01/a/index.html" "Committed title"
check "not the edited one" sh -c '! grep -rF "Edited title" "$1"' - "$O"
check "the untracked post is not built" test ! -e "$O/2017/01/02"
check "nor listed" lacks "$O/index.html" "Brand new"
check "stderr names the untracked post" has "$TMP/stderr" "posts/new.md: warning: not committed, so not published"
check "stderr names the modified post" has "$TMP/stderr" "posts/a.md: warning: has uncommitted changes"
check "the summary counts one post" matches "$TMP/stdout" '^crier: 1 post, '
git -C "$R" add posts/new.md
crier build -C "$R"
check "a staged post is not built either" test ! -e "$O/2017/01/02"
check "stderr names the staged post" has "$TMP/stderr" "posts/new.md: warning: not committed, so not published"
crier build -q -C "$R"
check "-q: no warnings" lines "$TMP/stderr" 0
check "-q: no summary" lines "$TMP/stdout" 0

# --- Uncommitted posts, told from the index ---------------------------------
# When every post's file is as the index recorded it (size, times, inode)
# and older than the index, and no other post file is there, crier knows
# the posts folder is clean without libgit2's status of the work tree;
# where the record differs it compares the bytes, and it asks libgit2 only
# when something did change.  Every kind of change must still be told,
# and a file only touched is not one.

# quick_repo DIR: three posts, one in a folder, committed with their files
# older than the index (not "racily clean", which git would hash).
quick_repo() {
	new_repo "$1"
	post "$1" a.md "Alpha" "2017-01-01" ""
	post "$1" b.md "Bravo" "2017-01-02" ""
	mkdir -p "$1/posts/sub"
	post "$1" sub/c.md "Charlie" "2017-01-03" ""
	touch -d '2020-01-01 00:00:00' "$1"/posts/*.md "$1"/posts/sub/*.md
	commit_all "$1" "three"
}
Q=$TMP/quick
# With -v a build says when libgit2 had to look at the work tree.
LOOKED="libgit2 looked at them"
by_index() { check "index: $1: told from the index alone" lacks "$TMP/stderr" "$LOOKED"; }
by_libgit2() { check "index: $1: libgit2 looked" has "$TMP/stderr" "$LOOKED"; }

quick_repo "$Q"
crier build -v -C "$Q"
built "index: a clean folder: exit 0"
check "index: a clean folder: no warning" lacks "$TMP/stderr" "warning"
by_index "a clean folder"

quick_repo "$Q"
sed -i 's/Alpha/Alphx/' "$Q/posts/a.md"
crier build -v -C "$Q"
check "index: an edit of the same size is told" has "$TMP/stderr" \
	"posts/a.md: warning: has uncommitted changes"
by_libgit2 "an edit of the same size"

quick_repo "$Q"
touch "$Q/posts/a.md"
crier build -v -C "$Q"
check "index: a file only touched is not a change" lacks "$TMP/stderr" "warning"
by_index "a file only touched"

quick_repo "$Q"
chmod +x "$Q/posts/a.md"
crier build -v -C "$Q"
check "index: a file made executable is told" has "$TMP/stderr" \
	"posts/a.md: warning: has uncommitted changes"
by_libgit2 "a file made executable"

# Committed with a time after the index's: git cannot trust its record
# ("racily clean"), and neither does crier: the bytes tell.
quick_repo "$Q"
echo "More." >>"$Q/posts/a.md"
touch -d '2100-01-01 00:00:00' "$Q/posts/a.md"
commit_all "$Q" "more"
crier build -v -C "$Q"
check "index: a file newer than the index, committed: no warning" lacks "$TMP/stderr" "warning"
by_index "a file newer than the index"

quick_repo "$Q"
rm "$Q/posts/b.md"
crier build -v -C "$Q"
check "index: a file removed is told" has "$TMP/stderr" \
	"posts/b.md: warning: deleted but not committed"
by_libgit2 "a file removed"

quick_repo "$Q"
post "$Q" sub/d.md "Delta" "2017-01-04" ""
crier build -v -C "$Q"
check "index: a new post in a folder is told" has "$TMP/stderr" \
	"posts/sub/d.md: warning: not committed"
by_libgit2 "a new post in a folder"

quick_repo "$Q"
echo notes >"$Q/posts/notes.txt"
crier build -v -C "$Q"
check "index: a new file that is no post is not told" lacks "$TMP/stderr" "warning"
by_index "a new file that is no post"

quick_repo "$Q"
printf 'posts/draft-*.md\n' >"$Q/.gitignore"
commit_all "$Q" "ignore drafts"
post "$Q" draft-x.md "Draft" "2017-01-06" ""
crier build -v -C "$Q"
check "index: a post git ignores is not told" lacks "$TMP/stderr" "warning"
by_index "a post git ignores"

quick_repo "$Q"
post "$Q" e.md "Echo" "2017-01-05" ""
touch -d '2020-01-02 00:00:00' "$Q/posts/e.md"
git -C "$Q" add posts/e.md
crier build -v -C "$Q"
check "index: a post staged, not committed, is told" has "$TMP/stderr" \
	"posts/e.md: warning: not committed"
by_index "a post staged"

quick_repo "$Q"
sed -i 's/Alpha/Alphx/' "$Q/posts/a.md"
touch -d '2020-01-02 00:00:00' "$Q/posts/a.md"
git -C "$Q" add posts/a.md
crier build -v -C "$Q"
check "index: an edit staged, not committed, is told" has "$TMP/stderr" \
	"posts/a.md: warning: has uncommitted changes"
by_index "an edit staged"

# A file whose bytes are the blob's, but which a filter would change on
# its way in (CRLF to LF, for "text"): git says it is changed.
quick_repo "$Q"
printf -- '---\r\ntitle: "Foxtrot"\r\n---\r\nBody.\r\n' >"$Q/posts/f.md"
touch -d '2020-01-01 00:00:00' "$Q/posts/f.md"
commit_all "$Q" "a post with CRLF"
printf '*.md text\n' >"$Q/.gitattributes"
commit_all "$Q" "posts are text"
touch "$Q/posts/f.md"
crier build -v -C "$Q"
check "index: a file a filter would change is told" has "$TMP/stderr" \
	"posts/f.md: warning: has uncommitted changes"
by_libgit2 "a file a filter would change"

# Links: git sees a link where its folders were, and the posts below as
# deleted, though the same files are there through the link.
quick_repo "$Q"
mv "$Q/posts" "$Q/real"
ln -s real "$Q/posts"
crier build -v -C "$Q"
check "index: the posts folder a link: its posts are told" has "$TMP/stderr" \
	"posts/a.md: warning: deleted but not committed"
by_libgit2 "the posts folder a link"

quick_repo "$Q"
mv "$Q/posts/sub" "$Q/sub-real"
ln -s ../sub-real "$Q/posts/sub"
crier build -v -C "$Q"
check "index: a folder of posts a link: its post is told" has "$TMP/stderr" \
	"posts/sub/c.md: warning: deleted but not committed"
by_libgit2 "a folder of posts a link"

# --- --ref, -C, -o ---------------------------------------------------------

R=$TMP/refs
new_repo "$R"
post "$R" 2017-01-01-first.md "First" "" ""
commit_all "$R" "first"
git -C "$R" tag v1
first=$(git -C "$R" rev-parse HEAD)
post "$R" 2017-01-02-second.md "Second" "" ""
commit_all "$R" "second"
crier build -C "$R" --ref v1 -o "$TMP/refs-v1"
built "--ref TAG: exit 0"
check "--ref TAG: the tag's post" test -f "$TMP/refs-v1/2017/01/01/first/index.html"
check "--ref TAG: not the later post" test ! -e "$TMP/refs-v1/2017/01/02"
check "--ref TAG: summary" matches "$TMP/stdout" "^crier: 1 post, 0 categories, $PAGES.*/refs-v1 in "
crier build -C "$R" --ref "$first" -o "$TMP/refs-id"
built "--ref COMMIT: exit 0"
check "--ref COMMIT: same as the tag" diff -r "$TMP/refs-v1" "$TMP/refs-id"
crier build -C "$R" --ref HEAD~1 -o "$TMP/refs-rel"
check "--ref HEAD~1: same as the tag" diff -r "$TMP/refs-v1" "$TMP/refs-rel"
mkdir "$TMP/elsewhere"
cd "$TMP/elsewhere"
crier build -C ../refs
cd "$ROOT"
built "-C from another folder: exit 0"
check "-C: output in the repository's folder" test -f "$R/output/2017/01/02/second/index.html"
check "-C: nothing written in the current folder" sh -c 'test -z "$(ls -A "$1")"' - "$TMP/elsewhere"
rm -rf "$R/output"
crier build -C "$R" -o "$TMP/refs-o"
built "-o: exit 0"
check "-o: written there" test -f "$TMP/refs-o/2017/01/02/second/index.html"
check "-o: not in the default folder" test ! -e "$R/output"
check "-o: the summary names it" matches "$TMP/stdout" 'written to .*/refs-o in '
cd "$TMP"
crier build -C refs -o rel-out
cd "$ROOT"
check "-o relative to -C, as git's -C" test -f "$R/rel-out/index.html"
rm -rf "$R/rel-out"

# --- Bare repositories -----------------------------------------------------

git clone -q --bare "$R" "$TMP/bare.git"
crier build -C "$TMP/bare.git" -o "$TMP/bare-out"
built "bare: exit 0 with -o"
check "bare: summary" matches "$TMP/stdout" "^crier: 2 posts, 0 categories, $PAGES.*/bare-out in "
crier build -C "$R" -o "$TMP/work-out"
check "bare: the same bytes as from the work tree" diff -r "$TMP/bare-out" "$TMP/work-out"
crier build -C "$TMP/bare.git"
check "bare without -o: exit 1" [ "$rc" -eq 1 ]
check "bare without -o: says why" has_line "$TMP/stderr" \
	"crier: error: the repository is bare: name the output folder with -o DIR"
check "bare without -o: nothing written" sh -c '! ls -A "$1" | grep -v "^.crier-cache$" | grep -q crier' - "$TMP/bare.git"
check "bare without -o: no output folder" test ! -e "$TMP/bare.git/output"

# --- Themes ----------------------------------------------------------------

R=$TMP/noini
rm -rf "$R"
git init -q -b main "$R"
mkdir "$R/posts"
post "$R" 2017-01-01-hello.md "Hello" "" ""
commit_all "$R" "no site.ini, no theme"
crier build -C "$R"
O=$R/output
built "no site.ini, no themes/: exit 0"
check "warns that there is no url" has_line "$TMP/stderr" \
	"site.ini: warning: no url in [site]: links in feeds will not be absolute"
check "the installed default theme is used" cmp "$ROOT/themes/default/static/style.css" "$O/style.css"
check "its templates too" has "$O/index.html" '<a class="skip-link" href="#main">Skip to content</a>'
check "the default site title" has_line "$O/index.html" "<title>My Site</title>"
check "links are root-relative without a url" has_line "$O/index.html" '<link rel="canonical" href="/">'

mkdir -p "$R/themes/default/static"
cat >"$R/themes/default/base.mustache" <<'EOF'
<html><title>{{page.title}}</title>COMMITTED BASE
{{$content}}{{/content}}
</html>
EOF
cat >"$R/themes/default/index.mustache" <<'EOF'
{{<base}}{{$content}}COMMITTED INDEX{{#posts}}
<li>{{title}}</li>{{/posts}}{{/content}}{{/base}}
EOF
cat >"$R/themes/default/post.mustache" <<'EOF'
{{<base}}{{$content}}COMMITTED POST {{post.title}}{{/content}}{{/base}}
EOF
echo "body { color: red }" >"$R/themes/default/static/style.css"
commit_all "$R" "a theme of our own"
crier build -C "$R"
built "committed theme: exit 0"
check "the committed index template is used" has_line "$O/index.html" "COMMITTED INDEX"
check "with the committed base" has "$O/index.html" "COMMITTED BASE"
check "it lists the post" has_line "$O/index.html" "<li>Hello</li>"
check "the committed post template is used" has "$O/2017/01/01/hello/index.html" "COMMITTED POST Hello"
check "the installed templates are not" lacks "$O/index.html" "skip-link"
check "the committed static file is used" has_line "$O/style.css" "body { color: red }"

R=$TMP/mine
new_repo "$R"
printf '[build]\ntheme = mine\n' >>"$R/site.ini"
mkdir -p "$R/themes/mine/static/img"
echo '{{#posts}}MINE {{title}}{{/posts}}' >"$R/themes/mine/index.mustache"
echo 'MINE POST {{post.title}}' >"$R/themes/mine/post.mustache"
echo 'png' >"$R/themes/mine/static/img/logo.png"
post "$R" 2017-01-01-hello.md "Hello" "" ""
commit_all "$R" "theme = mine"
crier build -C "$R"
O=$R/output
built "theme = mine: exit 0"
check "theme = mine: its index" has_line "$O/index.html" "MINE Hello"
check "theme = mine: its post page" has_line "$O/2017/01/01/hello/index.html" "MINE POST Hello"
check "theme = mine: its static files, folders kept" has_line "$O/img/logo.png" "png"
check "theme = mine: no default style.css" test ! -e "$O/style.css"

# --- Symbolic links, drafts ------------------------------------------------

R=$TMP/links
new_repo "$R"
post "$R" 2017-01-01-real.md "Real post" "" ""
printf -- '---\ntitle: Secret target\ndate: 2017-01-02\n---\nsecret\n' >"$R/secret.md"
ln -s ../secret.md "$R/posts/2017-01-02-link.md"
commit_all "$R" "a link"
crier build -C "$R"
O=$R/output
built "symlink: exit 0"
check "symlink: warned" has_line "$TMP/stderr" \
	"posts/2017-01-02-link.md: warning: symbolic link not followed; not published"
check "symlink: its target is not published" sh -c '! grep -rF "Secret target" "$1"' - "$O"
check "symlink: no page for it" test ! -e "$O/2017/01/02"
check "symlink: the real post is" test -f "$O/2017/01/01/real/index.html"

R=$TMP/drafts
new_repo "$R"
post "$R" 2017-01-01-public.md "Public" "" "[Alerts]"
printf -- '---\ntitle: Not yet\ndate: 2017-01-02\ncategories: [Secret]\ndraft: true\n---\nx\n' >"$R/posts/2017-01-02-draft.md"
commit_all "$R" "a draft"
crier build -C "$R"
O=$R/output
built "drafts: exit 0"
check "drafts: held back" has "$TMP/stderr" "crier: held back 1 draft (publish with --drafts)"
check "drafts: no page" test ! -e "$O/2017/01/02"
check "drafts: not listed" sh -c '! grep -rF "Not yet" "$1"' - "$O"
check "drafts: their categories are not made" test ! -e "$O/category/secret"
check "drafts: not counted" matches "$TMP/stdout" '^crier: 1 post, 1 category, '
printf -- '---\ntitle: Unpublished\ndate: 2017-01-03\npublished: false\n---\nx\n' >"$R/posts/2017-01-03-unpub.md"
commit_all "$R" "published: false"
crier build -C "$R"
check "published: false is held back too" has "$TMP/stderr" "crier: held back 2 drafts (publish with --drafts)"
check "published: false has no page" test ! -e "$O/2017/01/03"

# --- Determinism and rebuilding --------------------------------------------

R=$TMP/basic
crier build -C "$R" -o "$TMP/det1"
crier build -C "$R" -o "$TMP/det2"
check "the same commit twice: byte-identical" diff -r "$TMP/det1" "$TMP/det2"
check "and the same as the default output" diff -r "$TMP/det1" "$R/output"

echo stray >"$R/output/stray.html"
mkdir -p "$R/.output.crier-stage/junk"
git -C "$R" rm -q posts/2013-07-18-sql-balancer.md
commit_all "$R" "remove a post"
crier build -C "$R"
O=$R/output
check "rebuild over a stray file: refused" [ "$rc" -eq 1 ]
check "rebuild over a stray file: it is named" has "$TMP/stderr" "holds 1 file crier did not write (stray.html)"
check "rebuild over a stray file: it is kept" test -f "$O/stray.html"
# With a bad post as well, both errors are reported (the folder check runs
# while the posts are read, and ends after them).
printf -- '---\ntitle: "Bad"\ndate: 2017-13-01\n---\nx\n' >"$R/posts/bad.md"
commit_all "$R" "a bad post"
crier build -C "$R"
check "a stray file and a bad post: refused" [ "$rc" -eq 1 ]
check "a stray file and a bad post: the post's error" has "$TMP/stderr" "posts/bad.md:3: error: date"
check "a stray file and a bad post: the folder's error" has "$TMP/stderr" "holds 1 file crier did not write (stray.html)"
check "a stray file and a bad post: two errors" has "$TMP/stderr" "crier: 2 errors; nothing was written"
git -C "$R" rm -q posts/bad.md
commit_all "$R" "the bad post removed"
crier build -C "$R" --force
built "rebuild: exit 0"
check "rebuild: stray files are gone" test ! -e "$O/stray.html"
check "rebuild: a removed post's page is gone" test ! -e "$O/2013"
check "rebuild: other pages stay" test -f "$O/2017/09/08/hurricane-irma/index.html"
check "rebuild: the index is rewritten" lacks "$O/index.html" "SQL Balancer"
check "rebuild: no staging folder left" test ! -e "$R/.output.crier-stage"
check "rebuild: no old folder left" sh -c '! ls -A "$1" | grep -v "^.crier-cache$" | grep -q crier' - "$R"
crier build -C "$R" -o "$TMP/det1"
check "rebuild with -o: no staging folder left beside it" sh -c '! ls -A "$1" | grep -v "^.crier-cache$" | grep -q "crier-"' - "$TMP"
check "rebuild with -o: replaced" test ! -e "$TMP/det1/2013"

# --- libxml2 and libical are loaded when first needed -----------------------
# They and the libraries they bring were a third of every crier's start:
# crier is not linked with them and loads them (src/lazy.c) for the feeds
# and the calendars.  A build with nothing to do loads neither.  (The
# loader says what it loads; crier runs here without the test wrapper,
# whose own loading it would report.)
L=$TMP/lazy
new_repo "$L"
cat >"$L/posts/window.md" <<'EOF'
---
title: Maintenance
date: 2020-03-01 10:00 +0000
categories: [Maintenance]
window:
  start: 2020-03-10 22:00 +0000
  end: 2020-03-11 01:00 +0000
---
Disks are swapped.
EOF
commit_all "$L" "a window"
loads() {	# loads LIB: the loader's log in $TMP/ld names LIB as loaded by crier
	grep -Eq "file=$1[^ ]* .*(needed|dynamically loaded) by" "$TMP/ld"
}
if command -v readelf >/dev/null 2>&1; then
	check "libxml2 and libical: not linked" sh -c \
	    "readelf -d '$CRIER' | grep -q NEEDED && ! readelf -d '$CRIER' | grep -Eq 'NEEDED.*(libxml2|libical)'"
else
	ok "libxml2 and libical: not linked # SKIP no readelf"
fi
rc=0
LD_DEBUG=files "$CRIER" build -q -C "$L" -o "$TMP/lazy-out" --now 2020-03-05 >/dev/null 2>"$TMP/ld" || rc=$?
check "a build with a calendar: exit 0" [ "$rc" -eq 0 ]
check "a build with a calendar: the calendar" has "$TMP/lazy-out/maintenance.ics" "SUMMARY:Maintenance"
check "a build with a calendar: the feed" has "$TMP/lazy-out/atom.xml" "<title type=\"text\">[Scheduled] Maintenance</title>"
# LD_DEBUG is glibc's loader's; another says nothing, and there is nothing to check.
if [ -s "$TMP/ld" ]; then
	check "a build with a calendar: libxml2 loaded, for the feeds" loads libxml2
	check "a build with a calendar: libical loaded" loads libical
	LD_DEBUG=files "$CRIER" build -C "$L" -o "$TMP/lazy-out" --now 2020-03-05 >"$TMP/stdout" 2>"$TMP/ld"
	check "nothing to do: said" has "$TMP/stdout" "is up to date with"
	check "nothing to do: libgit2 loaded" loads libgit2
	check "nothing to do: libxml2 not loaded" sh -c '! grep -q "file=libxml2" "$1"' - "$TMP/ld"
	check "nothing to do: libical not loaded" sh -c '! grep -q "file=libical" "$1"' - "$TMP/ld"
else
	ok "what the loader loads # SKIP no LD_DEBUG (not glibc)"
fi

done_testing
