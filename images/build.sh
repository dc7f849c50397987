#!/usr/bin/env bash
# Builds the udsproxy container images without a Docker daemon (buildah) and writes them as
# docker-archive tars (for `kind load image-archive`, `podman load`, `docker load`):
#
#   images/build.sh                 # sidecar and operator
#   images/build.sh sidecar         # one of them
#
# Base image (one build definition per image, the base switchable):
#   UDSPROXY_IMAGE_BASE=docker.io/library/eclipse-temurin:25-jre images/build.sh   # pull a public JRE
#   images/build.sh                 # default: make localhost/udsproxy/jre-base:25 here, from a jlink'ed
#                                   # runtime of the local JDK FROM scratch (no registry needed)
# Output: target/images/udsproxy-<name>-<version>.tar (override with UDSPROXY_IMAGES_OUT); never committed.
# Then checks that the sidecar image's JVM starts from the tar: the tar is imported, its root
# filesystem mounted, and java -version, the sidecar's --help and a live /healthz run in a chroot.
# Needs root and buildah (installed with apt-get when missing, as on CI).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh

VERSION=0.1.0
OUT=${UDSPROXY_IMAGES_OUT:-$PWD/target/images}
LOCAL_BASE=localhost/udsproxy/jre-base:25
BASE=${UDSPROXY_IMAGE_BASE:-$LOCAL_BASE}
components=("$@")
[ ${#components[@]} -gt 0 ] || components=(sidecar operator)
for c in "${components[@]}"; do
  case "$c" in sidecar|operator) ;; *) echo "images: unknown image '$c'; allowed: sidecar, operator" >&2; exit 2 ;; esac
done
log() { echo "images: $*" >&2; }
started=$(date +%s)

# --- tools -------------------------------------------------------------------------------------
if ! command -v buildah >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing buildah (apt-get) ..."
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends buildah runc fuse-overlayfs uidmap >/dev/null
  else
    log "buildah is needed: sudo apt-get install -y buildah runc fuse-overlayfs uidmap"; exit 1
  fi
fi
if [ "$(id -u)" != 0 ]; then
  log "run as root: the check chroots into the image's root filesystem"; exit 1
fi
# Without these settings buildah/podman fail on hosts with a fixed open-files limit and cgroup v1
# (setrlimit RLIMIT_NOFILE: Operation not permitted; crun: cgroups in hybrid mode not supported).
if [ ! -f /etc/containers/containers.conf ]; then
  log "writing /etc/containers/containers.conf (nofile limit, cgroupfs, runc)"
  mkdir -p /etc/containers
  cat >/etc/containers/containers.conf <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "runc"
CONF
fi

