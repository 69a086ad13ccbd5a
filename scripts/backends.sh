#!/usr/bin/env bash
# Real backends for toolscope's end-to-end tests: an OpenTelemetry Collector built with
# OCB from collector-config/builder-config.yaml, Jaeger v2 built from the tools/jaeger
# Go tool module, and Prometheus 2.42 unpacked from Debian's package (no system service).
#
# Usage: scripts/backends.sh install|start|stop|status|env|kill NAME|restart NAME
#   install [NAME...]  build/fetch the binaries into the cache (seconds when warm)
#   start          start whatever is not running, wait (bounded) until all are ready
#   stop           stop the processes this script started (pid files), nothing else
#   status         show each backend's pid and readiness; non-zero if one is down
#   env            print KEY=VALUE lines: endpoints, binaries, directories
#   kill NAME      SIGKILL one backend (collector|jaeger|prometheus), for chaos tests
#   restart NAME   start one backend again and wait until it is ready
#
# Environment (defaults in brackets):
#   TOOLSCOPE_CACHE [~/.cache/toolscope]  gomod/, gocache/, bin/, build/, prometheus/
#   TOOLSCOPE_RUN_DIR [$TOOLSCOPE_CACHE/run]  pid files, logs, data
#   TOOLSCOPE_HOST [127.0.0.1]  host every backend listens on
#   TOOLSCOPE_READY_TIMEOUT [60]  seconds to wait for each backend
#   COLLECTOR_OTLP_GRPC_PORT [4317] COLLECTOR_OTLP_HTTP_PORT [4318]
#   COLLECTOR_PROMETHEUS_PORT [8889] COLLECTOR_HEALTH_PORT [13133] COLLECTOR_TELEMETRY_PORT [18888]
#   JAEGER_OTLP_GRPC_PORT [14317] JAEGER_QUERY_HTTP_PORT [16686] JAEGER_QUERY_GRPC_PORT [16685]
#   PROMETHEUS_PORT [19090] PROMETHEUS_SCRAPE_INTERVAL [1s] PROMETHEUS_EVALUATION_INTERVAL [1s]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONFIG_DIR="$ROOT/collector-config"
CACHE="${TOOLSCOPE_CACHE:-$HOME/.cache/toolscope}"
RUN_DIR="${TOOLSCOPE_RUN_DIR:-$CACHE/run}"
HOST="${TOOLSCOPE_HOST:-127.0.0.1}"
READY_TIMEOUT="${TOOLSCOPE_READY_TIMEOUT:-60}"

COLLECTOR_OTLP_GRPC_PORT="${COLLECTOR_OTLP_GRPC_PORT:-4317}"
COLLECTOR_OTLP_HTTP_PORT="${COLLECTOR_OTLP_HTTP_PORT:-4318}"
COLLECTOR_PROMETHEUS_PORT="${COLLECTOR_PROMETHEUS_PORT:-8889}"
COLLECTOR_HEALTH_PORT="${COLLECTOR_HEALTH_PORT:-13133}"
COLLECTOR_TELEMETRY_PORT="${COLLECTOR_TELEMETRY_PORT:-18888}"
JAEGER_OTLP_GRPC_PORT="${JAEGER_OTLP_GRPC_PORT:-14317}"
JAEGER_QUERY_HTTP_PORT="${JAEGER_QUERY_HTTP_PORT:-16686}"
JAEGER_QUERY_GRPC_PORT="${JAEGER_QUERY_GRPC_PORT:-16685}"
PROMETHEUS_PORT="${PROMETHEUS_PORT:-19090}"
PROMETHEUS_SCRAPE_INTERVAL="${PROMETHEUS_SCRAPE_INTERVAL:-1s}"
PROMETHEUS_EVALUATION_INTERVAL="${PROMETHEUS_EVALUATION_INTERVAL:-1s}"

# Go from the machine's toolchain (Debian's golang-go is far too old), caches outside the repo.
export PATH="/usr/local/go/bin:$PATH"
export GOMODCACHE="$CACHE/gomod"
export GOCACHE="$CACHE/gocache"
export GOFLAGS="${GOFLAGS:--modcacherw}"

