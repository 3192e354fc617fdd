#!/usr/bin/env bash
# Builds helm from the Go module proxy, pinned, for the Helm chart's tests
# (charts/clb-direct, e2e HelmChartTest) and for humans who want to try the chart.
#
# Why build from source: as for hack/control-plane.sh, release downloads are
# unreachable from our dev and CI machines; the Go module proxy is reachable.
#
# Usage:
#   hack/helm.sh build   # build (or reuse) and print the helm binary's path as the last stdout line
#   hack/helm.sh path    # print the binary's path if the build is complete, else exit 1
#
#   helm=$(hack/helm.sh build | tail -1)
#
# Environment:
#   HELM_BIN=<file>     use this helm binary instead of building one
#   HELM_VERSION        helm.sh/helm/v4 version (default below)
#   XDG_CACHE_HOME      cache root (default ~/.cache)
#
# Everything is written under ${XDG_CACHE_HOME:-$HOME/.cache}/clb-direct/,
# never into the repository.
set -euo pipefail

# Newest helm v4 on the Go module proxy when this was written.
HELM_VERSION="${HELM_VERSION:-v4.3.2}"
HELM_MODULE=helm.sh/helm/v4
# helm v4 (every release so far) declares "go 1.26.0"; older toolchains cannot build it.
MIN_GO_MAJOR=1
MIN_GO_MINOR=26

CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/clb-direct"
# Callers get this path back, possibly in another cwd: make it absolute.
[[ "$CACHE_ROOT" == /* ]] || CACHE_ROOT="$PWD/$CACHE_ROOT"
OUT_DIR="$CACHE_ROOT/helm-$HELM_VERSION"
BINARY="$OUT_DIR/helm"
# Written last, after the binary is in place: a binary without a matching stamp
# is not a finished build (an interrupted one).
STAMP="$OUT_DIR/.complete"
STAMP_CONTENT="helm=$HELM_VERSION"

log() { printf '[helm %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
	printf 'helm.sh: error: %s\n' "$*" >&2
	exit 1
}

usage() {
	sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
}

is_complete() {
	[[ -f "$BINARY" && -x "$BINARY" ]] &&
		[[ -f "$STAMP" && "$(cat "$STAMP")" == "$STAMP_CONTENT" ]]
}

# HELM_BIN is trusted as-is (no stamp): it exists for people who obtained helm
# some other way.
check_helm_bin() {
	[[ -f "$HELM_BIN" && -x "$HELM_BIN" ]] || die "HELM_BIN=$HELM_BIN is not an executable file"
	echo "$(cd "$(dirname "$HELM_BIN")" && pwd -P)/$(basename "$HELM_BIN")"
}

# require_go, guard_not_in_repo, take_lock
# shellcheck source=hack/lib/go-build-cache.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/go-build-cache.sh"

build() {
	local tmp
	# Temp dirs left by a killed build (SIGKILL skips our trap). Only with the
	# lock held: otherwise one may belong to a build still running.
	if [[ -n "${HAVE_LOCK:-}" ]]; then
		rm -rf "$OUT_DIR"/.tmp.*
	fi
	tmp=$(mktemp -d "$OUT_DIR/.tmp.XXXXXX")
	# shellcheck disable=SC2064 # expand $tmp now: it is local to this function
	trap "rm -rf '$tmp'" EXIT

	# local: never fetch another toolchain behind our back (require_go checked
	# this one). GOWORK=off and running from $tmp: no go.work or go.mod of the
	# caller's plays a part. CGO_ENABLED=0: a static binary, as helm's releases.
	export GOTOOLCHAIN=local GOWORK=off GOFLAGS=-mod=mod CGO_ENABLED=0
	rm -f "$STAMP"

	# 'go install module/cmd@version' builds helm with exactly the versions its
	# own go.mod pins (helm's go.mod has no replace directives, which go install
	# would refuse). The version variable is the one helm's Makefile sets;
	# without it 'helm version' says v4.x-dev.
	log "$HELM_MODULE $HELM_VERSION: building cmd/helm (modules from the Go module proxy)"
	(cd "$tmp" && GOBIN="$tmp/bin" go install -trimpath \
		-ldflags="-s -w -X $HELM_MODULE/internal/version.version=$HELM_VERSION -X $HELM_MODULE/internal/version.gitTreeState=clean" \
		"$HELM_MODULE/cmd/helm@$HELM_VERSION" >&2)
	[[ -x "$tmp/bin/helm" ]] || die "go install produced no helm"
	"$tmp/bin/helm" version >&2 || die "the built helm does not run"

	# Same filesystem, so each mv is an atomic rename.
	mv -f "$tmp/bin/helm" "$BINARY"
	echo "$STAMP_CONTENT" >"$tmp/stamp"
	mv -f "$tmp/stamp" "$STAMP"
	log "built $BINARY"
}

cmd_build() {
	if [[ -n "${HELM_BIN:-}" ]]; then
		log "HELM_BIN set; not building"
		check_helm_bin
		return
	fi
	if is_complete; then
		log "reusing $BINARY ($STAMP_CONTENT)"
		echo "$BINARY"
		return
	fi
	require_go "install Go >= $MIN_GO_MAJOR.$MIN_GO_MINOR (https://go.dev/dl, or your distribution's golang-$MIN_GO_MAJOR.$MIN_GO_MINOR package, then put its bin/ on PATH), or set HELM_BIN to a helm binary"
	guard_not_in_repo
	take_lock
	# Whoever held the lock before us may just have finished the same build.
	if is_complete; then
		log "reusing $BINARY (built by a concurrent invocation)"
	else
		build
	fi
	echo "$BINARY"
}

cmd_path() {
	if [[ -n "${HELM_BIN:-}" ]]; then
		check_helm_bin
		return
	fi
	is_complete || die "no complete helm build in $OUT_DIR; run: hack/helm.sh build"
	echo "$BINARY"
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
