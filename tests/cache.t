#!/bin/sh
# The post cache (.crier-cache/NAME.posts): a build takes the posts whose
# blobs it parsed before from there, and its output is byte for byte the
# output of a build with no cache, through edits, renames, deletions, a
# theme change and changes of the settings that change a parsed post.
# A damaged cache is ignored with a warning, never used.
. "$(dirname "$0")/lib.sh"

R=$TMP/site
OUT=$TMP/out
CACHE=$TMP/.crier-cache/out.posts
NOW="--now 2025-01-01"

SMART=true AUTHOR=vlad ZONE=UTC
site_ini() {	# writes $R/site.ini from $SMART, $AUTHOR and $ZONE
	printf '[site]\ntitle = Test Site\nurl = https://example.com/\n' >"$R/site.ini"
	printf 'author = %s\ntimezone = %s\n[build]\nsmart = %s\n' "$AUTHOR" "$ZONE" "$SMART" >>"$R/site.ini"
}

# Rebuilds $R into $OUT with -v, also when the commit is the one built last.
build() {
	rm -f "$TMP/.crier-cache/out.state"
	crier build -C "$R" -o "$OUT" $NOW -v "$@"
}

# from_cache DESC FOUND PARSED: the last build took FOUND posts from the cache.
from_cache() {
	check "$1: $2 posts from the cache, $3 parsed" \
	    has_line "$TMP/stderr" "crier: $2 posts from the cache, $3 parsed"
}

# The warnings and errors of the last build, without the cache's own.
said() { grep -E ': (warning|error): ' "$TMP/stderr" | grep -v '\.crier-cache/' || true; }

# as_cold DESC: $OUT and what the last build said are those of a build of
# the same commit into a new folder, which has no cache beside it.
_cold=0
as_cold() {
	_what=$1; shift
	said >"$TMP/said.warm"
	_cold=$((_cold + 1))
	mkdir "$TMP/cold$_cold"
	crier build -C "$R" -o "$TMP/cold$_cold/out" $NOW -v "$@"
	said >"$TMP/said.cold"
	check "$_what: the cold build found nothing cached" has_line "$TMP/stderr" \
	    "crier: 0 posts from the cache, $(ls "$R/posts" | wc -l) parsed"
	check "$_what: the same files as a cold build" diff -r "$TMP/cold$_cold/out" "$OUT"
	check "$_what: the same diagnostics as a cold build" same "$TMP/said.cold" "$TMP/said.warm"
}

# entries: the number of posts in the cache file.
entries() { od -An -tu8 -j32 -N8 "$CACHE" | tr -d ' '; }

new_repo "$R"
site_ini
mkdir -p "$R/themes"
cp -R "$ROOT/themes/default" "$R/themes/default"
# Every front matter value reaches the pages, to see that they survive.
params='<pre class="params">{{#params}}{{title}}|{{#tags}}<{{.}}>{{/tags}}|'
params=$params'{{#nested}}{{a}}:{{#b}}{{c}}-{{/b}}{{/nested}}|'
params=$params'{{#flag}}yes{{/flag}}{{^flag}}no{{/flag}}{{#hidden}}yes{{/hidden}}{{^hidden}}no{{/hidden}}|'
params=$params'{{empty}}|{{quoted}}{{/params}}</pre>'
awk -v p="$params" '{ print } $0 == "{{{content}}}" { print p }' "$R/themes/default/post.mustache" \
    >"$TMP/post.mustache"
mv "$TMP/post.mustache" "$R/themes/default/post.mustache"
post "$R" 2020-01-01-first.md "First" "2020-01-01 10:00 +0000" "[News]"
post "$R" 2020-01-02-local.md "Local time -- here" "2020-01-02 10:00" "[News, Offsite Backups]" \
    "Some \"quoted\" text -- with dashes... and a [link](https://example.com/)."