BIN_DIR="$CACHE/bin"
BUILD_DIR="$CACHE/build"
PROM_DIR="$CACHE/prometheus"
PROMETHEUS_BIN="$PROM_DIR/usr/bin/prometheus"
PROMTOOL_BIN="$PROM_DIR/usr/bin/promtool"
MANIFEST="$CONFIG_DIR/builder-config.yaml"
JAEGER_MOD_DIR="$ROOT/tools/jaeger"

log() { printf '[backends] %s\n' "$*" >&2; }
die() {
  printf '[backends] ERROR: %s\n' "$*" >&2
  exit 1
}

# ---------------------------------------------------------------- cache keys

hash_files() { cat "$@" | sha256sum | cut -c1-16; }

# The builder and the components must be one release: read it from the manifest.
builder_version() {
  local v
  v="$(sed -n 's|^ *- gomod: go.opentelemetry.io/collector/receiver/otlpreceiver \(v[0-9.]*\).*|\1|p' "$MANIFEST" | head -n1)"
  [[ -n "$v" ]] || die "cannot read the otlpreceiver version from $MANIFEST"
  printf '%s' "$v"
}
dist_name() {
  local n
  n="$(sed -n 's|^  name: *\([A-Za-z0-9_.-]*\).*|\1|p' "$MANIFEST" | head -n1)"
  [[ -n "$n" ]] || die "cannot read dist.name from $MANIFEST"
  printf '%s' "$n"
}
output_path() {
  local o
  o="$(sed -n 's|^  output_path: *\([^ #]*\).*|\1|p' "$MANIFEST" | head -n1)"
  [[ -n "$o" ]] || die "cannot read dist.output_path from $MANIFEST"
  printf '%s' "$o"
}
otelcol_key() { hash_files "$MANIFEST"; }
jaeger_key() { hash_files "$JAEGER_MOD_DIR/go.mod" "$JAEGER_MOD_DIR/go.sum"; }
otelcol_bin() { printf '%s/%s-%s' "$BIN_DIR" "$(dist_name)" "$(otelcol_key)"; }
jaeger_bin() { printf '%s/jaeger-%s' "$BIN_DIR" "$(jaeger_key)"; }

# ---------------------------------------------------------------- install

require_go() {
  command -v go >/dev/null 2>&1 || die "Go not found (expected /usr/local/go/bin/go, Go >= 1.26)"
}

install_builder() {
  local want builder
  want="$(builder_version)"
  builder="$BIN_DIR/builder"
  if [[ -x "$builder" ]] && "$builder" version 2>&1 | grep -q " $want\$"; then
    return 0
  fi
  require_go
  log "installing OCB $want (go install go.opentelemetry.io/collector/cmd/builder@$want)"
  GOBIN="$BIN_DIR" go install "go.opentelemetry.io/collector/cmd/builder@$want" \
    || die "go install of the collector builder $want failed"
}

install_otelcol() {
  local out name dir built started
  out="$(otelcol_bin)"
  if [[ -x "$out" ]]; then
    if "$out" components >/dev/null 2>&1; then
      log "collector: cached $out"
      return 0
    fi
    log "collector: cached $out does not run (truncated?); rebuilding"
    rm -f "$out"
  fi
  install_builder
  name="$(dist_name)"
  dir="$BUILD_DIR/otelcol"
  mkdir -p "$dir"
  cp "$MANIFEST" "$dir/builder-config.yaml"
  built="$dir/$(output_path)/$name"
  rm -f "$built"
  log "collector: building $name with OCB (cold: 5-10 min; log $dir/build.log)"
  started=$SECONDS
  if ! (cd "$dir" && "$BIN_DIR/builder" --config=builder-config.yaml) >"$dir/build.log" 2>&1; then
    tail -n 40 "$dir/build.log" >&2 || true
    die "OCB build of $name failed; full log: $dir/build.log"
  fi
  [[ -x "$built" ]] || die "OCB finished but $built is missing; log: $dir/build.log"
  "$built" components >/dev/null 2>&1 || die "$built does not run"
  install -m 0755 "$built" "$out.tmp.$$"
  mv -f "$out.tmp.$$" "$out"
  log "collector: built $out in $((SECONDS - started))s"
}

