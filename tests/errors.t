#!/bin/sh
# crier build with bad input: every error with its exact message and exit
# status 1, and nothing written; then the usage errors (exit status 2).
. "$(dirname "$0")/lib.sh"

# A site built once into $TMP/out, so that the folder is crier's own; a
# marker file is added, and listed as crier's (else every build would
# refuse the folder for it).  Every failed build below must leave it as
# it is.
G=$TMP/good
new_repo "$G"
post "$G" 2017-01-01-hello.md "Hello" "" "[Alerts]"
commit_all "$G" "a good site"
crier build -C "$G" -o "$TMP/out"
built "the good site builds"
echo "left by the user" >"$TMP/out/marker.txt"
echo "marker.txt" >>"$TMP/out/.crier-manifest"
snapshot "$TMP/out" >"$TMP/out.before"

# A repository at $TMP/NAME with the good post, to break.
repo() {
	R=$TMP/$1
	new_repo "$R"
	post "$R" 2017-01-01-hello.md "Hello" "" "[Alerts]"
}

# fails NAME [ARG...]: builds $R into $TMP/out; checks the exit status
# and that nothing was written.
fails() {
	_name=$1; shift
	crier build -C "$R" -o "$TMP/out" "$@"
	check "$_name: exit status 1" [ "$rc" -eq 1 ]
	check "$_name: no summary on stdout" lines "$TMP/stdout" 0
	check "$_name: the marker file is still there" has_line "$TMP/out/marker.txt" "left by the user"
	snapshot "$TMP/out" >"$TMP/out.after"
	check "$_name: the output folder is as it was" same "$TMP/out.before" "$TMP/out.after"
	check "$_name: no staging folder left" sh -c '! ls -A "$1" | grep -v "^.crier-cache$" | grep -q "crier-"' - "$TMP"
	check "$_name: nothing written in the work tree" sh -c \
		'test ! -e "$1/output" && ! ls -A "$1" | grep -v "^.crier-cache$" | grep -q crier' - "$R"
}

# says NAME LINE: stderr has exactly this line.
says() { check "$1: says $2" has_line "$TMP/stderr" "$2"; }

# errors NAME N: stderr has N error lines, and ends with the count.
errors() {
	_s=s; [ "$2" -eq 1 ] && _s=
	check "$1: $2 error line(s)" sh -c 'test "$(grep -c ": error: " "$1")" -eq "$2"' - "$TMP/stderr" "$2"
	check "$1: the last line counts them" sh -c 'test "$(tail -n 1 "$1")" = "$2"' - \
		"$TMP/stderr" "crier: $2 error$_s; nothing was written"
}

# --- Posts -----------------------------------------------------------------

repo notitle
printf -- '---\ndate: 2017-01-02\n---\nNo title.\n' >"$R/posts/x.md"
commit_all "$R" "no title"
fails "missing title"
says "missing title" 'posts/x.md:1: error: missing title: front matter needs "title: ..."'
errors "missing title" 1

repo emptytitle
printf -- '---\ndate: 2017-01-02\ntitle: ""\n---\nEmpty title.\n' >"$R/posts/x.md"
commit_all "$R" "empty title"
fails "empty title"
says "empty title" 'posts/x.md:3: error: missing title: front matter needs "title: ..."'
errors "empty title" 1

repo listtitle
printf -- '---\ntitle: [a, b]\ndate: 2017-01-02\n---\nx\n' >"$R/posts/x.md"
commit_all "$R" "a list for a title"
fails "title is a list"
says "title is a list" 'posts/x.md:2: error: title must be text, not a list'
errors "title is a list" 1

repo baddate
printf -- '---\ntitle: Bad date\ndate: 2017-13-01\n---\nx\n' >"$R/posts/x.md"
commit_all "$R" "bad date"
fails "month 13"
says "month 13" 'posts/x.md:3: error: date "2017-13-01" is not a date (expected YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS] [+-HHMM] or RFC 3339)'
errors "month 13" 1

