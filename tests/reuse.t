#!/bin/sh
# Rebuilds that stage in the output the last build replaced
# (.crier-cache/NAME.tree, brought up to date by NAME.delta) and keep the
# pages whose inputs did not change (NAME.pages): whatever the commits
# change, a rebuild publishes byte for byte what a build from scratch of
# the same commit publishes; unchanged files keep their inodes; a killed
# build publishes the old site or the new one, whole; damage to any piece
# of the cache gives a correct build; files put into the output are
# refused; a file that turns into a folder and back is handled.
# Every rebuild is compared (diff -r, .crier-manifest included) with a
# build of the same commit and --now into a new folder beside a cache of
# its own.  The TODO checks are known crier bugs; each says which.
. "$(dirname "$0")/lib.sh"

R=$TMP/site
W=$TMP/w
OUT=$W/out
C=$W/.crier-cache
NOW="2025-01-05 00:00 +0000"
REUSED="crier: staging in the output the last build replaced, brought up to date"
FRESH="crier: staging in a new folder"

TITLE="Test Site" PER=10 DISABLE="" PERMA=""
site_ini() {	# writes $R/site.ini from $TITLE, $PER, $DISABLE and $PERMA
	{
		printf '[site]\ntitle = %s\nurl = https://example.com/\ntimezone = UTC\n' "$TITLE"
		printf '[build]\nper_page = %s\n' "$PER"
		[ -z "$DISABLE" ] || printf 'disable = %s\n' "$DISABLE"
		[ -z "$PERMA" ] || printf 'permalink = %s\n' "$PERMA"
	} >"$R/site.ini"
}

# A post of the site: every seventh is a maintenance window, on the days
# around $NOW.  wpost N [BODY]
wpost() {
	_m=$(($1 % 12 + 1)) _d=$(($1 % 28 + 1))
	_f=$(printf '%s/posts/2024-%02d-%02d-post-%d.md' "$R" $_m $_d "$1")
	{
		printf -- '---\ntitle: "Post %d"\ndate: 2024-%02d-%02d 10:00 +0000\n' "$1" $_m $_d
		printf 'categories: [Cat%d]\n' $(($1 % 5))
		if [ $(($1 % 7)) -eq 0 ]; then
			_w=$(($1 / 7 % 20 + 1))
			printf 'window: {start: 2025-01-%02d 10:00 +0000, end: 2025-01-%02d 12:00 +0000}\n' $_w $_w
		fi
		printf -- '---\n%s\n' "${2:-Body of post $1.}"
	} >"$_f"
}
page() {	# page N: the page of post N under the default permalink
	printf '%s/2024/%02d/%02d/post-%d/index.html' "$OUT" $(($1 % 12 + 1)) $(($1 % 28 + 1)) "$1"
}

# warm [ARGS]: builds $R into $OUT with -v; stdout and stderr also in
# $TMP/warm.out and $TMP/warm.err.
warm() {
	crier build -C "$R" -o "$OUT" --now "$NOW" -v "$@"
	cp "$TMP/stdout" "$TMP/warm.out"
	cp "$TMP/stderr" "$TMP/warm.err"
}

# cold DESC [ARGS]: $OUT is what a build of the same commit (and now) into
# a new folder, with a cache of its own, gives.
_cold=0
cold() {
	_what=$1; shift
	_cold=$((_cold + 1))
	mkdir "$TMP/cold-$_cold"
	crier build -C "$R" -o "$TMP/cold-$_cold/out" --now "$NOW" -q "$@"
	if [ "$rc" -ne 0 ]; then
		not_ok "$_what: a cold build of it" "$(cat "$TMP/stderr")"
		return
	fi
	ck "$_what: the output is byte for byte that of a cold build" \
	    diff -r "$TMP/cold-$_cold/out" "$OUT"
	rm -rf "$TMP/cold-$_cold"
}

# staged DESC reused|fresh|any: how the last warm build staged.
staged() {
	if [ "$2" = any ]; then
		ck "$1: -v says how it staged" grep -q '^crier: staging in ' "$TMP/warm.err"
	elif [ "$2" = reused ]; then
		ck "$1: -v says it staged in the output the last build replaced" \
		    has_line "$TMP/warm.err" "$REUSED"
	else
		ck "$1: -v says it staged in a new folder" has_line "$TMP/warm.err" "$FRESH"
	fi
}

