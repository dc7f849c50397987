#!/usr/bin/env bash
# Builds the udsproxy container images as an ordinary user, with no daemon and no root, and writes them as
# docker-archive tars (for `kind load image-archive`, `podman load`, `docker load`):
#
#   images/build.sh                 # all: sidecar, operator, example-java, example-node, example-go, toolbox
#   images/build.sh sidecar toolbox # some of them
#
# sidecar, operator: the product, built by Jib (images/pom.xml). example-java: the Java example, by Jib onto the
# same base. example-node, example-go, toolbox: FROM scratch root filesystems (node, the Go example's static binary,
# or busybox and curl, with the glibc files they link against) written as images by images/tools/rootfs-image.py.
# example-go is the stock app of the permission rule: Go creates its socket 0755, and it runs as uid 1000. toolbox: sh, curl, wget, nc and httpd for
# the chart's `helm test` Pod and the walkthrough's curl Pod. Every image a Pod of the walkthrough runs is built
# here, so a cluster without a registry (kind) needs none.
#
# Base of the Java images (one definition per image, the base switchable):
#   UDSPROXY_IMAGE_BASE=docker.io/library/eclipse-temurin:25-jre images/build.sh   # pulled by Jib from a registry
#   images/build.sh      # default: makes target/images/udsproxy-jre-base-25.tar here, a jlink'ed runtime of the
#                        # local JDK FROM scratch (no registry needed), and builds on it (Jib's tar:// base)
# The sidecar's AOT cache is recorded with the base's own java when that java is on disk (the local base), and
# left out otherwise (the image then starts without one; sidecar/README.md has the difference).
#
# The image tag is the project version (pom.xml), the one version of the jars, the chart and the images.
# Output: target/images/udsproxy-<name>-<version>.tar (override with UDSPROXY_IMAGES_OUT); never committed.
# Nothing is written outside the repo's target/ folders (Jib's caches included) and $UDSPROXY_IMAGES_OUT.
#
# Then, where podman or docker is installed (UDSPROXY_IMAGE_ENGINE to choose), each tar is loaded into it and run
# as the Pod runs it: the root read-only, as uid 65532, a tmpfs socket folder, host network (no network is made).
# The sidecar's --help, a live /healthz timed from `run`, the native transport, the await subcommand of the
# classic-mode hook; the operator image's CLI; the examples answering over a socket; the toolbox's sh, curl and
# httpd. Without an engine the checks are skipped, saying so.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh

VERSION=$(python3 -c 'import xml.etree.ElementTree as E; print(E.parse("pom.xml").getroot().find("{http://maven.apache.org/POM/4.0.0}version").text)')
OUT=${UDSPROXY_IMAGES_OUT:-$PWD/target/images}
case "$OUT" in /*) ;; *) OUT=$PWD/$OUT ;; esac
LOCAL_BASE_TAR=$OUT/udsproxy-jre-base-25.tar
components=("$@")
[ ${#components[@]} -gt 0 ] || components=(sidecar operator example-java example-node example-go toolbox)
for c in "${components[@]}"; do
  case "$c" in sidecar|operator|example-java|example-node|example-go|toolbox) ;;
    *) echo "images: unknown image '$c'; allowed: sidecar, operator, example-java, example-node, example-go, toolbox" >&2; exit 2 ;;
  esac
done
log() { echo "images: $*" >&2; }
wants() { [[ " ${components[*]} " == *" $1 "* ]]; }
wants_jib() { wants sidecar || wants operator || wants example-java; }
started=$(date +%s)
# Maven, Jib and Go would write their per-user state (Jib's global config, Go's telemetry counters, Quarkus's
# analytics id, the JVM's hsperfdata) to the home folder and /tmp: pointed below $OUT, or turned off.
mvn() { XDG_CONFIG_HOME=$OUT/xdg-config MAVEN_OPTS="${MAVEN_OPTS:-} -XX:-UsePerfData" ./mvnw -B -ntp -q \
  -Dquarkus.analytics.disabled=true "$@"; }

# --- tools -------------------------------------------------------------------------------------
# The node, busybox and curl binaries the example-node and toolbox images copy come from the host.
packages=()
command -v python3 >/dev/null || packages+=(python3)
if wants example-node && ! command -v node >/dev/null; then packages+=(nodejs); fi
if wants toolbox && ! command -v busybox >/dev/null; then packages+=(busybox-static); fi
if ! command -v curl >/dev/null; then packages+=(curl); fi
if wants example-go && ! command -v go >/dev/null; then
  log "example-go needs Go 1.22+ on PATH (the toolchain the kind tier builds Kubernetes with)"; exit 1
fi
if [ ${#packages[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing ${packages[*]} (apt-get) ..."
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  else
    log "these are needed: sudo apt-get install -y ${packages[*]} (or your system's packages of the same)"; exit 1
  fi
fi
mkdir -p "$OUT"

# --- jars --------------------------------------------------------------------------------------
if wants_jib; then
  [ -f sidecar/target/udsproxy-sidecar.jar ] && [ -f operator/target/quarkus-app/quarkus-run.jar ] \
    && [ -f cli/target/udsproxy-cli.jar ] || mvn -pl sidecar,operator,cli -am package -DskipTests
fi

# A root filesystem FROM scratch needs the glibc files its binaries link against: copy exactly what ldd lists
# (a static binary, busybox-static, lists nothing), at the same paths.
copy_libs() {
  local rootfs=$1 f; shift
  for f in $(for bin in "$@"; do ldd "$bin"; done 2>/dev/null \
              | awk '/=> \// {print $3} /^[ \t]*\/lib/ {print $1}' | grep -v openjdk | sort -u); do
    cp --parents -L "$f" "$rootfs/"
  done
}
# The rest of a minimal root: the non-root user 65532 (the images' USER, owner of its home: --owner below), /tmp,
# mount points, name lookup.
base_files() {
  local rootfs=$1
  mkdir -p "$rootfs/etc" "$rootfs/proc" "$rootfs/dev" "$rootfs/sys" "$rootfs/tmp" "$rootfs/home/nonroot"
  chmod 1777 "$rootfs/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' >"$rootfs/etc/group"
  printf 'hosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
}
# scratch_image NAME ROOTFS: the folder as the image docker.io/udsproxy/NAME:VERSION, user 65532, its entrypoint,
# env and ports from images/NAME/image.json.
scratch_image() {
  local name=$1 rootfs=$2; shift 2
  python3 images/tools/rootfs-image.py --rootfs "$rootfs" --tag "docker.io/udsproxy/$name:$VERSION" \
    --config "images/$name/image.json" \
    --out "$OUT/udsproxy-$name-$VERSION.tar" --user 65532:65532 --owner home/nonroot=65532:65532 \
    --label "org.opencontainers.image.title=udsproxy-$name" --label "org.opencontainers.image.version=$VERSION" "$@"
  log "wrote $OUT/udsproxy-$name-$VERSION.tar ($(du -h "$OUT/udsproxy-$name-$VERSION.tar" | cut -f1))"
}

# --- the local base: a jlink'ed runtime FROM scratch ---------------------------------------------
# Modules: what Netty (jdk.unsupported), Quarkus/Vert.x/fabric8 (naming, net.http, sql, management,
# jgss, xml) and TLS (crypto) need; no desktop, no compiler.
MODULES=java.base,java.logging,java.management,java.naming,java.net.http,java.security.jgss,java.security.sasl,java.sql,java.xml,java.instrument,jdk.unsupported,jdk.crypto.cryptoki,jdk.management,jdk.naming.dns,jdk.zipfs
BASE_ROOTFS=$OUT/base/rootfs
if [ -n "${UDSPROXY_IMAGE_BASE:-}" ]; then
  BASE_REF=$UDSPROXY_IMAGE_BASE
elif wants_jib; then
  BASE_REF=tar://$LOCAL_BASE_TAR
  stamp="$("$JAVA_HOME/bin/java" -version 2>&1 | head -1) $MODULES r2"
  if [ -f "$LOCAL_BASE_TAR" ] && [ "$(cat "$OUT/base.stamp" 2>/dev/null)" = "$stamp" ]; then
    log "base $LOCAL_BASE_TAR is current"
  else
    log "making the base $LOCAL_BASE_TAR from $JAVA_HOME (jlink) ..."
    rm -rf "$OUT/base"; mkdir -p "$BASE_ROOTFS/opt/java"
    "$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files \
      --compress=zip-6 --output "$BASE_ROOTFS/opt/java/openjdk"
    # The runtime links against glibc: copy exactly the files its binaries and libraries need.
    copy_libs "$BASE_ROOTFS" "$BASE_ROOTFS/opt/java/openjdk/bin/java" $(find "$BASE_ROOTFS/opt/java/openjdk" -name '*.so')
    base_files "$BASE_ROOTFS"
    python3 images/tools/rootfs-image.py --rootfs "$BASE_ROOTFS" --tag localhost/udsproxy/jre-base:25 \
      --out "$LOCAL_BASE_TAR" --user 65532:65532 --owner home/nonroot=65532:65532 \
      --env JAVA_HOME=/opt/java/openjdk --env PATH=/opt/java/openjdk/bin:/usr/bin:/bin --env LANG=C.UTF-8
    echo "$stamp" >"$OUT/base.stamp"
    log "base: $(du -sh "$BASE_ROOTFS" | cut -f1) (runtime $(du -sh "$BASE_ROOTFS/opt/java/openjdk" | cut -f1))"
  fi
fi

# --- the sidecar's AOT cache, made by the base's own java ----------------------------------------
# An AOT cache (JDK 25+, JEP 483/515: classes loaded and linked, method profiles) is valid only for the JVM build
# and the jars it was recorded with (their size and modification time; the folder may differ: the JVM matches
# the class path by its longest common prefix). So the training run uses the base's java from the base's root
# filesystem on disk and the jar as Jib lays it into the image, with Jib's file time (1 s after the epoch). With
# a pulled base there is no such java here: the image then keeps the comment-only aot.options.
aot_train() {
  local dir=images/target/sidecar-root/opt/udsproxy
  if [ -n "${UDSPROXY_IMAGE_BASE:-}" ]; then
    log "sidecar: no AOT cache (the base $UDSPROXY_IMAGE_BASE is pulled, so its java is not here to record one)"
    return
  fi
  touch -d @1 "$dir/udsproxy-sidecar.jar"
  # The training run of sidecar/bin/make-aot-cache (start, the admin port's requests, SIGTERM), with the base's java,
  # the image's jvm.options and its lib/ (java.library.path, as in the image), MALLOC_ARENA_MAX=1 as the launcher.
  if MALLOC_ARENA_MAX=1 JAVA_HOME=$BASE_ROOTFS/opt/java/openjdk UDSPROXY_JAR=$dir/udsproxy-sidecar.jar \
      UDSPROXY_JVM_OPTIONS=$dir/jvm.options UDSPROXY_JAVA_OPTS=-Djava.library.path=$dir/lib UDSPROXY_TRAIN_PORT=15996 \
      sidecar/bin/make-aot-cache >"$OUT/aot-train.log" 2>&1 && [ -s "$dir/udsproxy-sidecar.aot" ]; then
    chmod 0644 "$dir/udsproxy-sidecar.aot"
    echo "-XX:AOTCache=/opt/udsproxy/udsproxy-sidecar.aot" >"$dir/aot.options"
    log "sidecar: AOT cache recorded by the base's java ($(du -h "$dir/udsproxy-sidecar.aot" | cut -f1))"
  else
    rm -f "$dir/udsproxy-sidecar.aot"
    log "sidecar: no AOT cache (the base's java could not record one; see $OUT/aot-train.log); it starts without"
  fi
}

# --- the Java images: Jib ----------------------------------------------------------------------
if wants_jib; then
  jib_goals=()
  for c in sidecar operator example-java; do wants "$c" && jib_goals+=("jib:buildTar@$c"); done
  log "laying out ${jib_goals[*]//jib:buildTar@/} (images/pom.xml) ..."
  mvn -f images/pom.xml generate-resources
  if wants sidecar; then aot_train; fi
  log "building ${jib_goals[*]//jib:buildTar@/} with Jib on $BASE_REF ..."
  mvn -f images/pom.xml "${jib_goals[@]}" -Dudsproxy.image.base="$BASE_REF" -Dudsproxy.images.out="$OUT" \
    -Djib.baseImageCache="$OUT/jib-cache" -Djib.applicationCache="$OUT/jib-cache" -Djib.disableUpdateChecks=true
  for c in sidecar operator example-java; do
    if wants "$c"; then log "wrote $OUT/udsproxy-$c-$VERSION.tar ($(du -h "$OUT/udsproxy-$c-$VERSION.tar" | cut -f1))"; fi
  done
fi

# --- the images FROM scratch ---------------------------------------------------------------------
if wants example-node; then
  rootfs=$OUT/example-node-rootfs; rm -rf "$rootfs"
  node=$(readlink -f "$(command -v node)")
  mkdir -p "$rootfs/usr/bin" "$rootfs/opt/example-node"; cp "$node" "$rootfs/usr/bin/node"
  copy_libs "$rootfs" "$node"; base_files "$rootfs"
  cp examples/node/server.js "$rootfs/opt/example-node/"
  scratch_image example-node "$rootfs"
fi
if wants example-go; then
  rootfs=$OUT/example-go-rootfs; rm -rf "$rootfs"; mkdir -p "$rootfs/opt/example-go"
  # Static (no cgo), the standard library only; Go's caches below $OUT, and no toolchain download.
  (cd examples/go && XDG_CONFIG_HOME=$OUT/xdg-config GOCACHE=$OUT/go-cache GOPATH=$OUT/go-path GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0 \
    go build -trimpath -o "$rootfs/opt/example-go/server" .)
  base_files "$rootfs"
  scratch_image example-go "$rootfs"
fi
if wants toolbox; then
  rootfs=$OUT/toolbox-rootfs; rm -rf "$rootfs"
  busybox=$(readlink -f "$(command -v busybox)"); curl=$(readlink -f "$(command -v curl)")
  mkdir -p "$rootfs/bin" "$rootfs/usr/bin" "$rootfs/www"
  cp "$busybox" "$rootfs/bin/busybox"; cp "$curl" "$rootfs/usr/bin/curl"
  # Every applet as a link, so that /bin/sh -c "... | grep ..." finds its tools on PATH.
  for applet in $("$busybox" --list); do
    [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"
  done
  copy_libs "$rootfs" "$busybox" "$curl"; base_files "$rootfs"
  echo "hello from the udsproxy toolbox" >"$rootfs/www/index.html"
  # No entrypoint (image.json): `kubectl run ... -- curl -s URL` runs its args.
  scratch_image toolbox "$rootfs"
fi

# --- the checks: each tar loaded into a container engine and run as the Pod runs it -----------------
engine=${UDSPROXY_IMAGE_ENGINE:-$(command -v podman || command -v docker || true)}
if [ "$engine" = none ]; then
  log "UDSPROXY_IMAGE_ENGINE=none: the tars were built but not run"
  log "done in $(( $(date +%s) - started ))s; tars in $OUT"
  exit 0
fi
if [ -z "$engine" ]; then
  log "no podman or docker here: the tars were built but not run (UDSPROXY_IMAGE_ENGINE names one)"
  log "done in $(( $(date +%s) - started ))s; tars in $OUT"
  exit 0
fi
engine_name=$(basename "$engine")
ctrs=()
trap 'for c in "${ctrs[@]}"; do "$engine" rm -f -t 0 "$c" >/dev/null 2>&1 || true; done' EXIT
# load COMPONENT: the tar into the engine, tagged docker.io/udsproxy/NAME:VERSION (the name the chart and the
# compose example use; podman files Jib's short name udsproxy/NAME under localhost/); prints that name. The image's
# USER must be a non-root uid (Pod Security "restricted", runAsNonRoot).
load() {
  local c=$1 name="docker.io/udsproxy/$1:$VERSION" user before loaded out id
  before=$(for n in "$name" "localhost/udsproxy/$c:$VERSION"; do "$engine" image inspect --format '{{.Id}}' "$n" 2>/dev/null; done | sort -u)
  out=$("$engine" load -i "$OUT/udsproxy-$c-$VERSION.tar" 2>&1) || { log "$engine_name load of $c failed: $out"; exit 1; }
  loaded=$(sed -n 's/^Loaded image[^:]*: *//p' <<<"$out" | head -1)
  [ -n "$loaded" ] || { log "$engine_name load of $c named no image: $out"; exit 1; }
  [ "$loaded" = "$name" ] || "$engine" tag "$loaded" "$name"
  # The image this load untagged (an earlier build) goes, so that rebuilds do not pile up in the engine's storage.
  for id in $before; do
    if [ "$id" != "$("$engine" image inspect --format '{{.Id}}' "$name")" ]; then "$engine" rmi "$id" >/dev/null 2>&1 || true; fi
  done
  user=$("$engine" image inspect --format '{{.Config.User}}' "$name")
  case "$user" in
    0|0:*|root|root:*|"") log "$c: USER is '${user}', not a non-root uid"; exit 1 ;;
    *[!0-9:]*) log "$c: USER '$user' is not numeric (runAsNonRoot cannot verify a name)"; exit 1 ;;
  esac
  echo "$name"
}
# As in the Pod: the root read-only, the image's USER, a tmpfs socket folder (the emptyDir; podman 4.3 takes no
# uid= for it, hence 1777), the host's network
# namespace (so no network is created on the host and the checks reach the ports on 127.0.0.1).
run_args=(--read-only --network host --tmpfs /tmp/sockets:rw,mode=1777)

