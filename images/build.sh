#!/usr/bin/env bash
# Builds the udsproxy container images without a Docker daemon (buildah) and writes them as
# docker-archive tars (for `kind load image-archive`, `podman load`, `docker load`):
#
#   images/build.sh                 # all: sidecar, operator, example-java, example-node, toolbox
#   images/build.sh sidecar toolbox # some of them
#
# sidecar, operator: the product. example-java, example-node: the apps of examples/ (the README's walkthrough
# runs them). toolbox: sh, curl, wget, nc and httpd for the chart's `helm test` Pod and the walkthrough's curl Pod.
# Every image a Pod of the walkthrough runs is built here, so a cluster without a registry (kind) needs none.
#
# Base image (one build definition per image, the base switchable):
#   UDSPROXY_IMAGE_BASE=docker.io/library/eclipse-temurin:25-jre images/build.sh   # pull a public JRE
#   images/build.sh                 # default: make localhost/udsproxy/jre-base:25 here, from a jlink'ed
#                                   # runtime of the local JDK FROM scratch (no registry needed)
# Output: target/images/udsproxy-<name>-<version>.tar (override with UDSPROXY_IMAGES_OUT); never committed.
# Then checks that each image's program starts from its tar: the tar is imported, its root filesystem mounted
# read-only, and in a chroot as uid 65532 the sidecar's java -version, --help and a live /healthz, the examples'
# entrypoints answering over a socket, the toolbox's sh, curl and httpd.
# Needs root and buildah (installed with apt-get when missing, as on CI; nodejs, busybox-static and curl too
# when an image that copies them from the host is asked for).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh

VERSION=0.1.0
OUT=${UDSPROXY_IMAGES_OUT:-$PWD/target/images}
LOCAL_BASE=localhost/udsproxy/jre-base:25
BASE=${UDSPROXY_IMAGE_BASE:-$LOCAL_BASE}
components=("$@")
[ ${#components[@]} -gt 0 ] || components=(sidecar operator example-java example-node toolbox)
for c in "${components[@]}"; do
  case "$c" in sidecar|operator|example-java|example-node|toolbox) ;;
    *) echo "images: unknown image '$c'; allowed: sidecar, operator, example-java, example-node, toolbox" >&2; exit 2 ;;
  esac
done
log() { echo "images: $*" >&2; }
wants() { [[ " ${components[*]} " == *" $1 "* ]]; }
started=$(date +%s)