# ck DESC COMMAND...: check, or todo while $WHY names a known crier bug.
WHY=
ck() {
	_d=$1; shift
	if [ -n "$WHY" ]; then todo "$_d" "$WHY" "$@"; else check "$_d" "$@"; fi
}

# step DESC reused|fresh|any [ARGS]: a warm build that must succeed without a
# warning, stage as said, and equal a cold build.  A build that fails
# after staging in the tree has removed the delta, so the one after it
# stages in a new folder.
_broke=0
step() {
	_s=$1 _how=$2; shift 2
	[ "$_broke" -eq 1 ] && _how=fresh
	warm "$@"
	_broke=0
	if [ "$rc" -ne 0 ]; then
		grep -q '^crier: staging in ' "$TMP/warm.err" && _broke=1
		ck "$_s: exit 0" sh -c 'head -n 12 "$1"; false' - "$TMP/warm.err"
		return
	fi
	ck "$_s: exit 0" true
	ck "$_s: it built" has "$TMP/warm.out" "pages written to"
	ck "$_s: no warning" lacks "$TMP/warm.err" "warning:"
	staged "$_s" "$_how"
	cold "$_s" "$@"
}

stamp() { stat -c %i:%Y "$1"; }

# --- Commits of every kind, each rebuild the same as a cold build ---

new_repo "$R"
site_ini
mkdir -p "$R/themes"
cp -R "$ROOT/themes/default" "$R/themes/default"
i=0
while [ $i -lt 150 ]; do wpost $i; i=$((i + 1)); done
commit_all "$R" "150 posts"
git -C "$R" tag first
step "the first build" fresh
check "the first build: a window is in the calendar" has "$OUT/maintenance.ics" "SUMMARY:Post 28"

# Posts added (one in a new year, one in a new category) and edited.
post "$R" 2023-06-01-older.md "Older" "2023-06-01 10:00 +0000" "[Cat1]"
post "$R" 2024-12-30-newest.md "Newest" "2024-12-30 10:00 +0000" "[Fresh]"
wpost 3 "Body of post 3, edited."
wpost 14 "Body of post 14, edited."
commit_all "$R" "two posts added, two edited"
step "posts added and edited" fresh
check "posts added and edited: the new year" test -f "$OUT/2023/06/01/older/index.html"
check "posts added and edited: the new category" test -f "$OUT/category/fresh/index.html"

# From here on a tree is kept.  An edit of one post, with the mtimes of an
# untouched post's page (and of the stylesheet) set in the past.
touch -d 2001-02-03 "$(page 77)" "$OUT/style.css" "$(page 5)"
before77=$(stamp "$(page 77)") beforecss=$(stamp "$OUT/style.css") before5=$(stamp "$(page 5)")
wpost 5 "Body of post 5, edited once more."
commit_all "$R" "one post edited"
step "one post edited" reused
check "one post edited: an untouched post's page keeps its inode and mtime" \
    test "$(stamp "$(page 77)")" = "$before77"
check "one post edited: the stylesheet keeps its inode and mtime" \
    test "$(stamp "$OUT/style.css")" = "$beforecss"
check "one post edited: its page is new" test "$(stamp "$(page 5)")" != "$before5"
check "one post edited: its page has the edit" has "$(page 5)" "Body of post 5, edited once more."
check "one post edited: few files changed, most unchanged" \
    matches "$TMP/warm.out" '\(([1-9]|[1-4][0-9]) files? changed, ([2-9][0-9][0-9]) unchanged\)$'

