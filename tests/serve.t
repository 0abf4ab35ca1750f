#!/bin/sh
# crier serve: started on a free port, pages and feeds fetched over HTTP
# with their content types, a change of the work tree served, a build
# error shown while the last good build stays up, and Ctrl-C cleaning up.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
# How long to wait for a rebuild; valgrind is slow.
if [ -n "$CRIER_WRAP" ]; then LIMIT=300; else LIMIT=100; fi	# tenths of a second

SPID=
stop_server() {
	if [ -n "$SPID" ]; then kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; SPID=; fi
}
trap 'stop_server; rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP

cat >"$TMP/fetch.py" <<'EOF'
# fetch.py PORT METHOD PATH OUT: one request, not following redirects;
# OUT.head gets the status, Content-Type and Location, OUT.body the body.
import http.client, sys
port, method, path, out = sys.argv[1:5]
c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)
c.request(method, path)
r = c.getresponse()
body = r.read()
with open(out + ".body", "wb") as f:
    f.write(body)
with open(out + ".head", "w") as f:
    f.write("%d\n%s\n%s\n" % (r.status, r.getheader("Content-Type", ""), r.getheader("Location", "")))
EOF
cat >"$TMP/events.py" <<'EOF'
# events.py PORT SINCE OUT: reads the event stream until its first event,
# written to OUT with the Content-Type on the first line.
import http.client, sys
port, since, out = sys.argv[1:4]
c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)
c.request("GET", "/__crier/events?since=" + since)
r = c.getresponse()
lines = [r.getheader("Content-Type", "")]
while True:
    line = r.fp.readline().decode("utf-8")
    if line == "":
        break
    lines.append(line.rstrip("\n"))
    if line == "\n" and any(l.startswith("event: ") for l in lines):
        break
with open(out, "w") as f:
    f.write("\n".join(lines) + "\n")
EOF

# get PATH [METHOD]: fetches PATH into $TMP/r.head and $TMP/r.body.
get() { $PY "$TMP/fetch.py" "$PORT" "${2:-GET}" "$1" "$TMP/r"; }
status() { sed -n 1p "$TMP/r.head"; }
ctype() { sed -n 2p "$TMP/r.head"; }
location() { sed -n 3p "$TMP/r.head"; }
# is WHAT WANT GOT: fails, saying what it got, unless WANT = GOT.
is() { [ "$2" = "$3" ] || { echo "$1: want \"$2\", got \"$3\""; return 1; }; }
# until_has PATH TEXT: fetches PATH until its body holds TEXT, for a while.
until_has() {
	_i=0
	while [ "$_i" -lt "$LIMIT" ]; do
		get "$1" 2>/dev/null && grep -qF -- "$2" "$TMP/r.body" && return 0
		sleep 0.1; _i=$((_i + 1))
	done
	echo "$1 never held \"$2\"; the server said:"; cat "$TMP/serve.err"
	return 1
}

R=$TMP/site
new_repo "$R"
printf '[build]\ntheme = mine\n' >>"$R/site.ini"
mkdir -p "$R/themes"
cp -R "$ROOT/themes/default" "$R/themes/mine"
printf '<!DOCTYPE html>\n<html><body><p>Custom missing page</p></body></html>\n' \
	>"$R/themes/mine/static/404.html"
post "$R" 2017-09-08-irma.md "Irma" "2017-09-08 23:02 -0400" "[Alerts]"
post "$R" 2013-07-18-balancer.md "Balancer" "2013-07-18 17:46 -0400" "[Alerts]"
post "$R" 2010-05-05-old.md "Old window" "2010-05-05 10:00 +0000" "[Maintenance]"
commit_all "$R" "three posts"

mkdir -p "$TMP/stmp"
TMPDIR=$TMP/stmp $CRIER_WRAP "$CRIER" serve --port 0 -C "$R" >"$TMP/serve.out" 2>"$TMP/serve.err" &
SPID=$!
PORT=
i=0
while [ "$i" -lt "$LIMIT" ] && [ -z "$PORT" ]; do
	PORT=$(sed -n 's|^Serving http://127\.0\.0\.1:\([0-9][0-9]*\)/ (Ctrl-C to stop)$|\1|p' "$TMP/serve.out" 2>/dev/null)
	[ -n "$PORT" ] || sleep 0.1
	i=$((i + 1))
