#!/bin/sh
# The history walk kept beside the output (.crier-cache/NAME.history):
# each build of a newer commit walks only the commits the kept one lacks,
# and its dates are those of a build that walks everything.  History
# rewritten, another posts folder, a damaged or foreign cache: the whole
# history is walked, with a warning for a damaged one, never wrong dates.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
NOW="--now 2030-06-01"

# commit_at REPO DATE MESSAGE: commits everything in REPO at DATE.
commit_at() {
	(cd "$1" && git add -A && GIT_AUTHOR_DATE="$2" GIT_COMMITTER_DATE="$2" \
		git commit -q --allow-empty -m "$3")
}

# A body long enough that a one-line edit keeps a renamed file similar.
body() {
	printf 'Line %s of the post.\n' 1 2 3 4 5 6 7 8 9 10
}

# undated REPO FILE TITLE: a post dated by history alone.
undated() {
	{ printf -- '---\ntitle: %s\ncategories: [History]\n---\n' "$3"; body; } >"$1/posts/$2"
}

# dates OUT: "slug published updated" for every entry of the site's Atom
# feed, sorted by slug.
dates() { feed_dates "$1"; }

# forge CACHE PYTHON-EXPR: rewrites the lines of a cache file (a list of
# str, the sum line left off) and signs it again, as crier would: FNV-1a
# 64 of everything before the "sum" line.
cat >"$TMP/forge.py" <<'EOF'
import sys

path, expr = sys.argv[1], sys.argv[2]
lines = open(path, "rb").read().decode("utf-8", "surrogateescape").split("\n")
assert lines[-1] == "" and lines[-2].startswith("sum "), "not a cache"
lines = eval(expr, {"lines": lines[:-2]})
text = "".join(l + "\n" for l in lines).encode("utf-8", "surrogateescape")
h = 14695981039346656037
for b in text:
    h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
open(path, "wb").write(text + b"sum %016x\n" % h)
EOF
forge() { $PY "$TMP/forge.py" "$@"; }

# A date for a forged cache, 2001-01-01, far before any commit: if a
# build shows it, that build took the post's dates from the cache.
SENTINEL=978307200
SENTINEL2=1012608000
# sentinel: forges the cache's dates of the post stable.md.
sentinel() {
	forge "$CACHE" '[l if not l.endswith(" 9:stable.md") else "A '$SENTINEL' 9:stable.md" for l in lines]'
}

R=$TMP/repo
INC=$TMP/inc
CACHE=$TMP/.crier-cache/inc.history
step=0

# rebuild: builds $R into $INC even if its state says it is up to date.
rebuild() {
	rm -f "$TMP/.crier-cache/inc.state"
	crier build -C "$R" -o "$INC" $NOW
}

# same_as_full DESCRIPTION: builds $R into $INC, keeping its history, and
# into a new folder that has none, and checks that the two agree.
same_as_full() {
	step=$((step + 1))
	crier build -C "$R" -o "$INC" $NOW
	built "$1: the build with the cache"
	cp "$TMP/stderr" "$TMP/inc-stderr"
	crier build -C "$R" -o "$TMP/full-$step" $NOW
	rm -f "$TMP/.crier-cache/full-$step.history"
	built "$1: the build without"
	check "$1: the same dates" same "$TMP/full-$step/atom.xml" "$INC/atom.xml"
	check "$1: the same pages" diff -r -x .crier-manifest "$TMP/full-$step" "$INC"
	check "$1: no warning" lines "$TMP/inc-stderr" 0
}

# --- A history built up commit by commit -----------------------------------

new_repo "$R"
undated "$R" edited.md "Edited later"
undated "$R" renamed.md "Renamed as is"
undated "$R" moved.md "Renamed and edited"
undated "$R" gone.md "Deleted, then back"
undated "$R" stable.md "Never touched again"
undated "$R" "with space.md" "A name with a space"
post "$R" 2019-01-01-named.md "Dated by its name" "" "[History]"
commit_at "$R" "2020-01-01 10:00:00 +0000" "start"
same_as_full "first build"
check "first build: the walk is kept beside the output" test -f "$CACHE"
check "first build: with its magic line" sh -c 'head -n 1 "$1" | grep -qx "crier-history 1"' - "$CACHE"
check "first build: no temporary file is left" test ! -e "$CACHE.tmp"
check "first build: nothing of it in the output" sh -c 'test -z "$(find "$1" -name "*.history*")"' - "$INC"