# Renames, and deletions: a whole category goes (so every page, which
# lists the categories, changes; the static files do not).
touch -d 2001-02-03 "$OUT/style.css" "$OUT/robots.txt"
beforecss=$(stamp "$OUT/style.css") beforerobots=$(stamp "$OUT/robots.txt")
git -C "$R" mv posts/2024-03-03-post-2.md posts/2024-03-03-renamed-2.md
git -C "$R" mv posts/2024-06-06-post-5.md posts/2024-06-09-moved-5.md
git -C "$R" rm -q $(cd "$R" && ls posts/*.md | while read -r f; do grep -q 'Cat4' "$f" && echo "$f"; done)
git -C "$R" rm -q posts/2024-01-01-post-0.md
commit_all "$R" "renames and deletions"
step "renames and deletions" reused
check "renames and deletions: the renamed post's new page" test -f "$OUT/2024/03/03/renamed-2/index.html"
check "renames and deletions: not its old one" test ! -e "$OUT/2024/03/03/post-2"
check "renames and deletions: the moved post's new page" test -f "$OUT/2024/06/06/moved-5/index.html"
check "renames and deletions: the empty category is gone" test ! -e "$OUT/category/cat4"
check "renames and deletions: the stylesheet keeps its inode and mtime" \
    test "$(stamp "$OUT/style.css")" = "$beforecss"
check "renames and deletions: robots.txt keeps its inode and mtime" \
    test "$(stamp "$OUT/robots.txt")" = "$beforerobots"

# A post moves to another category, another gets a second, new one.
sed -i 's/^categories: \[Cat1\]$/categories: [Cat2]/' "$R/posts/2024-02-02-post-1.md"
sed -i 's/^categories: \[Cat3\]$/categories: [Cat3, Extra]/' "$R/posts/2024-04-04-post-3.md"
commit_all "$R" "categories changed"
step "categories changed" reused
check "categories changed: the new category" has "$OUT/category/extra/index.html" "Post 3"
check "categories changed: the post left the old one" lacks "$OUT/category/cat1/index.html" '>Post 1<'

# The theme.
sed -i 's|<footer class="site-footer">|<footer class="site-footer" data-x="1">|' \
    "$R/themes/default/base.mustache"
commit_all "$R" "theme edited"
step "the theme edited" reused
check "the theme edited: every page has the change" has "$(page 77)" 'data-x="1"'

# site.ini: the title, per_page, and disable = json.
TITLE="Another Title" PER=7 DISABLE=json
site_ini
commit_all "$R" "title, per_page, no json feeds"
step "site.ini changed" reused
check "site.ini changed: the title" has "$OUT/index.html" "Another Title"
check "site.ini changed: more index pages" test -f "$OUT/page/18/index.html"
check "site.ini changed: no feed.json" test ! -e "$OUT/feed.json"
check "site.ini changed: none in a category" test ! -e "$OUT/category/cat2/feed.json"

# A later now, after a window's start: nothing committed, the banner changes.
NOW="2025-01-05 11:00 +0000"
step "now after a window's start" reused
check "now after a window's start: the window is in progress" \
    has "$(page 28)" "badge-in-progress"

# A permalink makes a file of each post's folder, then the folder is
# back, then the posts are files somewhere else.
PERMA="/:year/:month/:day/:slug"
site_ini
commit_all "$R" "permalink: files where the folders were"
step "posts' folders turned into files" reused
check "posts' folders turned into files: the post is a file" test -f "$(dirname "$(page 77)")"
PERMA=""
site_ini
commit_all "$R" "permalink: the folders again"
WHY=
step "posts' files turned into folders" reused
ck "posts' files turned into folders: the post is a folder" test -f "$(page 77)"
WHY=
PERMA="/:slug.html"
site_ini
commit_all "$R" "permalink: .html"
step "permalink /:slug.html" reused
check "permalink /:slug.html: the post" test -f "$OUT/post-77.html"
check "permalink /:slug.html: no folder of it is left" test ! -e "$(dirname "$(page 77)")"
PERMA=""
site_ini
commit_all "$R" "permalink: the default"
step "the default permalink again" reused

# --- Files put into the output are refused, and kept ---

post "$R" 2024-12-31-last.md "Last" "2024-12-31 10:00 +0000" "[Cat1]"
commit_all "$R" "one more post"
echo "notes" >"$OUT/2024/01/notes.txt"
snapshot "$OUT" >"$TMP/snap.before"
warm
check "a file put deep into the output: exit 1" [ "$rc" -eq 1 ]
check "a file put deep into the output: named" has "$TMP/warm.err" \
    "$OUT: error: holds 1 file crier did not write (2024/01/notes.txt), and crier only removes files it wrote"
snapshot "$OUT" >"$TMP/snap.after"
check "a file put deep into the output: the output is as it was" same "$TMP/snap.before" "$TMP/snap.after"
echo "top" >"$OUT/TOP.txt"
snapshot "$OUT" >"$TMP/snap.before"
warm
check "and one at the top: exit 1" [ "$rc" -eq 1 ]
check "and one at the top: both named" has "$TMP/warm.err" \
    "holds 2 files crier did not write (2024/01/notes.txt, TOP.txt)"
snapshot "$OUT" >"$TMP/snap.after"
check "and one at the top: the output is as it was" same "$TMP/snap.before" "$TMP/snap.after"
warm --force
built "--force: exit 0"
check "--force: the deep file is gone" test ! -e "$OUT/2024/01/notes.txt"
check "--force: the top file is gone" test ! -e "$OUT/TOP.txt"
cold "--force"
# The output --force replaced held them: they must not come back from it.
wpost 77 "Body of post 77, edited."
commit_all "$R" "after --force"
step "the build after --force" any
check "the build after --force: the deep file is not back" test ! -e "$OUT/2024/01/notes.txt"
check "the build after --force: the top file is not back" test ! -e "$OUT/TOP.txt"
find "$C" -name notes.txt >"$TMP/found"
check "the build after --force: the files are not left in the cache either" lines "$TMP/found" 0

# --- A damaged cache gives a correct build ---

# Three commits, d0 (HEAD), d1 (post 77 edited) and d2 (post 78 edited as
# well), built in the cycle d1 d2 d0 d1 ...: in a build of d1 or d2 a
# file the tree lacks the last change of, and that this build keeps, would
# be published stale.
git -C "$R" tag d0
wpost 77 "Body of post 77, edited for d1."
commit_all "$R" "d1"
git -C "$R" tag d1
wpost 78 "Body of post 78, edited for d2."
commit_all "$R" "d2"
git -C "$R" tag d2
for d in d0 d1 d2; do
	mkdir "$TMP/cold-$d"
	crier build -C "$R" -o "$TMP/cold-$d/out" --ref $d --now "$NOW" -q
	built "$d, cold: exit 0"
done
next=d1
# dbuild DESC [ARGS]: builds the next commit of the cycle; it must succeed
# and equal its cold build.
dbuild() {
	_s=$1; shift
	warm --ref $next "$@"
	built "$_s: exit 0"
	ck "$_s: the output is byte for byte that of a cold build" diff -r "$TMP/cold-$next/out" "$OUT"
	case $next in d0) next=d1 ;; d1) next=d2 ;; d2) next=d0 ;; esac
}
said() {	# said DESC TEXT: the last warm build warned TEXT
	check "$1: warns" has "$TMP/warm.err" "$2"
}
dbuild "the cycle, d1"
staged "the cycle, d1" reused

# Cut at a line, it looks whole; the file the last build changed that it
# no longer lists is in the tree as the build before left it.
head -n 3 "$C/out.delta" >"$TMP/delta" && mv "$TMP/delta" "$C/out.delta"
WHY=
dbuild "a delta cut short at a line"
WHY=

head -c 500 /dev/urandom >"$C/out.delta"
dbuild "a garbage delta"
staged "a garbage delta" fresh

head -c 100 "$C/out.delta" >"$TMP/delta" && mv "$TMP/delta" "$C/out.delta"
dbuild "a delta cut short in a line"
staged "a delta cut short in a line" fresh

sed -i '2s/.*/0123456789abcdef/' "$C/out.delta"
dbuild "a delta with another manifest's hash"
staged "a delta with another manifest's hash" fresh

echo sentinel >"$W/sentinel"
printf '../../sentinel\n' >>"$C/out.delta"
dbuild "a delta naming ../../sentinel"
staged "a delta naming ../../sentinel" fresh
check "a delta naming ../../sentinel: the file it names is untouched" has_line "$W/sentinel" sentinel
check "a delta naming ../../sentinel: no such file in the output" test ! -e "$OUT/sentinel"
rm "$W/sentinel"

echo intruder >"$C/out.tree/2024/01/intruder.html"
dbuild "a file put into the tree"
said "a file put into the tree" "$C/out.tree: warning: changed since crier left it; staging every file again"
staged "a file put into the tree" fresh
check "a file put into the tree: it is not published" test ! -e "$OUT/2024/01/intruder.html"

f=$(cd "$C/out.tree" && ls 2024/02/*/post-*/index.html | head -n 1)
rm "$C/out.tree/$f"
dbuild "a file removed from the tree"
said "a file removed from the tree" "$C/out.tree: warning: changed since crier left it; staging every file again"
staged "a file removed from the tree" fresh
check "a file removed from the tree: it is published" test -f "$OUT/$f"

rm -rf "$C/out.tree"
echo "not a folder" >"$C/out.tree"
dbuild "a tree that is a file"
staged "a tree that is a file" fresh

head -c 300 /dev/urandom >"$C/out.treedirs"
dbuild "a garbage treedirs"
staged "a garbage treedirs" fresh

head -c 300 /dev/urandom >"$C/out.dirs"
echo notes >"$OUT/2024/01/notes.txt"
snapshot "$OUT" >"$TMP/snap.before"
warm --ref $next
check "a garbage dirs and a file put into the output: exit 1" [ "$rc" -eq 1 ]
check "a garbage dirs and a file put into the output: named" has "$TMP/warm.err" \
    "holds 1 file crier did not write (2024/01/notes.txt)"
snapshot "$OUT" >"$TMP/snap.after"
check "a garbage dirs and a file put into the output: the output is as it was" \
    same "$TMP/snap.before" "$TMP/snap.after"
rm "$OUT/2024/01/notes.txt"
dbuild "a garbage dirs"

head -c 300 /dev/urandom >"$C/out.pages"
dbuild "a garbage pages"
said "a garbage pages" "$C/out.pages: warning: damaged or not crier's; rendering every page"

head -c 1000 "$C/out.pages" >"$TMP/pages" && mv "$TMP/pages" "$C/out.pages"
dbuild "a pages cut short"
said "a pages cut short" "$C/out.pages: warning: damaged or not crier's; rendering every page"

# The pages of another output: of another site (other files), then of a
# cold build of the very commit this build is of, whose output has the
# same files as this one (the commits differ in the text of two posts):
# its keys are this build's, but they describe other bytes than this
# output's.
mkdir "$TMP/other"
crier build -C "$R" -o "$TMP/other/out" --ref first --now "$NOW" -q
cp "$TMP/other/.crier-cache/out.pages" "$C/out.pages"
dbuild "the pages of another site"
check "the pages of an output of $next: its files are this output's" \
    same "$TMP/cold-$next/out/.crier-manifest" "$OUT/.crier-manifest"
cp "$TMP/cold-$next/.crier-cache/out.pages" "$C/out.pages"
WHY=
dbuild "the pages of an output of the commit built"
WHY=

rm -rf "$C"
dbuild "no .crier-cache"
check "no .crier-cache: no warning" lacks "$TMP/warm.err" "warning:"
staged "no .crier-cache" fresh

# --- Builds killed while they stage in the tree ---

# Two commits, the second with every post edited, built in turn (with
# --ref), so that every build has much to do.  After a killed build a
# whole one, so that the next killed one stages in the tree.  A kill
# that falls after publishing and before the state and pages are
# recorded leaves them describing the site before, with the same files,
# and the whole build after it may trust them (made certain below): once
# a kill fell there, such checks are marked TODO.
KILLWHY=
git -C "$R" tag k-old
cp -a "$TMP/cold-d2/out" "$TMP/site-old"
sed -i 's/^Body of/Killed body of/' "$R"/posts/*.md
commit_all "$R" "every post edited"
git -C "$R" tag k-new
mkdir "$TMP/knew"
crier build -C "$R" -o "$TMP/knew/out" --now "$NOW" -q
built "the new commit, cold: exit 0"
cp -a "$TMP/knew/out" "$TMP/site-new"

other() { if [ "$1" = old ]; then echo new; else echo old; fi; }
# The kills fall over the time a whole build takes (much longer under
# valgrind), measured on one that stages in the tree, as they do; the
# first two early, so that some land in a build even when that measure
# was slowed by a busy machine (the check that more than three did once
# failed so under prove -j2).
warm --ref k-new
check "k-new: the new site" diff -r "$TMP/site-new" "$OUT"
t0=$(date +%s.%N)
warm --ref k-old -j1
t1=$(date +%s.%N)
check "k-old: the old site" diff -r "$TMP/site-old" "$OUT"
staged "k-old" reused
# How the next killed build and the next whole build must stage: a build
# killed after staging, before publishing, has removed the delta; one
# killed while publishing may have left the tree's record or not.
pub=old kexp=reused wexp=any whole=0 killed=0 inrender=0 risky=
for f in 0.05 0.1 0.2 0.35 0.5 0.65 0.8 0.9 1.0 1.1; do
	delay=$(awk -v a="$t0" -v b="$t1" -v f="$f" 'BEGIN { printf "%.3f", (b - a) * f }')
	if [ $whole -eq 1 ]; then
		want=$(other $pub)
		warm --ref "k-$want"
		WHY=$risky
		ck "before the kill after ${delay}s: a whole build of k-$want is published" \
		    diff -r "$TMP/site-$want" "$OUT"
		WHY=
		[ "$wexp" = fresh ] && staged "before the kill after ${delay}s: after a build killed before publishing" fresh
		# What it published, right or not, is what the next kill must keep.
		if diff -r "$TMP/site-$want" "$OUT" >/dev/null 2>&1; then pub=$want
		elif ! diff -r "$TMP/site-$pub" "$OUT" >/dev/null 2>&1; then
			not_ok "before the kill after ${delay}s: the output is neither site"; break
		fi
	fi
	want=$(other $pub)
	$CRIER_WRAP "$CRIER" build -C "$R" -o "$OUT" --ref "k-$want" --now "$NOW" -v -j1 \
	    >"$TMP/kill.out" 2>"$TMP/kill.err" &
	pid=$!
	sleep "$delay"
	if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
	wait "$pid" 2>/dev/null
	published=0
	if diff -r "$TMP/site-$pub" "$OUT" >"$TMP/diff" 2>&1; then
		ok "killed after ${delay}s: the output is exactly the $pub site"
	elif diff -r "$TMP/site-$want" "$OUT" >/dev/null 2>&1; then
		ok "killed after ${delay}s: the $want site was published whole"
		pub=$want published=1
	else
		not_ok "killed after ${delay}s: the output is neither the old site nor the new" \
		    "$(head -20 "$TMP/diff")"
		break
	fi
	staging=0
	grep -q '^crier: staging in ' "$TMP/kill.err" && staging=1
	[ $staging -eq 1 ] && [ "$kexp" = reused ] &&
	    check "killed after ${delay}s: it staged in the tree" has_line "$TMP/kill.err" "$REUSED"
	if has "$TMP/kill.out" "pages written to"; then
		whole=0 kexp=reused
	elif [ $published -eq 1 ]; then
		whole=1 wexp=any kexp=any risky=$KILLWHY
	elif [ $staging -eq 1 ]; then
		whole=1 wexp=fresh kexp=reused inrender=$((inrender + 1))
	else
		whole=1 wexp=any kexp=reused
	fi
done
echo "# $killed builds killed, $inrender of them after staging in the tree and before publishing"
check "at least some builds were killed while running" [ "$killed" -gt 3 ]
check "some were killed after staging in the tree, before publishing" [ "$inrender" -gt 0 ]

# Then whole builds: each commit in turn.
for want in $(other $pub) $pub; do
	warm --ref "k-$want"
	built "after the kills, k-$want: exit 0"
	WHY=$risky
	ck "after the kills, k-$want: the output is exactly the $want site" diff -r "$TMP/site-$want" "$OUT"
	WHY=
done
WHY=$risky
staged "after the kills, the last whole build" reused
WHY=
check "after the kills: no staging debris beside the output" \
    test "$(ls -A "$W" | tr '\n' ' ')" = ".crier-cache out "
find "$C/out.tree" -name '.crier-tmp-*' >"$TMP/found"
check "after the kills: no temporary files in the tree" lines "$TMP/found" 0

# --- Kills at the moments between publishing and recording ---

# A build SIGKILLed as it opens .crier-cache/out.NAME.tmp: after it has
# published and kept the tree, before it records NAME (state, then
# pages).  With strace, a real kill; without, the files are put back as
# they were before the build, which is what such a kill leaves.
if strace -f -o /dev/null true >/dev/null 2>&1; then how=strace; else how=emulated; fi
echo "# kills between publishing and recording: $how"
kill_at() {	# kill_at NAME ARGS...
	_k=$1; shift
	if [ $how = strace ]; then
		rc=0
		strace -f -o /dev/null -P "$C/out.$_k.tmp" -e inject=openat:signal=KILL \
		    $CRIER_WRAP "$CRIER" build -C "$R" -o "$OUT" --now "$NOW" -q "$@" >/dev/null 2>&1 || rc=$?
		check "killed as it opens out.$_k.tmp" [ "$rc" -eq 137 ]
	else
		cp "$C/out.state" "$TMP/state.was"
		cp "$C/out.pages" "$TMP/pages.was"
		crier build -C "$R" -o "$OUT" --now "$NOW" -q "$@"
		[ "$_k" = state ] && cp "$TMP/state.was" "$C/out.state"
		cp "$TMP/pages.was" "$C/out.pages"
	fi
}
# From scratch (the kills above may have left the bugs below behind),
# whole builds of k-new then k-old: the output is k-old, and it records
# so, with k-old's pages.
rm -rf "$C"
for want in new old; do
	warm --ref k-$want
	check "k-$want: the $want site" diff -r "$TMP/site-$want" "$OUT"
done
# killed_then_old NAME: a build of k-new killed before recording NAME
# published the new site whole, and a build of k-old after it gives the
# old site again (a record left describing the site before must not make
# it "up to date").
killed_then_old() {
	kill_at "$1" --ref k-new
	check "killed before recording the $1: the new site was published whole" \
	    diff -r "$TMP/site-new" "$OUT"
	warm --ref k-old
	built "then k-old: exit 0"
	check "then k-old: the old site is published again" diff -r "$TMP/site-old" "$OUT"
}
killed_then_old state
# Repaired, and recorded with k-old's pages.
rm -rf "$C"
warm --ref k-old
check "k-old from scratch: the old site" diff -r "$TMP/site-old" "$OUT"
killed_then_old pages

# A kept page and a page rendered anew that want the same path: in a
# reused stage kept pages are claimed later, a run at a time, and the
# clash is still an error, with the published site left as it was.
# Under /category/:slug/, a post renamed to "yankee" meets the kept pages
# of the category Yankee (its posts, and the site's lists, unchanged).
R3=$TMP/clash W3=$TMP/w3
new_repo "$R3"
printf '[site]\ntitle = Clash\nurl = https://example.com/\n[build]\npermalink = /category/:slug/\n' \
    >"$R3/site.ini"
post "$R3" 2020-01-01-alpha.md "Alpha" "2020-01-01 10:00 +0000" "[Misc]"
post "$R3" 2020-01-02-beta.md "Beta" "2020-01-02 10:00 +0000" "[Yankee]"
commit_all "$R3" "two posts"
crier build -C "$R3" -o "$W3/out" --now "$NOW" -q
built "clash: the first build"
post "$R3" 2020-01-02-beta.md "Beta" "2020-01-02 10:00 +0000" "[Yankee]" "Beta, edited."
commit_all "$R3" "an edit"
crier build -C "$R3" -o "$W3/out" --now "$NOW" -q
built "clash: the second build"
cp -R "$W3/out" "$TMP/clash-before"
git -C "$R3" mv posts/2020-01-01-alpha.md posts/2020-01-01-yankee.md
commit_all "$R3" "a post renamed to a category's path"
# One thread, so that the post's page is claimed first, as it is written,
# and the category's kept page after, with its run ("a page").
crier build -C "$R3" -o "$W3/out" --now "$NOW" -v -j1
check "clash with a kept page: staged in the tree" has_line "$TMP/stderr" "$REUSED"
check "clash with a kept page: exit 1" [ "$rc" -eq 1 ]
check "clash with a kept page: said, of the kept page" has "$TMP/stderr" \
    "a page: error: category/yankee/index.html is written twice"
check "clash with a kept page: the published site is as it was" diff -r "$TMP/clash-before" "$W3/out"
crier build -C "$R3" -o "$TMP/clash-cold" --now "$NOW" -q
check "clash, from scratch: said the same" has "$TMP/stderr" "category/yankee/index.html is written twice"

done_testing
