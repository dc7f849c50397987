#!/usr/bin/env bash
# Builds the kind node image of the e2e tier here, without a registry: every binary from the Go
# module proxy or C source, the root from Debian's packages, the images kubeadm asks for preloaded
# into the node's containerd store. Output, cached outside the repo (reused when its recipe matches):
#
#   podman image  localhost/udsproxy/kind-node:<k8s version>   (label dev.udsproxy.recipe)
#   ~/.cache/udsproxy/kind-node-<k8s version>/{bin,images,debian-*,node.tar}
#
# Why not `kind build node-image`: it fetches every image it did not build (etcd, coredns, pause,
# kindnetd) from registries and drives a docker CLI. Facts behind each step: ../shared/docs/kind.md.
# Needs root (debootstrap, chroot-free file ownership, podman import) and Go; installs its apt
# packages when missing. Override the cache root with UDSPROXY_CACHE.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../../.." && pwd)"

# One place for the Kubernetes version: the control plane's build script.
K8S_VERSION=$(sed -n 's/^K8S_VERSION=\([^ ]*\).*/\1/p' "$REPO/e2e/controlplane/build.sh")
ETCD_VERSION=$(sed -n 's/^ETCD_VERSION=\([^ ]*\).*/\1/p' "$REPO/e2e/controlplane/build.sh")
CONTAINERD_VERSION=v2.1.4
RUNC_VERSION=v1.3.0
CRICTL_VERSION=v1.34.0
CNI_VERSION=v1.7.1
COREDNS_VERSION=v1.12.1
PAUSE_VERSION=3.10.1          # containerd's sandbox image and kubeadm's pause must be this same ref
DEBIAN_SUITE=bookworm
# kubeadm 1.34 defaults to etcd 3.6; the kind config pins its imageTag to the etcd we build (3.5).
ETCD_IMAGE_TAG=$(sed -n 's/^ *imageTag: *\([^ ]*\).*/\1/p' "$REPO/e2e/kind/cluster.yaml")
if [ "$ETCD_IMAGE_TAG" != "${ETCD_VERSION#v}-0" ]; then
  echo "kind-node: e2e/kind/cluster.yaml pins etcd imageTag '$ETCD_IMAGE_TAG', the control plane builds etcd $ETCD_VERSION (want ${ETCD_VERSION#v}-0)" >&2
  exit 1
fi
IMAGE="localhost/udsproxy/kind-node:$K8S_VERSION"

CACHE_ROOT="${UDSPROXY_CACHE:-$HOME/.cache/udsproxy}"
OUT="$CACHE_ROOT/kind-node-$K8S_VERSION"
BIN="$OUT/bin"
CP_BIN="$CACHE_ROOT/k8s-$K8S_VERSION/bin"
LOG="$OUT/build.log"
log() { echo "kind-node: $*" >&2; }

# The recipe: this script, the node's files and the versions. A change to any of them rebuilds the
# image (binaries keep their own per-version stamps, so only what changed is built again).
recipe=$(cat "$0" "$HERE/coredns/main.go" "$REPO/e2e/kind/cluster.yaml" $(find "$HERE/files" -type f | sort) | sha256sum | cut -c1-16)
if [ "${1:-}" = "--print-image" ]; then echo "$IMAGE"; exit 0; fi

if [ "$(id -u)" != 0 ]; then log "run as root: debootstrap, the root's file ownership and podman import need it"; exit 1; fi
if command -v podman >/dev/null && [ "$(podman image inspect --format '{{index .Labels "dev.udsproxy.recipe"}}' "$IMAGE" 2>/dev/null)" = "$recipe" ]; then
  log "$IMAGE is current (recipe $recipe)"; exit 0
fi
mkdir -p "$BIN" "$OUT/work" "$OUT/images"
exec 9>"$OUT/.lock"; flock 9
if [ -f "$OUT/node.tar" ] && [ "$(cat "$OUT/node.tar.recipe" 2>/dev/null)" = "$recipe" ] && command -v podman >/dev/null; then
  log "importing the cached root $OUT/node.tar ..."
  import_node=1
else
  import_node=0
fi
started=$(date +%s)
echo "=== build started $(date -u +%FT%TZ) recipe $recipe ===" >>"$LOG"