cat >"$R/posts/2020-01-03-rich.md" <<'EOF'
---
title: Rich
summary: A summary.
categories: Alerts Status
category: Offsite Backups
tags: [a, b, 'on', 12]
nested: {a: 1, b: [{c: x}, {c: y}]}
flag: yes
hidden: no
empty: ~
quoted: "a\tb"
window: {start: 2025-01-10 22:00, end: 2025-01-11 02:00}
status: scheduled
---
| a | b |
|---|---|
| ~~c~~ | www.example.com |

A note[^1].

[^1]: The note.
EOF
printf -- '---\ntitle: Twice\ntitle: Twice, really\nauthor: someone\n---\nA *warning* post.\n' \
    >"$R/posts/2020-01-04-twice.md"
printf -- '---\ntitle: Undated\nupdated: 2020-02-01\nstatus: in-progress\n---\n%s\n' \
    "Dated by the commit that added it." >"$R/posts/undated.md"
printf -- '---\ntitle: Draft\ndraft: true\n---\nNot yet.\n' >"$R/posts/2020-01-05-draft.md"
commit_all "$R" "six posts"

build
built "first build: exit 0"
from_cache "first build" 0 6
check "first build: the cache is beside the output" test -f "$CACHE"
check "first build: it holds every post" test "$(entries)" = 6
check "first build: the warning" has "$TMP/stderr" \
    "posts/2020-01-04-twice.md:3: warning: key \"title\" given twice; the last one is used"
check "first build: the front matter reaches the page" has "$OUT/2020/01/03/rich/index.html" \
    '<pre class="params">Rich|<a><b><on><12>|1:x-y-|yesno||a	b</pre>'
as_cold "first build"

touch -d 2000-01-01 "$CACHE"
build
built "same commit: exit 0"
from_cache "same commit" 6 0
check "same commit: a cached post warns again" has "$TMP/stderr" \
    "posts/2020-01-04-twice.md:3: warning: key \"title\" given twice; the last one is used"
check "same commit: the cache is not written again" test "$(date -r "$CACHE" +%Y)" = 2000
as_cold "same commit"
build -q
check "same commit, -q: no warning" test -z "$(said)"
build --drafts
from_cache "--drafts" 6 0
as_cold "--drafts" --drafts

post "$R" 2020-02-01-added.md "Added" "2020-02-01 10:00 +0000" "[News]"
commit_all "$R" "add a post"
build
from_cache "a post added" 6 1
check "a post added: the cache holds it" test "$(entries)" = 7
as_cold "a post added"

sed -i 's/Body of First./Body of First, edited./' "$R/posts/2020-01-01-first.md"
commit_all "$R" "edit a post"
build
from_cache "a post edited" 6 1
check "a post edited: the edit is published" has "$OUT/2020/01/01/first/index.html" "Body of First, edited."
as_cold "a post edited"

git -C "$R" mv posts/2020-01-01-first.md posts/2020-01-06-moved.md
commit_all "$R" "rename a post"
build
from_cache "a post renamed" 6 1
check "a post renamed: its new page (the slug is from the path)" test -f "$OUT/2020/01/01/moved/index.html"
check "a post renamed: not its old one" test ! -e "$OUT/2020/01/01/first/index.html"
as_cold "a post renamed"

cp "$R/posts/2020-02-01-added.md" "$R/posts/2020-02-02-copy.md"
sed -i 's/^title: .*/title: "Copy"/; s/^date: .*/date: 2020-02-02 10:00 +0000/' "$R/posts/2020-02-02-copy.md"
cp "$R/posts/2020-01-04-twice.md" "$R/posts/2020-01-07-same-blob.md"
commit_all "$R" "a copy, and the same blob at another path"
build
from_cache "the same blob at two paths" 7 2
as_cold "the same blob at two paths"

git -C "$R" rm -q posts/2020-02-02-copy.md
commit_all "$R" "remove a post"
build
from_cache "a post removed" 8 0
check "a post removed: the cache no longer holds it" test "$(entries)" = 8
as_cold "a post removed"

