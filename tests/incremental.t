#!/bin/sh
# Builds that have nothing to do stop at once, and anything that changes
# the output makes a build do its work again.
. "$(dirname "$0")/lib.sh"

R=$TMP/site
new_repo "$R"
post "$R" 2020-01-01-a.md "First" "2020-01-01 10:00 +0000" "[News]"
post "$R" 2030-01-01-later.md "Later" "2030-01-01 10:00 +0000" "[News]"
printf -- '---\ntitle: Draft\ndate: 2020-01-02\ndraft: true\n---\nx\n' >"$R/posts/2020-01-02-draft.md"
commit_all "$R" "posts"
NOW="--now 2025-01-01"
UP="is up to date with"

crier build -C "$R" -o "$TMP/out" $NOW
check "first build: exit 0" [ "$rc" -eq 0 ]
check "first build: it builds" has "$TMP/stdout" "pages written to"
check "first build: records its state beside the output" test -f "$TMP/.crier-cache/out.state"
touch -d "2000-01-01" "$TMP/out/index.html"

crier build -C "$R" -o "$TMP/out" $NOW
check "same inputs: exit 0" [ "$rc" -eq 0 ]
check "same inputs: nothing to do" has "$TMP/stdout" "crier: $TMP/out $UP"
check "same inputs: files are not written again" test "$(date -r "$TMP/out/index.html" +%Y)" = 2000

crier build -C "$R" -o "$TMP/out" $NOW --drafts
check "--drafts: builds again" has "$TMP/stdout" "pages written to"
check "--drafts: the draft is there" test -f "$TMP/out/2020/01/02/draft/index.html"
crier build -C "$R" -o "$TMP/out" $NOW
check "without --drafts again: builds again" has "$TMP/stdout" "pages written to"
check "without --drafts again: the draft is gone" test ! -e "$TMP/out/2020/01/02/draft/index.html"

crier build -C "$R" -o "$TMP/out" --now 2029-12-31
check "a later now, before the scheduled post: nothing to do" has "$TMP/stdout" "$UP"
crier build -C "$R" -o "$TMP/out" --now 2030-01-02
check "a now after the scheduled post: builds again" has "$TMP/stdout" "pages written to"
check "a now after the scheduled post: it is published" test -f "$TMP/out/2030/01/01/later/index.html"
crier build -C "$R" -o "$TMP/out" --now 2029-12-31
check "now moved back before the post: builds again" has "$TMP/stdout" "pages written to"
check "now moved back before the post: it is held back again" test ! -e "$TMP/out/2030/01/01/later/index.html"
crier build -C "$R" -o "$TMP/out" --now 2030-01-02 -q

# A preview into the same output is of no commit: the next build redoes it.
sed -i 's/Body of First./Previewed, not committed./' "$R/posts/2020-01-01-a.md"
crier build -C "$R" -o "$TMP/out" --now 2030-01-02 --worktree -q
check "a preview: publishes the uncommitted text" has "$TMP/out/2020/01/01/a/index.html" "Previewed, not committed."
git -C "$R" checkout -q -- posts/2020-01-01-a.md
crier build -C "$R" -o "$TMP/out" --now 2030-01-02
check "after a preview: the next build does its work" has "$TMP/stdout" "pages written to"
check "after a preview: the committed text is back" lacks "$TMP/out/2020/01/01/a/index.html" "Previewed"

post "$R" 2020-03-03-b.md "Second" "2020-03-03 10:00 +0000" "[News]"
commit_all "$R" "another post"
crier build -C "$R" -o "$TMP/out" --now 2030-01-02
check "a new commit: builds again" has "$TMP/stdout" "pages written to"
check "a new commit: the new post is published" test -f "$TMP/out/2020/03/03/b/index.html"

crier build -C "$R" -o "$TMP/out" --now 2030-01-02 --no-history
check "--no-history: builds again" has "$TMP/stdout" "pages written to"

# A build that does its work writes only the files whose bytes changed:
# the others keep their mtimes, so an rsync deploy sends only those.
crier build -C "$R" -o "$TMP/out" --now 2030-01-02 -q
find "$TMP/out" -type f -exec touch -d 2000-01-01 {} +
sed -i 's/Body of Second./Body of Second, edited./' "$R/posts/2020-03-03-b.md"
commit_all "$R" "edit one post"
crier build -C "$R" -o "$TMP/out" --now 2030-01-02
check "one post edited: builds" has "$TMP/stdout" "pages written to"
check "one post edited: its page is new" test "$(date -r "$TMP/out/2020/03/03/b/index.html" +%Y)" != 2000
check "one post edited: the edit is published" has "$TMP/out/2020/03/03/b/index.html" "Body of Second, edited."
check "one post edited: an unrelated post page keeps its mtime" \
	test "$(date -r "$TMP/out/2030/01/01/later/index.html" +%Y)" = 2000