done
if [ -z "$PORT" ]; then
	not_ok "serve: says where it serves" "$(cat "$TMP/serve.out" "$TMP/serve.err")"
	done_testing
	exit 1
fi
ok "serve --port 0: a free port, and says so"
# Only serve needs libmicrohttpd (and the gnutls it brings): loaded then,
# it is not among the libraries every crier starts with.
if command -v readelf >/dev/null 2>&1; then
	check "libmicrohttpd: loaded by serve, not linked" sh -c \
	    "readelf -d '$CRIER' | grep NEEDED | grep -qv libmicrohttpd && ! readelf -d '$CRIER' | grep -q 'NEEDED.*libmicrohttpd'"
else
	ok "libmicrohttpd: loaded by serve, not linked # SKIP no readelf"
fi

get /
check "home: 200" is status 200 "$(status)"
check "home: text/html; charset=utf-8" is type "text/html; charset=utf-8" "$(ctype)"
check "home: the site's page" has "$TMP/r.body" "<title>Test Site</title>"
check "home: the reload script, before </body>" in_order "$TMP/r.body" "/__crier/events?since=" "</body>"
get /2017/09/08/irma/
check "a post page: 200" is status 200 "$(status)"
check "a post page: HTML" is type "text/html; charset=utf-8" "$(ctype)"
check "a post page: its title" has "$TMP/r.body" "<title>Irma – Test Site</title>"
get /2017/09/08/irma/index.html
check "index.html by name: 200" is status 200 "$(status)"
get /2017/09/08/irma
check "a folder without its slash: redirected" is status 302 "$(status)"
check "a folder without its slash: to the folder" is location "/2017/09/08/irma/" "$(location)"
get /atom.xml
check "Atom feed: 200" is status 200 "$(status)"
check "Atom feed: application/atom+xml" is type "application/atom+xml" "$(ctype)"
check "Atom feed: the feed, untouched" has "$TMP/r.body" '<feed xmlns="http://www.w3.org/2005/Atom"'
check "Atom feed: no script in it" lacks "$TMP/r.body" "__crier"
get /rss.xml
check "RSS feed: 200" is status 200 "$(status)"
check "RSS feed: application/rss+xml" is type "application/rss+xml" "$(ctype)"
get /category/alerts/atom.xml
check "a category's Atom feed: application/atom+xml" is type "application/atom+xml" "$(ctype)"
get /style.css
check "CSS: text/css" is type "text/css; charset=utf-8" "$(ctype)"
get /nope/
check "a missing page: 404" is status 404 "$(status)"
check "a missing page: HTML" is type "text/html; charset=utf-8" "$(ctype)"
check "a missing page: the site's 404.html" has "$TMP/r.body" "Custom missing page"
check "a missing page: with the reload script" has "$TMP/r.body" "/__crier/events"
get /../site.ini
check "/../site.ini: 404" is status 404 "$(status)"
check "/../site.ini: not the file" lacks "$TMP/r.body" "[site]"
get /%2e%2e/site.ini
check "/%2e%2e/site.ini: 404" is status 404 "$(status)"
get /.crier-manifest
check "hidden files: 404" is status 404 "$(status)"
get / POST
check "POST: 405" is status 405 "$(status)"
$PY "$TMP/events.py" "$PORT" "0-older" "$TMP/ev"
check "event stream: text/event-stream" is type "text/event-stream" "$(sed -n 1p "$TMP/ev")"
check "event stream: a page of another build is told to reload" has_line "$TMP/ev" "event: reload"

# --- A change of the work tree, not committed ------------------------------------

