#!/bin/sh
# Unit tests of dates, slugs, permalinks, site.ini and front matter.
export TZ=UTC LC_ALL=C
exec $CRIER_WRAP "$TESTBIN/unit"
