#!/bin/sh
# Publishing safely: a killed build leaves the published output exactly as
# it was, a second build of the same output stops at the lock, and a lock
# left by a dead process is taken over.
. "$(dirname "$0")/lib.sh"

R=$TMP/site
new_repo "$R"
i=0
while [ $i -lt 400 ]; do
	d=$(printf '2019-%02d-%02d' $((i % 12 + 1)) $((i % 28 + 1)))
	post "$R" "$d-post-$i.md" "Post $i" "$d 10:$((i % 60 / 10))$((i % 10)) +0000" "[Cat$((i % 7))]" \
		"$(printf 'Paragraph %s.\n\n- a\n- b\n\n| x | y |\n|---|---|\n| 1 | 2 |\n' "$i")"
	i=$((i + 1))
done
commit_all "$R" "400 posts"
crier build -C "$R" -o "$TMP/out" -q
check "the first build: exit 0" [ "$rc" -eq 0 ]
cp -a "$TMP/out" "$TMP/published"

# A second commit that changes every post, so a build has much to write.
sed -i 's/^Paragraph/Changed paragraph/' "$R"/posts/*.md
commit_all "$R" "every post edited"

# What a whole build of the new commit publishes, to tell it from a mix.
crier build -C "$R" -o "$TMP/newsite" -q
rm -f "$TMP/newsite/.crier-manifest"

# Kill builds at many moments; the output must stay the published one.
killed=0
for delay in 0 0.005 0.01 0.02 0.03 0.05 0.08 0.1 0.15 0.2 0.3 0.4 0.6; do
	$CRIER_WRAP "$CRIER" build -C "$R" -o "$TMP/out" -q -j1 >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
	wait "$pid" 2>/dev/null
	if ! diff -r "$TMP/published" "$TMP/out" >"$TMP/diff" 2>&1; then
		# A build that got as far as publishing published the new site whole.
		if diff -r -x .crier-manifest "$TMP/newsite" "$TMP/out" >/dev/null 2>&1; then
			ok "killed after ${delay}s: the new site was published whole"
			cp -a "$TMP/out" "$TMP/now" && rm -rf "$TMP/published" && mv "$TMP/now" "$TMP/published"
			continue
		fi
		not_ok "killed after ${delay}s: the output is neither the old site nor the new" "$(head -20 "$TMP/diff")"
		continue
	fi
	ok "killed after ${delay}s: the published output is exactly as it was"
done
check "at least some builds were killed while running" [ "$killed" -gt 3 ]

crier build -C "$R" -o "$TMP/out" -q
check "after the kills a build works: exit 0" [ "$rc" -eq 0 ]
check "after the kills a build works: the new site is published" has "$TMP/out/index.html" "Changed paragraph"
check "no staging debris is left" sh -c '! ls -A "$1" | grep -v "^.crier-cache$" | grep -q "crier-"' - "$TMP"
crier build -C "$R" -o "$TMP/fresh" -q
check "and it equals a build into a fresh folder" diff -r "$TMP/out" "$TMP/fresh"

# The lock: held by another process, a build stops at once and names it.
/usr/bin/python3 - "$TMP/.out.crier-lock" "$TMP/locked" <<'PY' &
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.lockf(fd, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(30)
PY
holder=$!
n=0
while [ ! -e "$TMP/locked" ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
crier build -C "$R" -o "$TMP/out"
check "locked: exit 1" [ "$rc" -eq 1 ]
check "locked: names the process and the lock" has "$TMP/stderr" \
	"$TMP/out: error: another crier (process $holder) is building this output; it holds the lock $TMP/.out.crier-lock"
check "locked: the output is untouched" diff -r "$TMP/fresh" "$TMP/out"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

# A lock file left by a dead process is no lock at all.
echo 99999 >"$TMP/.out.crier-lock"
crier build -C "$R" -o "$TMP/out" -q
check "a stale lock is taken over: exit 0" [ "$rc" -eq 0 ]
check "a stale lock is taken over: and removed" test ! -e "$TMP/.out.crier-lock"

# A stage left by a killed build does not break the next build.
mkdir -p "$TMP/.out.crier-stage/junk"
echo junk >"$TMP/.out.crier-stage/junk/x.html"
crier build -C "$R" -o "$TMP/out" -q
check "an old stage: exit 0" [ "$rc" -eq 0 ]
check "an old stage: its files are not published" test ! -e "$TMP/out/junk/x.html"
check "an old stage: is cleared" test ! -e "$TMP/.out.crier-stage"

# A file put into the output by hand is never removed without --force.
crier build -C "$R" -o "$TMP/own" -q
echo "alerts.example.com" >"$TMP/own/CNAME"
mkdir -p "$TMP/own/extra" && echo x >"$TMP/own/extra/note.txt"
post "$R" 2019-12-31-last.md "Last" "2019-12-31 10:00 +0000" "[Cat1]"
commit_all "$R" "one more post"
crier build -C "$R" -o "$TMP/own"
check "a file put into the output: exit 1" [ "$rc" -eq 1 ]
check "a file put into the output: named" has "$TMP/stderr" \
	"$TMP/own: error: holds 2 files crier did not write (CNAME, extra/note.txt), and crier only removes files it wrote"
check "a file put into the output: kept" test -f "$TMP/own/CNAME"
check "a file put into the output: the site is as it was" test ! -e "$TMP/own/2019/12/31/last/index.html"
crier build -C "$R" -o "$TMP/own" --force -q
check "--force: replaces the output" test -f "$TMP/own/2019/12/31/last/index.html"
check "--force: the file crier did not write is gone" test ! -e "$TMP/own/CNAME"

done_testing
