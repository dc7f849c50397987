#!/usr/bin/env bash
# The local demo, no cluster needed (see demo/run.sh): an example app on a Unix domain socket,
# the udsproxy sidecar in front of it, load over TCP through the sidecar and straight at the app.
exec "$(dirname "$0")/demo/run.sh" "$@"