install_jaeger() {
  local out started
  out="$(jaeger_bin)"
  if [[ -x "$out" ]]; then
    if "$out" version >/dev/null 2>&1; then
      log "jaeger: cached $out"
      return 0
    fi
    log "jaeger: cached $out does not run (truncated?); rebuilding"
    rm -f "$out"
  fi
  require_go
  # An interrupted build leaves no half-written binary behind.
  trap 'rm -f "$out.tmp.$$"' EXIT
  mkdir -p "$BUILD_DIR"
  log "jaeger: building from $JAEGER_MOD_DIR (cold: 10-15 min; log $BUILD_DIR/jaeger-build.log)"
  started=$SECONDS
  if ! (cd "$JAEGER_MOD_DIR" && go build -trimpath -ldflags='-s -w' -o "$out.tmp.$$" \
    github.com/jaegertracing/jaeger/cmd/jaeger) >"$BUILD_DIR/jaeger-build.log" 2>&1; then
    tail -n 40 "$BUILD_DIR/jaeger-build.log" >&2 || true
    rm -f "$out.tmp.$$"
    die "Jaeger build failed; full log: $BUILD_DIR/jaeger-build.log"
  fi
  "$out.tmp.$$" version >/dev/null 2>&1 || die "the Jaeger build does not run; log: $BUILD_DIR/jaeger-build.log"
  mv -f "$out.tmp.$$" "$out"
  trap - EXIT
  log "jaeger: built $out in $((SECONDS - started))s"
}

install_prometheus() {
  if [[ -x "$PROMETHEUS_BIN" && -x "$PROMTOOL_BIN" ]]; then
    log "prometheus: cached $PROMETHEUS_BIN"
    return 0
  fi
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: Prometheus comes from Debian's package"
  local tmp deb
  tmp="$(mktemp -d)"
  log "prometheus: apt-get download prometheus (no install, no system service)"
  if ! (cd "$tmp" && apt-get download prometheus) >"$tmp/apt.log" 2>&1; then
    log "prometheus: download failed, running apt-get update first"
    apt-get update >>"$tmp/apt.log" 2>&1 || true
    (cd "$tmp" && apt-get download prometheus) >>"$tmp/apt.log" 2>&1 \
      || { cat "$tmp/apt.log" >&2; die "apt-get download prometheus failed"; }
  fi
  deb="$(ls "$tmp"/prometheus_*.deb 2>/dev/null | head -n1)"
  [[ -n "$deb" ]] || { cat "$tmp/apt.log" >&2; die "no prometheus_*.deb downloaded"; }
  rm -rf "$PROM_DIR.tmp.$$"
  dpkg-deb -x "$deb" "$PROM_DIR.tmp.$$" || die "dpkg-deb -x $deb failed"
  [[ -x "$PROM_DIR.tmp.$$/usr/bin/prometheus" && -x "$PROM_DIR.tmp.$$/usr/bin/promtool" ]] \
    || die "$deb has no usr/bin/prometheus or usr/bin/promtool"
  rm -rf "$PROM_DIR"
  mv "$PROM_DIR.tmp.$$" "$PROM_DIR"
  cp "$deb" "$PROM_DIR/"
  rm -rf "$tmp"
  log "prometheus: $("$PROMETHEUS_BIN" --version 2>&1 | head -n1)"
}

cmd_install() {
  mkdir -p "$BIN_DIR" "$BUILD_DIR" "$GOMODCACHE" "$GOCACHE"
  # One installer at a time per cache (parallel test runs share it).
  exec 8>"$CACHE/install.lock"
  flock -w 3600 8 || die "another backends.sh install holds $CACHE/install.lock for over an hour"
  local started=$SECONDS what
  if (($# == 0)); then set -- prometheus collector jaeger; fi
  for what in "$@"; do
    case "$what" in
      prometheus) install_prometheus ;;
      collector) install_otelcol ;;
      jaeger) install_jaeger ;;
      *) die "unknown backend '$what' (collector|jaeger|prometheus)" ;;
    esac
  done
  log "install done in $((SECONDS - started))s"
}

# ---------------------------------------------------------------- processes