printf 'An edit.\n' >>"$R/posts/edited.md"
commit_at "$R" "2020-02-02 10:00:00 +0000" "edit"
same_as_full "an edit"
check "an edit: the kept walk is of the new commit" \
	grep -qx "commit $(git -C "$R" rev-parse HEAD)" "$CACHE"
check "an edit: updated is the edit's" has "$INC/atom.xml" "2020-02-02T10:00:00Z"

git -C "$R" mv posts/renamed.md posts/renamed-now.md
git -C "$R" mv "posts/with space.md" "posts/with more spaces.md"
commit_at "$R" "2020-03-03 10:00:00 +0000" "rename"
same_as_full "a rename"
check "a rename: the post keeps the date it was added" has "$INC/2020/01/01/renamed-now/index.html" \
	'datetime="2020-01-01T10:00:00Z"'
check "a rename: the cache has names with spaces" grep -qxF "P 1583229600 19:with more spaces.md 13:with space.md" "$CACHE"

git -C "$R" mv posts/moved.md posts/moved-now.md
sed -i 's/^Line 5 of the post\.$/Line 5 of the post, corrected./' "$R/posts/moved-now.md"
commit_at "$R" "2020-04-04 10:00:00 +0000" "rename and edit"
same_as_full "a rename with an edit"

git -C "$R" rm -q posts/gone.md
commit_at "$R" "2020-05-05 10:00:00 +0000" "delete"
same_as_full "a delete"
check "a delete: the post is gone" test ! -e "$INC/2020/01/01/gone/index.html"

{ printf -- '---\ntitle: Back again\ncategories: [History]\n---\nOther words.\n'; } >"$R/posts/gone.md"
commit_at "$R" "2020-06-06 10:00:00 +0000" "re-add"
same_as_full "a re-add"
check "a re-add: dated by the commit that added it again" \
	test -f "$INC/2020/06/06/gone/index.html"

printf '\n; a comment\n' >>"$R/site.ini"
commit_at "$R" "2020-07-07 10:00:00 +0000" "no post changed"
same_as_full "a commit that changes no post"

# Two commits at once, one of them renaming a name another reuses.
git -C "$R" mv posts/edited.md posts/edited-moved.md
commit_at "$R" "2020-08-08 10:00:00 +0000" "rename edited"
undated "$R" edited.md "A new post under an old name"
printf 'Different.\n' >>"$R/posts/edited.md"
commit_at "$R" "2020-08-09 10:00:00 +0000" "reuse the name"
same_as_full "two commits, a name reused"

# --- Merges -------------------------------------------------------------------

# A side branch whose commits are newer than the kept commit: the walk
# resumes, the merge judged as a whole walk judges it.
git -C "$R" checkout -q -b side HEAD~3
undated "$R" side.md "Written on a branch"
printf 'Side edit.\n' >>"$R/posts/renamed-now.md"
commit_at "$R" "2020-09-09 10:00:00 +0000" "on the side"
git -C "$R" checkout -q main
(cd "$R" && GIT_AUTHOR_DATE="2020-10-10 10:00:00 +0000" GIT_COMMITTER_DATE="2020-10-10 10:00:00 +0000" \
	git merge -q --no-ff -m "merge side" side)
same_as_full "a merge of newer commits"
check "a merge of newer commits: the branch's post is dated by its commit" \
	test -f "$INC/2020/09/09/side/index.html"

# A side branch older than the kept commit: its commits come after the
# kept one in the walk, so the cache cannot be spliced in.  A forged
# date in the cache shows whether it was.
git -C "$R" checkout -q -b old-side HEAD~5
undated "$R" old-side.md "Written long ago on a branch"
printf 'Old side edit.\n' >>"$R/posts/moved-now.md"
commit_at "$R" "2020-04-20 10:00:00 +0000" "on an old side"
git -C "$R" checkout -q main
sentinel
(cd "$R" && GIT_AUTHOR_DATE="2020-11-11 10:00:00 +0000" GIT_COMMITTER_DATE="2020-11-11 10:00:00 +0000" \
	git merge -q --no-ff -m "merge old side" old-side)
same_as_full "a merge of older commits"
check "a merge of older commits: the cache was not used" lacks "$INC/atom.xml" "2001-01-01"

# A merge that resolves a conflict in a post changes it itself.
git -C "$R" checkout -q -b left
printf 'Left.\n' >>"$R/posts/renamed-now.md"
commit_at "$R" "2020-12-01 10:00:00 +0000" "left"
git -C "$R" checkout -q main
same_as_full "before a conflict"
printf 'Right.\n' >>"$R/posts/renamed-now.md"
commit_at "$R" "2020-12-02 10:00:00 +0000" "right"
same_as_full "the other side of a conflict"
(cd "$R" && GIT_AUTHOR_DATE="2020-12-03 10:00:00 +0000" GIT_COMMITTER_DATE="2020-12-03 10:00:00 +0000" \
	git merge -q -m "merge left" left >/dev/null 2>&1)