# --- host tools ---------------------------------------------------------------------------------
need=()
for t in podman:podman buildah:buildah debootstrap:debootstrap gcc:gcc jq:jq pkg-config:pkg-config sysctl:procps findmnt:util-linux; do
  command -v "${t%%:*}" >/dev/null || need+=("${t#*:}")
done
[ -f /usr/include/seccomp.h ] || need+=(libseccomp-dev)
[ -f /usr/include/stdio.h ] || need+=(libc6-dev)
for p in netavark aardvark-dns containernetworking-plugins fuse-overlayfs uidmap catatonit iptables; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]} (apt-get) ..."
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" runc >>"$LOG" 2>&1
fi
# podman and buildah on this host kind need these settings (containers.md); e2e/kind points
# CONTAINERS_CONF at this file instead of changing /etc/containers.
export CONTAINERS_CONF="$REPO/e2e/containers.conf"

if [ "$import_node" = 0 ]; then
# --- binaries -----------------------------------------------------------------------------------
command -v go >/dev/null || { log "the Go toolchain is needed (none on PATH)"; exit 1; }
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
P="${UDSPROXY_GO_P:-2}"
# kubelet, kubeadm and kube-proxy from the control plane's own throwaway module (same version,
# same ldflags: kubeadm refuses a build without gitVersion).
"$REPO/e2e/controlplane/build.sh" kubelet kubeadm kube-proxy

fresh() { [ -x "$BIN/$1" ] && [ "$(cat "$BIN/.stamp-$1" 2>/dev/null)" = "$2" ]; }
stamp() { echo "$2" >"$BIN/.stamp-$1"; log "built $1 ($(( $(date +%s) - $3 )) s)"; }

# containerd refuses `go install` (its go.mod has an exclude block): a throwaway module copies it.
# Kept apart from the Kubernetes module, which pins k8s.io/* at other versions.
s="containerd $CONTAINERD_VERSION r1"
if ! fresh containerd "$s"; then
  t=$(date +%s); d="$OUT/work/containerd"; rm -rf "$d"; mkdir -p "$d"
  printf 'module udsproxy.dev/containerd-build\n\ngo 1.24.0\n\nrequire github.com/containerd/containerd/v2 %s\n' "$CONTAINERD_VERSION" >"$d/go.mod"
  gomod=$(cd "$d" && GOFLAGS=-mod=mod go list -m -f '{{.GoMod}}' "github.com/containerd/containerd/v2@$CONTAINERD_VERSION")
  sed -n '/^exclude (/,/^)/p; /^exclude [^(]/p' "$gomod" >>"$d/go.mod"
  for cmd in containerd ctr containerd-shim-runc-v2; do
    (cd "$d" && CGO_ENABLED=0 go build -mod=mod -p "$P" -tags "no_btrfs no_devmapper no_zfs" \
       -ldflags "-s -w -X github.com/containerd/containerd/v2/version.Version=$CONTAINERD_VERSION" \
       -o "$BIN/$cmd" "github.com/containerd/containerd/v2/cmd/$cmd") >>"$LOG" 2>&1 \
      || { log "building $cmd failed; see $LOG"; tail -20 "$LOG" >&2; exit 1; }
  done
  stamp containerd "$s" "$t"
fi

# Installs Go commands of one module version into $BIN; $1 = stamp name, rest = go install args.
go_install() {
  local name=$1 s=$2 cgo=$3; shift 3
  fresh "$name" "$s" && return 0
  local t; t=$(date +%s)
  GOBIN="$BIN" CGO_ENABLED="$cgo" go install -p "$P" "$@" >>"$LOG" 2>&1 \
    || { log "go install $* failed; see $LOG"; tail -20 "$LOG" >&2; exit 1; }
  stamp "$name" "$s" "$t"
}
# runc with seccomp (cgo + libseccomp): RuntimeDefault seccomp, which Pod Security restricted needs.
go_install runc "runc $RUNC_VERSION r1" 1 -tags seccomp -ldflags "-s -w -X main.version=${RUNC_VERSION#v}" \
  "github.com/opencontainers/runc@$RUNC_VERSION"
