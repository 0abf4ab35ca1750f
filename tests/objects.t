#!/bin/sh
# Reading git's objects: crier inflates loose ones (loose.c) and packed
# ones (pack.c) itself, with libdeflate, and libgit2 reads what those
# cannot.  Both give the same site, and a damaged object is an error that
# names the post, never a page.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3

# commit_at REPO DATE MESSAGE: commits everything at DATE.
commit_at() {
	(cd "$1" && git add -A && GIT_AUTHOR_DATE="$2" GIT_COMMITTER_DATE="$2" \
		git commit -q --allow-empty -m "$3")
}

R=$TMP/objs
new_repo "$R"
i=0
while [ $i -lt 30 ]; do
	post "$R" "p$i.md" "Post $i" "2017-03-$(printf %02d $((i % 28 + 1))) 10:00 +0000" "[Alerts]" \
		"Body of post $i, with *emphasis* and ~~a strike~~."
	i=$((i + 1))
done
# A long post, edited below by one line: packed, one version is a delta of the other.
long_body() {
	i=0
	while [ $i -lt 60 ]; do echo "Line $i of the long post, different from every other line."; i=$((i + 1)); done
}
post "$R" long.md "Long" "2017-03-29 10:00 +0000" "[Alerts]" "$(long_body)"
commit_all "$R" "thirty posts"
post "$R" long.md "Long" "2017-03-29 10:00 +0000" "[Alerts]" "$(long_body)
The line the edit added."
post "$R" p3.md "Post 3, edited" "2017-03-04 10:00 +0000" "[Alerts]" "Edited body."
git -C "$R" rm -q posts/p4.md
# A body that deflates far more than four times over: the first guess of its size is too small.
{
	printf -- '---\ntitle: "Big"\ndate: 2017-04-01 10:00 +0000\n---\n\n'
	i=0
	while [ $i -lt 3000 ]; do printf 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n'; i=$((i + 1)); done
	printf '\nThe end of the big post.\n'
} >"$R/posts/big.md"
commit_all "$R" "an edit, a removal, a big post"
check "the posts are loose objects" test -n "$(find "$R/.git/objects" -path '*/[0-9a-f][0-9a-f]/*' -type f)"

# With --ref every file is read from git: without it, a post whose file in
# the work tree has the commit's bytes is read from there (see the end).
crier build -C "$R" --ref HEAD -o "$TMP/loose" -v
built "loose objects: exit 0"
check "loose: loose.c read every file" has "$TMP/stderr" \
	"crier: posts read from the work tree, the commit's bytes: 0; files read from git: 32 loose, 0 packed, 0 through libgit2"
check "loose: the edited post" has "$TMP/loose/2017/03/04/p3/index.html" "<p>Edited body.</p>"
check "loose: the long post's edit" has "$TMP/loose/2017/03/29/long/index.html" "The line the edit added."
check "loose: the big post whole" has "$TMP/loose/2017/04/01/big/index.html" "The end of the big post."
check "loose: the big post's every line" [ "$(grep -o aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa \
	"$TMP/loose/2017/04/01/big/index.html" | wc -l)" -eq 3000 ]

# Packed: every object in one pack, as a clone has them, deltas and all.
git -C "$R" gc -q --aggressive --prune=now
check "after gc no object is loose" test -z "$(find "$R/.git/objects" -path '*/[0-9a-f][0-9a-f]/*' -type f)"
# Each build below without the post cache, which would not read the blobs at all.
rm -rf "$TMP/.crier-cache"
crier build -C "$R" --ref HEAD -o "$TMP/packed" -v
built "packed objects: exit 0"
check "packed and loose objects give the same site" diff -r "$TMP/loose" "$TMP/packed"
# The posts (31) and site.ini, every one read by pack.c, none by libgit2.
check "packed: pack.c read every file" has "$TMP/stderr" \
	"crier: posts read from the work tree, the commit's bytes: 0; files read from git: 0 loose, 32 packed, 0 through libgit2"
# A commit after the gc, in a copy: its post is loose, the rest packed.
M=$TMP/mixed-repo
cp -r "$R" "$M"
post "$M" after.md "After the gc" "2017-04-02 10:00 +0000" "[Alerts]" "Written after the gc."
commit_all "$M" "a post after the gc"
rm -rf "$TMP/.crier-cache"
crier build -C "$M" --ref HEAD -o "$TMP/mixed" -v
built "packed and loose objects together: exit 0"
check "packed and loose together: each read where it is" has "$TMP/stderr" \
	"crier: posts read from the work tree, the commit's bytes: 0; files read from git: 1 loose, 32 packed, 0 through libgit2"
