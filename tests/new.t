#!/bin/sh
# crier new: the file it writes, its front matter, the author it finds,
# that it never overwrites, and that what it writes builds cleanly.
. "$(dirname "$0")/lib.sh"

# crier_home HOME ARGS...: crier without GIT_AUTHOR_NAME, with HOME (and
# so the global git config) at HOME.
crier_home() {
	_home=$1; shift
	rc=0
	env -u GIT_AUTHOR_NAME HOME="$_home" XDG_CONFIG_HOME="$_home/.config" \
		$CRIER_WRAP "$CRIER" "$@" >"$TMP/stdout" 2>"$TMP/stderr" || rc=$?
}

R=$TMP/site
new_repo "$R"
printf 'timezone = America/New_York\nauthor = siteauthor\n' >>"$R/site.ini"
commit_all "$R" "empty site"

# --- Title, --date, repeated --category ------------------------------------

crier new -C "$R" "Schedule and SLA: Irma" --date "2017-09-08 23:02 -0400" \
	--category Alerts --category "Offsite Backups" --category "Notes: misc" --category Alerts
built "new: exit 0"
check "new: prints the path it wrote" has_line "$TMP/stdout" "posts/2017-09-08-schedule-and-sla-irma.md"
check "new: nothing else on stdout" lines "$TMP/stdout" 1
check "new: nothing on stderr" lines "$TMP/stderr" 0
F=$R/posts/2017-09-08-schedule-and-sla-irma.md
cat >"$TMP/want" <<'EOF'
---
title: "Schedule and SLA: Irma"
date: 2017-09-08 23:02 -0400
categories: [Alerts, Offsite Backups, "Notes: misc"]
author: Test Author
---

EOF
check "new: the front matter (quoted where YAML needs it, categories once each)" same "$TMP/want" "$F"
cksum "$F" >"$TMP/before"

crier new -C "$R" "Schedule and SLA: Irma" --date "2017-09-08 23:02 -0400"
check "the same post again: exit 1" [ "$rc" -eq 1 ]
check "the same post again: says it is there" has "$TMP/stderr" \
	"posts/2017-09-08-schedule-and-sla-irma.md: error: already exists"
check "the same post again: nothing on stdout" lines "$TMP/stdout" 0
cksum "$F" >"$TMP/after"
check "the same post again: the file is untouched" same "$TMP/before" "$TMP/after"

echo "Body of the post." >>"$F"
commit_all "$R" "the new post"
crier build -C "$R"
built "the new post builds: exit 0"
check "the new post builds: no warnings" lines "$TMP/stderr" 0
P=$R/output/2017/09/08/schedule-and-sla-irma/index.html
check "the post page is where the date and slug say" test -f "$P"
check "the post page has the title" has_line "$P" "<title>Schedule and SLA: Irma – Test Site</title>"
check "the post page has the time of --date" has "$P" 'datetime="2017-09-08T23:02:00-04:00"'
check "the byline names the categories" has "$P" \
	'<a href="/category/alerts/" rel="tag">Alerts</a>, <a href="/category/offsite-backups/" rel="tag">Offsite Backups</a>, <a href="/category/notes-misc/" rel="tag">Notes: misc</a> — '
check "the byline names the author" has "$P" '<span class="p-author">Test Author</span>'
check "a category page per --category" test -f "$R/output/category/notes-misc/index.html"

# --- Without --date: now, in the site's zone --------------------------------

before=$(TZ=America/New_York date +%F)
crier new -C "$R" "Network maintenance tonight"
after=$(TZ=America/New_York date +%F)
built "no --date: exit 0"
F=$(cat "$TMP/stdout")
case "$F" in
"posts/$before-network-maintenance-tonight.md" | "posts/$after-network-maintenance-tonight.md")
	ok "no --date: today's date in the site's zone names the file" ;;
*)	not_ok "no --date: today's date in the site's zone names the file" "wrote $F" ;;
esac
check "no --date: the date is now, to the minute, with the zone's offset" \
	matches "$R/$F" '^date: [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} -0[45]00$'
check "no --date: no categories line" lacks "$R/$F" "categories:"
commit_all "$R" "a post of now"
crier build -C "$R"
built "a post dated now builds: exit 0"
check "a post dated now is published, not held back" lacks "$TMP/stderr" "held back"
check "a post dated now is on the home page" has "$R/output/index.html" "Network maintenance tonight"

# --- --date forms ------------------------------------------------------------

crier new -C "$R" "Day only" --date 2016-02-29
built "--date YYYY-MM-DD: exit 0"
check "--date YYYY-MM-DD: midnight in the site's zone" has_line "$R/posts/2016-02-29-day-only.md" \
	"date: 2016-02-29 00:00 -0500"
crier new -C "$R" "Late in Tokyo" --date "2017-09-09T01:30:15+09:00"
built "--date RFC 3339: exit 0"
check "--date RFC 3339: the file is named for the day as written" \
	test -f "$R/posts/2017-09-09-late-in-tokyo.md"
check "--date RFC 3339: kept with its offset and seconds" has_line "$R/posts/2017-09-09-late-in-tokyo.md" \
	"date: 2017-09-09 01:30:15 +0900"