go_install crictl "crictl $CRICTL_VERSION r1" 0 -ldflags "-s -w -X sigs.k8s.io/cri-tools/pkg/version.Version=$CRICTL_VERSION" \
  "sigs.k8s.io/cri-tools/cmd/crictl@$CRICTL_VERSION"
go_install ptp "cni $CNI_VERSION r1" 0 -ldflags "-s -w" \
  "github.com/containernetworking/plugins/plugins/main/ptp@$CNI_VERSION" \
  "github.com/containernetworking/plugins/plugins/main/loopback@$CNI_VERSION" \
  "github.com/containernetworking/plugins/plugins/ipam/host-local@$CNI_VERSION" \
  "github.com/containernetworking/plugins/plugins/meta/portmap@$CNI_VERSION"

s="coredns $COREDNS_VERSION r1 $(sha256sum <"$HERE/coredns/main.go" | cut -c1-12)"
if ! fresh coredns "$s"; then
  t=$(date +%s); d="$OUT/work/coredns"; rm -rf "$d"; mkdir -p "$d"
  printf 'module udsproxy.dev/coredns-build\n\ngo 1.24.0\n\nrequire github.com/coredns/coredns %s\n' "$COREDNS_VERSION" >"$d/go.mod"
  cp "$HERE/coredns/main.go" "$d/"
  (cd "$d" && CGO_ENABLED=0 go mod tidy && CGO_ENABLED=0 go build -p "$P" -ldflags "-s -w" -o "$BIN/coredns" .) >>"$LOG" 2>&1 \
    || { log "building coredns failed; see $LOG"; tail -20 "$LOG" >&2; exit 1; }
  stamp coredns "$s" "$t"
fi

s="pause $PAUSE_VERSION r1"
if ! fresh pause "$s"; then
  t=$(date +%s)
  src="$(go env GOMODCACHE)/k8s.io/kubernetes@$K8S_VERSION/build/pause/linux/pause.c"
  [ -f "$src" ] || (cd "$OUT/work" && go mod download "k8s.io/kubernetes@$K8S_VERSION" >>"$LOG" 2>&1)
  gcc -Os -static -DVERSION="v$PAUSE_VERSION" -o "$BIN/pause" "$src"
  strip "$BIN/pause"
  stamp pause "$s" "$t"
fi

# --- the images kubeadm asks for ------------------------------------------------------------------
# FROM scratch: the binary, the PATH kubeadm's manifests call it by, users, a /tmp.
scratch_root() {  # $1 = dir
  mkdir -p "$1/usr/local/bin" "$1/etc" "$1/tmp"; chmod 1777 "$1/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\nnobody:x:65535:65535::/:/sbin/nologin\n' >"$1/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\nnobody:x:65535:\n' >"$1/etc/group"
}
debootstrap_root() {  # $1 = dir, $2 = packages; the Debian mirror this host's apt uses
  local mirror
  mirror=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -1)
  [ -n "$mirror" ] || mirror=$(awk '/^deb / && !/security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
  rm -rf "$1.tmp"
  debootstrap --variant=minbase --include="$2" "$DEBIAN_SUITE" "$1.tmp" "$mirror" >>"$LOG" 2>&1 \
    || { log "debootstrap failed; see $LOG"; tail -20 "$LOG" >&2; exit 1; }
  rm -rf "$1.tmp/var/cache/apt/archives/"*.deb "$1.tmp/var/lib/apt/lists/"*
  mv "$1.tmp" "$1"
}
# $1 = image ref, $2 = root dir, rest = buildah config args. Writes a docker-archive into $OUT/images.
image_from_root() {
  local ref=$1 root=$2; shift 2
  local c tar="$OUT/images/$(echo "$ref" | tr '/:' '__').tar"
  c=$(buildah from --quiet scratch)
  buildah copy --quiet "$c" "$root" / >/dev/null
  buildah config --env PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@" "$c"
  buildah commit --quiet --rm --format docker "$c" "$ref" >/dev/null
  rm -f "$tar"; buildah push --quiet "$ref" "docker-archive:$tar:$ref"
  buildah rmi "$ref" >/dev/null
}
images_stamp="$K8S_VERSION $ETCD_VERSION $COREDNS_VERSION $PAUSE_VERSION $(cat "$BIN"/.stamp-* "$CP_BIN"/.stamp-* | sha256sum | cut -c1-12) r1"
if [ "$(cat "$OUT/images/.stamp" 2>/dev/null)" != "$images_stamp" ]; then
  t=$(date +%s); rm -f "$OUT/images/"*.tar
  [ -d "$OUT/debian-iptables" ] || { log "debootstrap of the kube-proxy root (iptables, conntrack) ..."; debootstrap_root "$OUT/debian-iptables" iptables,conntrack; }
  r="$OUT/work/img"
  for b in kube-apiserver kube-controller-manager kube-scheduler; do
    rm -rf "$r"; scratch_root "$r"; cp "$CP_BIN/$b" "$r/usr/local/bin/"
    image_from_root "registry.k8s.io/$b:$K8S_VERSION" "$r"
  done
  rm -rf "$r"; scratch_root "$r"; cp "$CP_BIN/etcd" "$r/usr/local/bin/"; mkdir -p "$r/var/lib/etcd"
  image_from_root "registry.k8s.io/etcd:$ETCD_IMAGE_TAG" "$r"
  rm -rf "$r"; scratch_root "$r"; cp "$BIN/pause" "$r/pause"
  image_from_root "registry.k8s.io/pause:$PAUSE_VERSION" "$r" --entrypoint '["/pause"]' --user 65535:65535
  rm -rf "$r"; scratch_root "$r"; cp "$BIN/coredns" "$r/coredns"
  image_from_root "registry.k8s.io/coredns/coredns:$COREDNS_VERSION" "$r" --entrypoint '["/coredns"]'
  rm -rf "$r"; cp -a "$OUT/debian-iptables" "$r"; cp "$CP_BIN/kube-proxy" "$r/usr/local/bin/"
  image_from_root "registry.k8s.io/kube-proxy:$K8S_VERSION" "$r"
  rm -rf "$r"
  echo "$images_stamp" >"$OUT/images/.stamp"
  log "built $(ls "$OUT/images/"*.tar | wc -l) component images ($(( $(date +%s) - t )) s, $(du -sh "$OUT/images" | cut -f1))"