if wants sidecar; then
  image=$(load sidecar)
  log "checking the sidecar: $image from its tar in $engine_name (read-only root, uid 65532) ..."
  "$engine" run --rm "${run_args[@]}" "$image" --help >"$OUT/sidecar-help.txt"
  grep -q -- "--upstream=unix:PATH" "$OUT/sidecar-help.txt" || { log "the sidecar --help in the image printed no usage"; exit 1; }
  echo "  image: sidecar --help printed its usage"
  # The ENTRYPOINT itself (jvm.options and aot.options), timed from `run` to the first /healthz 200.
  started_ns=$(date +%s%N)
  ctr=$("$engine" run -d "${run_args[@]}" "$image" --listen 127.0.0.1:15998 --admin 127.0.0.1:15999 \
    --socket-dir /tmp/sockets --upstream unix:/tmp/sockets/app.sock); ctrs+=("$ctr")
  status=""
  for i in $(seq 1 500); do
    status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 http://127.0.0.1:15999/healthz 2>/dev/null) || true
    [ "$status" = 200 ] && break
    [ "$("$engine" inspect --format '{{.State.Running}}' "$ctr")" = true ] || break
    sleep 0.02
  done
  healthz_ms=$(( ($(date +%s%N) - started_ns) / 1000000 ))
  for i in $(seq 1 50); do "$engine" logs "$ctr" 2>&1 | grep -q "listening on" && break; sleep 0.1; done
  logs=$("$engine" logs "$ctr" 2>&1)
  if [ "$status" != 200 ]; then log "the sidecar in the image did not answer /healthz (${status:-no answer}); its log:"; echo "$logs" >&2; exit 1; fi
  echo "  image: the sidecar answered /healthz 200"
  # The operator's classic-mode postStart hook: the image's own java runs the jar's await subcommand (no shell).
  "$engine" exec "$ctr" /opt/java/openjdk/bin/java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx16m -XX:-UsePerfData \
    -jar /opt/udsproxy/udsproxy-sidecar.jar await --admin 127.0.0.1:15999 --timeout 10s \
    || { log "the await subcommand (classic-mode postStart hook) failed in the image"; exit 1; }
  echo "  image: await --admin 127.0.0.1:15999 (the classic-mode postStart hook) returned 0"
  if ! grep -qE "\((io_uring|epoll)\)" <<<"$logs"; then
    log "the sidecar in the image (read-only root) used neither io_uring nor epoll; its log:"; echo "$logs" >&2; exit 1
  fi
  echo "  image: read-only root, native transport from /opt/udsproxy/lib: $(grep -o "listening on [^,]*" <<<"$logs" | head -1)"
  if grep -q "aot.*error\|AOTCache.*mismatch\|Unable to map shared\|shared class paths mismatch" <<<"$logs"; then
    log "the image's AOT cache was rejected by its java; its log:"; echo "$logs" >&2; exit 1
  fi
  if grep -q "^-XX:AOTCache=" images/target/sidecar-root/opt/udsproxy/aot.options 2>/dev/null; then aot="with the image's AOT cache"; else aot="no AOT cache"; fi
  echo "  image: start to /healthz 200: ${healthz_ms} ms from '$engine_name run', ${aot}; the JVM: $(grep -o "listening [0-9]* ms after main()" <<<"$logs" | head -1)"
  "$engine" rm -f -t 0 "$ctr" >/dev/null
