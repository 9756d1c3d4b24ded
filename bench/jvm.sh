# Sourced by every runner that starts the service (bench/run.sh, bench/ab, bench/analytics, bench/imports,
# bench/outreach, bench/audit).
#
#   SERVICE_GC_OPTS     the garbage collector's options of the container image (src/main/docker/Dockerfile.jvm): G1
#                       starts marking the old generation at a fixed 45 % of the heap (-XX:-G1UseAdaptiveIHOP). Every
#                       runner starts the service with them, so that its figures are the container's.
#   bench_jvm APP_DIR   sets JAVA (the java command, default java) and JAVA_OPTS (default SERVICE_GC_OPTS) from the
#                       file bench.env in that copy of a build, when it has one: to compare runtimes or JVM options on
#                       one build, alternated (bench/README.md). A JAVA_OPTS there replaces the default.
SERVICE_GC_OPTS="-XX:-G1UseAdaptiveIHOP"

bench_jvm() {
  JAVA=java JAVA_OPTS="$SERVICE_GC_OPTS"
  # shellcheck disable=SC1091 # the build's own settings
  if [ -f "$1/bench.env" ]; then source "$1/bench.env"; fi
}