# --- artifacts ---------------------------------------------------------------------------------
mkdir -p "$OUT"
for c in "${components[@]}"; do
  case "$c" in
    sidecar) [ -f sidecar/target/udsproxy-sidecar.jar ] || ./mvnw -B -ntp -q -pl sidecar -am package -DskipTests ;;
    operator) [ -f operator/target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -ntp -q -pl operator -am package -DskipTests ;;
  esac
done

# --- the local base: jlink'ed runtime FROM scratch ---------------------------------------------
# Modules: what Netty (jdk.unsupported), Quarkus/Vert.x/fabric8 (naming, net.http, sql, management,
# jgss, xml) and TLS (crypto) need; no desktop, no compiler.
MODULES=java.base,java.logging,java.management,java.naming,java.net.http,java.security.jgss,java.security.sasl,java.sql,java.xml,java.instrument,jdk.unsupported,jdk.crypto.cryptoki,jdk.management,jdk.naming.dns,jdk.zipfs
if [ "$BASE" = "$LOCAL_BASE" ]; then
  stamp="$("$JAVA_HOME/bin/java" -version 2>&1 | head -1) $MODULES r1"
  if buildah inspect --type image "$LOCAL_BASE" >/dev/null 2>&1 && [ "$(cat "$OUT/base.stamp" 2>/dev/null)" = "$stamp" ]; then
    log "base $LOCAL_BASE is current"
  else
    log "making $LOCAL_BASE from $JAVA_HOME (jlink) ..."
    ctx="$OUT/base-context"
    rm -rf "$ctx"; mkdir -p "$ctx/rootfs/opt/java" "$ctx/rootfs/etc" "$ctx/rootfs/proc" "$ctx/rootfs/dev" "$ctx/rootfs/sys"
    "$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files \
      --compress=zip-6 --output "$ctx/rootfs/opt/java/openjdk"
    # The runtime links against glibc: copy exactly the files its binaries and libraries need.
    for f in $( { ldd "$ctx/rootfs/opt/java/openjdk/bin/java"; for so in $(find "$ctx/rootfs/opt/java/openjdk" -name '*.so'); do ldd "$so"; done; } 2>/dev/null \
                | awk '/=> \// {print $3} /^[ \t]*\/lib/ {print $1}' | grep -v openjdk | sort -u); do
      cp --parents -L "$f" "$ctx/rootfs/"
    done
    mkdir -p "$ctx/rootfs/tmp"; chmod 1777 "$ctx/rootfs/tmp"
    printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$ctx/rootfs/etc/passwd"
    printf 'root:x:0:\nnonroot:x:65532:\n' >"$ctx/rootfs/etc/group"
    printf 'hosts: files dns\n' >"$ctx/rootfs/etc/nsswitch.conf"
    mkdir -p "$ctx/rootfs/home/nonroot"; chown 65532:65532 "$ctx/rootfs/home/nonroot"
    cp images/base/Containerfile "$ctx/Containerfile"
    buildah bud --quiet --layers=false -t "$LOCAL_BASE" -f "$ctx/Containerfile" "$ctx" >/dev/null
    echo "$stamp" >"$OUT/base.stamp"
    log "base $LOCAL_BASE: $(du -sh "$ctx/rootfs" | cut -f1) (runtime $(du -sh "$ctx/rootfs/opt/java/openjdk" | cut -f1))"
  fi
fi

# --- the images --------------------------------------------------------------------------------
for c in "${components[@]}"; do
  ctx="$OUT/$c-context"
  rm -rf "$ctx"; mkdir -p "$ctx"
  case "$c" in
    sidecar) cp sidecar/target/udsproxy-sidecar.jar sidecar/src/main/jvm/jvm.options "$ctx/"
             # Netty's epoll .so unpacked ahead: the Pod's read-only root leaves Netty no /tmp to unpack it to.
             mkdir -p "$ctx/lib"
             (cd "$ctx/lib" && "$JAVA_HOME/bin/jar" xf ../udsproxy-sidecar.jar META-INF/native \
               && mv META-INF/native/libnetty_transport_native_epoll_*.so . && rm -rf META-INF)
             ls "$ctx"/lib/libnetty_transport_native_epoll_*.so >/dev/null ;;
    operator) cp -r operator/target/quarkus-app "$ctx/" ;;
  esac
  # docker.io/... is what the chart's "udsproxy/<name>" means to a kubelet (e.g. after kind load).
  name="docker.io/udsproxy/$c:$VERSION"
  log "building $name on $BASE ..."
  buildah bud --quiet --build-arg "BASE=$BASE" -t "$name" -f "images/$c/Containerfile" "$ctx" >/dev/null
  tar="$OUT/udsproxy-$c-$VERSION.tar"
  rm -f "$tar"
  buildah push --quiet "$name" "docker-archive:$tar:$name"
  log "wrote $tar ($(du -h "$tar" | cut -f1))"
done

