#!/usr/bin/env bash
# Builds a real Kubernetes control plane (etcd, kube-apiserver,
# kube-controller-manager, plus kubectl for humans) from Go modules, for
# clb-direct's integration tests and local sandboxes.
#
# Why build from source: the only outside sources reachable from our dev and
# CI machines are package registries, so the release tarballs (and tools like
# setup-envtest that download them) are out; the Go module proxy is in.
#
# Usage:
#   hack/control-plane.sh build   # build (or reuse) and print the bin dir as the last stdout line
#   hack/control-plane.sh path    # print the bin dir if it is complete, else exit 1
#
#   dir=$(hack/control-plane.sh build | tail -1)
#
# Environment:
#   KUBE_ASSETS=<dir>   use prebuilt binaries from <dir> instead of building
#   K8S_VERSION         k8s.io/kubernetes version (default below)
#   ETCD_VERSION        go.etcd.io/etcd/server/v3 version (default below)
#   XDG_CACHE_HOME      cache root (default ~/.cache)
#
# Everything is written under ${XDG_CACHE_HOME:-$HOME/.cache}/clb-direct/,
# never into the repository.
set -euo pipefail

# Newest v1.34 patch on the Go module proxy when this was written.
K8S_VERSION="${K8S_VERSION:-v1.34.4}"
# etcd 3.5.x, >= 3.5.11. Not the newest 3.5: 3.5.28+ declare "go 1.25.0" and
# 3.5.34+ "go 1.26.0", which would raise our Go minimum above 1.24; and for
# 3.5.25-3.5.27 the checksum database (through our proxy) lacks some of
# etcd's sub-modules, so 'go mod tidy' fails verifying them.
ETCD_VERSION="${ETCD_VERSION:-v3.5.24}"
# k8s.io/kubernetes v1.34 declares "go 1.24.0"; older toolchains cannot build it.
MIN_GO_MAJOR=1
MIN_GO_MINOR=24

BINARIES=(etcd kube-apiserver kube-controller-manager kubectl)

# Staging modules that k8s.io/kubernetes requires at the placeholder version
# v0.0.0 (upstream resolves them with "=> ./staging/src/k8s.io/X", which a
# dependent module cannot use). Each is published separately as v0.<minor>.<patch>.
# Upstream's replace block also lists sample-cli-plugin and sample-controller,
# but nothing requires them, so they are left out. build() re-derives this set
# from the downloaded go.mod and stops if it drifted (e.g. after a K8S_VERSION bump).
STAGING_MODULES=(
	api apiextensions-apiserver apimachinery apiserver cli-runtime client-go
	cloud-provider cluster-bootstrap code-generator component-base
	component-helpers controller-manager cri-api cri-client csi-translation-lib
	dynamic-resource-allocation endpointslice externaljwt kms kube-aggregator
	kube-controller-manager kube-proxy kube-scheduler kubectl kubelet metrics
	mount-utils pod-security-admission sample-apiserver
)

CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/clb-direct"
# Callers get this path back, possibly in another cwd: make it absolute.
[[ "$CACHE_ROOT" == /* ]] || CACHE_ROOT="$PWD/$CACHE_ROOT"
OUT_DIR="$CACHE_ROOT/k8s-$K8S_VERSION"
# Written last, after every binary is in place, and naming the versions they
# were built from: binaries without a matching stamp are not a finished build
# (an interrupted one, or one from a different ETCD_VERSION).
STAMP="$OUT_DIR/.complete"
STAMP_CONTENT="k8s=$K8S_VERSION etcd=$ETCD_VERSION"

log() { printf '[control-plane %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
	printf 'control-plane: error: %s\n' "$*" >&2
	exit 1
}

usage() {
	sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
}

# Lists the binaries missing from $1 (one per line); empty output = none missing.
missing_binaries() {
	local dir=$1 bin
	for bin in "${BINARIES[@]}"; do
		[[ -f "$dir/$bin" && -x "$dir/$bin" ]] || printf '%s\n' "$bin"
	done
}

is_complete() {
	[[ -z "$(missing_binaries "$OUT_DIR")" ]] &&
		[[ -f "$STAMP" && "$(cat "$STAMP")" == "$STAMP_CONTENT" ]]
}

# KUBE_ASSETS is trusted as-is (no stamp): it exists for people who built or
# obtained the binaries some other way.
check_kube_assets() {
	local dir=$KUBE_ASSETS missing
	[[ -d "$dir" ]] || die "KUBE_ASSETS=$dir is not a directory"
	missing=$(missing_binaries "$dir")
	[[ -z "$missing" ]] ||
		die "KUBE_ASSETS=$dir lacks executable(s): $(echo "$missing" | tr '\n' ' ')(needs: ${BINARIES[*]})"
	(cd "$dir" && pwd -P)
}

# require_go, guard_not_in_repo, take_lock
# shellcheck source=hack/lib/go-build-cache.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/go-build-cache.sh"

# Checks STAGING_MODULES against the v0.0.0 requirements of k8s.io/kubernetes'
# own go.mod, so a version bump that adds or drops a staging module fails here
# with a clear message rather than deep inside 'go mod tidy'.
verify_staging_modules() {
	local gomod upstream ours
	# Run from the cache dir so a go.mod around the caller's cwd plays no part.
	gomod=$(cd "$OUT_DIR" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" |
		sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p') || true
	[[ -f "$gomod" ]] || die "could not download the go.mod of k8s.io/kubernetes@$K8S_VERSION"
	upstream=$(sed -n 's#^[[:space:]]*k8s\.io/\([a-z0-9-]*\) v0\.0\.0[[:space:]]*$#\1#p' "$gomod" | sort -u)
	ours=$(printf '%s\n' "${STAGING_MODULES[@]}" | sort -u)
	if [[ "$upstream" != "$ours" ]]; then
		die "STAGING_MODULES in $0 do not match the v0.0.0 requirements of k8s.io/kubernetes@$K8S_VERSION ($gomod):
$(diff <(echo "$ours") <(echo "$upstream") || true)"
	fi
}

write_etcd_module() {
	local dir=$1
	mkdir -p "$dir"
	rm -f "$dir/go.mod"
	# A module of our own instead of 'go install go.etcd.io/etcd/server/v3@...':
	# etcd's server/go.mod has replace directives (=> ../api etc.), which
	# 'go install pkg@version' refuses. The "tool" directive (Go 1.24+) keeps
	# the dependency through 'go mod tidy' without any Go source of ours; the
	# package is etcd's own main (server/main.go -> etcdmain.Main(os.Args)).
	cat >"$dir/go.mod" <<EOF
// Generated by clb-direct hack/control-plane.sh; rewritten on every build.
module clb-direct.local/control-plane/etcd

go 1.24.0

require go.etcd.io/etcd/server/v3 $ETCD_VERSION

tool go.etcd.io/etcd/server/v3
EOF
}

write_kube_module() {
	local dir=$1 m staging_version
	staging_version="v0.${K8S_VERSION#v1.}"
	mkdir -p "$dir"
	rm -f "$dir/go.mod"
	{
		cat <<EOF
// Generated by clb-direct hack/control-plane.sh; rewritten on every build.
module clb-direct.local/control-plane/kube

go 1.24.0

// Same runtime defaults as upstream's own builds (k8s.io/kubernetes go.mod).
godebug default=go1.24

require k8s.io/kubernetes $K8S_VERSION

tool (
	k8s.io/kubernetes/cmd/kube-apiserver
	k8s.io/kubernetes/cmd/kube-controller-manager
	k8s.io/kubernetes/cmd/kubectl
)

// k8s.io/kubernetes requires its staging modules at v0.0.0; point each at the
// published release matching $K8S_VERSION.
replace (
EOF
		for m in "${STAGING_MODULES[@]}"; do
			printf '\tk8s.io/%s => k8s.io/%s %s\n' "$m" "$m" "$staging_version"
		done
		echo ")"
	} >"$dir/go.mod"
}

build() {
	local src="$OUT_DIR/src" tmp minor bin
	# Temp dirs left by a killed build (SIGKILL skips our trap). Only with the
	# lock held: otherwise one may belong to a build still running.
	if [[ -n "${HAVE_LOCK:-}" ]]; then
		rm -rf "$OUT_DIR"/.tmp.*
	fi
	tmp=$(mktemp -d "$OUT_DIR/.tmp.XXXXXX")
	# shellcheck disable=SC2064 # expand $tmp now: it is local to this function
	trap "rm -rf '$tmp'" EXIT

	# local: never fetch another toolchain behind our back (require_go checked
	# this one). GOWORK=off: ignore any go.work above the cache dir.
	# -mod=mod: let tidy/build update our scratch go.mod/go.sum whatever the
	# caller's GOFLAGS. CGO_ENABLED=0: static binaries, no C toolchain needed.
	export GOTOOLCHAIN=local GOWORK=off GOFLAGS=-mod=mod CGO_ENABLED=0

	# The stamp goes first so that binaries replaced one by one below never
	# pass for a finished set.
	rm -f "$STAMP"

	log "kubernetes $K8S_VERSION: checking staging modules"
	verify_staging_modules

	log "etcd $ETCD_VERSION: resolving modules in $src/etcd"
	write_etcd_module "$src/etcd"
	(cd "$src/etcd" && go mod tidy >&2)
	log "etcd $ETCD_VERSION: building"
	(cd "$src/etcd" && go build -trimpath -ldflags="-s -w" -o "$tmp/etcd" go.etcd.io/etcd/server/v3 >&2)

	log "kubernetes $K8S_VERSION: resolving modules in $src/kube"
	write_kube_module "$src/kube"
	(cd "$src/kube" && go mod tidy >&2)

	# The version variables upstream's hack/lib/version.sh sets; without them
	# the binaries (and the apiserver's /version) say v0.0.0-master.
	minor=${K8S_VERSION#v1.}
	minor=${minor%%.*}
	local ldflags="-s -w" pkg
	for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
		ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
	done
	log "kubernetes $K8S_VERSION: building kube-apiserver, kube-controller-manager, kubectl (the slow part)"
	(cd "$src/kube" && go build -trimpath -ldflags="$ldflags" -o "$tmp/" \
		k8s.io/kubernetes/cmd/kube-apiserver \
		k8s.io/kubernetes/cmd/kube-controller-manager \
		k8s.io/kubernetes/cmd/kubectl >&2)

	# Same filesystem, so each mv is an atomic rename.
	for bin in "${BINARIES[@]}"; do
		[[ -x "$tmp/$bin" ]] || die "build produced no $bin"
		mv -f "$tmp/$bin" "$OUT_DIR/$bin"
	done
	echo "$STAMP_CONTENT" >"$tmp/stamp"
	mv -f "$tmp/stamp" "$STAMP"
	log "built ${BINARIES[*]} in $OUT_DIR"
}

cmd_build() {
	if [[ -n "${KUBE_ASSETS:-}" ]]; then
		log "KUBE_ASSETS set; not building"
		check_kube_assets
		return
	fi
	if is_complete; then
		log "reusing $OUT_DIR ($STAMP_CONTENT)"
		echo "$OUT_DIR"
		return
	fi
	require_go "install Go >= $MIN_GO_MAJOR.$MIN_GO_MINOR (https://go.dev/dl, or Debian's golang-$MIN_GO_MAJOR.$MIN_GO_MINOR from bookworm-backports, then put /usr/lib/go-$MIN_GO_MAJOR.$MIN_GO_MINOR/bin on PATH), or set KUBE_ASSETS to a directory holding prebuilt ${BINARIES[*]}"
	guard_not_in_repo
	take_lock
	# Whoever held the lock before us may just have finished the same build.
	if is_complete; then
		log "reusing $OUT_DIR (built by a concurrent invocation)"
	else
		build
	fi
	echo "$OUT_DIR"
}

cmd_path() {
	if [[ -n "${KUBE_ASSETS:-}" ]]; then
		check_kube_assets
		return
	fi
	is_complete || die "no complete control plane in $OUT_DIR; run: hack/control-plane.sh build"
	echo "$OUT_DIR"
}

main() {
	case "${1:-}" in
	build) cmd_build ;;
	path) cmd_path ;;
	-h | --help | help)
		usage
		;;
	*)
		usage
		exit 2
		;;
	esac
}

main "$@"
