#!/usr/bin/env bash
# The one command that runs every test tier that can run on this machine.
# It prepares what the tests need (a JDK >= 21, the Kubernetes binaries of the
# real control plane, cached outside the repo), then runs the Maven build.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/java-home.sh
echo "test.sh: JAVA_HOME=$JAVA_HOME"
# The real control plane (kube-apiserver, etcd, ...) is built from Go modules
# into a cache outside the repo; a warm cache makes this a no-op.
if [ -x e2e/controlplane/build.sh ]; then e2e/controlplane/build.sh; fi
exec ./mvnw -B -ntp verify "$@"
