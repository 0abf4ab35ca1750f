# icscheck.py FILE: reads the iCalendar file FILE with python3-icalendar
# and prints what a calendar application would take from it, one line a
# property, so that a test can compare it with what it expects:
#
#   CALENDAR NAME=<X-WR-CALNAME>
#   EVENT UID=<UID>
#   SUMMARY=<SUMMARY>
#   DTSTART=<YYYY-MM-DDTHH:MM:SSZ, in UTC>
#   DTEND=<same>
#   URL=<URL>
#   DESCRIPTION=<the first line of DESCRIPTION, at most 60 characters>
#   LAST-MODIFIED=<in UTC>
#   CATEGORIES=<the plain names, comma-separated>
#   STATUS=<STATUS>
#
# Events are printed in UID order; text is printed as UTF-8, with a
# backslash in it doubled and a line end as "\n" (DESCRIPTION: its first
# line only, as it is).  It also checks what RFC 5545 asks of the bytes,
# which the parser is lenient about: every line ends with CR LF, no line
# is longer than 75 octets, and a folded line is not cut inside a UTF-8
# sequence.  It prints every problem to stderr and exits 1 if there was
# one.
import sys
from datetime import date, datetime, timezone

import icalendar

out = open(sys.stdout.fileno(), "w", encoding="utf-8", newline="\n", closefd=False)
problems = []


def problem(msg):
    problems.append(msg)


path = sys.argv[1]
with open(path, "rb") as f:
    raw = f.read()

if not raw.endswith(b"\r\n"):
    problem("the file does not end with CR LF")
lines = raw.split(b"\r\n")
if lines and lines[-1] == b"":
    lines.pop()
for n, line in enumerate(lines, 1):
    if b"\n" in line or b"\r" in line:
        problem("line %d: a bare LF or CR: %r" % (n, line[:80]))
    if len(line) > 75:
        problem("line %d: %d octets, more than 75: %r" % (n, len(line), line[:80]))
# Folding must not cut a UTF-8 sequence: each physical line decodes alone.
for n, line in enumerate(lines, 1):
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as e:
        problem("line %d: not UTF-8 on its own (a fold inside a character?): %s" % (n, e))

try:
    cal = icalendar.Calendar.from_ical(raw)
except Exception as e:  # the parser's own words are the report
    problem("python3-icalendar cannot parse it: %r" % (e,))
    cal = None

if cal is not None:
    errs = [(c.name, c.errors) for c in cal.walk() if c.errors]
    if errs:
        problem("python3-icalendar reports errors: %r" % (errs,))
    if cal.name != "VCALENDAR":
        problem("the top component is %s, not VCALENDAR" % cal.name)


def utc(comp, key):
    if key not in comp:
        return "(none)"
    v = comp.decoded(key)
    if isinstance(v, datetime):
        if v.tzinfo is None:
            problem("%s %s is a floating time, not UTC" % (comp.get("UID"), key))
            return v.strftime("%Y-%m-%dT%H:%M:%S(floating)")
        return v.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(v, date):
        return v.strftime("%Y-%m-%d(date)")
    return repr(v)


def text(comp, key):
    if key not in comp:
        return "(none)"
    return str(comp[key]).replace("\\", "\\\\").replace("\n", "\\n")


def categories(ev):
    cats = ev.get("CATEGORIES")
    if cats is None:
        return "(none)"
    if not isinstance(cats, list):
        cats = [cats]
    # python3-icalendar 4.0 splits CATEGORIES at every ',', even an
    # escaped one: only the names it reads as one are printed.
    return ",".join(str(c.cats[0]) for c in cats if len(c.cats) == 1)


if cal is not None:
    out.write("CALENDAR NAME=%s\n" % text(cal, "X-WR-CALNAME"))
    events = sorted(cal.walk("VEVENT"), key=lambda e: str(e.get("UID")))
    for ev in events:
        desc = str(ev.get("DESCRIPTION", "(none)")).split("\n")[0][:60]
        out.write("EVENT UID=%s\n" % text(ev, "UID"))
        out.write("SUMMARY=%s\n" % text(ev, "SUMMARY"))
        out.write("DTSTART=%s\n" % utc(ev, "DTSTART"))
        out.write("DTEND=%s\n" % utc(ev, "DTEND"))
        out.write("URL=%s\n" % text(ev, "URL"))
        out.write("DESCRIPTION=%s\n" % desc)
        out.write("LAST-MODIFIED=%s\n" % utc(ev, "LAST-MODIFIED"))
        out.write("CATEGORIES=%s\n" % categories(ev))
        out.write("STATUS=%s\n" % text(ev, "STATUS"))
out.flush()
for p in problems:
    sys.stderr.write("icscheck: %s: %s\n" % (path, p))
sys.exit(1 if problems else 0)
