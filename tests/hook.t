#!/bin/sh
# The post-receive hook in tools/ builds a pushed branch of a bare
# repository straight into a web root, without a checkout.
. "$(dirname "$0")/lib.sh"

R=$TMP/work
new_repo "$R"
post "$R" 2020-01-01-a.md "First alert" "2020-01-01 10:00 +0000" "[Alerts]"
commit_all "$R" "first"
git init -q --bare "$TMP/server.git"
cp "$ROOT/tools/post-receive" "$TMP/server.git/hooks/post-receive"
git -C "$TMP/server.git" config crier.webroot "$TMP/www"
# The hook runs crier from PATH, or $CRIER.
export CRIER

git -C "$R" push -q "$TMP/server.git" main 2>"$TMP/push.err"
check "push: the site is published" test -f "$TMP/www/2020/01/01/a/index.html"
check "push: the hook said so" has "$TMP/push.err" "crier: publishing refs/heads/main"
check "push: no checkout was made" test ! -e "$TMP/server.git/posts"

post "$R" 2020-02-02-b.md "Second alert" "2020-02-02 10:00 +0000" "[Alerts]"
commit_all "$R" "second"
git -C "$R" push -q "$TMP/server.git" main 2>"$TMP/push.err"
check "second push: the new post is published" test -f "$TMP/www/2020/02/02/b/index.html"
check "second push: and listed" has "$TMP/www/index.html" "Second alert"

# A broken post: the push lands, the build fails, the site stays as it was.
printf -- '---\ndate: 2020-03-03\n---\nno title\n' >"$R/posts/2020-03-03-c.md"
commit_all "$R" "broken"
cp -a "$TMP/www" "$TMP/before"
git -C "$R" push -q "$TMP/server.git" main 2>"$TMP/push.err"
check "broken push: the error is shown to the pusher" has "$TMP/push.err" \
	"posts/2020-03-03-c.md:1: error: missing title"
check "broken push: the published site is as it was" diff -r "$TMP/before" "$TMP/www"

# Another branch is not published.
git -C "$R" checkout -q -b draft
post "$R" 2020-04-04-d.md "Draft branch" "2020-04-04 10:00 +0000" "[Alerts]"
rm -f "$R/posts/2020-03-03-c.md"
commit_all "$R" "on a branch"
git -C "$R" push -q "$TMP/server.git" draft 2>"$TMP/push.err"
check "another branch: not published" test ! -e "$TMP/www/2020/04/04/d/index.html"

done_testing