fi

if wants operator; then
  image=$(load operator)
  log "checking the operator image: the udsproxy CLI it carries ($engine_name, read-only root, uid 65532) ..."
  out=$("$engine" run --rm "${run_args[@]}" --entrypoint /opt/java/openjdk/bin/java "$image" \
    -XX:-UsePerfData -jar /opt/udsproxy-operator/cli/udsproxy-cli.jar --help 2>&1) || true
  case "$out" in
    *inject*check*|*check*inject*) echo "  image: /opt/udsproxy-operator/cli/udsproxy-cli.jar --help lists inject and check" ;;
    *) log "the CLI in the operator image printed: $out"; exit 1 ;;
  esac
  # The ENTRYPOINT's JVM flags (operator/src/main/jvm/jvm.options): a flag the image's java does not know would
  # stop every operator Pod at start.
  out=$("$engine" run --rm "${run_args[@]}" --entrypoint /opt/java/openjdk/bin/java "$image" \
    @/opt/udsproxy-operator/jvm.options -XX:+PrintCommandLineFlags -version 2>&1) || { log "the operator image's java refused jvm.options: $out"; exit 1; }
  grep -q "UseSerialGC" <<<"$out" || { log "the operator image's java did not take jvm.options: $out"; exit 1; }
  echo "  image: the ENTRYPOINT's java accepts /opt/udsproxy-operator/jvm.options"
