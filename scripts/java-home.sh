# Sourced by the project's scripts: exports JAVA_HOME pointing at a JDK >= 21.
# Keeps the caller's JAVA_HOME when it is new enough; otherwise picks the newest
# JDK under /usr/lib/jvm (on our machines: Temurin 25 beside Debian's 17).
udsproxy_java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ] || [ "$(udsproxy_java_major "$JAVA_HOME")" -lt 21 ] 2>/dev/null; then
  best=""; best_major=0
  for d in /usr/lib/jvm/*/; do
    d=${d%/}
    [ -x "$d/bin/javac" ] || continue
    m=$(udsproxy_java_major "$d"); m=${m:-0}
    if [ "$m" -gt "$best_major" ]; then best=$d; best_major=$m; fi
  done
  if [ "$best_major" -lt 21 ]; then
    echo "udsproxy: needs a JDK 21 or newer; none found in JAVA_HOME or /usr/lib/jvm" >&2
    return 1 2>/dev/null || exit 1
  fi
  export JAVA_HOME=$best
fi
export PATH="$JAVA_HOME/bin:$PATH"
