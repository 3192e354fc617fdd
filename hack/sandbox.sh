#!/usr/bin/env bash
# The clb-direct sandbox: a real Kubernetes control plane (etcd, kube-apiserver,
# kube-controller-manager), a fake kubelet, the CLB emulator and clb-direct itself, all on loopback,
# with an example workload behind a direct-access LoadBalancer Service. No cloud account needed.
#
# Usage: hack/sandbox.sh up [--foreground] [--network-mode vpc-cni|mixed] | down | status
#
#   up            builds what is missing, starts everything, waits until the example's readiness gates
#                 are True, prints what to try, and returns (the sandbox keeps running).
#                 --foreground stays attached instead: Ctrl-C stops the sandbox.
#                 --network-mode mixed plays a mixed GlobalRouter + VPC-CNI cluster: Pods get GlobalRouter
#                 addresses unless they ask for an ENI IP (which the webhook injects while TKE's
#                 GlobalRouteDirectAccess switch is "false"); default vpc-cni (every Pod on an ENI IP).
#                 Ctrl-C while up is still starting stops everything it started.
#   down          stops every process the sandbox started and removes .sandbox/
#   status        says what runs
#
# Everything it writes is under .sandbox/ (git-ignored; or $SANDBOX_DIR): kubeconfig, env (source it),
# logs/, pids/.
# Needs: a JDK 17+ (java on PATH). The first up also builds the control plane from the Kubernetes Go
# modules (needs Go >= 1.24; see hack/control-plane.sh) and the jars (Maven wrapper), then caches both.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
# SANDBOX_DIR moves the state elsewhere (the smoke test uses its own, so it never meets yours).
state="${SANDBOX_DIR:-$repo/.sandbox}"
shown="${state#"$repo"/}"
runner_pid_file="$state/runner.pid"
start_timeout="${SANDBOX_START_TIMEOUT:-600}"

say() { echo "sandbox: $*" >&2; }
die() { say "$*"; exit 1; }

runner_alive() {
	[[ -f "$runner_pid_file" ]] && kill -0 "$(cat "$runner_pid_file")" 2>/dev/null
}