pid_file() { printf '%s/%s.pid' "$RUN_DIR" "$1"; }
log_file() { printf '%s/logs/%s.log' "$RUN_DIR" "$1"; }

binary_of() {
  case "$1" in
    collector) otelcol_bin ;;
    jaeger) jaeger_bin ;;
    prometheus) printf '%s' "$PROMETHEUS_BIN" ;;
    *) die "unknown backend '$1' (collector|jaeger|prometheus)" ;;
  esac
}

ready_url() {
  case "$1" in
    collector) printf 'http://%s:%s/' "$HOST" "$COLLECTOR_HEALTH_PORT" ;;
    jaeger) printf 'http://%s:%s/api/services' "$HOST" "$JAEGER_QUERY_HTTP_PORT" ;;
    prometheus) printf 'http://%s:%s/-/ready' "$HOST" "$PROMETHEUS_PORT" ;;
  esac
}

# Prints the pid if the pid file names a live process running this backend's binary
# (guards against a recycled pid); prints nothing otherwise.
# Any build of the backend counts, not only the current cache key's: a process started from
# an older build (before the manifest or go.sum changed) is still found, stopped and restarted.
binary_family() {
  case "$1" in
    collector) printf '%s' "$BIN_DIR/$(dist_name)-" ;;
    jaeger) printf '%s' "$BIN_DIR/jaeger-" ;;
    *) binary_of "$1" ;;
  esac
}

running_pid() {
  local f pid exe
  f="$(pid_file "$1")"
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  exe="$(readlink "/proc/$pid/exe" 2>/dev/null || true)"
  if [[ -n "$exe" && "$exe" == "$(binary_family "$1")"* ]]; then
    printf '%s' "$pid"
  fi
}

is_ready() { curl -fsS -o /dev/null --max-time 2 "$(ready_url "$1")" 2>/dev/null; }

port_busy() {
  local port="$1"
  (exec 3<>"/dev/tcp/$HOST/$port") 2>/dev/null
}

ports_of() {
  case "$1" in
    collector) echo "$COLLECTOR_OTLP_GRPC_PORT $COLLECTOR_OTLP_HTTP_PORT $COLLECTOR_PROMETHEUS_PORT $COLLECTOR_HEALTH_PORT $COLLECTOR_TELEMETRY_PORT" ;;
    jaeger) echo "$JAEGER_OTLP_GRPC_PORT $JAEGER_QUERY_HTTP_PORT $JAEGER_QUERY_GRPC_PORT" ;;
    prometheus) echo "$PROMETHEUS_PORT" ;;
  esac
}

render_prometheus_config() {
  local dir="$RUN_DIR/prometheus"
  mkdir -p "$dir"
  sed -e "s|otel-collector:8889|$HOST:$COLLECTOR_PROMETHEUS_PORT|" \
    -e "s|otel-collector:18888|$HOST:$COLLECTOR_TELEMETRY_PORT|" \
    -e "s|^\(  scrape_interval:\).*|\1 $PROMETHEUS_SCRAPE_INTERVAL|" \
    -e "s|^\(  scrape_timeout:\).*|\1 $PROMETHEUS_SCRAPE_INTERVAL|" \
    -e "s|^\(  evaluation_interval:\).*|\1 $PROMETHEUS_EVALUATION_INTERVAL|" \
    -e "s|^\(  - \)alert-rules.yml|\1$CONFIG_DIR/alert-rules.yml|" \
    "$CONFIG_DIR/prometheus.yml" >"$dir/prometheus.yml.tmp"
  grep -q "$HOST:$COLLECTOR_PROMETHEUS_PORT" "$dir/prometheus.yml.tmp" \
    || die "rendering prometheus.yml: scrape target otel-collector:8889 not found in $CONFIG_DIR/prometheus.yml"
  grep -q "$CONFIG_DIR/alert-rules.yml" "$dir/prometheus.yml.tmp" \
    || die "rendering prometheus.yml: rule file alert-rules.yml not found in $CONFIG_DIR/prometheus.yml"
  mv -f "$dir/prometheus.yml.tmp" "$dir/prometheus.yml"
  printf '%s' "$dir/prometheus.yml"
}

