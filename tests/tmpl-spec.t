#!/bin/sh
# The official Mustache spec, read from ../shared/mustache-spec.
export TZ=UTC LC_ALL=C
root=$(cd "$(dirname "$0")/.." && pwd)
exec $CRIER_WRAP "$TESTBIN/tmpl_spec" "${SHARED:-$root/../shared}/mustache-spec"
