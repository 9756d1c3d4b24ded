# Sourced by the runners that start builds side by side (bench/ab/pass.sh, bench/analytics/service.sh).
#
#   bench_jvm APP_DIR   sets JAVA (the java command, default java) and JAVA_OPTS (default none) from the file
#                       bench.env in that copy of a build, when it has one: to compare runtimes or JVM options on one
#                       build, alternated (bench/README.md).
bench_jvm() {
  JAVA=java JAVA_OPTS=""
  # shellcheck disable=SC1091 # the build's own settings
  if [ -f "$1/bench.env" ]; then source "$1/bench.env"; fi
}