launch() {
  local name="$1" bin lf
  bin="$(binary_of "$name")"
  [[ -x "$bin" ]] || die "$name binary $bin is missing; run: scripts/backends.sh install"
  for port in $(ports_of "$name"); do
    if port_busy "$port"; then
      die "$name: port $HOST:$port is already in use by another process (not started by this script)"
    fi
  done
  lf="$(log_file "$name")"
  mkdir -p "$RUN_DIR/logs"
  : >"$lf"
  case "$name" in
    collector)
      COLLECTOR_LISTEN_HOST="$HOST" COLLECTOR_OTLP_GRPC_PORT="$COLLECTOR_OTLP_GRPC_PORT" \
        COLLECTOR_OTLP_HTTP_PORT="$COLLECTOR_OTLP_HTTP_PORT" \
        COLLECTOR_PROMETHEUS_PORT="$COLLECTOR_PROMETHEUS_PORT" \
        COLLECTOR_HEALTH_PORT="$COLLECTOR_HEALTH_PORT" \
        COLLECTOR_TELEMETRY_PORT="$COLLECTOR_TELEMETRY_PORT" \
        JAEGER_OTLP_ENDPOINT="$HOST:$JAEGER_OTLP_GRPC_PORT" \
        setsid "$bin" --config="$CONFIG_DIR/otelcol.yaml" </dev/null >>"$lf" 2>&1 8>&- 9>&- &
      ;;
    jaeger)
      JAEGER_LISTEN_HOST="$HOST" JAEGER_OTLP_GRPC_PORT="$JAEGER_OTLP_GRPC_PORT" \
        JAEGER_QUERY_HTTP_PORT="$JAEGER_QUERY_HTTP_PORT" \
        JAEGER_QUERY_GRPC_PORT="$JAEGER_QUERY_GRPC_PORT" \
        setsid "$bin" --config="$CONFIG_DIR/jaeger.yaml" </dev/null >>"$lf" 2>&1 8>&- 9>&- &
      ;;
    prometheus)
      local cfg data="$RUN_DIR/prometheus/data"
      cfg="$(render_prometheus_config)"
      rm -rf "$data" # a fresh TSDB per start: tests never see a previous run's series
      mkdir -p "$data"
      setsid "$bin" --config.file="$cfg" --storage.tsdb.path="$data" \
        --storage.tsdb.retention.time=1d --web.listen-address="$HOST:$PROMETHEUS_PORT" \
        --enable-feature=exemplar-storage --web.enable-lifecycle \
        </dev/null >>"$lf" 2>&1 8>&- 9>&- &
      ;;
  esac
  echo $! >"$(pid_file "$name")"
  log "$name: started pid $! (log $lf)"
}

wait_ready() {
  local name="$1" deadline pid
  deadline=$((SECONDS + READY_TIMEOUT))
  # Right after launch the pid may still be setsid about to exec the binary, so only
  # check that it is alive here.
  pid="$(cat "$(pid_file "$name")" 2>/dev/null || true)"
  while ((SECONDS < deadline)); do
    if [[ -z "$pid" ]] || ! kill -0 "$pid" 2>/dev/null; then
      log "$name exited during startup; last lines of $(log_file "$name"):"
      tail -n 30 "$(log_file "$name")" >&2 || true
      return 1
    fi
    if is_ready "$name"; then
      return 0
    fi
    sleep 0.2
  done
  log "$name not ready at $(ready_url "$name") after ${READY_TIMEOUT}s; last lines of $(log_file "$name"):"
  tail -n 30 "$(log_file "$name")" >&2 || true
  return 1
}

start_one() {
  local name="$1" pid
  pid="$(running_pid "$name")"
  if [[ -n "$pid" ]]; then
    if is_ready "$name"; then
      log "$name: already running (pid $pid) and ready"
      return 0
    fi
    log "$name: running (pid $pid), waiting for readiness"
  else
    rm -f "$(pid_file "$name")"
    launch "$name"
  fi
  wait_ready "$name" || die "$name did not become ready (logs in $RUN_DIR/logs)"
  log "$name: ready at $(ready_url "$name")"
}

with_run_lock() {
  mkdir -p "$RUN_DIR/logs"
  exec 9>"$RUN_DIR/.lock"
  flock -w 180 9 || die "another backends.sh holds $RUN_DIR/.lock for over 180s"
}