fi

# --- the node's root --------------------------------------------------------------------------------
[ -d "$OUT/debian-node" ] || {
  log "debootstrap of the node root (systemd, iptables, ...) ..."
  debootstrap_root "$OUT/debian-node" systemd,systemd-sysv,dbus,iptables,iproute2,conntrack,procps,kmod,util-linux,mount,libseccomp2,jq,ca-certificates,ethtool,socat,ebtables
}
t=$(date +%s)
root="$OUT/work/node-root"
rm -rf "$root"; cp -a "$OUT/debian-node" "$root"
install -m 0755 "$CP_BIN/kubeadm" "$CP_BIN/kubelet" "$CP_BIN/kubectl" "$root/usr/bin/"
install -m 0755 "$BIN/containerd" "$BIN/ctr" "$BIN/containerd-shim-runc-v2" "$BIN/crictl" "$root/usr/local/bin/"
install -D -m 0755 "$BIN/runc" "$root/usr/local/sbin/runc"
mkdir -p "$root/opt/cni/bin"
install -m 0755 "$BIN/ptp" "$BIN/loopback" "$BIN/host-local" "$BIN/portmap" "$root/opt/cni/bin/"
cp -r --no-preserve=ownership "$HERE/files/." "$root/"
chmod 0755 "$root/usr/local/bin/"*
echo "$K8S_VERSION" >"$root/kind/version"
# Every Pod would get nofile 1024 from the default spec's rlimits: drop them, inherit the node's.
"$BIN/ctr" oci spec | jq 'del(.process.rlimits)' >"$root/etc/containerd/cri-base.json"