crier new -C "$R" "Bad" --date 2017-02-30
check "--date that is no date: exit 1" [ "$rc" -eq 1 ]
check "--date that is no date: says so" has "$TMP/stderr" 'crier: error: --date "2017-02-30" is not a date'
check "--date that is no date: writes nothing" test ! -e "$R/posts/2017-02-30-bad.md"

# --- Titles and categories YAML would misread --------------------------------

crier new -C "$R" "He said \"yes\": it's #1 \\ ok" --date 2018-01-01 --category yes \
	--category "[x]" --category "Café, Bar" --category 2018
built "awkward title and categories: exit 0"
F=$R/posts/2018-01-01-he-said-yes-its-1-ok.md
check "awkward title: written" test -f "$F"
check "awkward title: double-quoted with escapes" has_line "$F" \
	'title: "He said \"yes\": it'"'"'s #1 \\ ok"'
check "awkward categories: quoted" has_line "$F" \
	'categories: ["yes", "[x]", "Café, Bar", "2018"]'
commit_all "$R" "awkward post"
crier build -C "$R"
built "awkward post builds: exit 0"
P=$R/output/2018/01/01/he-said-yes-its-1-ok/index.html
check "awkward title reads back the same" has_line "$P" \
	"<title>He said &quot;yes&quot;: it&#39;s #1 \\ ok – Test Site</title>"
check "category \"yes\" stays text" test -f "$R/output/category/yes/index.html"
check "category \"2018\" stays text" test -f "$R/output/category/2018/index.html"
check "category with a comma stays whole" test -f "$R/output/category/cafe-bar/index.html"

# --- The author ---------------------------------------------------------------

mkdir -p "$TMP/home"
crier_home "$TMP/home" new -C "$R" "From site ini" --date 2019-01-01
built "no git name: exit 0"
check "no git name: site.ini's author" has_line "$R/posts/2019-01-01-from-site-ini.md" "author: siteauthor"

printf '[user]\n\temail = g@example.com\n\tname = "Global \\"G\\" Name"  ; a comment\n' >"$TMP/home/.gitconfig"
crier_home "$TMP/home" new -C "$R" "From global config" --date 2019-01-01
check "~/.gitconfig: its user.name, unquoted as git does" has_line \
	"$R/posts/2019-01-01-from-global-config.md" 'author: "Global \"G\" Name"'

git -C "$R" config user.name "Local Name"
crier_home "$TMP/home" new -C "$R" "From repo config" --date 2019-01-01
check "the repository's config wins over the global one" has_line \
	"$R/posts/2019-01-01-from-repo-config.md" "author: Local Name"

crier new -C "$R" "From the environment" --date 2019-01-01
check "GIT_AUTHOR_NAME wins over every config" has_line \
	"$R/posts/2019-01-01-from-the-environment.md" "author: Test Author"
git -C "$R" config --unset user.name

R2=$TMP/noauthor
new_repo "$R2"
crier_home "$TMP/empty-home" new -C "$R2" "Nobody wrote this" --date 2019-01-01
built "no author anywhere: exit 0"
check "no author anywhere: no author line" lacks "$R2/posts/2019-01-01-nobody-wrote-this.md" "author:"

# --- Where the post goes -------------------------------------------------------

crier new -C "$R/posts" "From below" --date 2019-02-01
built "-C a folder inside the work tree: exit 0"
check "-C a folder inside the work tree: path relative to it" has_line "$TMP/stdout" \
	"../posts/2019-02-01-from-below.md"
check "-C a folder inside the work tree: the post is in posts/" test -f "$R/posts/2019-02-01-from-below.md"

R3=$TMP/content
new_repo "$R3"
printf '[build]\nposts = content/posts\n' >>"$R3/site.ini"
crier new -C "$R3" "Elsewhere" --date 2019-03-01
built "posts folder of site.ini: exit 0"
check "posts folder of site.ini: made and used" test -f "$R3/content/posts/2019-03-01-elsewhere.md"
check "posts folder of site.ini: the path printed" has_line "$TMP/stdout" "content/posts/2019-03-01-elsewhere.md"
commit_all "$R3" "one post elsewhere"
crier build -C "$R3"
built "a post in the site.ini posts folder builds"

# --- Mistakes -------------------------------------------------------------------

crier new -C "$R"
check "no title: exit 2" [ "$rc" -eq 2 ]
check "no title: says so" has "$TMP/stderr" "crier: new needs the title of the post"
crier new -C "$R" Two words
check "an unquoted title of two words: exit 2" [ "$rc" -eq 2 ]
crier new -C "$R" "!!!"
check "a title without letters: exit 1" [ "$rc" -eq 1 ]
check "a title without letters: says so" has "$TMP/stderr" "has no letter or digit"
crier new -C "$R" "Fine" --category ""
check "an empty --category: exit 1" [ "$rc" -eq 1 ]
mkdir -p "$TMP/norepo"
crier new -C "$TMP/norepo" "Nowhere"
check "outside a repository: exit 1" [ "$rc" -eq 1 ]
check "outside a repository: says so" has "$TMP/stderr" "not in a git repository"

done_testing
