#!/usr/bin/env bash
# The one command that runs every test tier that can run on this machine.
# It prepares what the tests need (a JDK >= 21, the Kubernetes binaries of the
# real control plane and the kind node image, cached outside the repo), then
# runs the Maven build, whose last module is the kind tier.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/java-home.sh
echo "test.sh: JAVA_HOME=$JAVA_HOME"
# The real control plane (kube-apiserver, etcd, ...) is built from Go modules
# into a cache outside the repo; a warm cache makes this a no-op.
if [ -x e2e/controlplane/build.sh ]; then e2e/controlplane/build.sh; fi
# Tier 5 (e2e/kind) runs on a kind node image built here the same way (needs root, podman, Go).
if [ -x e2e/kind/node/build.sh ]; then
  node_started=$(date +%s)
  e2e/kind/node/build.sh
  echo "test.sh: kind node image ready after $(( $(date +%s) - node_started )) s"
fi
exec ./mvnw -B -ntp verify "$@"