check "packed and loose together: the loose post" has "$TMP/mixed/2017/04/02/after/index.html" \
	"Written after the gc."
# pack.c reads the packed posts, deltas too.
# One of the long post's two versions is stored as a delta on the other.
long_ids=$(git -C "$R" rev-parse HEAD:posts/long.md HEAD~1:posts/long.md | paste -sd'|')
check "the pack holds the long post as a delta" \
	sh -c 'git -C "$1" verify-pack -v "$1"/.git/objects/pack/*.idx |
	    grep -Eq "^($2) blob .* [1-9][0-9]* [0-9a-f]{40}$"' - "$R" "$long_ids"
# Whichever version git stored as the delta, one of the two commits reads it.
for ref in HEAD HEAD~1; do
	rm -rf "$TMP/.crier-cache"
	crier build -C "$R" --ref $ref -o "$TMP/long-$ref" -q
	built "packed, the long post at $ref: exit 0"
done
check "packed, the long post at HEAD: edited" has "$TMP/long-HEAD/2017/03/29/long/index.html" "The line the edit added."
check "packed, the long post at HEAD~1: not yet" lacks "$TMP/long-HEAD~1/2017/03/29/long/index.html" "The line the edit added."
check "packed, the long post at HEAD~1: whole" has "$TMP/long-HEAD~1/2017/03/29/long/index.html" "Line 59 of the long post, different from every other line."

# A clone has its objects in a pack too, and gives the same site.
git clone -q "$R" "$TMP/clone"
rm -rf "$TMP/.crier-cache"
crier build -C "$TMP/clone" -o "$TMP/cloned" -q
built "a clone: exit 0"
check "a clone gives the same site" diff -r "$TMP/loose" "$TMP/cloned"

# --- The history walk over packed trees -------------------------------------
# Dates come from the history walk, which reads the posts folder's tree of
# every commit.  Packed, most trees are deltas on deltas (pack.c rebuilds
# them); the site must be the one the loose objects give, with offset
# deltas, with deltas by id, and with each commit in a pack of its own.

H=$TMP/hist
new_repo "$H"
i=0
while [ $i -lt 60 ]; do
	# No dates in the front matter: every date is the walk's.
	printf -- '---\ntitle: "Entry %s"\n---\nBody %s.\n' $i $i >"$H/posts/entry-$i.md"
	[ $i -ge 5 ] && printf 'Edited in commit %s.\n' $i >>"$H/posts/entry-$((i - 5)).md"
	commit_all "$H" "entry $i"
	i=$((i + 1))
done
git -C "$H" mv posts/entry-7.md posts/entry-seven.md
git -C "$H" rm -q posts/entry-9.md
commit_all "$H" "a rename, a removal"
crier build -C "$H" -o "$TMP/hist-loose" -q
built "history, loose: exit 0"
check "history, loose: a post's date is its first commit's" \
	has "$TMP/hist-loose/2017/07/14/entry-3/index.html" "2017-07-14"

for how in ofs ref split; do
	rm -rf "$TMP/h-$how"
	case $how in
	ofs|ref) git clone -q --no-local "$H" "$TMP/h-$how" ;;
	esac
	case $how in
	ofs) git -C "$TMP/h-$how" repack -q -a -d -f --depth=50 --window=60 ;;
	ref) git -C "$TMP/h-$how" -c repack.useDeltaBaseOffset=false repack -q -a -d -f --depth=50 --window=60 ;;
	split)
		# Fetched in three steps, each a (thin, then completed) pack of its own.
		git init -q -b main "$TMP/h-$how"
		for back in 40 20 0; do
			git -C "$H" branch -f "back$back" "main~$back"
			git -C "$TMP/h-$how" -c fetch.unpackLimit=1 fetch -q "$H" "back$back"
		done
		git -C "$TMP/h-$how" update-ref refs/heads/main FETCH_HEAD
		check "history, split: three packs" test "$(ls "$TMP/h-$how"/.git/objects/pack/*.pack | wc -l)" -eq 3 ;;
	esac
	check "history, $how: no object is loose" \
		test -z "$(find "$TMP/h-$how/.git/objects" -path '*/[0-9a-f][0-9a-f]/*' -type f)"
	crier build -C "$TMP/h-$how" -o "$TMP/hist-$how" -q
	built "history, $how: exit 0"
	check "history, $how: the same site as from loose objects" diff -r "$TMP/hist-loose" "$TMP/hist-$how"
