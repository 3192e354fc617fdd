#!/usr/bin/env bash
# Builds clb-direct's class-data-sharing (AppCDS) archive: a training run of the application that
# stops once its Spring context is refreshed, with the JVM writing every class it loaded into
# <dir>/clb-direct.jsa. A start with -XX:SharedArchiveFile=<dir>/clb-direct.jsa then maps those classes
# instead of reading, parsing and verifying them again (docs/image.md, docs/benchmarks.md item 6).
#
# Usage:
#   hack/cds-archive.sh <dir> [<jar>]
#     <jar> given: first unpacks it into <dir> as <dir>/clb-direct.jar + <dir>/lib/ (Spring Boot's
#     `-Djarmode=tools extract`, the layout CDS needs: plain jars on a class path, no nested jars);
#     without it, <dir> must already hold that layout (the Dockerfile copies it there layer by layer).
#   Then run it exactly as the image does:
#     java -XX:SharedArchiveFile=<dir>/clb-direct.jsa -jar <dir>/clb-direct.jar ...
#
# The archive is only valid for the JVM that wrote it and for these exact jars at this exact path (the
# JVM checks their paths, sizes and modification times), which is why the Dockerfile runs this script
# in the final image, and why bench/ runs it on the machine that benchmarks. With a mismatch the JVM
# ignores the archive and starts slower (or, with -Xshare:on, refuses to start).
#
# The training run needs no cluster: it gets a kubeconfig pointing at 127.0.0.1:1, where nothing listens,
# so the few calls made while the context refreshes fail at once (the Secret read falls back to the
# placeholder certificate, the TkeServiceConfig CRD lookup logs a warning). The gate-controller is on, as
# in the install manifests, so its classes are in the archive too. Nothing is started: with
# -Dspring.context.exit=onRefresh the JVM exits before any informer, listener or leader election runs.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
	echo "usage: hack/cds-archive.sh <dir> [<jar>]" >&2
	exit 2
fi
dir="$1"
java="${JAVA:-java}"

if [[ $# -eq 2 ]]; then
	rm -rf "$dir"
	"$java" -Djarmode=tools -jar "$2" extract --destination "$dir"
fi
dir="$(cd "$dir" && pwd)"
if [[ ! -f "$dir/clb-direct.jar" || ! -d "$dir/lib" ]]; then
	echo "$dir has no clb-direct.jar and lib/: pass the jar to unpack as the second argument" >&2
	exit 1
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cat >"$scratch/kubeconfig" <<'EOF'
apiVersion: v1
kind: Config
clusters:
- name: training
  cluster:
    server: https://127.0.0.1:1
contexts:
- name: training
  context: {cluster: training, user: training}
current-context: training
users:
- name: training
  user: {token: training}
EOF

rm -f "$dir/clb-direct.jsa"
# -Xshare:auto: the JDK's own base archive underneath; the dynamic archive holds the rest.
if ! CLB_DIRECT_CLB_SECRET_ID=training CLB_DIRECT_CLB_SECRET_KEY=training \
	"$java" -XX:ArchiveClassesAtExit="$dir/clb-direct.jsa" -Dspring.context.exit=onRefresh \
	-jar "$dir/clb-direct.jar" \
	--clb-direct.kubeconfig="$scratch/kubeconfig" \
	--server.address=127.0.0.1 --server.port=0 \
	--management.server.address=127.0.0.1 --management.server.port=0 \
	--clb-direct.gate-controller.enabled=true \
	--clb-direct.gate-controller.cluster-name=cls-training \
	--clb-direct.clb.vpc-id=vpc-training \
	>"$scratch/training.log" 2>&1; then
	tail -40 "$scratch/training.log" >&2
	echo "training run failed" >&2
	exit 1
fi
if [[ ! -s "$dir/clb-direct.jsa" ]]; then
	tail -40 "$scratch/training.log" >&2
	echo "training run wrote no archive" >&2
	exit 1
fi
echo "$dir/clb-direct.jsa: $(($(stat -c %s "$dir/clb-direct.jsa") / 1048576)) MiB;" \
	"$(grep -c 'Skipping.*Signed JAR' "$scratch/training.log" || true) classes left out as they come from signed jars (BouncyCastle)," \
	"$(grep 'Skipping' "$scratch/training.log" | grep -vc 'Signed JAR' || true) for other reasons"