repo feb29
printf -- '---\ntitle: Not a leap year\ncategories: [A]\n\ndate: 2017-02-29 10:00\n---\nx\n' >"$R/posts/x.md"
commit_all "$R" "no such day"
fails "February 29 of 2017"
says "February 29 of 2017" 'posts/x.md:5: error: date "2017-02-29 10:00" is not a date (expected YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS] [+-HHMM] or RFC 3339)'
errors "February 29 of 2017" 1

repo words
printf -- '---\ntitle: Words\nupdated: last tuesday\n---\nx\n' >"$R/posts/2017-01-02-x.md"
commit_all "$R" "words for a date"
fails "updated in words"
says "updated in words" 'posts/2017-01-02-x.md:3: error: updated "last tuesday" is not a date (expected YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS] [+-HHMM] or RFC 3339)'
errors "updated in words" 1

repo yaml
printf -- '---\ntitle: Broken\ndate: 2017-01-02\nfoo: bar: baz\n---\nx\n' >"$R/posts/x.md"
commit_all "$R" "broken YAML"
fails "broken YAML"
check "broken YAML: names the file, the line and the problem" grep -qx \
	'posts/x\.md:4: error: front matter is not valid YAML: .*mapping values are not allowed.*' "$TMP/stderr"
errors "broken YAML" 1

repo unclosed
printf -- '---\ntitle: Unclosed\ndate: 2017-01-02\nNo closing line.\n' >"$R/posts/x.md"
commit_all "$R" "front matter not closed"
fails "front matter not closed"
says "front matter not closed" 'posts/x.md:1: error: front matter is not closed by a "---" line'
errors "front matter not closed" 1

repo nofm
printf 'Just Markdown.\n' >"$R/posts/x.md"
commit_all "$R" "no front matter"
fails "no front matter"
says "no front matter" 'posts/x.md:1: error: no front matter: a post starts with a "---" line, then "title: ..."'
errors "no front matter" 1

repo catmap
printf -- '---\ntitle: Mapping\ndate: 2017-01-02\ncategories:\n  Alerts: yes\n---\nx\n' >"$R/posts/x.md"
commit_all "$R" "categories as a mapping"
fails "categories as a mapping"
# The mapping starts on line 5, under the key on line 4: either is fair.
check "categories as a mapping: says so" grep -qxE \
	'posts/x\.md:[45]: error: categories must be a list or text, not a mapping' "$TMP/stderr"
errors "categories as a mapping" 1

repo draftword
printf -- '---\ntitle: Draft\ndate: 2017-01-02\ndraft: maybe\n---\nx\n' >"$R/posts/x.md"
commit_all "$R" "draft: maybe"
fails "draft: maybe"
says "draft: maybe" 'posts/x.md:4: error: draft must be true or false, not text'
errors "draft: maybe" 1

# Every committed post has a date in a full clone (the commit that added
# it); a shallow clone lacks the history, so there a post without a date
# in its front matter or file name is an error.
R=$TMP/undated
new_repo "$R"
printf -- '---\ntitle: Undated\n---\nx\n' >"$R/posts/undated.md"
commit_all "$R" "undated"
git clone -q --depth 1 "file://$R" "$TMP/shallow"
R=$TMP/shallow
fails "no date in a shallow clone"
says "no date in a shallow clone" \
	'posts/undated.md:1: error: no date: add "date: YYYY-MM-DD" to the front matter or name the file YYYY-MM-DD-undated.md'
check "no date in a shallow clone: warns of the shallow history" grep -q '^crier: warning: shallow clone' "$TMP/stderr"
errors "no date in a shallow clone" 1

# A site of 2,048 posts or more is dated on two threads (given two jobs),
# each taking half; the posts without a date are still reported in the
# order of their files, from both halves.
R=$TMP/undated-many
new_repo "$R"
python3 - "$R/posts" <<'PY'
import sys
for i in range(2100):
    with open("%s/p%04d.md" % (sys.argv[1], i), "w") as f:
        f.write("---\ntitle: P%d\ndate: 2020-01-01\n---\nx\n" % i)
PY
for n in a-first m-middle z-last; do
	printf -- '---\ntitle: Undated\n---\nx\n' >"$R/posts/$n.md"