post "$R" 2017-09-08-irma.md "Irma, updated" "2017-09-08 23:02 -0400" "[Alerts]"
post "$R" 2018-01-01-fresh.md "Fresh post" "2018-01-01 10:00 +0000" "[Alerts]"
check "an edited post is served again, changed" until_has /2017/09/08/irma/ "<title>Irma, updated – Test Site</title>"
check "an uncommitted new post is served" until_has / "Fresh post"
check "the rebuild is told in the terminal" has "$TMP/serve.err" "crier: a change in the work tree; rebuilding"
# A rebuild publishes into the folder served before, writing only what
# changed: after an edit of a post's body, the page of a post the edit
# does not touch (not a neighbour, not on a list with it), and the style
# sheet, are the very files served before.  (That pages are kept without
# being rendered again, cache.t checks with -v.)
# inode PATH: the inode of the served build's file PATH, or "none".
inode() { stat -c %i "$TMP"/stmp/crier-serve.*/site/"$1" 2>/dev/null || echo none; }
old_page=$(inode 2010/05/05/old/index.html)
old_css=$(inode style.css)
post "$R" 2017-09-08-irma.md "Irma, updated" "2017-09-08 23:02 -0400" "[Alerts]" "A body, edited."
check "an edited body is served" until_has /2017/09/08/irma/ "A body, edited."
check "a rebuild: an untouched post's page is the very file served before" \
    is inode "$old_page" "$(inode 2010/05/05/old/index.html)"
check "a rebuild: the style sheet is the very file served before" is inode "$old_css" "$(inode style.css)"
check "a rebuild: the first build was served from that folder" [ "$old_page" != none ]

# --- A build error ----------------------------------------------------------------

get /
since=$(sed -n 's|.*/__crier/events?since=\([0-9a-f-]*\)".*|\1|p' "$TMP/r.body")
printf -- '---\ndate: 2020-01-01\n---\nNo title.\n' >"$R/posts/2020-01-01-bad.md"
check "a build error: shown in the browser" until_has /__crier/error \
	"posts/2020-01-01-bad.md:1: error: missing title"
check "a build error: shown in the terminal" has "$TMP/serve.err" \
	"posts/2020-01-01-bad.md:1: error: missing title"
check "a build error: the terminal says the last good build stays" has "$TMP/serve.err" \
	"crier: the build failed; still serving the last good build"
get /
check "a build error: the last good build is still served" is status 200 "$(status)"
check "a build error: with its content" has "$TMP/r.body" "Fresh post"
$PY "$TMP/events.py" "$PORT" "$since" "$TMP/ev"
check "a build error: the event stream carries it" has_line "$TMP/ev" "event: build-error"
check "a build error: with the message" has "$TMP/ev" "data: posts/2020-01-01-bad.md:1: error: missing title"
get /__crier/error
gsince=$(sed -n 's|.*/__crier/events?since=\(g[0-9a-f-]*\)".*|\1|p' "$TMP/r.body")
rm "$R/posts/2020-01-01-bad.md"
check "fixed: the error page says so" until_has /__crier/error "The last build succeeded."
$PY "$TMP/events.py" "$PORT" "$gsince" "$TMP/ev"
check "fixed: an error page open in a browser is told to reload" has_line "$TMP/ev" "event: reload"

# --- A commit ---------------------------------------------------------------------

commit_all "$R" "commit the preview"
check "after a commit: still served" until_has / "Fresh post"

# --- Ctrl-C -------------------------------------------------------------------------

kill -INT "$SPID"
i=0
while [ "$i" -lt "$LIMIT" ] && kill -0 "$SPID" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$SPID" 2>/dev/null; then
	not_ok "SIGINT: the server stops" "still running after SIGINT"
else
	src=0
	wait "$SPID" || src=$?
	SPID=
	check "SIGINT: the server stops, exit 0" is status 0 "$src"
fi
check "SIGINT: says it stops" has "$TMP/serve.err" "crier: stopping"
check "SIGINT: the temporary folders are removed" is "left in TMPDIR" "" "$(ls -A "$TMP/stmp")"

# --- Mistakes -------------------------------------------------------------------------

crier serve --port 70000 -C "$R"
check "--port 70000: exit 2" [ "$rc" -eq 2 ]
mkdir -p "$TMP/norepo"
crier serve --port 0 -C "$TMP/norepo"
check "outside a repository: exit 1" [ "$rc" -eq 1 ]

done_testing
