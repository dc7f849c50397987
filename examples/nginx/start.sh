#!/bin/sh
# nginx reads no environment: write its listen line from UDSPROXY_SOCKET (set by the injected sidecar), or the
# declared port 8080 without a sidecar, then run nginx in the foreground.
#   start.sh PREFIX    PREFIX: a writable folder for the config, pid file and temp files (an emptyDir)
set -eu
name=example-nginx
prefix=${1:?usage: start.sh PREFIX (a writable folder)}
here=$(dirname "$0")
if [ -n "${UDSPROXY_SOCKET:-}" ]; then
  listen="unix:$UDSPROXY_SOCKET" transport=unix
  # A socket file left by a crashed run makes nginx fail with "Address already in use".
  rm -f "$UDSPROXY_SOCKET"
else
  echo "$name: UDSPROXY_SOCKET is not set (no udsproxy sidecar), so TCP 0.0.0.0:8080" >&2
  listen=8080 transport=tcp
fi
mkdir -p "$prefix/temp"
sed -e "s|@LISTEN@|$listen|" -e "s|@TRANSPORT@|$transport|" "$here/nginx.conf.template" >"$prefix/nginx.conf"
echo "$name: listening on $listen" >&2
# -e stderr: the start-up log too (before the config is read nginx would open /var/log/nginx/error.log).
# SIGTERM is nginx's fast shutdown, which removes the socket file; SIGQUIT would be the graceful one.
exec nginx -e stderr -p "$prefix/" -c nginx.conf -g 'daemon off;'