sed -i 's/^categories: .*/categories: [News, Changed]/' "$R/posts/2020-01-02-local.md"
commit_all "$R" "change a category"
build
from_cache "a category changed" 7 1
check "a category changed: its page" test -f "$OUT/category/changed/index.html"
as_cold "a category changed"

sed -i 's|<footer class="site-footer">|<footer class="site-footer" data-x="1">|' "$R/themes/default/base.mustache"
commit_all "$R" "change the theme"
build
from_cache "the theme changed" 8 0
check "the theme changed: it shows" has "$OUT/index.html" 'data-x="1"'
as_cold "the theme changed"

# Settings that change what a post becomes make the cache useless: it is
# dropped without a word.
for change in SMART=false AUTHOR=someone-else ZONE=America/New_York; do
	eval "$change"
	site_ini
	commit_all "$R" "$change"
	build
	built "$change: exit 0"
	from_cache "$change" 0 8
	check "$change: nothing said of the cache" lacks "$TMP/stderr" ".crier-cache"
	as_cold "$change"
	build
	from_cache "$change, again" 8 0
done
check "the zone moved a date without an offset" has "$OUT/2020/01/02/local/index.html" \
    'datetime="2020-01-02T10:00:00-05:00"'

# A post with an error is not kept; the others are.
printf -- '---\ntitle: [broken\n---\nx\n' >"$R/posts/2020-03-01-broken.md"
commit_all "$R" "a broken post"
cp "$CACHE" "$TMP/cache.before"
build
check "a broken post: exit 1" [ "$rc" -eq 1 ]
from_cache "a broken post" 8 1
check "a broken post: the cache is as it was" cmp "$TMP/cache.before" "$CACHE"
check "a broken post: no file left half written" test ! -e "$CACHE.tmp"

# An error found after the posts were read (two posts at one URL) is the
# same, and so is a cached post's category line, in another error.
git -C "$R" rm -q posts/2020-03-01-broken.md
printf -- '---\ntitle: Clash\ndate: 2020-03-02\ncategories: [offsite-backups]\n---\nx\n' \
    >"$R/posts/2020-03-02-clash.md"
commit_all "$R" "a category clash"
build
check "a category clash: exit 1" [ "$rc" -eq 1 ]
from_cache "a category clash" 8 1
check "a category clash: no file left half written" test ! -e "$CACHE.tmp"
said >"$TMP/said.warm"
mkdir "$TMP/cold-clash"
crier build -C "$R" -o "$TMP/cold-clash/out" $NOW
said >"$TMP/said.cold"
check "a category clash: the same errors as a cold build" same "$TMP/said.cold" "$TMP/said.warm"
check "a category clash: the cached post's line" has "$TMP/said.warm" "posts/2020-01-03-rich.md:5: error:"
git -C "$R" rm -q posts/2020-03-02-clash.md
commit_all "$R" "no clash"
build
built "no clash: exit 0"
from_cache "no clash" 8 0

# Under -q a new warning is not captured, so its post is parsed again.
sed -i 's/A \*warning\* post./A *warning* post, edited./' "$R/posts/2020-01-04-twice.md"
commit_all "$R" "edit the post that warns"
build -q
check "-q: nothing said" test -z "$(said)"
build
from_cache "-q then without" 7 1
check "-q then without: the warning" has "$TMP/stderr" \
    "posts/2020-01-04-twice.md:3: warning: key \"title\" given twice; the last one is used"
build
from_cache "-q then without, again" 8 0
as_cold "-q then without"

