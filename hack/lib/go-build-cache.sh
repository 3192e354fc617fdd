# Shared by hack/control-plane.sh and hack/helm.sh: both build Go binaries from
# the module proxy into a cache outside the repository. Sourced after the caller
# has defined log(), die(), MIN_GO_MAJOR, MIN_GO_MINOR and OUT_DIR.

# require_go <hint>: the installed Go toolchain is at least MIN_GO_MAJOR.MIN_GO_MINOR,
# else die with <hint> (what to install, or which variable skips the build).
require_go() {
	local hint=$1
	command -v go >/dev/null 2>&1 || die "no Go toolchain ('go' is not on PATH): $hint"
	local v
	# GOTOOLCHAIN=local: report the installed toolchain, not one Go might fetch.
	v=$(GOTOOLCHAIN=local go env GOVERSION 2>/dev/null) || die "'go env GOVERSION' failed: $hint"
	if [[ ! "$v" =~ go([0-9]+)\.([0-9]+) ]]; then
		die "cannot parse Go version '$v': $hint"
	fi
	local major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}
	if ((major < MIN_GO_MAJOR || (major == MIN_GO_MAJOR && minor < MIN_GO_MINOR))); then
		die "found $v, too old: $hint"
	fi
	log "using $v ($(command -v go))"
}

# Refuses a cache dir inside this repository (e.g. XDG_CACHE_HOME=.), since
# binaries must never land in the work tree.
guard_not_in_repo() {
	local repo probe out
	repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
	# Resolve symlinks through the deepest existing ancestor, creating nothing
	# before the check has passed.
	probe=$OUT_DIR
	while [[ ! -d "$probe" ]]; do probe=$(dirname "$probe"); done
	out="$(cd "$probe" && pwd -P)${OUT_DIR#"$probe"}"
	case "$out/" in
	"$repo"/*) die "cache dir $out is inside the repository $repo; point XDG_CACHE_HOME elsewhere" ;;
	*) ;;
	esac
	mkdir -p "$OUT_DIR"
}

# Two test JVMs may call build at once: serialise on a lock in the cache dir so
# they don't both write the sources and the binaries. fd 9 (not {fd}) keeps
# macOS's bash 3.2 happy; the lock is released when the process exits.
take_lock() {
	local lock="$OUT_DIR/.lock"
	if ! command -v flock >/dev/null 2>&1; then
		log "warning: flock not found; concurrent builds are not serialised"
		return 0
	fi
	exec 9>"$lock"
	if ! flock -n 9; then
		log "another build holds $lock; waiting for it"
		flock 9
	fi
	HAVE_LOCK=1
}