sed -i '/^[<=>]\{7\}/d; /^Left\.$/d; /^Right\.$/d' "$R/posts/renamed-now.md"
printf 'Left and right.\n' >>"$R/posts/renamed-now.md"
(cd "$R" && git add -A && GIT_AUTHOR_DATE="2020-12-03 10:00:00 +0000" \
	GIT_COMMITTER_DATE="2020-12-03 10:00:00 +0000" git commit -q --no-edit)
same_as_full "a merge that resolves a conflict"
check "a merge that resolves a conflict: updated at the merge" has "$INC/atom.xml" \
	"<updated>2020-12-03T10:00:00Z</updated>"

# --- The cache is used, and only when it may be -------------------------------

sentinel
undated "$R" newer.md "A newer post"
commit_at "$R" "2021-01-01 10:00:00 +0000" "newer"
crier build -C "$R" -o "$INC" $NOW
built "resumed: exit 0"
check "resumed: the kept walk is used, not walked again" has "$INC/atom.xml" "2001-01-01"
check "resumed: the forged date is kept for the next build" grep -q "^A $SENTINEL 9:stable.md$" "$CACHE"

# The same commit again, once the state no longer says it is up to date.
forge "$CACHE" '[l if not l.endswith(" 9:stable.md") else "A '$SENTINEL2' 9:stable.md" for l in lines]'
rebuild
built "same commit: exit 0"
check "same commit: the kept walk is used as it is" has "$INC/atom.xml" "2002-02-02"
check "same commit: the cache is left as it is" grep -q "^A $SENTINEL2 9:stable.md$" "$CACHE"

# Another posts folder: the kept walk is of other files.
forge "$CACHE" '[l if not l.startswith("dir ") else "dir 5:other" for l in lines]'
commit_at "$R" "2021-01-02 10:00:00 +0000" "an empty commit"
same_as_full "another posts folder"
check "another posts folder: the cache was not used" lacks "$INC/atom.xml" "2001-01-01"

# Another libgit2 may order the walk otherwise.
sentinel
forge "$CACHE" '[l if not l.startswith("libgit2 ") else "libgit2 0.0.1" for l in lines]'
rebuild
built "another libgit2: exit 0"
check "another libgit2: the cache was not used" lacks "$INC/atom.xml" "2001-01-01"
check "another libgit2: no warning" lines "$TMP/stderr" 0

# History rewritten: the kept commit is no ancestor of the built one.
sentinel
git -C "$R" reset -q --hard HEAD~2
printf 'Rewritten.\n' >>"$R/posts/side.md"
commit_at "$R" "2021-02-02 10:00:00 +0000" "history rewritten"
same_as_full "history rewritten"
check "history rewritten: the cache was not used" lacks "$INC/atom.xml" "2001-01-01"

# An older commit, then the newest again.
sentinel
crier build -C "$R" -o "$INC" $NOW --ref HEAD~4
built "an older commit: exit 0"
crier build -C "$R" -o "$TMP/older-full" $NOW --ref HEAD~4
check "an older commit: the dates of a whole walk" same "$TMP/older-full/atom.xml" "$INC/atom.xml"
check "an older commit: the cache was not used" lacks "$INC/atom.xml" "2001-01-01"
same_as_full "back to the newest"

# The posts folder moved: every post is added by the move.
git -C "$R" mv posts articles
printf '[build]\nposts = articles\n' >>"$R/site.ini"
commit_at "$R" "2021-03-03 10:00:00 +0000" "posts moved"
same_as_full "the posts folder moved"
git -C "$R" mv articles/side.md articles/side-2.md
commit_at "$R" "2021-03-04 10:00:00 +0000" "renamed in the new folder"
same_as_full "a rename in the new folder"

# --- A damaged cache: a warning, and the whole history walked ---------------

WARN="damaged, or not a history cache of this crier; walking all of the history"