cmd_start() {
  with_run_lock
  local started=$SECONDS
  # Jaeger first (the collector exports to it), then the collector, then Prometheus.
  start_one jaeger
  start_one collector
  start_one prometheus
  log "all backends ready in $((SECONDS - started))s (logs in $RUN_DIR/logs)"
}

stop_one() {
  local name="$1" pid deadline
  pid="$(running_pid "$name")"
  if [[ -z "$pid" ]]; then
    rm -f "$(pid_file "$name")"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + 15))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name: pid $pid ignored SIGTERM for 15s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$(pid_file "$name")"
  log "$name: stopped pid $pid"
}

cmd_stop() {
  with_run_lock
  stop_one prometheus
  stop_one collector
  stop_one jaeger
}

cmd_kill() {
  local name="${1:-}" pid
  [[ -n "$name" ]] || die "usage: backends.sh kill collector|jaeger|prometheus"
  binary_of "$name" >/dev/null
  pid="$(running_pid "$name")"
  [[ -n "$pid" ]] || die "$name is not running"
  kill -KILL "$pid"
  local deadline=$((SECONDS + 10))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.05; done
  rm -f "$(pid_file "$name")"
  log "$name: killed pid $pid"
}

cmd_restart() {
  local name="${1:-}"
  [[ -n "$name" ]] || die "usage: backends.sh restart collector|jaeger|prometheus"
  binary_of "$name" >/dev/null
  with_run_lock
  stop_one "$name"
  start_one "$name"
}

cmd_status() {
  local rc=0 name pid
  for name in jaeger collector prometheus; do
    pid="$(running_pid "$name")"
    if [[ -z "$pid" ]]; then
      printf '%-10s stopped\n' "$name"
      rc=1
    elif is_ready "$name"; then
      printf '%-10s running pid %s, ready at %s\n' "$name" "$pid" "$(ready_url "$name")"
    else
      printf '%-10s running pid %s, NOT ready at %s\n' "$name" "$pid" "$(ready_url "$name")"
      rc=1
    fi
  done
  return $rc
}

cmd_env() {
  cat <<EOF
TOOLSCOPE_CACHE=$CACHE
TOOLSCOPE_RUN_DIR=$RUN_DIR
TOOLSCOPE_CONFIG_DIR=$CONFIG_DIR
TOOLSCOPE_OTELCOL_BIN=$(otelcol_bin)
TOOLSCOPE_JAEGER_BIN=$(jaeger_bin)
TOOLSCOPE_PROMETHEUS_BIN=$PROMETHEUS_BIN
TOOLSCOPE_PROMTOOL_BIN=$PROMTOOL_BIN
TOOLSCOPE_PROMETHEUS_CONFIG=$RUN_DIR/prometheus/prometheus.yml
TOOLSCOPE_OTLP_HTTP_ENDPOINT=http://$HOST:$COLLECTOR_OTLP_HTTP_PORT
TOOLSCOPE_OTLP_GRPC_ENDPOINT=http://$HOST:$COLLECTOR_OTLP_GRPC_PORT
TOOLSCOPE_COLLECTOR_HEALTH_URL=http://$HOST:$COLLECTOR_HEALTH_PORT/
TOOLSCOPE_COLLECTOR_METRICS_URL=http://$HOST:$COLLECTOR_PROMETHEUS_PORT/metrics
TOOLSCOPE_COLLECTOR_TELEMETRY_URL=http://$HOST:$COLLECTOR_TELEMETRY_PORT/metrics
TOOLSCOPE_JAEGER_URL=http://$HOST:$JAEGER_QUERY_HTTP_PORT
TOOLSCOPE_PROMETHEUS_URL=http://$HOST:$PROMETHEUS_PORT
EOF
}

main() {
  local cmd="${1:-}"
  shift || true
  case "$cmd" in
    install) cmd_install "$@" ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    env) cmd_env ;;
    kill) cmd_kill "$@" ;;
    restart) cmd_restart "$@" ;;
    *)
      sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//' >&2
      exit 2
      ;;
  esac
}

main "$@"; exit $?
