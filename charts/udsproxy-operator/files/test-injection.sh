#!/bin/sh
# `helm test`: asks the API server to create (dry-run: nothing is stored, the webhook must declare
# sideEffects None) a Pod that opts in, and checks that the admitted Pod carries the sidecar.
# Runs in the test Pod; outside a cluster set KUBE_API, KUBE_TOKEN_FILE and KUBE_CA_FILE.
set -eu
api=${KUBE_API:-https://kubernetes.default.svc}
sa=/var/run/secrets/kubernetes.io/serviceaccount
token=$(cat "${KUBE_TOKEN_FILE:-$sa/token}")
ns=${TEST_NAMESPACE:?TEST_NAMESPACE names the namespace of the dry-run Pod}

pod='{"apiVersion":"v1","kind":"Pod",
 "metadata":{"generateName":"udsproxy-helm-test-",
  "labels":{"udsproxy.dev/inject":"true"},"annotations":{"udsproxy.dev/inject":"true"}},
 "spec":{"securityContext":{"runAsNonRoot":true,"runAsUser":1000,"seccompProfile":{"type":"RuntimeDefault"}},
  "containers":[{"name":"app","image":"registry.k8s.io/pause:3.10",
   "ports":[{"name":"http","containerPort":8080}],
   "securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}]}}'

out=$(curl -sS --max-time 30 --cacert "${KUBE_CA_FILE:-$sa/ca.crt}" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -X POST -d "$pod" "$api/api/v1/namespaces/$ns/pods?dryRun=All") || {
  echo "FAIL: could not reach the API server at $api"; exit 1; }

if ! echo "$out" | grep -q '"kind": *"Pod"'; then
  echo "FAIL: the API server refused the opted-in Pod in namespace $ns:"; echo "$out"; exit 1
fi
missing=""
echo "$out" | grep -q '"name": *"udsproxy"' || missing="$missing the udsproxy sidecar container,"
echo "$out" | grep -q '"UDSPROXY_SOCKET"' || missing="$missing the UDSPROXY_SOCKET env of the app,"
echo "$out" | grep -q '"udsproxy-sockets"' || missing="$missing the udsproxy-sockets volume,"
if [ -n "$missing" ]; then
  echo "FAIL: the Pod was admitted in namespace $ns without${missing%,}."
  echo "Is the webhook reachable (kubectl get mutatingwebhookconfigurations, operator logs)? Is $ns excluded?"
  exit 1
fi
echo "OK: an opted-in Pod in namespace $ns is admitted with the udsproxy sidecar, its socket volume and UDSPROXY_SOCKET"