# --- the check: the sidecar's JVM starts from the tar's root filesystem -------------------------
if [[ " ${components[*]} " == *" sidecar "* ]]; then
  tar="$OUT/udsproxy-sidecar-$VERSION.tar"
  log "checking $tar: java and the sidecar start from its root filesystem (chroot, uid 65532) ..."
  ctr=$(buildah from --quiet --pull-never "docker-archive:$tar")
  trap 'buildah umount "$ctr" >/dev/null 2>&1 || true; buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
  root=$(buildah mount "$ctr")
  # A private mount namespace: /proc and /dev for the JVM vanish with it.
  unshare --mount --fork bash -euo pipefail -c '
    root=$1
    # As in the Pod: a read-only root (the sidecar then cannot unpack Netty'"'"'s epoll library to /tmp), a writable
    # socket folder (the emptyDir), MALLOC_ARENA_MAX from the image'"'"'s ENV.
    mkdir -p "$root/tmp/sockets"
    mount --make-rprivate /; mount --bind "$root" "$root"; mount -o remount,bind,ro "$root"
    mount -t proc proc "$root/proc"; mount --rbind /dev "$root/dev"
    mount -t tmpfs -o mode=0770,uid=65532,gid=65532 sockets "$root/tmp/sockets"
    run() { MALLOC_ARENA_MAX=1 chroot --userspec=65532:65532 "$root" "$@"; }
    run /opt/java/openjdk/bin/java -version 2>&1 | sed "s/^/  image: /"
    run /opt/java/openjdk/bin/java @/opt/udsproxy/jvm.options -jar /opt/udsproxy/udsproxy-sidecar.jar --help >/tmp/udsproxy-image-help.txt
    grep -q -- "--upstream=unix:PATH" /tmp/udsproxy-image-help.txt || { echo "images: the sidecar --help in the image printed no usage" >&2; exit 1; }
    echo "  image: sidecar --help printed its usage"
    # The image as the Pod runs it: the entrypoint flags, a socket folder, the admin port on loopback.
    # Not through run(): a backgrounded function is a subshell, and kill would end it, not the JVM (seen: a
    # sidecar left running on the check'"'"'s ports). chroot execs java, so $! is the JVM.
    MALLOC_ARENA_MAX=1 chroot --userspec=65532:65532 "$root" /opt/java/openjdk/bin/java @/opt/udsproxy/jvm.options \
      -jar /opt/udsproxy/udsproxy-sidecar.jar --listen 127.0.0.1:15998 --admin 127.0.0.1:15999 --socket-dir /tmp/sockets --upstream unix:/tmp/sockets/app.sock \
      >/tmp/udsproxy-image-run.log 2>&1 &
    pid=$!
    status=""
    for i in $(seq 1 100); do
      if status=$( { exec 3<>/dev/tcp/127.0.0.1/15999 && printf "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" >&3 && head -1 <&3; } 2>/dev/null ); then
        break
      fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    # The operator'"'"'s classic-mode postStart hook: the image'"'"'s own java runs the jar'"'"'s await subcommand (no shell).
    if [ "${status:-}" != "${status#* 200}" ]; then
      run /opt/java/openjdk/bin/java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx16m -XX:-UsePerfData \
        -jar /opt/udsproxy/udsproxy-sidecar.jar await --admin 127.0.0.1:15999 --timeout 10s \
        || { echo "images: the await subcommand (classic-mode postStart hook) failed in the image" >&2; exit 1; }
      echo "  image: await --admin 127.0.0.1:15999 (the classic-mode postStart hook) returned 0"
    fi
    # The "listening on ... (transport)" line follows the start of the admin port by a moment.
    for i in $(seq 1 50); do grep -q "listening on" /tmp/udsproxy-image-run.log && break; sleep 0.1; done
    kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
    case "${status:-}" in
      *" 200"*) echo "  image: the sidecar started from the image answered /healthz: ${status//[[:cntrl:]]/}" ;;
      *) echo "images: the sidecar in the image did not answer /healthz (${status:-no connection}); its log:" >&2
         cat /tmp/udsproxy-image-run.log >&2; exit 1 ;;
    esac
    if ! grep -q "(epoll)" /tmp/udsproxy-image-run.log; then
      echo "images: the sidecar in the image (read-only root) did not use epoll; its log:" >&2
      cat /tmp/udsproxy-image-run.log >&2; exit 1
    fi
    echo "  image: read-only root, epoll from /opt/udsproxy/lib: $(grep -o "listening on [^,]*" /tmp/udsproxy-image-run.log)"
  ' check "$root"
fi
log "done in $(( $(date +%s) - started ))s; tars in $OUT"
