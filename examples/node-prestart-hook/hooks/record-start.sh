#!/bin/sh
# OCI prestart hook shipped by the node-prestart-hook plugin: records that a container started.
#
#   usage: record-start.sh <marker-file>
#
# The runtime (runc) runs it after the container's namespaces exist and before its process
# starts, with the container's OCI state JSON on stdin:
#   {"ociVersion":"1.0.2","id":"<id>","status":"creating","pid":1234,"bundle":"/path/to/bundle",...}
# It appends "started <id>" to <marker-file>; a relative <marker-file> is taken inside the
# container's bundle directory. A non-zero exit makes the runtime abort the start.
set -eu

marker="${1:?usage: record-start.sh <marker-file>}"
state=$(cat)

# One string field of the (single-line) state JSON. No jq: hooks run on minimal hosts.
field() {
  printf '%s' "$state" | sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p"
}

id=$(field id)
bundle=$(field bundle)
if [ -z "$id" ]; then
  echo "record-start: no container id in the OCI state on stdin" >&2
  exit 1
fi
case "$marker" in
  /*) ;;
  *)
    if [ -z "$bundle" ]; then
      echo "record-start: marker \"$marker\" is relative but the OCI state has no bundle" >&2
      exit 1
    fi
    marker="$bundle/$marker"
    ;;
esac

printf 'started %s\n' "$id" >> "$marker"