# A preview of the work tree (as crier serve builds) finds its posts by
# their content's blob id: an edit not committed is parsed, the rest is
# found, and the pages are those of a cold preview.
sed -i 's/Body of Added./Previewed./' "$R/posts/2020-02-01-added.md"
crier build -C "$R" -o "$OUT" $NOW -v --worktree
built "--worktree: exit 0"
from_cache "--worktree" 7 1
check "--worktree: the preview" has "$OUT/2020/02/01/added/index.html" "Previewed."
as_cold "--worktree" --worktree
# A post git does not know yet, previewed twice: the second time, every
# page is kept as it was.
post "$R" 2020-02-02-untracked.md "Untracked" "2020-02-02 10:00 +0000" "[News]"
crier build -C "$R" -o "$OUT" $NOW -v --worktree
from_cache "--worktree, a new file" 8 1
check "--worktree, a new file: its page" test -f "$OUT/2020/02/02/untracked/index.html"
as_cold "--worktree, a new file" --worktree
crier build -C "$R" -o "$OUT" $NOW -v --worktree
from_cache "--worktree, nothing changed" 9 0
check "--worktree, nothing changed: no file written" grep -q "(0 files changed, " "$TMP/stdout"
check "--worktree, nothing changed: no page rendered" grep -q "crier: 0 pages and feeds rendered, " "$TMP/stderr"
rm "$R/posts/2020-02-02-untracked.md"
git -C "$R" checkout -q -- posts/2020-02-01-added.md
# The committed post is not the one previewed: it is parsed again.
build
from_cache "after --worktree" 7 1
as_cold "after --worktree"
# A preview that changes a post's body alone (the same files, so the same
# manifest) into the output of a build of the same commit: the next build
# of that commit is not taken for a build with nothing to do.
build
sed -i 's/Body of Added./Previewed again./' "$R/posts/2020-02-01-added.md"
crier build -C "$R" -o "$OUT" $NOW -q --worktree
check "a preview of the same files: previewed" has "$OUT/2020/02/01/added/index.html" "Previewed again."
git -C "$R" checkout -q -- posts/2020-02-01-added.md
crier build -C "$R" -o "$OUT" $NOW -v
check "after a preview of the same files: built again" lacks "$TMP/stdout" "nothing to do"
check "after a preview of the same files: the commit's post" \
    lacks "$OUT/2020/02/01/added/index.html" "Previewed again."
as_cold "after a preview of the same files"

# A cache that is not what crier wrote is never used.
for how in truncated flipped garbage empty other-format other-key directory unreadable; do
	if [ "$how" = unreadable ] && [ "$(id -u)" -eq 0 ]; then
		ok "cache unreadable # SKIP root reads anything"
		continue
	fi
	build -q
	size=$(wc -c <"$CACHE")
	case $how in
	truncated) head -c $((size - 100)) "$CACHE" >"$CACHE.t" && mv "$CACHE.t" "$CACHE" ;;
	flipped)
		byte=$(od -An -tu1 -j $((size / 2)) -N1 "$CACHE" | tr -d ' ')
		printf "\\$(printf %o $((byte ^ 1)))" |
		    dd of="$CACHE" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null ;;
	garbage) head -c 5000 /dev/urandom >"$CACHE" ;;
	empty) : >"$CACHE" ;;
	other-format) printf '\143' | dd of="$CACHE" bs=1 seek=16 conv=notrunc 2>/dev/null ;;
	other-key) printf 'XXXXXXXX' | dd of="$CACHE" bs=1 seek=24 conv=notrunc 2>/dev/null ;;
	directory) rm "$CACHE" && mkdir "$CACHE" && touch "$CACHE/x" ;;
	unreadable) chmod 000 "$CACHE" ;;
	esac
	build
	built "cache $how: exit 0"
	from_cache "cache $how" 0 8
	case $how in
	truncated|flipped|empty) check "cache $how: says it is damaged" matches "$TMP/stderr" \
	    "^$CACHE: warning: damaged \\([a-z ]+\\); ignored, every post is parsed again\$" ;;
	garbage) check "cache $how: says it is not a cache" has_line "$TMP/stderr" \
	    "$CACHE: warning: not a post cache of crier; ignored, every post is parsed again" ;;
	other-format|other-key) check "cache $how: nothing said of it" lacks "$TMP/stderr" ".crier-cache" ;;
	directory)
		check "cache $how: says so" has_line "$TMP/stderr" \
		    "$CACHE: warning: not a regular file; ignored, every post is parsed again"
		check "cache $how: cannot be replaced" has "$TMP/stderr" \
		    "$CACHE: warning: cannot save the parsed posts ("
		check "cache $how: no file left half written" test ! -e "$CACHE.tmp"
		rm -r "$CACHE" ;;
	unreadable) check "cache $how: says so" has_line "$TMP/stderr" \
	    "$CACHE: warning: cannot be read (Permission denied); ignored, every post is parsed again" ;;
	esac
	as_cold "cache $how"
	build
	from_cache "after cache $how" "$([ $how = directory ] && echo 0 || echo 8)" \
	    "$([ $how = directory ] && echo 8 || echo 0)"