# systemd in a container, pruned as kind prunes: nothing starts that a node does not need, and
# nothing touches host-global state (systemd-sysctl would write the host's kernel settings).
rm -f "$root"/etc/systemd/system/*.wants/* "$root"/lib/systemd/system/multi-user.target.wants/* \
      "$root"/lib/systemd/system/local-fs.target.wants/* "$root"/lib/systemd/system/basic.target.wants/* \
      "$root"/lib/systemd/system/sockets.target.wants/*udev* "$root"/lib/systemd/system/sockets.target.wants/*initctl* \
      "$root"/lib/systemd/system/sysinit.target.wants/systemd-tmpfiles-setup.service
for u in systemd-sysctl.service getty.target console-getty.service systemd-udevd.service systemd-udev-trigger.service \
         systemd-binfmt.service proc-sys-fs-binfmt_misc.automount systemd-modules-load.service \
         systemd-firstboot.service systemd-logind.service systemd-remount-fs.service; do
  ln -sf /dev/null "$root/etc/systemd/system/$u"
done
mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
for u in containerd.service kubelet.service udsproxy-proc-cgroups.service; do
  ln -sf "/etc/systemd/system/$u" "$root/etc/systemd/system/multi-user.target.wants/$u"
done
echo "ReadKMsg=no" >>"$root/etc/systemd/journald.conf"
: >"$root/etc/machine-id"; rm -f "$root/var/lib/dbus/machine-id"

# Preload: our containerd on the host, its root inside the node's /var, CRI and NRI off, sockets
# and state in a temp folder. podman copies the image's /var into kind's /var volume, so it stays.
state=$(mktemp -d); had_run_containerd=0; [ -e /run/containerd ] && had_run_containerd=1
cat >"$state/config.toml" <<EOF
version = 3
root = "$root/var/lib/containerd"
state = "$state/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.cri.v1.images", "io.containerd.cri.v1.runtime", "io.containerd.nri.v1.nri", "io.containerd.podsandbox.controller.v1.podsandbox"]
[grpc]
  address = "$state/containerd.sock"
[ttrpc]
  address = "$state/containerd.sock.ttrpc"
[debug]
  address = "$state/debug.sock"
EOF
"$BIN/containerd" --config "$state/config.toml" >>"$LOG" 2>&1 &
cpid=$!
stop_preload() {
  kill "$cpid" 2>/dev/null && wait "$cpid" 2>/dev/null || true
  rm -rf "$state"
  [ "$had_run_containerd" = 1 ] || rmdir /run/containerd 2>/dev/null || true
}
trap stop_preload EXIT
for _ in $(seq 100); do [ -S "$state/containerd.sock" ] && break; sleep 0.1; done
for tar in "$OUT/images/"*.tar; do
  "$BIN/ctr" --address "$state/containerd.sock" -n k8s.io images import --no-unpack --digests \
    --label io.cri-containerd.pinned=pinned "$tar" >>"$LOG" 2>&1 \
    || { log "preloading $tar failed; see $LOG"; exit 1; }
done
preloaded=$("$BIN/ctr" --address "$state/containerd.sock" -n k8s.io images ls -q | grep '^registry.k8s.io/' | sort)
stop_preload; trap - EXIT
log "node root ready: $(echo "$preloaded" | wc -l) images preloaded ($(( $(date +%s) - t )) s, $(du -sh "$root" | cut -f1))"

# kubeadm must ask for exactly the images we preloaded (names and tags), with the kind config's etcd pin.
cat >"$OUT/work/kubeadm-images.yaml" <<EOF
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: $K8S_VERSION
etcd:
  local:
    imageTag: $ETCD_IMAGE_TAG
EOF
wanted=$("$CP_BIN/kubeadm" config images list --config "$OUT/work/kubeadm-images.yaml" | sort)
[ -n "$wanted" ] || { log "kubeadm config images list printed nothing"; exit 1; }
missing=$(comm -23 <(echo "$wanted") <(echo "$preloaded"))
[ -z "$missing" ] || { log "kubeadm asks for images that are not preloaded: $missing"; exit 1; }
log "kubeadm's images, all preloaded: $(echo $wanted)"

tar -C "$root" -cf "$OUT/node.tar.tmp" . && mv -f "$OUT/node.tar.tmp" "$OUT/node.tar"
echo "$recipe" >"$OUT/node.tar.recipe"
rm -rf "$root"
fi

# --- the image ------------------------------------------------------------------------------------
t=$(date +%s)
podman import --quiet \
  --change 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]' \
  --change 'STOPSIGNAL SIGRTMIN+3' --change 'ENV container=docker' \
  --change "LABEL dev.udsproxy.recipe=$recipe" \
  "$OUT/node.tar" "$IMAGE" >/dev/null
log "imported $IMAGE ($(( $(date +%s) - t )) s); whole build $(( $(date +%s) - started )) s"