# --- tools -------------------------------------------------------------------------------------
# The node, busybox and curl binaries the example-node and toolbox images copy come from the host too.
packages=()
command -v buildah >/dev/null || packages+=(buildah runc fuse-overlayfs uidmap)
if wants example-node && ! command -v node >/dev/null; then packages+=(nodejs); fi
if wants toolbox && ! command -v busybox >/dev/null; then packages+=(busybox-static); fi
# curl goes into the toolbox, and the examples' check asks them over their socket with it.
if ! command -v curl >/dev/null && { wants toolbox || wants example-java || wants example-node; }; then packages+=(curl); fi
if [ ${#packages[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing ${packages[*]} (apt-get) ..."
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  else
    log "these are needed: sudo apt-get install -y ${packages[*]}"; exit 1
  fi
fi
if [ "$(id -u)" != 0 ]; then
  log "run as root: the check chroots into the image's root filesystem"; exit 1
fi
# Without these settings buildah/podman fail on hosts with a fixed open-files limit and cgroup v1
# (setrlimit RLIMIT_NOFILE: Operation not permitted; crun: cgroups in hybrid mode not supported).
# A CONTAINERS_CONF of the caller's (the kind tier's e2e/kind/containers.conf) wins and leaves /etc alone.
if [ -z "${CONTAINERS_CONF:-}" ] && [ ! -f /etc/containers/containers.conf ]; then
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
    operator) [ -f operator/target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -ntp -q -pl operator -am package -DskipTests
              [ -f cli/target/udsproxy-cli.jar ] || ./mvnw -B -ntp -q -pl cli -am package -DskipTests ;;
  esac
done

# A root filesystem FROM scratch needs the glibc files its binaries link against: copy exactly what ldd lists
# (a static binary, busybox-static, lists nothing), at the same paths.
copy_libs() {
  local rootfs=$1 f; shift
  for f in $(for bin in "$@"; do ldd "$bin"; done 2>/dev/null \
              | awk '/=> \// {print $3} /^[ \t]*\/lib/ {print $1}' | grep -v openjdk | sort -u); do
    cp --parents -L "$f" "$rootfs/"
  done
}
# The rest of a minimal root: the non-root user 65532 (the images' USER), /tmp, mount points, name lookup.
base_files() {
  local rootfs=$1
  mkdir -p "$rootfs/etc" "$rootfs/proc" "$rootfs/dev" "$rootfs/sys" "$rootfs/tmp" "$rootfs/home/nonroot"
  chmod 1777 "$rootfs/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' >"$rootfs/etc/group"
  printf 'hosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
  chown 65532:65532 "$rootfs/home/nonroot"
}

# --- the local base: jlink'ed runtime FROM scratch ---------------------------------------------
# Modules: what Netty (jdk.unsupported), Quarkus/Vert.x/fabric8 (naming, net.http, sql, management,
# jgss, xml) and TLS (crypto) need; no desktop, no compiler.
MODULES=java.base,java.logging,java.management,java.naming,java.net.http,java.security.jgss,java.security.sasl,java.sql,java.xml,java.instrument,jdk.unsupported,jdk.crypto.cryptoki,jdk.management,jdk.naming.dns,jdk.zipfs
if [ "$BASE" = "$LOCAL_BASE" ] && { wants sidecar || wants operator || wants example-java; }; then
  stamp="$("$JAVA_HOME/bin/java" -version 2>&1 | head -1) $MODULES r1"
  if buildah inspect --type image "$LOCAL_BASE" >/dev/null 2>&1 && [ "$(cat "$OUT/base.stamp" 2>/dev/null)" = "$stamp" ]; then
    log "base $LOCAL_BASE is current"
  else
    log "making $LOCAL_BASE from $JAVA_HOME (jlink) ..."
    ctx="$OUT/base-context"
    rm -rf "$ctx"; mkdir -p "$ctx/rootfs/opt/java"
    "$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files \
      --compress=zip-6 --output "$ctx/rootfs/opt/java/openjdk"
    # The runtime links against glibc: copy exactly the files its binaries and libraries need.
    copy_libs "$ctx/rootfs" "$ctx/rootfs/opt/java/openjdk/bin/java" $(find "$ctx/rootfs/opt/java/openjdk" -name '*.so')
    base_files "$ctx/rootfs"
    cp images/base/Containerfile "$ctx/Containerfile"
    buildah bud --quiet --layers=false -t "$LOCAL_BASE" -f "$ctx/Containerfile" "$ctx" >/dev/null
    echo "$stamp" >"$OUT/base.stamp"
    log "base $LOCAL_BASE: $(du -sh "$ctx/rootfs" | cut -f1) (runtime $(du -sh "$ctx/rootfs/opt/java/openjdk" | cut -f1))"
  fi
fi

# --- the sidecar's AOT cache, made by the image's own Java --------------------------------------
# An AOT cache (JDK 25+, JEP 483/515: classes loaded and linked, method profiles) is valid only for the JVM build,
# jar path and flags it was recorded with, so it is recorded in the image's own root filesystem: a training run
# of the image's java in a chroot (start, wait for "listening", SIGTERM), then the cache and the flag that uses it
# (aot.options, read by the ENTRYPOINT) are committed into the image. A base whose Java cannot make one (21)
# keeps the comment-only aot.options and starts without a cache, as before.
aot_train() {
  local name=$1 ctr root
  ctr=$(buildah from --quiet --pull-never "$name")
  root=$(buildah mount "$ctr")
  if unshare --mount --fork bash -euo pipefail -c '
      root=$1
      mount --make-rprivate /; mount -t proc proc "$root/proc"; mount --rbind /dev "$root/dev"
      mkdir -p "$root/tmp/aot-train"
      MALLOC_ARENA_MAX=1 chroot "$root" /opt/java/openjdk/bin/java @/opt/udsproxy/jvm.options \
        -XX:AOTCacheOutput=/opt/udsproxy/udsproxy-sidecar.aot -Xlog:aot=error -jar /opt/udsproxy/udsproxy-sidecar.jar \
        --listen 127.0.0.1:15996 --admin 127.0.0.1:15997 --socket-dir /tmp/aot-train \
        --upstream unix:/tmp/aot-train/app.sock --shutdown-grace 0s --drain-timeout 0s >/dev/null 2>"$root/tmp/aot-train/log" &
      pid=$!
      for i in $(seq 1 300); do grep -q "listening on" "$root/tmp/aot-train/log" && break; kill -0 $pid || break; sleep 0.1; done
      kill -TERM $pid; wait $pid
      rm -rf "$root/tmp/aot-train"
      [ -s "$root/opt/udsproxy/udsproxy-sidecar.aot" ]
    ' train "$root" 2>"$OUT/aot-train.log"; then
    chmod 0644 "$root/opt/udsproxy/udsproxy-sidecar.aot"
    echo "-XX:AOTCache=/opt/udsproxy/udsproxy-sidecar.aot" >"$root/opt/udsproxy/aot.options"
    buildah umount "$ctr" >/dev/null
    buildah commit --quiet "$ctr" "$name" >/dev/null
    log "sidecar: AOT cache recorded by the image's java ($(du -h "$OUT/sidecar-context/udsproxy-sidecar.jar" | cut -f1) jar)"
  else
    buildah umount "$ctr" >/dev/null
    log "sidecar: no AOT cache (the image's java could not record one; see $OUT/aot-train.log); it starts without"
  fi
  buildah rm "$ctr" >/dev/null
}

# --- the images --------------------------------------------------------------------------------
for c in "${components[@]}"; do
  ctx="$OUT/$c-context"
  rm -rf "$ctx"; mkdir -p "$ctx"
  case "$c" in
    sidecar) cp sidecar/target/udsproxy-sidecar.jar sidecar/src/main/jvm/jvm.options "$ctx/"
             # Netty's epoll and io_uring .so unpacked ahead: the Pod's read-only root leaves Netty no /tmp to
             # unpack them to.
             mkdir -p "$ctx/lib"
             (cd "$ctx/lib" && "$JAVA_HOME/bin/jar" xf ../udsproxy-sidecar.jar META-INF/native \
               && mv META-INF/native/libnetty_transport_native_epoll_*.so META-INF/native/libnetty_transport_native_io_uring*.so . \
               && rm -rf META-INF)
             ls "$ctx"/lib/libnetty_transport_native_epoll_*.so "$ctx"/lib/libnetty_transport_native_io_uring*.so >/dev/null
             # Replaced by the AOT cache's flag after the training run below, when the image's Java makes one.
             echo "# no AOT cache: filled in by images/build.sh after the training run" >"$ctx/aot.options" ;;
    # The udsproxy CLI rides along (kubectl exec deploy/udsproxy-operator -- .../cli/udsproxy check).
    operator) cp -r operator/target/quarkus-app "$ctx/"; cp cli/target/udsproxy-cli.jar cli/bin/udsproxy "$ctx/" ;;
    # Compiled here, for the oldest JDK the example supports: the image needs no compiler.
    example-java) "$JAVA_HOME/bin/javac" --release 21 -Xlint:all -Werror -d "$ctx/classes" examples/java/Example.java ;;
    example-node) node=$(readlink -f "$(command -v node)")
                  mkdir -p "$ctx/rootfs/usr/bin"; cp "$node" "$ctx/rootfs/usr/bin/node"
                  copy_libs "$ctx/rootfs" "$node"; base_files "$ctx/rootfs"
                  cp examples/node/server.js "$ctx/" ;;
    toolbox) busybox=$(readlink -f "$(command -v busybox)"); curl=$(readlink -f "$(command -v curl)")
             mkdir -p "$ctx/rootfs/bin" "$ctx/rootfs/usr/bin" "$ctx/rootfs/www"
             cp "$busybox" "$ctx/rootfs/bin/busybox"; cp "$curl" "$ctx/rootfs/usr/bin/curl"
             # Every applet as a link, so that /bin/sh -c "... | grep ..." finds its tools on PATH.
             for applet in $("$busybox" --list); do
               [ -e "$ctx/rootfs/bin/$applet" ] || ln -s busybox "$ctx/rootfs/bin/$applet"
             done
             copy_libs "$ctx/rootfs" "$busybox" "$curl"; base_files "$ctx/rootfs"
             echo "hello from the udsproxy toolbox" >"$ctx/rootfs/www/index.html" ;;
  esac
  # docker.io/... is what the chart's "udsproxy/<name>" means to a kubelet (e.g. after kind load).
  name="docker.io/udsproxy/$c:$VERSION"
  case "$c" in
    sidecar|operator|example-java) log "building $name on $BASE ..."; args=(--build-arg "BASE=$BASE") ;;
    *) log "building $name FROM scratch ..."; args=() ;;
  esac
  buildah bud --quiet "${args[@]}" -t "$name" -f "images/$c/Containerfile" "$ctx" >/dev/null
  if [ "$c" = sidecar ]; then aot_train "$name"; fi
  tar="$OUT/udsproxy-$c-$VERSION.tar"
  rm -f "$tar"
  buildah push --quiet "$name" "docker-archive:$tar:$name"
  log "wrote $tar ($(du -h "$tar" | cut -f1))"