done
commit_all "$R" "many posts, three undated"
git clone -q --depth 1 "file://$R" "$TMP/shallow-many"
R=$TMP/shallow-many
fails "three undated among 2,103 posts" -j 2
check "three undated among 2,103 posts: reported in the files' order" sh -c \
	'test "$(grep -o "^posts/[a-z-]*\.md:1: error: no date" "$1" | cut -d: -f1 | paste -sd" ")" = \
	    "posts/a-first.md posts/m-middle.md posts/z-last.md"' - "$TMP/stderr"
errors "three undated among 2,103 posts" 3

# A history that cannot be read (an older commit's tree is missing) stops
# the build: the posts of the commit itself read fine, but their dates
# come from the walk.
R=$TMP/history-gone
new_repo "$R"
printf -- '---\ntitle: A\n---\nx\n' >"$R/posts/a.md"
commit_all "$R" "one"
printf -- '---\ntitle: B\n---\ny\n' >"$R/posts/b.md"
commit_all "$R" "two"
gone=$(git -C "$R" rev-parse HEAD~1:posts)
rm -f "$R/.git/objects/$(echo "$gone" | cut -c1-2)/$(echo "$gone" | cut -c3-)"
fails "a history that cannot be read"
check "a history that cannot be read: says so, with the object" \
	grep -q "^crier: error: reading history: .*$gone" "$TMP/stderr"
errors "a history that cannot be read" 1

# --- Themes ----------------------------------------------------------------

repo nothemes
printf '[build]\ntheme = nope\n' >>"$R/site.ini"
commit_all "$R" "a missing theme"
fails "missing theme"
check "missing theme: says where it looked" grep -qxE \
	'themes/nope: error: no such theme in the commit, nor installed in .*/themes' "$TMP/stderr"
errors "missing theme" 1

repo nopost
printf '[build]\ntheme = t\n' >>"$R/site.ini"
mkdir -p "$R/themes/t"
echo '{{#posts}}{{title}}{{/posts}}' >"$R/themes/t/index.mustache"
commit_all "$R" "a theme without post.mustache"
fails "theme without post.mustache"
says "theme without post.mustache" "themes/t: error: missing template post.mustache"
errors "theme without post.mustache" 1

repo opensection
printf '[build]\ntheme = t\n' >>"$R/site.ini"
mkdir -p "$R/themes/t"
printf '<ul>\n\n{{#posts}}\n<li>{{title}}</li>\n</ul>\n' >"$R/themes/t/index.mustache"
echo '{{post.title}}' >"$R/themes/t/post.mustache"
commit_all "$R" "an unclosed section"
fails "unclosed section"
says "unclosed section" 'themes/t/index.mustache:3: error: unclosed section "posts"'
errors "unclosed section" 1

# --- site.ini --------------------------------------------------------------

repo badline
printf '[build]\nper_page = 5\nthis is not a setting\n' >>"$R/site.ini"
commit_all "$R" "a bad site.ini line"
fails "bad site.ini line"
says "bad site.ini line" 'site.ini:6: error: expected "[section]" or "key = value"'
errors "bad site.ini line" 1

repo badvalue
printf '[build]\nper_page = 0\n[frob]\nx = 1\n[build]\ncolour = red\n' >>"$R/site.ini"
commit_all "$R" "bad site.ini values"
fails "bad site.ini values"
says "bad site.ini values" 'site.ini:5: error: per_page: "0" is not a whole number from 1 to 100000'
check "bad site.ini values: says site.ini:7: error: unknown section [frob]" \
	grep -q '^site\.ini:7: error: unknown section \[frob\] (known: site, build, ' "$TMP/stderr"
says "bad site.ini values" 'site.ini:9: error: unknown key "colour" in [build]'
errors "bad site.ini values" 3

# --- Clashes ---------------------------------------------------------------