check "one post edited: the stylesheet keeps its mtime" test "$(date -r "$TMP/out/style.css" +%Y)" = 2000
check "one post edited: the summary counts what changed" \
	matches "$TMP/stdout" '\([1-9][0-9]* files? changed, [1-9][0-9]* unchanged\)$'
crier build -C "$R" -o "$TMP/cold" --now 2030-01-02 -q
check "one post edited: the same bytes as a build into a new folder" \
	diff -r "$TMP/cold" "$TMP/out"
git -C "$R" rm -q posts/2020-03-03-b.md
commit_all "$R" "remove a post"
crier build -C "$R" -o "$TMP/out" --now 2030-01-02 -q
check "a removed post: its page is gone" test ! -e "$TMP/out/2020/03/03/b/index.html"
check "a removed post: not in the manifest" lacks "$TMP/out/.crier-manifest" "2020/03/03/b/"

# A state file that is damaged or not crier's is ignored with a warning.
S=$TMP/.crier-cache/out.state
for how in garbage truncated empty foreign; do
	crier build -C "$R" -o "$TMP/out" --now 2030-01-02 -q
	case $how in
	garbage) head -c 300 /dev/urandom >"$S" ;;
	truncated) head -c 30 "$S" >"$S.t" && mv "$S.t" "$S" ;;
	empty) : >"$S" ;;
	foreign) printf 'crier-state 99\ncommit x\n' >"$S" ;;
	esac
	crier build -C "$R" -o "$TMP/out" --now 2030-01-02
	check "a $how state file: exit 0" [ "$rc" -eq 0 ]
	check "a $how state file: builds everything" has "$TMP/stdout" "pages written to"
	check "a $how state file: says so" has "$TMP/stderr" \
		"$S: warning: not a state file of this crier; building everything"
	crier build -C "$R" -o "$TMP/out" --now 2030-01-02 -q
	crier build -C "$R" -o "$TMP/out" --now 2030-01-02
	check "a $how state file: then nothing to do again" has "$TMP/stdout" "$UP"
done

# An output whose manifest changed (a build by another tool, or by hand)
# is built again.
echo "extra.html" >>"$TMP/out/.crier-manifest"
crier build -C "$R" -o "$TMP/out" --now 2030-01-02
check "a changed manifest: builds again" has "$TMP/stdout" "pages written to"
# crier knows its manifest by inode, size and modification time, not by
# its bytes: a write in place at the same size (here of the same bytes,
# so that it still lists crier's files) is a change too.  The write's
# time is set two seconds on, as a write a little later would give on a
# file system of coarse times.
crier build -C "$R" -o "$TMP/out" --now 2030-01-02
check "a manifest written in place: nothing to do before" has "$TMP/stdout" "$UP"
python3 -c 'import os, sys
p = sys.argv[1]
t = os.stat(p).st_mtime_ns
with open(p, "r+b") as f:
    b = f.read()
    f.seek(0)
    f.write(b)
os.utime(p, ns=(t + 2000000000, t + 2000000000))' "$TMP/out/.crier-manifest"
crier build -C "$R" -o "$TMP/out" --now 2030-01-02
check "a manifest written in place, same size: builds again" has "$TMP/stdout" "pages written to"
# Linked elsewhere (as a rebuild links it into the tree it stages in), it is the same manifest.
crier build -C "$R" -o "$TMP/out" --now 2030-01-02 -q
ln "$TMP/out/.crier-manifest" "$TMP/manifest-link"
crier build -C "$R" -o "$TMP/out" --now 2030-01-02
check "a manifest linked elsewhere: nothing to do" has "$TMP/stdout" "$UP"
rm -f "$TMP/manifest-link"
rm -rf "$TMP/out"
crier build -C "$R" -o "$TMP/out" --now 2030-01-02
check "a removed output: builds again" has "$TMP/stdout" "pages written to"

# A change to an installed theme (here: the themes beside a copy of crier)
# is a change of input.
mkdir -p "$TMP/bin"
cp "$CRIER" "$TMP/bin/crier"
cp -R "$ROOT/themes" "$TMP/bin/themes"
CRIER=$TMP/bin/crier
crier build -C "$R" -o "$TMP/out2" --now 2030-01-02 -q
crier build -C "$R" -o "$TMP/out2" --now 2030-01-02
check "installed theme unchanged: nothing to do" has "$TMP/stdout" "$UP"
sed -i 's|<footer class="site-footer">|<footer class="site-footer" data-x="1">|' "$TMP/bin/themes/default/base.mustache"
crier build -C "$R" -o "$TMP/out2" --now 2030-01-02
check "installed theme changed: builds again" has "$TMP/stdout" "pages written to"
check "installed theme changed: the change is published" has "$TMP/out2/index.html" 'data-x="1"'

done_testing
