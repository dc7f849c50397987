#!/usr/bin/env bash
# Builds the binaries of the real control plane used by the tests, from the Go
# module proxy, into a cache outside the repo (nothing built is committed):
#
#   ~/.cache/udsproxy/k8s-v1.34.4/bin/{etcd,kube-apiserver,kube-controller-manager,
#                                      kube-scheduler,kubectl,helm,kind}
#
#   build.sh                        # the control plane above
#   build.sh kubelet kubeadm kube-proxy   # also these (the kind node image, e2e/kind/node/build.sh)
#
# A binary is rebuilt only when its stamp file is missing or names another
# recipe, so an interrupted build resumes where it stopped and a warm cache
# costs a few milliseconds. Override the cache root with UDSPROXY_CACHE, the
# parallelism of the Go build with UDSPROXY_GO_P (default 2).
set -euo pipefail

K8S_VERSION=v1.34.4
STAGING_VERSION=v0.34.4       # the staging modules k8s.io/* are published as v0.<minor>.<patch>
ETCD_VERSION=v3.5.35          # Kubernetes 1.34 is tested against etcd 3.5/3.6; 3.5 is the pin asked for
HELM_VERSION=v3.22.0
KIND_VERSION=v0.30.0
# Bump when a build recipe below changes: stale stamps then force a rebuild.
RECIPE=1

CACHE_ROOT="${UDSPROXY_CACHE:-$HOME/.cache/udsproxy}"
OUT="$CACHE_ROOT/k8s-$K8S_VERSION"
BIN="$OUT/bin"

stamp_of() {
  case "$1" in
    etcd) echo "etcd $ETCD_VERSION r$RECIPE" ;;
    helm) echo "helm $HELM_VERSION r$RECIPE" ;;
    kind) echo "kind $KIND_VERSION r$RECIPE" ;;
    *)    echo "$1 $K8S_VERSION r$RECIPE" ;;
  esac
}
ALL=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl helm kind)
# The node's binaries come from the same throwaway module, so node and control plane pair exactly.
NODE_ONLY=(kubelet kubeadm kube-proxy)
for extra in "$@"; do
  case " ${NODE_ONLY[*]} " in
    *" $extra "*) ALL+=("$extra") ;;
    *) echo "controlplane: unknown binary '$extra'; allowed extras: ${NODE_ONLY[*]}" >&2; exit 2 ;;
  esac
done

is_fresh() {
  [ -x "$BIN/$1" ] && [ -f "$BIN/.stamp-$1" ] && [ "$(cat "$BIN/.stamp-$1")" = "$(stamp_of "$1")" ]
}

# Fast path: a warm cache needs neither Go nor the network.
warm=1
for b in "${ALL[@]}"; do is_fresh "$b" || { warm=0; break; }; done
if [ "$warm" = 1 ]; then
  echo "controlplane: binaries ready in $BIN (Kubernetes $K8S_VERSION, etcd $ETCD_VERSION)"
  exit 0
fi

command -v go >/dev/null || {
  echo "controlplane: the Go toolchain is needed to build the binaries into $BIN (none on PATH)." >&2
  echo "controlplane: install Go >= 1.24 from https://go.dev/dl and rerun $0" >&2
  exit 1
}