repo sameurl
post "$R" hello.md "Hello again" "2017-01-01 12:00" ""
commit_all "$R" "two posts on one URL"
fails "two posts on one URL"
check "two posts on one URL: one line names both files and the URL" grep -qE \
	'^posts/(hello\.md|2017-01-01-hello\.md): error: has the same URL /2017/01/01/hello/ as posts/(hello\.md|2017-01-01-hello\.md);' \
	"$TMP/stderr"
check "two posts on one URL: both files named" sh -c \
	'grep "has the same URL" "$1" | grep -F "posts/hello.md" | grep -qF "posts/2017-01-01-hello.md"' - "$TMP/stderr"
errors "two posts on one URL" 1

repo sameslug
post "$R" 2017-01-02-other.md "Other" "" "[alerts]"
commit_all "$R" "Alerts and alerts"
fails "two categories with one slug"
check "two categories with one slug: names both spellings and files" sh -c \
	'grep "has the same URL /category/alerts/" "$1" | grep -F "\"Alerts\"" | grep -F "\"alerts\"" |
	    grep -F "posts/2017-01-01-hello.md" | grep -qF "posts/2017-01-02-other.md"' - "$TMP/stderr"
errors "two categories with one slug" 1

# --- Several errors in one build are all reported --------------------------

R=$TMP/several
new_repo "$R"
post "$R" 2017-01-01-hello.md "Hello" "" "[Alerts]"
commit_all "$R" "good"
crier build -C "$R"
built "several: the good version builds into output/"
snapshot "$R/output" >"$TMP/several.before"
printf '[build]\nper_page = 0\ntheme = nope\n' >>"$R/site.ini"
printf -- '---\ndate: 2017-01-02\n---\nx\n' >"$R/posts/notitle.md"
printf -- '---\ntitle: Bad date\ndate: 2017-13-01\n---\nx\n' >"$R/posts/baddate.md"
printf -- '---\ntitle: Broken\nfoo: bar: baz\n---\nx\n' >"$R/posts/yaml.md"
post "$R" hello.md "Clash" "2017-01-01" ""
commit_all "$R" "several errors"
crier build -C "$R"
check "several: exit status 1" [ "$rc" -eq 1 ]
says "several" 'site.ini:5: error: per_page: "0" is not a whole number from 1 to 100000'
check "several: the missing theme" grep -q '^themes/nope: error: no such theme' "$TMP/stderr"
says "several" 'posts/notitle.md:1: error: missing title: front matter needs "title: ..."'
check "several: the bad date" grep -q '^posts/baddate\.md:3: error: date "2017-13-01" is not a date' "$TMP/stderr"
check "several: the broken YAML" grep -q '^posts/yaml\.md:3: error: front matter is not valid YAML' "$TMP/stderr"
check "several: the URL clash of the good posts" grep -q 'error: has the same URL /2017/01/01/hello/' "$TMP/stderr"
errors "several" 6
snapshot "$R/output" >"$TMP/several.after"
check "several: output/ is as it was" same "$TMP/several.before" "$TMP/several.after"
check "several: no staging folder" sh -c '! ls -A "$1" | grep -v "^.crier-cache$" | grep -q crier' - "$R"

# --- Output folders that are not crier's ------------------------------------

R=$TMP/good
crier build -C "$R" -o "$R"
check "-o the work tree: exit status 1" [ "$rc" -eq 1 ]
check "-o the work tree: refused" grep -q "error: refusing to use the repository's work tree" "$TMP/stderr"
check "-o the work tree: the repository is intact" git -C "$R" diff --quiet HEAD
check "-o the work tree: its files are all there" test -f "$R/site.ini" -a -f "$R/posts/2017-01-01-hello.md"
crier build -C "$R" -o "$TMP"
check "-o a folder holding the work tree: refused" [ "$rc" -eq 1 ]
check "-o a folder holding the work tree: the repository is intact" test -f "$R/site.ini"
mkdir "$TMP/foreign"
echo "mine" >"$TMP/foreign/notes.txt"
crier build -C "$R" -o "$TMP/foreign"
check "-o a folder crier did not write: exit status 1" [ "$rc" -eq 1 ]
check "-o a folder crier did not write: says so" grep -q '/foreign: error: holds files crier did not write' "$TMP/stderr"
check "-o a folder crier did not write: its file is kept" has_line "$TMP/foreign/notes.txt" "mine"
check "-o a folder crier did not write: nothing added" sh -c 'test "$(ls -A "$1")" = notes.txt' - "$TMP/foreign"
crier build -C "$R" -o "$TMP/foreign" --force
built "--force replaces it"
check "--force: the site is there" test -f "$TMP/foreign/index.html"
check "--force: the old file is gone" test ! -e "$TMP/foreign/notes.txt"

