#!/bin/sh
# Dates from git history: the commit that added a post dates it when
# nothing else does, the last commit that changed it gives "updated", and
# renames, deletions, merges and shallow clones are read as git log would.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3

# commit_at REPO DATE MESSAGE [COMMITTER-DATE]: commits everything in REPO
# with author date DATE; the committer date is another unless given, so
# that a test sees which of the two crier reads.
commit_at() {
	(cd "$1" && git add -A && GIT_AUTHOR_DATE="$2" GIT_COMMITTER_DATE="${4:-$2}" \
		git commit -q --allow-empty -m "$3")
}

# A committer date a year after every author date below.
LATE="2030-01-01 00:00:00 +0000"

# A body long enough that a one-line edit keeps a renamed file similar.
body() {
	printf 'Line %s of the post.\n' 1 2 3 4 5 6 7 8 9 10
}

# undated REPO FILE TITLE: a post with neither a date in its front matter
# nor one in its file name.  Every post here has a category, since a site
# without one meets a known crier bug under UBSan (see feeds.t) that is
# not what these tests are about.
undated() {
	{ printf -- '---\ntitle: %s\ncategories: [History]\n---\n' "$3"; body; } >"$1/posts/$2"
}

# dates OUT: "slug published updated" for every entry of the site's Atom
# feed, sorted by slug.
dates() { feed_dates "$1"; }

# want_dates OUT LINE...: the dates of OUT's feed are the lines given.
want_dates() {
	_o=$1; shift
	printf '%s\n' "$@" | LC_ALL=C sort >"$TMP/want"
	dates "$_o" >"$TMP/got"
	diff -u "$TMP/want" "$TMP/got"
}

# has_dates OUT LINE: one of the lines of dates OUT is LINE.
has_dates() { dates "$1" | grep -qxF -- "$2" || { dates "$1"; return 1; }; }

# The "Updated" line of a post page, if any.
updated_of() { grep 'class="updated"' "$1"; }

# --- A post without a date is dated by the commit that added it -----------

R=$TMP/undated
new_repo "$R"
undated "$R" undated.md "No date anywhere"
post "$R" 2020-01-01-named.md "Dated by its name" "" "[History]"
post "$R" frontmatter.md "Dated by front matter" "2019-12-24 18:00:00 +0000" "[History]"
commit_at "$R" "2020-03-04 05:06:07 +0000" "three posts" "$LATE"
crier build -C "$R" -o "$TMP/undated-1"
O=$TMP/undated-1
check "undated: exit 0" [ "$rc" -eq 0 ]
check "undated: nothing on stderr" lines "$TMP/stderr" 0
check "undated: dated by the author date of the commit that added it" \
	has "$O/2020/03/04/undated/index.html" \
	'<time class="dt-published" datetime="2020-03-04T05:06:07Z">March 4, 2020</time>'
check "undated: feed dates, each post's own, none updated" want_dates "$O" \
	"undated 2020-03-04T05:06:07Z 2020-03-04T05:06:07Z" \
	"named 2020-01-01T00:00:00Z 2020-01-01T00:00:00Z" \
	"frontmatter 2019-12-24T18:00:00Z 2019-12-24T18:00:00Z"
check "undated: no post shows Updated" sh -c '! grep -rl "class=\"updated\"" "$1"' - "$O"

# A later commit edits two of them: the dates stay, updated is the edit's.
printf 'An edit.\n' >>"$R/posts/undated.md"
printf 'An edit.\n' >>"$R/posts/2020-01-01-named.md"
commit_at "$R" "2020-05-06 07:08:09 +0000" "edit two" "$LATE"
crier build -C "$R" -o "$TMP/undated-2"
O=$TMP/undated-2
check "edited: exit 0" [ "$rc" -eq 0 ]
check "edited: the undated post keeps the date it was added" \
	has "$O/2020/03/04/undated/index.html" '<time class="dt-published" datetime="2020-03-04T05:06:07Z">'
check "edited: feed dates: updated is the edit's author date" want_dates "$O" \
	"undated 2020-03-04T05:06:07Z 2020-05-06T07:08:09Z" \
	"named 2020-01-01T00:00:00Z 2020-05-06T07:08:09Z" \
	"frontmatter 2019-12-24T18:00:00Z 2019-12-24T18:00:00Z"
updated_of "$O/2020/03/04/undated/index.html" >"$TMP/got"
echo '<p class="updated">Updated <time class="dt-updated" datetime="2020-05-06T07:08:09Z">May 6, 2020 at 7:08 am</time></p>' >"$TMP/want"
check "edited: the page shows Updated" same "$TMP/want" "$TMP/got"
check "edited: the named post's page shows Updated too" has "$O/2020/01/01/named/index.html" \
	'datetime="2020-05-06T07:08:09Z"'