done
check "history: the packs hold deltas by offset" \
	sh -c 'git -C "$1" verify-pack -v "$1"/.git/objects/pack/*.idx | grep -q "^[0-9a-f]* tree .* [1-9][0-9]* [0-9a-f]\{40\}$"' - "$TMP/h-ofs"

# --- A random history, against git log ------------------------------------
# 90 commits of one flat folder: posts added, edited anywhere in it, and
# removed (never added again, and never like another post, so no rename),
# with a seeded random choice.  Each post's
# date is the commit that added it and its update the last that changed
# it, as git log says; the site must say the same, loose and packed.

G=$TMP/random
new_repo "$G"
printf '[build]\nfeed_items = 1000\n' >>"$G/site.ini"
$PY - "$G" <<'RANDOM'
import os, random, subprocess, sys
repo = sys.argv[1]
rnd = random.Random(7)
live, gone, n = [], set(), 0
for c in range(90):
    for _ in range(rnd.randint(1, 6)):
        name = "p%04d.md" % rnd.randrange(2000)
        if name in live or name in gone:
            continue
        with open(os.path.join(repo, "posts", name), "w") as f:
            # Bodies of their own, so that no removal and addition look like a rename.
            f.write('---\ntitle: "%s"\n---\n' % name)
            f.write("".join("%x\n" % rnd.getrandbits(128) for _ in range(8)))
        live.append(name)
    for _ in range(rnd.randint(0, 3)):
        if live:
            with open(os.path.join(repo, "posts", rnd.choice(live)), "a") as f:
                f.write("Edit %d.\n" % c)
    if c % 7 == 6 and len(live) > 5:
        name = live.pop(rnd.randrange(len(live)))
        os.remove(os.path.join(repo, "posts", name))
        gone.add(name)
    when = "@%d +0000" % (1500000000 + c * 86400)
    env = dict(os.environ, GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    subprocess.run(["git", "-C", repo, "add", "-A"], check=True)
    subprocess.run(["git", "-C", repo, "commit", "-q", "-m", "c%d" % c], check=True, env=env)
RANDOM
# What git log says: "slug published updated" for every post.
for f in $(git -C "$G" ls-files posts); do
	slug=$(basename "$f" .md)
	added=$(git -C "$G" log --format=%at --diff-filter=A -- "$f" | tail -1)
	changed=$(git -C "$G" log -1 --format=%at -- "$f")
	echo "$slug $(date -u -d "@$added" +%Y-%m-%dT%H:%M:%SZ) $(date -u -d "@$changed" +%Y-%m-%dT%H:%M:%SZ)"
done | LC_ALL=C sort >"$TMP/random.want"
check "random history: a site of many posts" test "$(wc -l <"$TMP/random.want")" -gt 150
crier build -C "$G" -o "$TMP/random-loose" -q
built "random history, loose: exit 0"
feed_dates "$TMP/random-loose" >"$TMP/random.got"
check "random history, loose: every date as git log has it" same "$TMP/random.want" "$TMP/random.got"
git -C "$G" repack -q -a -d -f --depth=50 --window=60
crier build -C "$G" -o "$TMP/random-packed" -q
built "random history, packed: exit 0"
feed_dates "$TMP/random-packed" >"$TMP/random.got"
check "random history, packed: every date as git log has it" same "$TMP/random.want" "$TMP/random.got"

# The walk starts each diff from entries it knows in the tree of the
# commit after: some found by the diff before it after the last change,
# where the two trees end alike.  Here the commit after changes only an
# early post, and the one before it only a late one, so the second diff
# starts from those.
E=$TMP/ends
new_repo "$E"
i=0
while [ $i -lt 300 ]; do
	printf -- '---\ntitle: "E %s"\n---\nBody %s.\n' $i $i >"$E/posts/e$(printf %03d $i).md"
	i=$((i + 1))
done
commit_at "$E" "2018-01-01 00:00:00 +0000" "300 posts"
echo "Late edit." >>"$E/posts/e290.md"
commit_at "$E" "2018-02-01 00:00:00 +0000" "a late post edited"
echo "Early edit." >>"$E/posts/e005.md"
commit_at "$E" "2018-03-01 00:00:00 +0000" "an early post edited"
for how in loose packed; do
	[ $how = packed ] && git -C "$E" repack -q -a -d -f
	crier build -C "$E" -o "$TMP/ends-$how" -q
	built "early and late edits, $how: exit 0"
	check "early and late edits, $how: the late post's update" \
		has "$TMP/ends-$how/2018/01/01/e290/index.html" 'datetime="2018-02-01T00:00:00Z"'
	check "early and late edits, $how: the early post's update" \
		has "$TMP/ends-$how/2018/01/01/e005/index.html" 'datetime="2018-03-01T00:00:00Z"'
	check "early and late edits, $how: another post not updated" \
		lacks "$TMP/ends-$how/2018/01/01/e150/index.html" 'class="updated"'
done

# --- Damaged loose objects ------------------------------------------------
# Each damage is made to the blob of posts/p7.md in a fresh copy of a
# loose repository; the build must fail, name the post, and leave the
# published output as it was.

L=$TMP/loose-repo
new_repo "$L"
post "$L" p7.md "Seven" "2017-03-07 10:00 +0000" "[Alerts]" "Seven's body."
post "$L" p8.md "Eight" "2017-03-08 10:00 +0000" "[Alerts]" "Eight's body."
commit_all "$L" "two posts"
crier build -C "$L" -q
built "damage: the first build"
snapshot "$L/output" >"$TMP/before"
blob=$(git -C "$L" rev-parse HEAD:posts/p7.md)
blob7=$blob
obj=$L/.git/objects/$(echo "$blob" | cut -c1-2)/$(echo "$blob" | cut -c3-)

# damage NAME PYTHON: rewrites the loose object at $obj with the bytes the
# Python expression (of z = zlib, raw = the inflated object) gives.
damage() {
	rm -rf "$TMP/d"
	cp -r "$L" "$TMP/d"
	o=$TMP/d/${obj#"$L"/}
	chmod u+w "$o"
	python3 -c 'import sys, zlib as z
p = sys.argv[1]
raw = z.decompress(open(p, "rb").read())
data = eval(sys.argv[2])
open(p, "wb").write(data)' "$o" "$2"
	damaged_build "$1" "$L/output"
}

# damaged_build NAME OUTPUT: builds $TMP/d, whose blob of posts/p7.md is
# damaged, into OUTPUT, which must be left as $TMP/before says.
damaged_build() {
	# Another commit, so that the build is not "up to date".
	post "$TMP/d" p8.md "Eight" "2017-03-08 10:00 +0000" "[Alerts]" "Eight, again."
	commit_all "$TMP/d" "touch eight"
	# Without the post cache, which would not read the blob at all.
	rm -rf "$(dirname "$2")/.crier-cache"
	crier build -C "$TMP/d" --ref HEAD -o "$2" -q
	check "$1: exit status not 0" [ "$rc" -ne 0 ]
	check "$1: the error names the post" has "$TMP/stderr" "posts/p7.md: error: cannot read from git"
	snapshot "$2" >"$TMP/after"
	check "$1: the published output is as it was" same "$TMP/before" "$TMP/after"
}

damage "garbage for a stream" 'b"not a zlib stream at all"'
damage "a stream cut short" 'z.compress(raw)[:-9]'
damage "a bad checksum" 'z.compress(raw)[:-1] + bytes([z.compress(raw)[-1] ^ 1])'
damage "a header with the wrong size" 'z.compress(raw.replace(b" ", b" 9", 1))'
damage "a header of another type" 'z.compress(b"tree" + raw[4:])'
damage "an empty file" 'b""'

# --- Damaged packed objects -----------------------------------------------
# The same post's blob, packed, with one byte of its stream changed: in
# the zlib header, in the deflated bytes, in the checksum at its end.
# pack.c cannot read it, nor can libgit2, which says why.
P=$TMP/packed-repo
cp -r "$L" "$P"
git -C "$P" repack -q -a -d
rm -rf "$P/.crier-cache"
crier build -C "$P" -q
built "packed damage: the first build"
snapshot "$P/output" >"$TMP/before"
set -- $(git -C "$P" verify-pack -v "$P"/.git/objects/pack/*.idx | grep "^$blob ")
check "packed damage: p7.md is a whole object in the pack" [ "$2" = blob -a $# -eq 5 ]
size=$4 at=$5
for where in "the zlib header:2" "the deflated bytes:$((size / 2))" "the checksum:$((size - 1))"; do
	name=${where%:*}
	rm -rf "$TMP/d"
	cp -r "$P" "$TMP/d"
	pk=$(ls "$TMP/d"/.git/objects/pack/*.pack)
	chmod u+w "$pk"
	python3 -c 'import sys
p, at = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, "rb").read())
b[at] ^= 0x55
open(p, "wb").write(b)' "$pk" "$((at + ${where##*:}))"
	damaged_build "packed, $name damaged" "$P/output"
done

# --- Posts read from the work tree -----------------------------------------
# Without --ref, a post whose file in the work tree has the commit's bytes
# (by the SHA-1 git names a blob by) is read from there; any other is read
# from git.  Either way the site is the commit's.
C=$TMP/checkout-repo
cp -r "$R" "$C"
rm -rf "$C/.crier-cache" "$TMP/.crier-cache"
crier build -C "$C" -o "$TMP/checkout" -v
built "from the work tree: exit 0"
check "from the work tree: every post read there, site.ini from git" has "$TMP/stderr" \
	"crier: posts read from the work tree, the commit's bytes: 31; files read from git: 0 loose, 1 packed, 0 through libgit2"
check "from the work tree: the site git gives" diff -r "$TMP/loose" "$TMP/checkout"

# wt_build NAME READ: builds $C without the post cache; READ posts must
# come from the work tree and the rest from the pack, and the site must
# be the one git gives.
wt_build() {
	rm -rf "$TMP/.crier-cache" "$TMP/wt-out"
	crier build -C "$C" -o "$TMP/wt-out" -v
	built "$1: exit 0"
	check "$1: $2 posts from the work tree, $((31 - $2)) from git" has "$TMP/stderr" \
		"crier: posts read from the work tree, the commit's bytes: $2; files read from git: 0 loose, $((32 - $2)) packed, 0 through libgit2"
	check "$1: the site git gives" diff -r "$TMP/loose" "$TMP/wt-out"
}

echo "An edit not committed." >>"$C/posts/p3.md"
wt_build "an uncommitted edit" 30
check "an uncommitted edit: not published" lacks "$TMP/wt-out/2017/03/04/p3/index.html" "An edit not committed."
git -C "$C" checkout -q -- posts/p3.md

rm "$C/posts/p5.md"
wt_build "a post deleted in the work tree" 30
git -C "$C" checkout -q -- posts/p5.md

# A link to a file with the very bytes, and a FIFO, are not read.
mv "$C/posts/p6.md" "$TMP/p6-elsewhere.md"
ln -s "$TMP/p6-elsewhere.md" "$C/posts/p6.md"
mkfifo "$C/posts/p7.md.fifo"
rm "$C/posts/p7.md"
mv "$C/posts/p7.md.fifo" "$C/posts/p7.md"
# (Under timeout: a FIFO opened to be read would wait for a writer.)
_wrap=$CRIER_WRAP
CRIER_WRAP="timeout 120 $_wrap"
wt_build "a link and a FIFO in the work tree" 29
CRIER_WRAP=$_wrap
rm "$C/posts/p6.md" "$C/posts/p7.md"
git -C "$C" checkout -q -- posts/p6.md posts/p7.md

# A checkout whose bytes a filter changed: CRLF line ends.
git -C "$C" config core.autocrlf true
rm "$C"/posts/*.md
git -C "$C" checkout -q -- posts
check "autocrlf: the work tree has CRLF line ends" grep -q "$(printf '\r')" "$C/posts/p1.md"
# (cmark-gfm and libyaml read CR LF as a line end, so the counts are what tells.)
wt_build "a checkout with CRLF line ends" 0

# A crafted tree (git will not check it out) with folders ".." and ".git"
# in posts/: their posts are read from git, never through those names
# from the work tree, even where a file there has their very bytes.
D=$TMP/checkout-dotdot
new_repo "$D"
commit_all "$D" "site.ini"
good=$(printf -- '---\ntitle: Good\ndate: 2017-01-03\n---\nx\n' | git -C "$D" hash-object -w --stdin)
evil='---\ntitle: Up\ndate: 2017-01-01\n---\nx\n'
hooks='---\ntitle: Hooks\ndate: 2017-01-02\n---\nx\n'
blob=$(printf -- "$evil" | git -C "$D" hash-object -w --stdin)
blob2=$(printf -- "$hooks" | git -C "$D" hash-object -w --stdin)
inner=$(printf '100644 blob %s\tevil.md\n' "$blob" | git -C "$D" mktree)
inner2=$(printf '100644 blob %s\thooks.md\n' "$blob2" | git -C "$D" mktree)
posts=$(printf '040000 tree %s\t..\n040000 tree %s\t.git\n100644 blob %s\tgood.md\n' \
    "$inner" "$inner2" "$good" | git -C "$D" mktree)
ini=$(git -C "$D" hash-object -w "$D/site.ini")
root=$(printf '100644 blob %s\tsite.ini\n040000 tree %s\tposts\n' "$ini" "$posts" | git -C "$D" mktree)
git -C "$D" update-ref refs/heads/main "$(echo crafted | git -C "$D" commit-tree "$root")"
printf -- '---\ntitle: Good\ndate: 2017-01-03\n---\nx\n' >"$D/posts/good.md"
printf -- "$evil" >"$D/evil.md"
mkdir -p "$D/posts/.git"
printf -- "$hooks" >"$D/posts/.git/hooks.md"
rm -rf "$TMP/.crier-cache"
crier build -C "$D" -o "$TMP/dotdot-out" -q -v
built "a tree with .. and .git folders: exit 0"
check "a tree with .. and .git folders: only good.md read from the work tree" has "$TMP/stderr" \
	"crier: posts read from the work tree, the commit's bytes: 1; files read from git: 3 loose, 0 packed, 0 through libgit2"
check "a tree with .. and .git folders: every post published" \
	test -f "$TMP/dotdot-out/2017/01/01/evil/index.html" -a -f "$TMP/dotdot-out/2017/01/02/hooks/index.html"

# A damaged object whose post the work tree holds as committed: the build
# reads the work tree's bytes, which are the commit's, and succeeds; with
# --ref it reads the object, and the damage is an error.
K=$TMP/checkout-damaged
cp -r "$L" "$K"
kobj=$K/.git/objects/$(echo "$blob7" | cut -c1-2)/$(echo "$blob7" | cut -c3-)
chmod u+w "$kobj"
printf 'not a zlib stream' >"$kobj"
post "$K" p8.md "Eight" "2017-03-08 10:00 +0000" "[Alerts]" "Eight, once more."
commit_all "$K" "touch eight"
rm -rf "$TMP/.crier-cache"
crier build -C "$K" -o "$TMP/damaged-wt" -q
built "a damaged object, its post in the work tree: exit 0"
check "a damaged object, its post in the work tree: the post" has "$TMP/damaged-wt/2017/03/07/p7/index.html" "<p>Seven’s body.</p>"
rm -rf "$TMP/.crier-cache"
crier build -C "$K" --ref HEAD -o "$TMP/damaged-ref" -q
check "a damaged object, --ref: exit status not 0" [ "$rc" -ne 0 ]
check "a damaged object, --ref: the error names the post" has "$TMP/stderr" "posts/p7.md: error: cannot read from git"

# A folder of the path that is a link in the work tree (to a copy with
# the very bytes): the post is read from git.  Posts in a real subfolder
# are read from the work tree.
S=$TMP/checkout-sub
new_repo "$S"
mkdir -p "$S/posts/real" "$S/posts/linked"
post "$S" real/a.md "A" "2017-05-01 10:00 +0000" "[Alerts]" "In a real folder."
post "$S" linked/b.md "B" "2017-05-02 10:00 +0000" "[Alerts]" "Behind a link."
commit_all "$S" "two folders"
mv "$S/posts/linked" "$TMP/linked-elsewhere"
ln -s "$TMP/linked-elsewhere" "$S/posts/linked"
rm -rf "$TMP/.crier-cache"
crier build -C "$S" -o "$TMP/sub-out" -q -v
built "a linked folder in the work tree: exit 0"
check "a linked folder in the work tree: its post read from git" has "$TMP/stderr" \
	"crier: posts read from the work tree, the commit's bytes: 1; files read from git: 2 loose, 0 packed, 0 through libgit2"
check "a linked folder in the work tree: its post published" has "$TMP/sub-out/2017/05/02/b/index.html" "Behind a link."

done_testing