# --- Repositories and refs --------------------------------------------------

rm -rf "$TMP/empty"
git init -q -b main "$TMP/empty"
crier build -C "$TMP/empty" -o "$TMP/empty-out"
check "no commits: exit status 1" [ "$rc" -eq 1 ]
says "no commits" "crier: error: the repository has no commits yet: commit your posts first"
check "no commits: nothing written" test ! -e "$TMP/empty-out"

mkdir "$TMP/plain"
crier build -C "$TMP/plain" -o "$TMP/plain-out"
check "-C a folder outside any repository: exit status 1" [ "$rc" -eq 1 ]
check "-C a folder outside any repository: not a git repository" grep -q ': error: not in a git repository' "$TMP/stderr"
check "-C a folder outside any repository: the error names that folder" \
	grep -q "^$TMP/plain: error: not in a git repository" "$TMP/stderr"
check "-C a folder outside any repository: nothing written" test ! -e "$TMP/plain-out"

crier build -C "$TMP/missing"
check "-C a missing folder: exit status 1" [ "$rc" -eq 1 ]
says "-C a missing folder" "$TMP/missing: error: cannot change to this folder: No such file or directory"

crier build -C "$TMP/good" --ref nope -o "$TMP/nope-out"
check "--ref to nothing: exit status 1" [ "$rc" -eq 1 ]
check "--ref to nothing: says so" grep -q '^crier: error: nope: no such commit, branch or tag' "$TMP/stderr"
check "--ref to nothing: nothing written" test ! -e "$TMP/nope-out"

blob=$(git -C "$TMP/good" rev-parse HEAD:site.ini)
crier build -C "$TMP/good" --ref "$blob" -o "$TMP/blob-out"
check "--ref to a blob: exit status 1" [ "$rc" -eq 1 ]
check "--ref to a blob: says it is not a commit" grep -q "^crier: error: $blob does not name a commit" "$TMP/stderr"

# --- Usage -------------------------------------------------------------------

# The usage line; flags may join -q, and options come before -C.
USAGE='^usage: crier build \[-q[a-zA-Z]*\] '
usage_error() {	# usage_error NAME ARG...
	_name=$1; shift
	crier "$@"
	check "$_name: exit status 2" [ "$rc" -eq 2 ]
	check "$_name: the usage on stderr" grep -q "$USAGE" "$TMP/stderr"
	check "$_name: nothing on stdout" lines "$TMP/stdout" 0
}
usage_error "no arguments"
usage_error "crier frobnicate" frobnicate
says "crier frobnicate" 'crier: unknown command "frobnicate"'
usage_error "crier build --nope" build --nope
check "crier build --nope: names the option" grep -q -- "--nope" "$TMP/stderr"
check "crier build --nope: the message starts with crier:" \
	grep -q "^crier: unknown option --nope" "$TMP/stderr"
usage_error "crier build extra" build extra
says "crier build extra" 'crier: unexpected argument "extra"'
usage_error "crier build -C" build -C
usage_error "crier build -x" build -x

crier --help
built "--help: exit status 0"
check "--help: the usage on stdout" grep -q "$USAGE" "$TMP/stdout"
check "--help: nothing on stderr" lines "$TMP/stderr" 0
crier build --help
built "build --help: exit status 0"
check "build --help: the usage on stdout" grep -q "$USAGE" "$TMP/stdout"
crier --version
built "--version: exit status 0"
check "--version: crier and a version" grep -qxE 'crier [0-9]+\.[0-9]+\.[0-9]+' "$TMP/stdout"
check "--version: one line" lines "$TMP/stdout" 1

done_testing