# Every pid the sandbox recorded (runner, watchdogs, children) that still runs.
recorded_alive() {
	local pid
	{ [[ -f "$runner_pid_file" ]] && cat "$runner_pid_file"; cat "$state"/pids/* 2>/dev/null || true; } | sort -u |
		while read -r pid; do
			[[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
		done || true
}

# SIGTERM to the runner (its shutdown hook stops everything, newest first), then SIGKILL to whatever
# recorded pid is still there after the grace period.
stop_all() {
	local pid
	if runner_alive; then
		pid="$(cat "$runner_pid_file")"
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 1 60); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.5
		done
	fi
	local left
	left="$(recorded_alive)"
	if [[ -n "$left" ]]; then
		say "killing leftover processes: $(echo "$left" | tr '\n' ' ')"
		echo "$left" | xargs -r kill -KILL 2>/dev/null || true
		sleep 0.5
	fi
}

build_if_missing() {
	command -v java >/dev/null || die "java not found: install a JDK 17 or newer (e.g. apt-get install openjdk-17-jdk-headless)"
	if [[ ! -f "$repo/app/target/clb-direct.jar" || ! -f "$repo/e2e/target/sandbox.classpath" \
		|| ! -f "$repo/e2e/target/classes/io/clbdirect/e2e/sandbox/Sandbox.class" ]]; then
		say "building clb-direct and the sandbox (first run only; ./mvnw -B -q -DskipTests package -pl e2e -am)"
		(cd "$repo" && ./mvnw -B -q -DskipTests package -pl e2e -am) || die "the build failed"
	fi
	# The control plane: cached under ~/.cache/clb-direct, built from Go modules the first time.
	if ! "$repo/hack/control-plane.sh" path >/dev/null 2>&1; then
		say "building the Kubernetes control plane from Go modules (first run only, ~9 minutes on two cores)"
		"$repo/hack/control-plane.sh" build >&2 || die "hack/control-plane.sh build failed (see above)"
	fi
}

print_ready() {
	# shellcheck disable=SC1091
	. "$state/env"
	local kube_assets
	kube_assets="$("$repo/hack/control-plane.sh" path 2>/dev/null || echo "<hack/control-plane.sh path>")"
	local took
	took="$(cat "$state/ready")"
	cat <<EOF

clb-direct sandbox is ready ($(( took / 1000 )) s after its processes started; logs in $shown/logs/).

  kubeconfig:  $KUBECONFIG
  example:     Deployment demo/web (3 replicas) behind direct-access Service demo/web
  VIP:         curl http://$SANDBOX_VIP:$SANDBOX_VIP_PORT/      (answers with the name of the Pod that served it)
  HTTPS:       Ingress demo/web serves https://$SANDBOX_HTTPS_HOST with the certificate of the kubernetes.io/tls
  Secret demo/web-tls (uploaded by clb-direct), and answers http:// with a 301 to https:// (auto-rewrite):
       curl -s --resolve $SANDBOX_HTTPS_HOST:443:$SANDBOX_HTTPS_VIP --cacert $SANDBOX_CA https://$SANDBOX_HTTPS_HOST/
       curl -si --resolve $SANDBOX_HTTPS_HOST:80:$SANDBOX_HTTPS_VIP http://$SANDBOX_HTTPS_HOST/some/path

Set up your shell (kubectl from the control-plane build):
  . $shown/env && export PATH="$kube_assets:\$PATH"

Three things to try (each command can be pasted as it is):
  1. Watch a rolling update wait for the load balancer: every new Pod stays NotReady until the CLB
     emulator has bound it and its health check passes; the VIP keeps answering throughout. In a second
     terminal, keep a client running (Ctrl-C ends it):
       while sleep 0.2; do curl -s http://$SANDBOX_VIP:$SANDBOX_VIP_PORT/; done
     then, in the first:
       kubectl -n demo rollout restart deployment/web && kubectl -n demo rollout status deployment/web
       kubectl -n demo get pods -o wide
  2. Break a Pod's health check: the fake kubelet closes its port, the CLB marks it Dead and the
     gate (in continuous mode) or the CLB's traffic (in the default initial mode) leaves it.
       pod=\$(kubectl -n demo get pods -o name --sort-by=.metadata.creationTimestamp | tail -1)
       kubectl -n demo annotate \$pod fake-kubelet.clb-direct.io/serving=closed --overwrite
       kubectl -n demo get \$pod -o jsonpath='{.status.conditions}'; echo
       curl -s "\$CLB_DIRECT_MANAGEMENT/actuator/prometheus" | grep clb_direct_gate
     Heal it again:
       kubectl -n demo annotate \$pod fake-kubelet.clb-direct.io/serving=ok --overwrite
  3. Delete the webhook configuration and see clb-direct put it back within a second:
       kubectl delete mutatingwebhookconfiguration clb-direct; sleep 2; kubectl get mutatingwebhookconfiguration clb-direct

More: an internal load balancer, in subnet $SANDBOX_SUBNET of the cluster's VPC $SANDBOX_VPC (its VIP
comes from that subnet, 127.60.x.y; the CLB answers once its health checks pass, hence the retries):
       kubectl -n demo expose deployment web --name web-internal --type LoadBalancer --port 8081 --target-port http
       kubectl -n demo annotate service web-internal service.cloud.tencent.com/direct-access=true \\
         service.kubernetes.io/qcloud-loadbalancer-internal-subnetid=$SANDBOX_SUBNET
       kubectl -n demo wait service/web-internal --for=jsonpath='{.status.loadBalancer.ingress}' --timeout=60s
       curl -s --retry 30 --retry-delay 1 --retry-all-errors http://\$(kubectl -n demo get service web-internal -o jsonpath='{.status.loadBalancer.ingress[0].ip}'):8081/
The CLB emulator's own view of every load balancer, listener and target, with health:
       curl -s \$CLB_EMULATOR_ENDPOINT/admin/state
EOF
	if [[ "$SANDBOX_NETWORK_MODE" == mixed ]]; then
		cat <<EOF

Mixed GlobalRouter + VPC-CNI: GlobalRouteDirectAccess is "false", so the webhook gave every demo Pod the
ENI annotation and resource, and they have VPC addresses (127.10.x.y):
       kubectl -n demo get pods -o custom-columns=NAME:.metadata.name,IP:.status.podIP,ENI:.metadata.annotations.tke\\.cloud\\.tencent\\.com/networks
Switch it on: new Pods keep GlobalRouter addresses (127.130.x.y), which only a load balancer with SNAT Pro
can bind. The existing load balancer has none, so the new Pods are held (LoadBalancerNetworkMismatch);
a Service made now gets a load balancer with SNAT Pro:
       kubectl -n kube-system patch configmap tke-service-controller-config -p '{"data":{"GlobalRouteDirectAccess":"true"}}'
       kubectl -n demo rollout restart deployment/web && kubectl -n demo get events --field-selector reason=LoadBalancerNetworkMismatch
       kubectl -n demo expose deployment web --name web-gr --type LoadBalancer --port 8082 --target-port http
       kubectl -n demo annotate service web-gr service.cloud.tencent.com/direct-access=true
       curl -s \$CLB_EMULATOR_ENDPOINT/admin/state | grep -o '"snatPro": *[a-z]*'
EOF
	fi
	cat <<EOF

Stop everything with: hack/sandbox.sh down
EOF
}

up() {
	local foreground=false network_mode=vpc-cni
	while (( $# > 0 )); do
		case "$1" in
			--foreground) foreground=true ;;
			--network-mode)
				[[ $# -ge 2 ]] || die "--network-mode needs a value: vpc-cni or mixed"
				network_mode="$2"
				shift ;;
			--network-mode=*) network_mode="${1#--network-mode=}" ;;
			*) die "unknown option $1; usage: hack/sandbox.sh up [--foreground] [--network-mode vpc-cni|mixed]" ;;
		esac
		shift
	done
	[[ "$network_mode" == vpc-cni || "$network_mode" == mixed ]] || die "--network-mode must be vpc-cni or mixed, not '$network_mode'"
	if runner_alive; then
		if [[ -f "$state/ready" ]]; then
			say "already running (pid $(cat "$runner_pid_file")); hack/sandbox.sh status, or down first"
			print_ready
			return 0
		fi
		die "already starting (pid $(cat "$runner_pid_file")); wait for it, or hack/sandbox.sh down"
	fi
	if [[ -n "$(recorded_alive)" ]]; then
		say "processes of an earlier sandbox are still running; stopping them"
		stop_all
	fi
	rm -rf "$state"
	build_if_missing
	mkdir -p "$state/logs"
	local begin=$SECONDS
	# Ctrl-C (or a failure) while starting: stop everything started so far.
	trap 'say "interrupted: stopping"; stop_all; rm -rf "$state"; exit 130' INT TERM
	java -Dlogback.configurationFile="$repo/hack/sandbox-logback.xml" -Xmx384m \
		-cp "$repo/e2e/target/classes:$(cat "$repo/e2e/target/sandbox.classpath")" \
		io.clbdirect.e2e.sandbox.Sandbox "$state" "$repo" "$network_mode" >"$state/logs/sandbox.log" 2>&1 &
	echo $! >"$runner_pid_file"
	say "starting (pid $(cat "$runner_pid_file"), log $shown/logs/sandbox.log)"
	until [[ -f "$state/ready" ]]; do
		if ! runner_alive; then
			say "the sandbox did not come up; last lines of $shown/logs/sandbox.log:"
			tail -n 40 "$state/logs/sandbox.log" >&2 || true
			stop_all
			exit 1
		fi
		if (( SECONDS - begin > start_timeout )); then
			say "not ready after ${start_timeout} s; last lines of $shown/logs/sandbox.log:"
			tail -n 40 "$state/logs/sandbox.log" >&2 || true
			stop_all
			exit 1
		fi
		sleep 0.5
	done
	print_ready
	say "up took $(( SECONDS - begin )) s"
	if $foreground; then
		trap 'say "stopping"; stop_all; rm -rf "$state"; exit 0' INT TERM
		say "running in the foreground; Ctrl-C stops it"
		while runner_alive; do sleep 1; done
		say "the sandbox stopped by itself; see $shown/logs/"
		exit 1
	fi
	trap - INT TERM
}

down() {
	if [[ ! -d "$state" ]]; then
		say "not running"
		return 0
	fi
	stop_all
	local left
	left="$(recorded_alive)"
	[[ -z "$left" ]] || die "could not stop: $(echo "$left" | tr '\n' ' ')"
	rm -rf "$state"
	say "stopped; $shown/ removed"
}

status() {
	if ! runner_alive; then
		local left
		left="$(recorded_alive)"
		if [[ -n "$left" ]]; then
			say "not running, but processes it started are left: $(echo "$left" | tr '\n' ' ') (hack/sandbox.sh down stops them)"
			return 1
		fi
		say "not running"
		return 3
	fi
	if [[ ! -f "$state/ready" ]]; then
		say "starting (pid $(cat "$runner_pid_file"))"
		return 0
	fi
	# shellcheck disable=SC1091
	. "$state/env"
	echo "clb-direct sandbox: running (supervisor pid $(cat "$runner_pid_file"))"
	local name pids
	for file in "$state"/pids/*; do
		name="$(basename "$file")"
		pids="$(tr '\n' ' ' <"$file")"
		local alive=0 total=0 pid
		for pid in $pids; do
			total=$((total + 1))
			kill -0 "$pid" 2>/dev/null && alive=$((alive + 1))
		done
		printf '  %-24s %s (%d/%d processes alive)\n' "$name" "$pids" "$alive" "$total"
	done
	echo "  kubeconfig: $KUBECONFIG"
	echo "  VIP:        http://$SANDBOX_VIP:$SANDBOX_VIP_PORT/"
	echo "  CLB API:    $CLB_EMULATOR_ENDPOINT"
}

case "${1:-}" in
	up) shift; up "$@" ;;
	down) down ;;
	status) status ;;
	*) echo "usage: hack/sandbox.sh up [--foreground] [--network-mode vpc-cni|mixed] | down | status" >&2; exit 2 ;;
esac
