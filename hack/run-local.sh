#!/usr/bin/env bash
# Runs clb-direct on this machine against an existing cluster (the kubeconfig's), serving the webhook
# on https://127.0.0.1:${CLB_DIRECT_PORT:-9443}/mutate-pods with a throw-away CA made here.
# It also writes .run/mutating-webhook.yaml: a MutatingWebhookConfiguration pointing at that URL with
# the right caBundle, for an API server that can reach this machine's loopback (a local one).
#
# Usage: hack/run-local.sh [--kubeconfig PATH] [extra --clb-direct.* / Spring arguments...]
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
run_dir="$repo/.run"
kubeconfig="${KUBECONFIG:-$HOME/.kube/config}"
if [[ "${1:-}" == "--kubeconfig" ]]; then
  kubeconfig="$2"
  shift 2
fi
port="${CLB_DIRECT_PORT:-9443}"
management_port="${CLB_DIRECT_MANAGEMENT_PORT:-8080}"

die() { echo "run-local: $*" >&2; exit 1; }
command -v java >/dev/null || die "java not found: install a JDK 17 or newer (e.g. apt-get install openjdk-17-jdk-headless)"
command -v openssl >/dev/null || die "openssl not found: install it (e.g. apt-get install openssl)"
[[ -r "$kubeconfig" ]] || die "kubeconfig '$kubeconfig' not readable: pass --kubeconfig PATH or set KUBECONFIG"

jar="$repo/app/target/clb-direct.jar"
if [[ ! -f "$jar" ]]; then
  echo "run-local: building $jar (first run only)" >&2
  (cd "$repo" && ./mvnw -B -q -DskipTests -pl app -am package)
fi

tls="$run_dir/tls"
mkdir -p "$tls"
if [[ ! -f "$tls/tls.crt" ]]; then
  echo "run-local: creating a local CA and serving certificate in $tls" >&2
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
    -subj "/O=clb-direct/CN=clb-direct-local-ca" -keyout "$tls/ca.key" -out "$tls/ca.crt" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -subj "/O=clb-direct/CN=127.0.0.1" -keyout "$tls/tls.key" -out "$tls/tls.csr" 2>/dev/null
  openssl x509 -req -in "$tls/tls.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -CAcreateserial -days 30 \
    -extfile <(printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n') \
    -out "$tls/tls.crt" 2>/dev/null
fi

cat > "$run_dir/mutating-webhook.yaml" <<YAML
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: clb-direct-local
webhooks:
- name: pods.clb-direct.io
  admissionReviewVersions: ["v1"]
  sideEffects: None
  failurePolicy: Ignore
  timeoutSeconds: 10
  rules:
  - operations: ["CREATE"]
    apiGroups: [""]
    apiVersions: ["v1"]
    resources: ["pods"]
  namespaceSelector:
    matchExpressions:
    - {key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system]}
  clientConfig:
    url: https://127.0.0.1:${port}/mutate-pods
    caBundle: $(base64 -w0 < "$tls/ca.crt")
YAML

echo "run-local: webhook https://127.0.0.1:${port}/mutate-pods, readiness http://127.0.0.1:${management_port}/actuator/health/readiness" >&2
echo "run-local: register it with: kubectl apply -f $run_dir/mutating-webhook.yaml" >&2
# tls-files: serve the certificate made above and leave registration to you (the bootstrapper, which
# manages its own Secret and registration, runs with the default tls.source=secret; see docs/certificates.md).
exec java -jar "$jar" \
  --spring.profiles.active=tls-files \
  --server.address=127.0.0.1 --server.port="$port" \
  --management.server.address=127.0.0.1 --management.server.port="$management_port" \
  --clb-direct.kubeconfig="$kubeconfig" \
  --clb-direct.tls.certificate-file="file:$tls/tls.crt" \
  --clb-direct.tls.private-key-file="file:$tls/tls.key" \
  "$@"