done

# --- the checks: each image's program starts from the tar's root filesystem ----------------------
# in_image COMPONENT SCRIPT: imports the tar, mounts its root filesystem and runs SCRIPT (bash) in a private
# mount namespace, as in the Pod: the root read-only, a writable socket folder $root/tmp/sockets (the emptyDir;
# also at $sockets, a path short enough for a socket address),
# /proc and /dev (they vanish with the namespace). run CMD... runs CMD in a chroot with the image's ENV and as
# the image's USER, which must be a non-root uid (Pod Security "restricted", runAsNonRoot).
ctrs=()
trap 'for c in "${ctrs[@]}"; do buildah umount "$c" >/dev/null 2>&1 || true; buildah rm "$c" >/dev/null 2>&1 || true; done' EXIT
in_image() {
  local c=$1 script=$2 tar="$OUT/udsproxy-$1-$VERSION.tar" ctr root user
  ctr=$(buildah from --quiet --pull-never "docker-archive:$tar"); ctrs+=("$ctr")
  root=$(buildah mount "$ctr")
  user=$(buildah inspect --format '{{.OCIv1.Config.User}}' "$ctr")
  case "$user" in
    0|0:*|root|root:*|"") log "$tar: USER is '${user}', not a non-root uid"; exit 1 ;;
    *[!0-9:]*) log "$tar: USER '$user' is not numeric (runAsNonRoot cannot verify a name)"; exit 1 ;;
  esac
  IMAGE_NAME=$c IMAGE_USER=$user IMAGE_ENV=$(buildah inspect --format '{{range .OCIv1.Config.Env}}{{println .}}{{end}}' "$ctr") \
  IMAGE_ENTRYPOINT=$(buildah inspect --format '{{range .OCIv1.Config.Entrypoint}}{{.}} {{end}}' "$ctr") \
  unshare --mount --fork bash -euo pipefail -c '
    root=$1
    image_env=(); while read -r line; do [ -z "$line" ] || image_env+=("$line"); done <<<"$IMAGE_ENV"
    read -ra entrypoint <<<"$IMAGE_ENTRYPOINT"
    chroot_bin=$(command -v chroot)
    mkdir -p "$root/tmp/sockets"
    mount --make-rprivate /; mount --bind "$root" "$root"; mount -o remount,bind,ro "$root"
    mount -t proc proc "$root/proc"; mount --rbind /dev "$root/dev"
    mount -t tmpfs -o mode=0770,uid=65532,gid=65532 sockets "$root/tmp/sockets"
    # The same folder at a short host path: $root is too long for a Unix socket address (108 bytes).
    sockets=$(mktemp -d /tmp/udsproxy-check.XXXXXX); mount --bind "$root/tmp/sockets" "$sockets"
    trap '"'"'umount "$sockets" 2>/dev/null; rmdir "$sockets"'"'"' EXIT
    run() { env -i "${image_env[@]}" "$chroot_bin" --userspec="$IMAGE_USER" "$root" "$@"; }
    '"$script" check "$root"
  buildah umount "$ctr" >/dev/null
}