# damaged DESCRIPTION: a new commit, then a build with the cache as the
# caller left it, which warns, and has the dates of a whole walk.
damaged() {
	step=$((step + 1))
	printf 'Edit %s.\n' "$step" >>"$R/articles/gone.md"
	commit_at "$R" "2021-04-$(printf %02d $step) 10:00:00 +0000" "edit $step"
	crier build -C "$R" -o "$INC" $NOW
	built "$1: exit 0"
	check "$1: one warning" lines "$TMP/stderr" 1
	check "$1: it says the cache is damaged" has "$TMP/stderr" "$CACHE: warning: $WARN"
	crier build -C "$R" -o "$TMP/full-$step" $NOW
	check "$1: the dates of a whole walk" same "$TMP/full-$step/atom.xml" "$INC/atom.xml"
	rebuild
	check "$1: the cache is good again: the next build has no warning" lines "$TMP/stderr" 0
}

head -c 300 "$CACHE" >"$TMP/cut" && cp "$TMP/cut" "$CACHE"
damaged "truncated"
head -c "$(($(wc -c <"$CACHE") - 1))" "$CACHE" >"$TMP/cut" && cp "$TMP/cut" "$CACHE"
damaged "its last byte cut"
$PY -c 'import sys; p = sys.argv[1]; b = bytearray(open(p, "rb").read()); b[len(b) // 2] ^= 1; open(p, "wb").write(b)' "$CACHE"
damaged "a bit flipped"
$PY -c 'import sys; p = sys.argv[1]; b = open(p, "rb").read(); open(p, "wb").write(b.replace(b"\nA 1", b"\nA 2", 1))' "$CACHE"
damaged "a date changed"
head -c 5000 /dev/urandom >"$CACHE"
damaged "garbage"
: >"$CACHE"
damaged "empty"
printf 'crier-history 1\n' >"$CACHE"
damaged "the magic line only"
forge "$CACHE" '["crier-history 99"] + lines[1:]'
damaged "another version"
forge "$CACHE" 'lines + lines[-1:]'
damaged "a change twice"
forge "$CACHE" '[l if not l.startswith("commit ") else "commit xyz" for l in lines]'
damaged "a commit that is no commit id"
forge "$CACHE" '[l if not l.startswith("changes ") else "changes 99999999" for l in lines]'
damaged "more changes said than there are"
forge "$CACHE" '[l if not l.startswith("A ") else "X" + l[1:] for l in lines]'
damaged "a change of no kind"
cat "$CACHE" "$CACHE" >"$TMP/twice" && cp "$TMP/twice" "$CACHE"
damaged "the cache twice over"

# A folder where the cache should be: it can be neither read nor kept.
rm -f "$CACHE" && mkdir "$CACHE"
printf 'Edit.\n' >>"$R/articles/gone.md"
commit_at "$R" "2021-05-05 10:00:00 +0000" "edit"
crier build -C "$R" -o "$INC" $NOW
built "a folder in its place: exit 0"
check "a folder in its place: it cannot be read" has "$TMP/stderr" "$CACHE: warning: cannot read the history kept"
check "a folder in its place: nor kept" has "$TMP/stderr" "$CACHE: warning: cannot keep the history walked"
crier build -C "$R" -o "$TMP/full-dir" $NOW
check "a folder in its place: the dates of a whole walk" same "$TMP/full-dir/atom.xml" "$INC/atom.xml"
rmdir "$CACHE"

# --- What keeps no cache ------------------------------------------------------

D=$TMP/dated
new_repo "$D"
post "$D" 2020-01-01-a.md "Dated by its name" "" "[History]"
commit_at "$D" "2020-01-01 10:00:00 +0000" "add"
printf 'An edit.\n' >>"$D/posts/2020-01-01-a.md"
commit_at "$D" "2020-02-02 10:00:00 +0000" "edit"

crier build -C "$D" -o "$TMP/nohist" $NOW --no-history
built "--no-history: exit 0"
check "--no-history: keeps no walk" test ! -e "$TMP/.crier-cache/nohist.history"

S=$TMP/shallow
git clone -q --depth 1 "file://$D" "$S" 2>/dev/null
crier build -C "$S" -o "$TMP/shallow-out" $NOW
built "shallow: exit 0"
check "shallow: the one warning is the shallow clone's" lines "$TMP/stderr" 1
check "shallow: keeps no walk" test ! -e "$TMP/.crier-cache/shallow-out.history"
check "shallow: no edit seen" lacks "$TMP/shallow-out/atom.xml" "2020-02-02"
crier build -C "$D" -o "$TMP/deep-out" $NOW
built "the full repository: exit 0"
check "the full repository: the edit is seen" has "$TMP/deep-out/atom.xml" "2020-02-02"
check "the full repository: keeps its walk" test -f "$TMP/.crier-cache/deep-out.history"

done_testing