# Go >= 1.21 fetches the toolchain a module asks for (etcd and helm want 1.26) by itself;
# older Go cannot, and would fail later with a less helpful message.
go_minor=$(go env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
if [ -n "$go_minor" ] && [ "$go_minor" -lt 21 ]; then
  echo "controlplane: $(go env GOVERSION) is too old; Go >= 1.21 is needed (it downloads the 1.26 toolchain the modules want)" >&2
  exit 1
fi

mkdir -p "$BIN" "$OUT/work"
# Two builds at once (two terminals, CI retries) would fight over the same files.
exec 9>"$OUT/.lock"
flock 9

LOG="$OUT/build.log"
export CGO_ENABLED=0 GOFLAGS="${GOFLAGS:--buildvcs=false}"
P="${UDSPROXY_GO_P:-2}"
total_start=$(date +%s)
echo "controlplane: building into $BIN with $(go version | cut -d' ' -f3), -p $P; log: $LOG"
echo "=== build started $(date -u +%FT%TZ) ===" >>"$LOG"

# Writes $2 to a temporary name and moves it into place with its stamp, so a
# killed build never leaves a binary that looks complete.
finish() {
  local name=$1 started=$2
  mv -f "$BIN/.$name.tmp" "$BIN/$name"
  stamp_of "$name" >"$BIN/.stamp-$name"
  local secs=$(( $(date +%s) - started ))
  echo "controlplane: built $name in ${secs}s" | tee -a "$LOG"
}

# go install refuses k8s.io/kubernetes (its go.mod replaces the staging modules
# with ./staging paths), so build in a throwaway module that requires it and
# points every staging module at its published version.
k8s_module() {
  local dir="$OUT/work/k8s"
  [ -f "$dir/go.mod" ] && [ "$(head -1 "$dir/go.mod")" = "// recipe $K8S_VERSION r$RECIPE" ] && return 0
  rm -rf "$dir" && mkdir -p "$dir"
  local gomod
  gomod="$(cd "$dir" && GOFLAGS=-mod=mod go list -m -f '{{.GoMod}}' "k8s.io/kubernetes@$K8S_VERSION")"
  {
    echo "// recipe $K8S_VERSION r$RECIPE"
    echo "module udsproxy.dev/controlplane-build"
    echo
    echo "go 1.24.0"
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    echo "replace ("
    # Every "k8s.io/x => ./staging/src/k8s.io/x" line becomes "k8s.io/x => k8s.io/x v0.Y.Z".
    sed -n 's#^[[:space:]]*\(k8s\.io/[^[:space:]]*\)[[:space:]]*=>[[:space:]]*\./staging/.*#\t\1 => \1 '"$STAGING_VERSION"'#p' "$gomod"
    echo ")"
  } >"$dir/go.mod"
  if ! grep -q 'k8s.io/apiserver => ' "$dir/go.mod"; then
    echo "controlplane: found no staging replace lines in $gomod; its layout changed" >&2
    exit 1
  fi
}

k8s_ldflags() {
  local minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
  local x=""
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    x+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    x+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  # -s -w: no symbol table or DWARF; the link of kube-apiserver is much shorter.
  echo "-s -w$x"
}

build_k8s() {
  local name=$1 started
  is_fresh "$name" && return 0
  started=$(date +%s)
  k8s_module
  (cd "$OUT/work/k8s" && go build -mod=mod -p "$P" -ldflags "$(k8s_ldflags)" \
      -o "$BIN/.$name.tmp" "k8s.io/kubernetes/cmd/$name") >>"$LOG" 2>&1 \
    || { echo "controlplane: building $name failed; see $LOG" >&2; tail -20 "$LOG" >&2; exit 1; }
  finish "$name" "$started"
}

# etcd's server/go.mod also points at sibling modules by relative path, so it
# needs a throwaway module as well; its main package is the module root.
build_etcd() {
  is_fresh etcd && return 0
  local started dir="$OUT/work/etcd"
  started=$(date +%s)
  rm -rf "$dir" && mkdir -p "$dir"
  printf 'module udsproxy.dev/etcd-build\n\ngo 1.24.0\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$ETCD_VERSION" >"$dir/go.mod"
  (cd "$dir" && go build -mod=mod -p "$P" -ldflags "-s -w" -o "$BIN/.etcd.tmp" go.etcd.io/etcd/server/v3) >>"$LOG" 2>&1 \
    || { echo "controlplane: building etcd failed; see $LOG" >&2; tail -20 "$LOG" >&2; exit 1; }
  finish etcd "$started"
}

build_installable() {
  local name=$1 pkg=$2 version=$3 ldflags=$4 started gobin="$OUT/work/gobin-$1"
  is_fresh "$name" && return 0
  started=$(date +%s)
  rm -rf "$gobin" && mkdir -p "$gobin"
  GOBIN="$gobin" go install -p "$P" -ldflags "$ldflags" "$pkg@$version" >>"$LOG" 2>&1 \
    || { echo "controlplane: go install $pkg@$version failed; see $LOG" >&2; tail -20 "$LOG" >&2; exit 1; }
  mv -f "$gobin/$name" "$BIN/.$name.tmp"
  finish "$name" "$started"
}

# The API server and etcd first: they are what the tests need most.
build_etcd
build_k8s kube-apiserver
build_k8s kube-controller-manager
build_k8s kube-scheduler
build_k8s kubectl
build_installable helm helm.sh/helm/v3/cmd/helm "$HELM_VERSION" \
  "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
build_installable kind sigs.k8s.io/kind "$KIND_VERSION" "-s -w"
for extra in "$@"; do build_k8s "$extra"; done

secs=$(( $(date +%s) - total_start ))
echo "controlplane: all binaries ready in $BIN after ${secs}s" | tee -a "$LOG"
