#!/bin/sh
# Unit tests of the JSON Feed (parsed back with jansson) and the sitemap
# (validated against the sitemaps.org schema).
export TZ=UTC LC_ALL=C
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared}
export SHARED
exec $CRIER_WRAP "$TESTBIN/jsonfeed"
