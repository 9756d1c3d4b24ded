#!/usr/bin/env bash
# Times circles and paths (the Cypher of NetworkGraph) on a synthetic graph in a throwaway in-process Neo4j.
# Usage: bench/network/run.sh [contacts=100000] [ties=1000000] [queries=200]
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -B -q -o compile
./mvnw -B -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt
CP="target/classes:$(cat target/bench-classpath.txt)"
mkdir -p target/bench-classes
javac -proc:none -d target/bench-classes -cp "$CP" bench/network/src/health/circles/network/NetworkBench.java
exec java -Xmx2g -cp "target/bench-classes:$CP" health.circles.network.NetworkBench "$@"