check "edited: the post never edited shows no Updated" lacks "$O/2019/12/24/frontmatter/index.html" \
	'class="updated"'
check "edited: the site feed's updated is the newest edit" \
	has_line "$O/atom.xml" "  <updated>2020-05-06T07:08:09Z</updated>"

# The commit's own zone does not leak: the date is shown in the site's.
R=$TMP/offset
new_repo "$R"
undated "$R" offset.md "Committed in India"
commit_at "$R" "2020-03-04 01:00:00 +0530" "add"
crier build -C "$R" -o "$TMP/offset-out"
check "offset: exit 0" [ "$rc" -eq 0 ]
check "offset: the author date is read in the site's zone" want_dates "$TMP/offset-out" \
	"offset 2020-03-03T19:30:00Z 2020-03-03T19:30:00Z"
check "offset: the permalink has the site zone's day" test -f "$TMP/offset-out/2020/03/03/offset/index.html"

# A post moved into the posts folder (a draft published) is dated by the move.
R=$TMP/publish
new_repo "$R"
mkdir "$R/drafts"
undated "$R" ../drafts/draft.md "Drafted long ago"
commit_at "$R" "2020-01-01 00:00:00 +0000" "draft"
git -C "$R" mv drafts/draft.md posts/draft.md
commit_at "$R" "2020-02-02 00:00:00 +0000" "publish"
crier build -C "$R" -o "$TMP/publish-out"
check "publish: exit 0" [ "$rc" -eq 0 ]
check "publish: dated by the commit that moved it into posts/" want_dates "$TMP/publish-out" \
	"draft 2020-02-02T00:00:00Z 2020-02-02T00:00:00Z"

# --- Front matter wins over history ---------------------------------------

R=$TMP/frontmatter
new_repo "$R"
{ printf -- '---\ntitle: Updated by hand\ndate: 2020-01-01\n'
  printf 'updated: 2020-02-02 02:02:02 +0000\ncategories: [History]\n---\n'; body; } \
	>"$R/posts/by-hand.md"
{ printf -- '---\ntitle: Jekyll style\ndate: 2020-01-01\n'
  printf 'last_modified_at: 2020-03-03 03:03:03 +0000\ncategories: [History]\n---\n'; body; } \
	>"$R/posts/jekyll.md"
{ printf -- '---\ntitle: Not edited\ndate: 2020-01-01\n'
  printf 'updated: 2020-04-04 04:04:04 +0000\ncategories: [History]\n---\n'; body; } \
	>"$R/posts/not-edited.md"
commit_at "$R" "2020-01-10 00:00:00 +0000" "add" "$LATE"
printf 'An edit.\n' >>"$R/posts/by-hand.md"
printf 'An edit.\n' >>"$R/posts/jekyll.md"
commit_at "$R" "2020-06-06 06:06:06 +0000" "edit" "$LATE"
crier build -C "$R" -o "$TMP/frontmatter-out"
O=$TMP/frontmatter-out
check "front matter: exit 0" [ "$rc" -eq 0 ]
check "front matter: updated: and last_modified_at: win over the last commit" want_dates "$O" \
	"by-hand 2020-01-01T00:00:00Z 2020-02-02T02:02:02Z" \
	"jekyll 2020-01-01T00:00:00Z 2020-03-03T03:03:03Z" \
	"not-edited 2020-01-01T00:00:00Z 2020-04-04T04:04:04Z"
check "front matter: the page shows its updated" has "$O/2020/01/01/by-hand/index.html" \
	'<p class="updated">Updated <time class="dt-updated" datetime="2020-02-02T02:02:02Z">'

# --- Renames ----------------------------------------------------------------

R=$TMP/rename
new_repo "$R"
undated "$R" undated.md "Moved as is"
undated "$R" edited.md "Moved and edited"
undated "$R" reused.md "Moved, its name reused"
commit_at "$R" "2020-01-01 10:00:00 +0000" "add" "$LATE"
git -C "$R" mv posts/undated.md posts/renamed.md
git -C "$R" mv posts/reused.md posts/elsewhere.md
commit_at "$R" "2020-02-02 10:00:00 +0000" "rename" "$LATE"
git -C "$R" mv posts/edited.md posts/edited-renamed.md
sed -i 's/^Line 5 of the post\.$/Line 5 of the post, corrected./' "$R/posts/edited-renamed.md"
commit_at "$R" "2020-03-03 10:00:00 +0000" "rename and edit" "$LATE"
{ printf -- '---\ntitle: A new post under an old name\ncategories: [History]\n---\nSomething else entirely.\n'; } \
	>"$R/posts/reused.md"
