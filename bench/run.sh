#!/usr/bin/env bash
# Runs one clb-direct benchmark (docs/benchmarks.md) from the built bench module.
#
# Usage: bench/run.sh <Benchmark> [--option value ...]
#   bench/run.sh WebhookBenchmark --duration 20s --rates 500,1000,2000 --connections 16
#   bench/run.sh StartupBenchmark --runs 5
#   bench/run.sh ScaleBenchmark --pods 1000,2500,5000   (one per item of docs/benchmarks.md)
#
# Build first (also builds the app jar the benchmarks start):
#   ./mvnw -B -q -DskipTests package -pl bench -am
# The table goes to stdout, progress and logs to stderr, numbers to bench/target/results/<name>.json.
# JAVA_OPTS adds options for the load-generator JVM (the clb-direct process has its own, fixed ones).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
if [[ $# -lt 1 || "$1" == -* ]]; then
	echo "usage: bench/run.sh <WebhookBenchmark|PodCreationBenchmark|GateLatencyBenchmark|ScaleBenchmark|RolloutBenchmark|StartupBenchmark|SoakBenchmark> [--option value ...]" >&2
	exit 2
fi
main="$1"
shift
[[ "$main" == *.* ]] || main="io.clbdirect.bench.$main"

classpath_file="$repo/bench/target/bench.classpath"
if [[ ! -f "$classpath_file" || ! -d "$repo/bench/target/classes" || ! -f "$repo/app/target/clb-direct.jar" ]]; then
	echo "bench is not built: run ./mvnw -B -q -DskipTests package -pl bench -am first" >&2
	exit 1
fi

cd "$repo"
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-} -Xmx512m \
	-Dclbdirect.repo="$repo" -Dclbdirect.appJar="$repo/app/target/clb-direct.jar" \
	-cp "$repo/bench/target/classes:$(cat "$classpath_file")" \
	"$main" "$@"