if wants sidecar; then
  log "checking the sidecar: java and the sidecar start from its root filesystem (chroot, uid 65532) ..."
  # As in the Pod: a read-only root (the sidecar then cannot unpack Netty's epoll library to /tmp), a writable
  # socket folder (the emptyDir), MALLOC_ARENA_MAX from the image's ENV.
  in_image sidecar '
    run /opt/java/openjdk/bin/java -version 2>&1 | sed "s/^/  image: /"
    run /opt/java/openjdk/bin/java @/opt/udsproxy/jvm.options -jar /opt/udsproxy/udsproxy-sidecar.jar --help >/tmp/udsproxy-image-help.txt
    grep -q -- "--upstream=unix:PATH" /tmp/udsproxy-image-help.txt || { echo "images: the sidecar --help in the image printed no usage" >&2; exit 1; }
    echo "  image: sidecar --help printed its usage"
    # The image as the Pod runs it: the entrypoint flags, a socket folder, the admin port on loopback.
    # Not through run(): a backgrounded function is a subshell, and kill would end it, not the JVM (seen: a
    # sidecar left running on the check'"'"'s ports). chroot execs java, so $! is the JVM.
    # The ENTRYPOINT itself (jvm.options and aot.options), timed from the exec to the first /healthz 200.
    started_ns=$(date +%s%N)
    MALLOC_ARENA_MAX=1 chroot --userspec=65532:65532 "$root" "${entrypoint[@]}" \
      --listen 127.0.0.1:15998 --admin 127.0.0.1:15999 --socket-dir /tmp/sockets --upstream unix:/tmp/sockets/app.sock \
      >/tmp/udsproxy-image-run.log 2>&1 &
    pid=$!
    status=""
    for i in $(seq 1 500); do
      if status=$( { exec 3<>/dev/tcp/127.0.0.1/15999 && printf "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" >&3 && head -1 <&3; } 2>/dev/null ); then
        break
      fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.02
    done
    healthz_ms=$(( ($(date +%s%N) - started_ns) / 1000000 ))
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
    if ! grep -qE "\((io_uring|epoll)\)" /tmp/udsproxy-image-run.log; then
      echo "images: the sidecar in the image (read-only root) used neither io_uring nor epoll; its log:" >&2
      cat /tmp/udsproxy-image-run.log >&2; exit 1
    fi
    echo "  image: read-only root, native transport from /opt/udsproxy/lib: $(grep -o "listening on [^,]*" /tmp/udsproxy-image-run.log)"
    if grep -q "aot.*error\|AOTCache.*mismatch\|Unable to map shared" /tmp/udsproxy-image-run.log; then
      echo "images: the image'"'"'s AOT cache was rejected by its java; its log:" >&2
      cat /tmp/udsproxy-image-run.log >&2; exit 1
    fi
    if grep -q "^-XX:AOTCache=" "$root/opt/udsproxy/aot.options"; then aot="with the image'"'"'s AOT cache"; else aot="no AOT cache"; fi
    echo "  image: start to /healthz 200: ${healthz_ms} ms, ${aot} (the ENTRYPOINT in a chroot, this host'"'"'s CPU)"
  '