commit_at "$R" "2020-04-04 10:00:00 +0000" "reuse the name" "$LATE"
check "rename: git sees the renames" sh -c \
	'git -C "$1" log --format= --name-status -M | grep -c "^R" | grep -qx 3' - "$R"
crier build -C "$R" -o "$TMP/rename-out"
O=$TMP/rename-out
check "rename: exit 0" [ "$rc" -eq 0 ]
check "rename: a renamed post keeps the date it was added; an edit in the rename updates it" \
	want_dates "$O" \
	"renamed 2020-01-01T10:00:00Z 2020-01-01T10:00:00Z" \
	"edited-renamed 2020-01-01T10:00:00Z 2020-03-03T10:00:00Z" \
	"elsewhere 2020-01-01T10:00:00Z 2020-01-01T10:00:00Z" \
	"reused 2020-04-04T10:00:00Z 2020-04-04T10:00:00Z"
check "rename: the renamed post's page is at its first date" \
	test -f "$O/2020/01/01/renamed/index.html"
check "rename: a pure rename shows no Updated" lacks "$O/2020/01/01/renamed/index.html" 'class="updated"'
check "rename: a rename with an edit shows Updated" has "$O/2020/01/01/edited-renamed/index.html" \
	'<time class="dt-updated" datetime="2020-03-03T10:00:00Z">'

# --- Delete and re-add ------------------------------------------------------

R=$TMP/readd
new_repo "$R"
undated "$R" again.md "Back again"
undated "$R" other.md "Stays"
commit_at "$R" "2020-01-01 00:00:00 +0000" "add" "$LATE"
git -C "$R" rm -q posts/again.md
commit_at "$R" "2020-02-02 00:00:00 +0000" "delete" "$LATE"
undated "$R" again.md "Back again"
commit_at "$R" "2020-03-03 00:00:00 +0000" "re-add, the same bytes" "$LATE"
crier build -C "$R" -o "$TMP/readd-out"
O=$TMP/readd-out
check "re-add: exit 0" [ "$rc" -eq 0 ]
check "re-add: dated by the commit that added it again" want_dates "$O" \
	"again 2020-03-03T00:00:00Z 2020-03-03T00:00:00Z" \
	"other 2020-01-01T00:00:00Z 2020-01-01T00:00:00Z"
check "re-add: no Updated" lacks "$O/2020/03/03/again/index.html" 'class="updated"'

# --- Merges -----------------------------------------------------------------

R=$TMP/merge
new_repo "$R"
undated "$R" base.md "On main from the start"
undated "$R" edited-on-side.md "Edited on a branch"
commit_at "$R" "2020-01-01 00:00:00 +0000" "start"
git -C "$R" checkout -q -b side
undated "$R" side.md "Written on a branch"
printf 'An edit.\n' >>"$R/posts/edited-on-side.md"
commit_at "$R" "2020-02-02 00:00:00 +0000" "on the side (D1)"
git -C "$R" checkout -q main
printf '\n; a comment\n' >>"$R/site.ini"
undated "$R" main.md "Written on main"
commit_at "$R" "2020-03-03 00:00:00 +0000" "on main (D2)"
(cd "$R" && GIT_AUTHOR_DATE="2020-04-04 00:00:00 +0000" GIT_COMMITTER_DATE="2020-04-04 00:00:00 +0000" \
	git merge -q --no-ff -m "merge side (D3)" side)
check "merge: a merge commit" sh -c 'test "$(git -C "$1" rev-list --merges --count HEAD)" = 1' - "$R"
crier build -C "$R" -o "$TMP/merge-out"
O=$TMP/merge-out
check "merge: exit 0" [ "$rc" -eq 0 ]
check "merge: posts dated by the side branch's commits, not the merge's" want_dates "$O" \
	"base 2020-01-01T00:00:00Z 2020-01-01T00:00:00Z" \
	"edited-on-side 2020-01-01T00:00:00Z 2020-02-02T00:00:00Z" \
	"side 2020-02-02T00:00:00Z 2020-02-02T00:00:00Z" \
	"main 2020-03-03T00:00:00Z 2020-03-03T00:00:00Z"
