#!/bin/sh
# Publishing rules: drafts, scheduled posts, "now" and --worktree.
. "$(dirname "$0")/lib.sh"

R=$TMP/site
new_repo "$R"
post "$R" 2020-01-01-old.md "Old news" "2020-01-01 10:00 +0000" "[News]"
post "$R" 2030-06-01-later.md "Later news" "2030-06-01 10:00 +0000" "[News]"
printf -- '---\ntitle: Half done\ndate: 2020-02-01\ndraft: true\n---\nWIP\n' >"$R/posts/2020-02-01-wip.md"
commit_all "$R" "three posts"

page() { echo "$1/$2/index.html"; }
OLD=2020/01/01/old
LATER=2030/06/01/later
WIP=2020/02/01/wip

crier build -C "$R" -o "$TMP/a" --now "2025-01-01"
check "default: exit 0" [ "$rc" -eq 0 ]
check "default: the past post is published" test -f "$(page "$TMP/a" $OLD)"
check "default: the draft is held back" test ! -e "$(page "$TMP/a" $WIP)"
check "default: the future post is held back" test ! -e "$(page "$TMP/a" $LATER)"
check "default: not in the feed either" lacks "$TMP/a/atom.xml" "Later news"
check "default: the build says why" has "$TMP/stderr" \
	"crier: held back 1 post dated after 2025-01-01T00:00:00Z (publish with --future)"
check "default: and the draft" has "$TMP/stderr" "crier: held back 1 draft (publish with --drafts)"

crier build -C "$R" -o "$TMP/b" --now "2025-01-01" --drafts
check "--drafts: the draft is published" test -f "$(page "$TMP/b" $WIP)"
check "--drafts: the future post is still held back" test ! -e "$(page "$TMP/b" $LATER)"

crier build -C "$R" -o "$TMP/c" --now "2025-01-01" --future
check "--future: the future post is published" test -f "$(page "$TMP/c" $LATER)"
check "--future: the draft is still held back" test ! -e "$(page "$TMP/c" $WIP)"

crier build -C "$R" -o "$TMP/d" --now "2030-06-02"
check "--now after the date: the post is published" test -f "$(page "$TMP/d" $LATER)"

SOURCE_DATE_EPOCH=1893456000 crier build -C "$R" -o "$TMP/e"	# 2030-01-01
check "SOURCE_DATE_EPOCH before the date: held back" test ! -e "$(page "$TMP/e" $LATER)"
SOURCE_DATE_EPOCH=1906934400 crier build -C "$R" -o "$TMP/f"	# 2030-06-05
check "SOURCE_DATE_EPOCH after the date: published" test -f "$(page "$TMP/f" $LATER)"
SOURCE_DATE_EPOCH=1906934400 crier build -C "$R" -o "$TMP/g" --now 2025-01-01
check "--now wins over SOURCE_DATE_EPOCH" test ! -e "$(page "$TMP/g" $LATER)"
SOURCE_DATE_EPOCH=1906934400 crier build -C "$R" -o "$TMP/h"
check "the same SOURCE_DATE_EPOCH twice: byte-identical" diff -r "$TMP/f" "$TMP/h"

crier build -C "$R" -o "$TMP/i" --now "tomorrow"
check "a bad --now: exit 1" [ "$rc" -eq 1 ]
check "a bad --now: says so" has "$TMP/stderr" \
	'crier: error: --now "tomorrow" is not a date'
SOURCE_DATE_EPOCH=soon crier build -C "$R" -o "$TMP/j"
check "a bad SOURCE_DATE_EPOCH: exit 1" [ "$rc" -eq 1 ]

# --worktree: an uncommitted post, and an edit, appear in a preview.
post "$R" 2021-03-03-fresh.md "Fresh and uncommitted" "2021-03-03 09:00 +0000" "[News]"
sed -i 's/Body of Old news./Edited, not committed./' "$R/posts/2020-01-01-old.md"
crier build -C "$R" -o "$TMP/w1" --now 2025-01-01
check "without --worktree: the uncommitted post is not built" test ! -e "$(page "$TMP/w1" 2021/03/03/fresh)"
check "without --worktree: the edit is not built" lacks "$(page "$TMP/w1" $OLD)" "Edited, not committed."
crier build -C "$R" -o "$TMP/w2" --now 2025-01-01 --worktree
check "--worktree: exit 0" [ "$rc" -eq 0 ]
check "--worktree: the uncommitted post is built" test -f "$(page "$TMP/w2" 2021/03/03/fresh)"
check "--worktree: the edit is built" has "$(page "$TMP/w2" $OLD)" "Edited, not committed."
check "--worktree: says it is a preview" has "$TMP/stderr" \
	"crier: warning: building the work tree: uncommitted and untracked files are included"
printf -- '---\ntitle: No date yet\n---\nx\n' >"$R/posts/undated.md"
crier build -C "$R" -o "$TMP/w3" --worktree --now "2025-05-05 12:00 +0000"
check "--worktree: an undated uncommitted post is dated now" \
	test -f "$(page "$TMP/w3" 2025/05/05/undated)"

git clone -q --bare "$R" "$TMP/bare.git"
crier build -C "$TMP/bare.git" -o "$TMP/w4" --worktree
check "--worktree in a bare repository: exit 1" [ "$rc" -eq 1 ]
check "--worktree in a bare repository: says why" has "$TMP/stderr" \
	"crier: error: --worktree: the repository is bare, it has no work tree"

done_testing