done

# A rebuild that finds most posts writes the new cache on a thread of its
# own while the pages render; when that write fails, it warns as well, the
# site is still whole, and the old cache is left in place.
build
from_cache "before a failed threaded write" 8 0
cp "$CACHE" "$TMP/cache.before"
f=$(ls "$R/posts" | sed -n 2p)
printf '\nOne more line.\n' >>"$R/posts/$f"
commit_all "$R" "one post edited, the cache cannot be written"
mkdir "$CACHE.tmp"
build
built "threaded write failing: exit 0"
from_cache "threaded write failing" 7 1
check "threaded write failing: warns" has "$TMP/stderr" \
    "$CACHE: warning: cannot save the parsed posts ("
check "threaded write failing: the old cache is left as it was" cmp "$TMP/cache.before" "$CACHE"
rmdir "$CACHE.tmp"
as_cold "threaded write failing"
build
from_cache "after the failed write, a write that works" 7 1
build
from_cache "and then" 8 0
check "threaded write: the cache holds every post" test "$(entries)" = 8

# More posts than one writev takes pieces (512): the cache is written in
# several, found whole, and a rebuild copies runs of it around the post
# that changed.
R2=$TMP/many
new_repo "$R2"
printf '[site]\ntitle = Many\nurl = https://example.com/\n' >"$R2/site.ini"
i=0
while [ $i -lt 700 ]; do
	printf -- '---\ntitle: "Post %d"\ndate: 2020-01-01 10:%02d\n---\nBody %d.\n' $i $((i % 60)) $i \
	    >"$R2/posts/2020-01-01-p$i.md"
	i=$((i + 1))
done
commit_all "$R2" "700 posts"
crier build -C "$R2" -o "$TMP/many-out" $NOW -v
from_cache "700 posts, cold" 0 700
crier build -C "$R2" -o "$TMP/many-out" $NOW -v --worktree
from_cache "700 posts, a preview finds each by its content" 700 0
sed -i 's/Body 350./Body 350, edited./' "$R2/posts/2020-01-01-p350.md"
commit_all "$R2" "one of 700 edited"
crier build -C "$R2" -o "$TMP/many-out" $NOW -v
from_cache "700 posts, one edited" 699 1
crier build -C "$R2" -o "$TMP/many-out" $NOW -v --worktree
from_cache "700 posts, a preview after the edit" 700 0
crier build -C "$R2" -o "$TMP/many-cold" $NOW -q
check "700 posts: the same files as a cold build" diff -r "$TMP/many-cold" "$TMP/many-out"
check "700 posts: the cache holds them all" test "$(od -An -tu8 -j32 -N8 "$TMP/.crier-cache/many-out.posts" | tr -d ' ')" = 700

# An output named otherwise has a cache of its own.
crier build -C "$R" -o "$TMP/other/" $NOW -q
check "another output: its own cache" test -f "$TMP/.crier-cache/other.posts"

done_testing