check "merge: the branch's post is not marked Updated" lacks "$O/2020/02/02/side/index.html" 'class="updated"'
# The side branch's own tip dates its post the same way.
crier build -C "$R" --ref side -o "$TMP/side-out"
check "merge: building the branch: exit 0" [ "$rc" -eq 0 ]
check "merge: building the branch gives the same dates" want_dates "$TMP/side-out" \
	"base 2020-01-01T00:00:00Z 2020-01-01T00:00:00Z" \
	"edited-on-side 2020-01-01T00:00:00Z 2020-02-02T00:00:00Z" \
	"side 2020-02-02T00:00:00Z 2020-02-02T00:00:00Z"

# A merge that resolves a conflict in a post changes it: the merge's date.
git -C "$R" checkout -q -b left
printf 'Left.\n' >>"$R/posts/base.md"
commit_at "$R" "2020-05-05 00:00:00 +0000" "left"
git -C "$R" checkout -q main
printf 'Right.\n' >>"$R/posts/base.md"
commit_at "$R" "2020-06-06 00:00:00 +0000" "right"
(cd "$R" && GIT_AUTHOR_DATE="2020-07-07 00:00:00 +0000" GIT_COMMITTER_DATE="2020-07-07 00:00:00 +0000" \
	git merge -q -m "merge left" left >/dev/null 2>&1)
printf 'Left and right.\n' >>"$R/posts/base.md"
sed -i '/^[<=>]\{7\}/d; /^Left\.$/d; /^Right\.$/d' "$R/posts/base.md"
(cd "$R" && git add -A && GIT_AUTHOR_DATE="2020-07-07 00:00:00 +0000" \
	GIT_COMMITTER_DATE="2020-07-07 00:00:00 +0000" git commit -q --no-edit)
crier build -C "$R" -o "$TMP/conflict-out"
check "conflict: exit 0" [ "$rc" -eq 0 ]
check "conflict: a post resolved in the merge is updated at the merge" has_dates \
	"$TMP/conflict-out" "base 2020-01-01T00:00:00Z 2020-07-07T00:00:00Z"

# --- Shallow clones ---------------------------------------------------------

R=$TMP/deep
new_repo "$R"
post "$R" front.md "Front matter date" "2019-05-05 10:00:00 +0000" "[History]"
post "$R" 2019-06-06-named.md "File name date" "" "[History]"
{ printf -- '---\ntitle: With updated\ndate: 2019-07-07\n'
  printf 'updated: 2019-08-08 08:00:00 +0000\ncategories: [History]\n---\nBody.\n'; } \
	>"$R/posts/with-updated.md"
commit_at "$R" "2020-01-01 00:00:00 +0000" "add"
printf 'An edit.\n' >>"$R/posts/front.md"
commit_at "$R" "2020-02-02 00:00:00 +0000" "edit"
commit_at "$R" "2020-03-03 00:00:00 +0000" "nothing"
S=$TMP/shallow
git clone -q --depth 1 "file://$R" "$S" 2>/dev/null
check "shallow: the clone is shallow" test -f "$S/.git/shallow"
crier build -C "$S" -o "$TMP/shallow-out"
O=$TMP/shallow-out
check "shallow: exit 0" [ "$rc" -eq 0 ]
check "shallow: the warning says history is incomplete" has "$TMP/stderr" "shallow clone: history is incomplete"
check "shallow: one warning line" lines "$TMP/stderr" 1
check "shallow: dates from front matter and file names, not the clone's commit" want_dates "$O" \
	"front 2019-05-05T10:00:00Z 2019-05-05T10:00:00Z" \
	"named 2019-06-06T00:00:00Z 2019-06-06T00:00:00Z" \
	"with-updated 2019-07-07T00:00:00Z 2019-08-08T08:00:00Z"
check "shallow: nothing stamped with the clone's commit date" lacks "$O/atom.xml" "2020-03-03"
crier build -q -C "$S" -o "$TMP/shallow-q"
check "shallow: -q keeps the warning quiet" lines "$TMP/stderr" 0

# The full clone sees the edit.
crier build -C "$R" -o "$TMP/deep-out"
check "full history: the edit is seen" has_dates "$TMP/deep-out" \
	"front 2019-05-05T10:00:00Z 2020-02-02T00:00:00Z"

# The shallow clone deepened: the same commit, but the whole history now.
git -C "$S" fetch -q --unshallow 2>/dev/null
check "unshallowed: the clone is whole" test ! -f "$S/.git/shallow"
crier build -C "$S" -o "$TMP/shallow-out"
check "unshallowed: not taken for the shallow build's output" lacks "$TMP/stdout" "is up to date"
check "unshallowed: the edit is seen" has_dates "$TMP/shallow-out" \
	"front 2019-05-05T10:00:00Z 2020-02-02T00:00:00Z"

done_testing
