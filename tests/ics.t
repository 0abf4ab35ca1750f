#!/bin/sh
# Unit tests of html_text and of the iCalendar calendar (tests/ics.c), then
# its sample calendar read by another parser, python3-icalendar, if it is
# installed.  One TAP stream: the plan comes last.
export TZ=UTC LC_ALL=C
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

$CRIER_WRAP "$TESTBIN/ics" >"$tmp/tap"
rc=$?
grep -v '^1\.\.' "$tmp/tap"
n=$(grep -c '^\(not \)\{0,1\}ok ' "$tmp/tap")
# A crash, or an error valgrind found, shows only in the status.
n=$((n + 1))
if [ "$rc" -eq 0 ]; then
	echo "ok $n - tests/ics exits with status 0"
else
	echo "not ok $n - tests/ics exits with status $rc"
fi

n=$((n + 1))
if ! /usr/bin/python3 -c 'import icalendar' 2>/dev/null; then
	echo "ok $n # skip python3-icalendar is not installed"
elif ! "$TESTBIN/ics" "$tmp/sample.ics"; then
	echo "not ok $n - tests/ics writes its sample calendar"
else
	/usr/bin/python3 - "$tmp/sample.ics" "$n" >"$tmp/py" 2>&1 <<'EOF'
import sys
from datetime import datetime, timezone

import icalendar

path, n = sys.argv[1], int(sys.argv[2])


def check(ok, what, detail=""):
    global n
    print("%s %d - python3-icalendar: %s" % ("ok" if ok else "not ok", n, what))
    if not ok and detail:
        print("# " + ascii(detail))
    n += 1


def utc(*a):
    return datetime(*a, tzinfo=timezone.utc)


E, EURO, SMILE = "\u00e9", "\u20ac", "\U0001f600"
DESC1 = ("Impact\n\nThe primary database will be read-only: writes; reads, all fine.\n"
         + E * 20 + EURO * 14 + SMILE * 10 + "a" + SMILE * 5 + "aa" + SMILE * 5
         + "aaa" + EURO * 7)
events = [
    ("20170908-db@status.example.com",
     'Database upgrade, phase 1; "quoted" \\ backslash\nsecond line',
     utc(2017, 9, 8, 23, 2), utc(2017, 9, 9, 1, 30), DESC1),
    ("id, with; odd \\ characters",
     "Wartung: Gr\u00f6\u00dfen\u00e4nderung \u2014 " + "\u6771\u4eac" * 6 + " " + SMILE,
     utc(2017, 9, 9, 10), None, None),
    ("20170910-ctl@status.example.com", "tab\there\nCR LF\nCR",
     utc(2030, 1, 1), utc(2030, 1, 1, 0, 0, 1), None),
]

try:
    with open(path, "rb") as f:
        cal = icalendar.Calendar.from_ical(f.read())
except Exception as e:
    check(False, "parses the calendar", repr(e))
    print("count %d" % n)
    sys.exit(0)
check(not [c.errors for c in cal.walk() if c.errors], "parses the calendar without errors")
check(str(cal.get("X-WR-CALNAME")) == "Status, Inc.; \\ Maintenance", "X-WR-CALNAME",
      cal.get("X-WR-CALNAME"))
check(str(cal.get("X-WR-CALDESC")) == "Line one\nLine two, with a comma; and a semicolon",
      "X-WR-CALDESC", cal.get("X-WR-CALDESC"))
vevents = cal.walk("VEVENT")
check(len(vevents) == len(events), "three events")
for i, (ev, (uid, summary, start, end, desc)) in enumerate(zip(vevents, events), 1):
    check(str(ev.get("UID")) == uid, "event %d: UID" % i, ev.get("UID"))
    check(str(ev.get("SUMMARY")) == summary, "event %d: SUMMARY" % i, ev.get("SUMMARY"))
    check(ev.decoded("DTSTART") == start, "event %d: DTSTART" % i, ev.decoded("DTSTART"))
    check((ev.decoded("DTEND") if "DTEND" in ev else None) == end, "event %d: DTEND" % i)
    check((str(ev["DESCRIPTION"]) if "DESCRIPTION" in ev else None) == desc,
          "event %d: DESCRIPTION" % i, ev.get("DESCRIPTION"))
# python3-icalendar 4.0 splits CATEGORIES at every ',', even an escaped
# one, so only the plain names are compared.
cats = vevents[0].get("CATEGORIES") if vevents else None
names = [str(c.cats[0]) for c in cats or [] if len(c.cats) == 1]
check(names == ["Database", "Net" + E], "event 1: CATEGORIES, one a property", names)
print("count %d" % n)
EOF
	grep -v '^count ' "$tmp/py"
	last=$(sed -n 's/^count //p' "$tmp/py")
	if [ -n "$last" ]; then
		n=$((last - 1))
	else
		echo "not ok $n - python3-icalendar: the check ran"
	fi
fi
echo "1..$n"