fi

if wants operator; then
  log "checking the operator image: the udsproxy CLI it carries runs from its root filesystem (chroot, uid 65532) ..."
  in_image operator '
    out=$(run /opt/java/openjdk/bin/java -jar /opt/udsproxy-operator/cli/udsproxy-cli.jar --help 2>&1) || true
    case "$out" in
      *inject*check*|*check*inject*) echo "  image: /opt/udsproxy-operator/cli/udsproxy-cli.jar --help lists inject and check" ;;
      *) echo "images: the CLI in the operator image printed: $out" >&2; exit 1 ;;
    esac
  '
fi

# The example's own entrypoint on a socket in the socket folder, as the injected sidecar names it; the answer
# read over that socket by the host's curl.
read -r -d '' check_example <<'SCRIPT' || true
    lang=${IMAGE_NAME#example-}
    env -i "${image_env[@]}" UDSPROXY_SOCKET=/tmp/sockets/app.sock "$chroot_bin" --userspec="$IMAGE_USER" "$root" \
      "${entrypoint[@]}" >/tmp/udsproxy-image-example.log 2>&1 &
    pid=$!
    for i in $(seq 1 100); do { [ -S "$sockets/app.sock" ] || ! kill -0 "$pid" 2>/dev/null; } && break; sleep 0.1; done
    answer=$(curl -sS --max-time 5 --unix-socket "$sockets/app.sock" http://app/image-check 2>&1) || true
    kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
    if [ "$answer" != "hello from example-$lang over unix, path /image-check" ]; then
      echo "images: example-$lang from its image (${entrypoint[*]}) answered: ${answer:-nothing}; its log:" >&2
      cat /tmp/udsproxy-image-example.log >&2; exit 1
    fi
    echo "  image: ${entrypoint[*]} (uid $IMAGE_USER, read-only root) answered over its socket: $answer"
SCRIPT
for c in example-java example-node; do
  if wants "$c"; then
    log "checking $c: its entrypoint serves HTTP on a socket from the image's root filesystem ..."
    in_image "$c" "$check_example"
  fi
done

read -r -d '' check_toolbox <<'SCRIPT' || true
    out=$(run /bin/sh -c 'echo "$(id -u) $(curl --version | head -1 | cut -d" " -f1-2)" | grep "^65532 curl "') \
      || { echo "images: the toolbox has no working sh, id, curl, head, cut or grep" >&2; exit 1; }
    echo "  image: sh, id, curl, head, cut and grep run (uid and curl: $out)"
    # The tiny HTTP service for egress tests, as its Containerfile names it.
    env -i "${image_env[@]}" "$chroot_bin" --userspec="$IMAGE_USER" "$root" /bin/busybox httpd -f -p 127.0.0.1:15997 -h /www &
    pid=$!
    answer=""
    for i in $(seq 1 50); do answer=$(run curl -fsS --max-time 2 http://127.0.0.1:15997/ 2>/dev/null) && break; sleep 0.1; done
    via_wget=$(run wget -qO- http://127.0.0.1:15997/ 2>&1) || true
    kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
    if [ "$answer" != "hello from the udsproxy toolbox" ] || [ "$via_wget" != "$answer" ]; then
      echo "images: busybox httpd in the toolbox answered curl with '$answer', wget with '$via_wget'" >&2; exit 1
    fi
    echo "  image: busybox httpd -f -p PORT -h /www serves '$answer' (curl and wget)"
    # The chart's helm test script under the toolbox's sh: it must get as far as asking the API server (none here).
    cp charts/udsproxy-operator/files/test-injection.sh "$root/tmp/sockets/"
    rc=0
    out=$(env -i "${image_env[@]}" KUBE_API=http://127.0.0.1:1 KUBE_TOKEN_FILE=/etc/passwd KUBE_CA_FILE=/dev/null \
      TEST_NAMESPACE=default "$chroot_bin" --userspec="$IMAGE_USER" "$root" /bin/sh /tmp/sockets/test-injection.sh 2>&1) || rc=$?
    if [ "$rc" != 1 ] || [[ "$out" != *"FAIL: could not reach the API server at http://127.0.0.1:1"* ]]; then
      echo "images: the chart's helm test script in the toolbox exited $rc: $out" >&2; exit 1
    fi
    echo "  image: the chart's test-injection.sh runs under its sh and curl: '${out##*$'\n'}'"
SCRIPT
if wants toolbox; then
  log "checking the toolbox: sh, curl, wget, httpd and the helm test script from its root filesystem ..."
  in_image toolbox "$check_toolbox"
fi
log "done in $(( $(date +%s) - started ))s; tars in $OUT"