fi

# The example's own entrypoint on a socket in a host folder, as the injected sidecar names it; the answer read
# over that socket by the host's curl.
check_example() {
  local c=$1 lang=${1#example-} image dir answer
  image=$(load "$c")
  log "checking $c: its entrypoint serves HTTP on a socket ($engine_name, read-only root, uid 65532) ..."
  dir=$(mktemp -d "$OUT/check-$lang.XXXXXX"); chmod 0777 "$dir"
  ctr=$("$engine" run -d --read-only --network none -v "$dir:/tmp/sockets" -e UDSPROXY_SOCKET=/tmp/sockets/app.sock "$image"); ctrs+=("$ctr")
  for i in $(seq 1 100); do [ -S "$dir/app.sock" ] && break; sleep 0.1; done
  answer=$(curl -sS --max-time 5 --unix-socket "$dir/app.sock" http://app/image-check 2>&1) || true
  if [ "$answer" != "hello from example-$lang over unix, path /image-check" ]; then
    log "$c from its image answered: ${answer:-nothing}; its log:"; "$engine" logs "$ctr" >&2; exit 1
  fi
  echo "  image: $c (read-only root, no network) answered over its socket (mode $(stat -c %a "$dir/app.sock") as the app made it): $answer"
  "$engine" rm -f -t 0 "$ctr" >/dev/null; rm -rf "$dir"
}
for c in example-java example-node example-go; do if wants "$c"; then check_example "$c"; fi; done

if wants toolbox; then
  image=$(load toolbox)
  log "checking the toolbox: sh, curl, wget, httpd and the helm test script ($engine_name, read-only root, uid 65532) ..."
  out=$("$engine" run --rm "${run_args[@]}" "$image" /bin/sh -c 'echo "$(id -u) $(curl --version | head -1 | cut -d" " -f1-2)" | grep "^65532 curl "') \
    || { log "the toolbox has no working sh, id, curl, head, cut or grep"; exit 1; }
  echo "  image: sh, id, curl, head, cut and grep run (uid and curl: $out)"
  # The tiny HTTP service for egress tests, as the walkthrough runs it.
  ctr=$("$engine" run -d "${run_args[@]}" "$image" /bin/busybox httpd -f -p 127.0.0.1:15997 -h /www); ctrs+=("$ctr")
  answer=""
  for i in $(seq 1 50); do answer=$(curl -fsS --max-time 2 http://127.0.0.1:15997/ 2>/dev/null) && break; sleep 0.1; done
  via_wget=$("$engine" exec "$ctr" wget -qO- http://127.0.0.1:15997/ 2>&1) || true
  "$engine" rm -f -t 0 "$ctr" >/dev/null
  if [ "$answer" != "hello from the udsproxy toolbox" ] || [ "$via_wget" != "$answer" ]; then
    log "busybox httpd in the toolbox answered curl with '$answer', wget with '$via_wget'"; exit 1
  fi
  echo "  image: busybox httpd -f -p PORT -h /www serves '$answer' (curl and wget)"
  # The chart's helm test script under the toolbox's sh: it must get as far as asking the API server (none here).
  rc=0
  out=$("$engine" run --rm "${run_args[@]}" -v "$PWD/charts/udsproxy-operator/files/test-injection.sh:/test-injection.sh:ro" \
    -e KUBE_API=http://127.0.0.1:1 -e KUBE_TOKEN_FILE=/etc/passwd -e KUBE_CA_FILE=/dev/null -e TEST_NAMESPACE=default \
    "$image" /bin/sh /test-injection.sh 2>&1) || rc=$?
  if [ "$rc" != 1 ] || [[ "$out" != *"FAIL: could not reach the API server at http://127.0.0.1:1"* ]]; then
    log "the chart's helm test script in the toolbox exited $rc: $out"; exit 1
  fi
  echo "  image: the chart's test-injection.sh runs under its sh and curl: '${out##*$'\n'}'"
fi
log "done in $(( $(date +%s) - started ))s; tars in $OUT (loaded into $engine_name)"
