#!/usr/bin/env bash
# Real backends for toolscope's end-to-end tests: an OpenTelemetry Collector built with
# OCB from collector-config/builder-config.yaml (started twice: metrics scraped from its
# `prometheus` exporter, and a second instance pushing metrics to Prometheus' OTLP receiver),
# Jaeger v2 built from the tools/jaeger Go tool module, Prometheus 3 built from the Go module
# proxy (pinned below), and Prometheus 2.42 unpacked from Debian's package (the scrape path
# is also checked on 2.x). No system services.
#
# Usage: scripts/backends.sh install|start|stop|status|env|kill NAME|restart NAME
#   install [NAME...]  build/fetch the binaries into the cache (seconds when warm)
#   start          start whatever is not running, wait (bounded) until all are ready
#   stop           stop the processes this script started (pid files), nothing else
#   status         show each backend's pid and readiness; non-zero if one is down
#   env            print KEY=VALUE lines: endpoints, binaries, directories
#   kill NAME      SIGKILL one backend, for chaos tests
#   restart NAME   start one backend again and wait until it is ready
# NAME: collector | collector-otlp | jaeger | prometheus | prometheus-v2 (install takes
# collector, jaeger, prometheus, prometheus-v2).
#
# Environment (defaults in brackets):
#   TOOLSCOPE_CACHE [~/.cache/toolscope]  gomod/, gocache/, bin/, build/, prometheus/
#   TOOLSCOPE_RUN_DIR [$TOOLSCOPE_CACHE/run]  pid files, logs, data
#   TOOLSCOPE_HOST [127.0.0.1]  host every backend listens on
#   TOOLSCOPE_READY_TIMEOUT [60]  seconds to wait for each backend
#   COLLECTOR_OTLP_GRPC_PORT [4317] COLLECTOR_OTLP_HTTP_PORT [4318]
#   COLLECTOR_PROMETHEUS_PORT [8889] COLLECTOR_HEALTH_PORT [13133] COLLECTOR_TELEMETRY_PORT [18888]
#   OTLP_COLLECTOR_GRPC_PORT [4327] OTLP_COLLECTOR_HTTP_PORT [4328]
#   OTLP_COLLECTOR_HEALTH_PORT [13134] OTLP_COLLECTOR_TELEMETRY_PORT [18887]
#   JAEGER_OTLP_GRPC_PORT [14317] JAEGER_QUERY_HTTP_PORT [16686] JAEGER_QUERY_GRPC_PORT [16685]
#   PROMETHEUS_PORT [19090] PROMETHEUS_V2_PORT [19091]
#   PROMETHEUS_SCRAPE_INTERVAL [1s] PROMETHEUS_EVALUATION_INTERVAL [1s]
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
PUSH_COLLECTOR_GRPC_PORT="${PUSH_COLLECTOR_GRPC_PORT:-4327}"
PUSH_COLLECTOR_HTTP_PORT="${PUSH_COLLECTOR_HTTP_PORT:-4328}"
PUSH_COLLECTOR_HEALTH_PORT="${PUSH_COLLECTOR_HEALTH_PORT:-13134}"
PUSH_COLLECTOR_TELEMETRY_PORT="${PUSH_COLLECTOR_TELEMETRY_PORT:-18887}"
JAEGER_OTLP_GRPC_PORT="${JAEGER_OTLP_GRPC_PORT:-14317}"
JAEGER_QUERY_HTTP_PORT="${JAEGER_QUERY_HTTP_PORT:-16686}"
JAEGER_QUERY_GRPC_PORT="${JAEGER_QUERY_GRPC_PORT:-16685}"
PROMETHEUS_PORT="${PROMETHEUS_PORT:-19090}"
PROMETHEUS_V2_PORT="${PROMETHEUS_V2_PORT:-19091}"
PROMETHEUS_SCRAPE_INTERVAL="${PROMETHEUS_SCRAPE_INTERVAL:-1s}"
PROMETHEUS_EVALUATION_INTERVAL="${PROMETHEUS_EVALUATION_INTERVAL:-1s}"

# Go from the machine's toolchain (Debian's golang-go is far too old), caches outside the repo.
export PATH="/usr/local/go/bin:$PATH"
export GOMODCACHE="$CACHE/gomod"
export GOCACHE="$CACHE/gocache"
export GOFLAGS="${GOFLAGS:--modcacherw}"

BIN_DIR="$CACHE/bin"
BUILD_DIR="$CACHE/build"
# Prometheus 3, pinned: the Go module version and the release it is (v0.MNN.P is 3.NN.P; checked
# against the module's VERSION file before building).
PROMETHEUS_MODULE="github.com/prometheus/prometheus"
PROMETHEUS_MODULE_VERSION="v0.316.0"
# Prometheus 2.x: Debian's package (bookworm: 2.42), unpacked, never installed as a service.
PROM_DIR="$CACHE/prometheus"
PROMETHEUS_V2_BIN="$PROM_DIR/usr/bin/prometheus"
PROMTOOL_V2_BIN="$PROM_DIR/usr/bin/promtool"
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

# The release a Prometheus module version is: v0.MNN.P -> M.NN.P (v0.316.0 -> 3.16.0).
prometheus_release() {
  local v="${PROMETHEUS_MODULE_VERSION#v0.}" minor patch
  minor="${v%%.*}"
  patch="${v#*.}"
  [[ "$minor" =~ ^[0-9]{3,}$ && "$patch" =~ ^[0-9]+$ ]] \
    || die "cannot map PROMETHEUS_MODULE_VERSION=$PROMETHEUS_MODULE_VERSION to a Prometheus release (expected v0.MNN.P)"
  printf '%d.%d.%d' "$((10#$minor / 100))" "$((10#$minor % 100))" "$patch"
}
# How Prometheus is built; part of the cache key, so a change rebuilds. The version variables
# of prometheus/common/version make `--version` report the release (go install leaves them
# empty); the web UI's assets are not in the module (the HTTP API is all the tests use).
# `remove_all_sd` leaves out the service-discovery plugins (AWS, Azure, GCE, ... SDKs): the
# tests only use static_configs, and the cold build takes about half as long (measured side by
# side on this 2-core machine: 1694 s with, 2385 s without, the two sharing the CPU).
PROMETHEUS_GO_FLAGS="-trimpath -tags=remove_all_sd"
PROMETHEUS_LD_FLAGS="-s -w"
prometheus_key() {
  printf '%s@%s %s %s' "$PROMETHEUS_MODULE" "$PROMETHEUS_MODULE_VERSION" "$PROMETHEUS_GO_FLAGS" \
    "$PROMETHEUS_LD_FLAGS" | sha256sum | cut -c1-12
}
prometheus_bin() { printf '%s/prometheus-%s-%s' "$BIN_DIR" "$(prometheus_release)" "$(prometheus_key)"; }
promtool_bin() { printf '%s/promtool-%s-%s' "$BIN_DIR" "$(prometheus_release)" "$(prometheus_key)"; }

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

# Whether binary $1 runs and reports `$2, version $3 ` on its first --version line.
reports_version() {
  "$1" --version 2>&1 | head -n1 | grep -q "^$2, version $3 "
}

install_prometheus() {
  local release out tool json dir info date ldflags tmp started v="$PROMETHEUS_MODULE_VERSION"
  release="$(prometheus_release)"
  out="$(prometheus_bin)"
  tool="$(promtool_bin)"
  if [[ -x "$out" && -x "$tool" ]]; then
    if reports_version "$out" prometheus "$release" && reports_version "$tool" promtool "$release"; then
      log "prometheus: cached $out"
      return 0
    fi
    log "prometheus: cached $out or $tool does not run or report $release (truncated?); rebuilding"
    rm -f "$out" "$tool"
  fi
  require_go
  mkdir -p "$BUILD_DIR"
  json="$(go mod download -json "$PROMETHEUS_MODULE@$v" 2>&1)" \
    || die "go mod download $PROMETHEUS_MODULE@$v failed: $json"
  dir="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$json")"
  info="$(sed -n 's/^[[:space:]]*"Info": "\(.*\)",\{0,1\}$/\1/p' <<<"$json")"
  [[ -f "$dir/VERSION" ]] || die "$PROMETHEUS_MODULE@$v has no VERSION file (go mod download said: $json)"
  [[ "$(tr -d '[:space:]' <"$dir/VERSION")" == "$release" ]] \
    || die "$PROMETHEUS_MODULE@$v is Prometheus $(tr -d '[:space:]' <"$dir/VERSION"), not $release: fix PROMETHEUS_MODULE_VERSION"
  date="$(sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "$info" 2>/dev/null || true)"
  ldflags="$PROMETHEUS_LD_FLAGS"
  for kv in "Version=$release" "Revision=$v" "Branch=HEAD" "BuildUser=toolscope-backends.sh" "BuildDate=${date:-unknown}"; do
    ldflags+=" -X github.com/prometheus/common/version.$kv"
  done
  tmp="$BUILD_DIR/prometheus.tmp.$$"
  # An interrupted build leaves no half-written binary behind.
  trap 'rm -rf "$tmp"' EXIT
  rm -rf "$tmp"
  log "prometheus: building $release (go install $PROMETHEUS_MODULE/cmd/{prometheus,promtool}@$v; cold: 5-15 min; log $BUILD_DIR/prometheus-build.log)"
  started=$SECONDS
  # shellcheck disable=SC2086 # PROMETHEUS_GO_FLAGS is a list of flags
  if ! GOBIN="$tmp" go install $PROMETHEUS_GO_FLAGS -ldflags="$ldflags" \
    "$PROMETHEUS_MODULE/cmd/prometheus@$v" "$PROMETHEUS_MODULE/cmd/promtool@$v" \
    >"$BUILD_DIR/prometheus-build.log" 2>&1; then
    tail -n 40 "$BUILD_DIR/prometheus-build.log" >&2 || true
    die "Prometheus $release build failed; full log: $BUILD_DIR/prometheus-build.log"
  fi
  reports_version "$tmp/prometheus" prometheus "$release" \
    || die "the Prometheus build does not run or report $release: $("$tmp/prometheus" --version 2>&1 | head -n1)"
  reports_version "$tmp/promtool" promtool "$release" \
    || die "the promtool build does not run or report $release: $("$tmp/promtool" --version 2>&1 | head -n1)"
  mv -f "$tmp/promtool" "$tool"
  mv -f "$tmp/prometheus" "$out"
  rm -rf "$tmp"
  trap - EXIT
  log "prometheus: built $out in $((SECONDS - started))s"
}

install_prometheus_v2() {
  if [[ -x "$PROMETHEUS_V2_BIN" && -x "$PROMTOOL_V2_BIN" ]] \
    && reports_version "$PROMETHEUS_V2_BIN" prometheus '2\.[0-9.]*[^ ]*'; then
    log "prometheus-v2: cached $PROMETHEUS_V2_BIN"
    return 0
  fi
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: Prometheus 2.x comes from Debian's package"
  local tmp deb
  tmp="$(mktemp -d)"
  log "prometheus-v2: apt-get download prometheus (no install, no system service)"
  if ! (cd "$tmp" && apt-get download prometheus) >"$tmp/apt.log" 2>&1; then
    log "prometheus-v2: download failed, running apt-get update first"
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
  reports_version "$PROM_DIR.tmp.$$/usr/bin/prometheus" prometheus '2\.[0-9.]*[^ ]*' \
    || die "$deb is not Prometheus 2.x: $("$PROM_DIR.tmp.$$/usr/bin/prometheus" --version 2>&1 | head -n1)"
  rm -rf "$PROM_DIR"
  mv "$PROM_DIR.tmp.$$" "$PROM_DIR"
  cp "$deb" "$PROM_DIR/"
  rm -rf "$tmp"
  log "prometheus-v2: $("$PROMETHEUS_V2_BIN" --version 2>&1 | head -n1)"
}

cmd_install() {
  mkdir -p "$BIN_DIR" "$BUILD_DIR" "$GOMODCACHE" "$GOCACHE"
  # One installer at a time per cache (parallel test runs share it).
  exec 8>"$CACHE/install.lock"
  flock -w 3600 8 || die "another backends.sh install holds $CACHE/install.lock for over an hour"
  local started=$SECONDS what
  if (($# == 0)); then set -- prometheus-v2 collector prometheus jaeger; fi
  for what in "$@"; do
    case "$what" in
      prometheus) install_prometheus ;;
      prometheus-v2) install_prometheus_v2 ;;
      collector | collector-push) install_otelcol ;;
      jaeger) install_jaeger ;;
      *) die "unknown backend '$what' (collector|jaeger|prometheus|prometheus-v2)" ;;
    esac
  done
  log "install done in $((SECONDS - started))s"
}

# ---------------------------------------------------------------- processes

pid_file() { printf '%s/%s.pid' "$RUN_DIR" "$1"; }
log_file() { printf '%s/logs/%s.log' "$RUN_DIR" "$1"; }

# Every backend `start` starts, in order: Jaeger first (the collectors export to it), the
# scrape-path collector, Prometheus 3, the push-path collector (it pushes to Prometheus 3's
# OTLP receiver), then Prometheus 2.x (it scrapes the first collector too).
BACKENDS="jaeger collector prometheus collector-push prometheus-v2"

binary_of() {
  case "$1" in
    collector | collector-push) otelcol_bin ;;
    jaeger) jaeger_bin ;;
    prometheus) prometheus_bin ;;
    prometheus-v2) printf '%s' "$PROMETHEUS_V2_BIN" ;;
    *) die "unknown backend '$1' (${BACKENDS// /|})" ;;
  esac
}

ready_url() {
  case "$1" in
    collector) printf 'http://%s:%s/' "$HOST" "$COLLECTOR_HEALTH_PORT" ;;
    collector-push) printf 'http://%s:%s/' "$HOST" "$PUSH_COLLECTOR_HEALTH_PORT" ;;
    jaeger) printf 'http://%s:%s/api/services' "$HOST" "$JAEGER_QUERY_HTTP_PORT" ;;
    prometheus) printf 'http://%s:%s/-/ready' "$HOST" "$PROMETHEUS_PORT" ;;
    prometheus-v2) printf 'http://%s:%s/-/ready' "$HOST" "$PROMETHEUS_V2_PORT" ;;
  esac
}

# Whether `exe` is a build of backend $1. Any build counts, not only the current cache key's:
# a process started from an older build (before the manifest, go.sum or the pinned Prometheus
# changed; for `prometheus`, also the Debian 2.x an older version of this script ran) is
# still found, stopped, and replaced by `start`.
of_family() {
  local name="$1" exe="$2"
  case "$name" in
    collector | collector-push) [[ "$exe" == "$BIN_DIR/$(dist_name)-"* ]] ;;
    jaeger) [[ "$exe" == "$BIN_DIR/jaeger-"* ]] ;;
    prometheus) [[ "$exe" == "$BIN_DIR/prometheus-"* || "$exe" == "$PROMETHEUS_V2_BIN"* ]] ;;
    *) [[ "$exe" == "$(binary_of "$name")"* ]] ;;
  esac
}

# The binary a live process runs ("" when gone); a replaced file reads "<path> (deleted)".
exe_of() { readlink "/proc/$1/exe" 2>/dev/null || true; }

# Prints the pid if the pid file names a live process running a build of this backend
# (guards against a recycled pid); prints nothing otherwise.
running_pid() {
  local f pid exe
  f="$(pid_file "$1")"
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  exe="$(exe_of "$pid")"
  if [[ -n "$exe" ]] && of_family "$1" "$exe"; then
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
    collector-push) echo "$PUSH_COLLECTOR_GRPC_PORT $PUSH_COLLECTOR_HTTP_PORT $PUSH_COLLECTOR_HEALTH_PORT $PUSH_COLLECTOR_TELEMETRY_PORT" ;;
    jaeger) echo "$JAEGER_OTLP_GRPC_PORT $JAEGER_QUERY_HTTP_PORT $JAEGER_QUERY_GRPC_PORT" ;;
    prometheus) echo "$PROMETHEUS_PORT" ;;
    prometheus-v2) echo "$PROMETHEUS_V2_PORT" ;;
  esac
}

# Renders collector-config/prometheus.yml for backend $1 into $RUN_DIR/$1/prometheus.yml:
# targets on $HOST, the test intervals, the rule file's absolute path; for Prometheus 2.x
# also without the `otlp:` block (2.x does not know it). Prints the path.
render_prometheus_config() {
  local name="$1" dir="$RUN_DIR/$1" strip_otlp=0
  [[ "$name" == prometheus-v2 ]] && strip_otlp=1
  mkdir -p "$dir"
  sed -e "s|otel-collector:8889|$HOST:$COLLECTOR_PROMETHEUS_PORT|" \
    -e "s|otel-collector:18888|$HOST:$COLLECTOR_TELEMETRY_PORT|" \
    -e "s|^\(  scrape_interval:\).*|\1 $PROMETHEUS_SCRAPE_INTERVAL|" \
    -e "s|^\(  scrape_timeout:\).*|\1 $PROMETHEUS_SCRAPE_INTERVAL|" \
    -e "s|^\(  evaluation_interval:\).*|\1 $PROMETHEUS_EVALUATION_INTERVAL|" \
    -e "s|^\(  - \)alert-rules.yml|\1$CONFIG_DIR/alert-rules.yml|" \
    "$CONFIG_DIR/prometheus.yml" \
    | awk -v strip="$strip_otlp" 'strip && /^otlp:/ { skip = 1; next } skip && /^[^ ]/ { skip = 0 } !skip' \
      >"$dir/prometheus.yml.tmp"
  grep -q "$HOST:$COLLECTOR_PROMETHEUS_PORT" "$dir/prometheus.yml.tmp" \
    || die "rendering prometheus.yml: scrape target otel-collector:8889 not found in $CONFIG_DIR/prometheus.yml"
  grep -q "$CONFIG_DIR/alert-rules.yml" "$dir/prometheus.yml.tmp" \
    || die "rendering prometheus.yml: rule file alert-rules.yml not found in $CONFIG_DIR/prometheus.yml"
  mv -f "$dir/prometheus.yml.tmp" "$dir/prometheus.yml"
  printf '%s' "$dir/prometheus.yml"
}

# Starts a collector from collector-config/otelcol.yaml; $1 is the backend, the rest are
# VAR=value overrides of the file's variables.
launch_collector() {
  local lf="$1"
  shift
  env COLLECTOR_LISTEN_HOST="$HOST" JAEGER_OTLP_ENDPOINT="$HOST:$JAEGER_OTLP_GRPC_PORT" "$@" \
    setsid "$(otelcol_bin)" --config="$CONFIG_DIR/otelcol.yaml" </dev/null >>"$lf" 2>&1 8>&- 9>&- &
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
      launch_collector "$lf" COLLECTOR_OTLP_GRPC_PORT="$COLLECTOR_OTLP_GRPC_PORT" \
        COLLECTOR_OTLP_HTTP_PORT="$COLLECTOR_OTLP_HTTP_PORT" \
        COLLECTOR_PROMETHEUS_PORT="$COLLECTOR_PROMETHEUS_PORT" \
        COLLECTOR_HEALTH_PORT="$COLLECTOR_HEALTH_PORT" \
        COLLECTOR_TELEMETRY_PORT="$COLLECTOR_TELEMETRY_PORT"
      ;;
    collector-push)
      # Path (b): the same file, metrics exported to Prometheus' OTLP receiver instead of
      # the prometheus exporter (which is then not started and binds nothing).
      launch_collector "$lf" COLLECTOR_OTLP_GRPC_PORT="$PUSH_COLLECTOR_GRPC_PORT" \
        COLLECTOR_OTLP_HTTP_PORT="$PUSH_COLLECTOR_HTTP_PORT" \
        COLLECTOR_HEALTH_PORT="$PUSH_COLLECTOR_HEALTH_PORT" \
        COLLECTOR_TELEMETRY_PORT="$PUSH_COLLECTOR_TELEMETRY_PORT" \
        COLLECTOR_METRICS_EXPORTER=otlp_http/prometheus \
        PROMETHEUS_OTLP_ENDPOINT="http://$HOST:$PROMETHEUS_PORT/api/v1/otlp"
      ;;
    jaeger)
      JAEGER_LISTEN_HOST="$HOST" JAEGER_OTLP_GRPC_PORT="$JAEGER_OTLP_GRPC_PORT" \
        JAEGER_QUERY_HTTP_PORT="$JAEGER_QUERY_HTTP_PORT" \
        JAEGER_QUERY_GRPC_PORT="$JAEGER_QUERY_GRPC_PORT" \
        setsid "$bin" --config="$CONFIG_DIR/jaeger.yaml" </dev/null >>"$lf" 2>&1 8>&- 9>&- &
      ;;
    prometheus | prometheus-v2)
      local cfg data="$RUN_DIR/$name/data" port="$PROMETHEUS_PORT" extra=()
      if [[ "$name" == prometheus ]]; then
        # 3.x: the OTLP receiver (path b); native histograms need no flag since 3.x.
        extra=(--web.enable-otlp-receiver)
      else
        port="$PROMETHEUS_V2_PORT"
      fi
      cfg="$(render_prometheus_config "$name")"
      rm -rf "$data" # a fresh TSDB per start: tests never see a previous run's series
      mkdir -p "$data"
      setsid "$bin" --config.file="$cfg" --storage.tsdb.path="$data" \
        --storage.tsdb.retention.time=1d --web.listen-address="$HOST:$port" \
        --enable-feature=exemplar-storage --web.enable-lifecycle "${extra[@]}" \
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
  if [[ -n "$pid" && "$(exe_of "$pid")" != "$(binary_of "$name")" ]]; then
    log "$name: pid $pid runs $(exe_of "$pid"), not the current build $(binary_of "$name"); replacing it"
    stop_one "$name"
    pid=""
  fi
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
  local name
  for name in $BACKENDS; do start_one "$name"; done
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
  local name
  # In reverse start order.
  for name in $(tr ' ' '\n' <<<"$BACKENDS" | tac); do stop_one "$name"; done
}

cmd_kill() {
  local name="${1:-}" pid
  [[ -n "$name" ]] || die "usage: backends.sh kill ${BACKENDS// /|}"
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
  [[ -n "$name" ]] || die "usage: backends.sh restart ${BACKENDS// /|}"
  binary_of "$name" >/dev/null
  with_run_lock
  stop_one "$name"
  start_one "$name"
}

cmd_status() {
  local rc=0 name pid
  for name in $BACKENDS; do
    pid="$(running_pid "$name")"
    if [[ -z "$pid" ]]; then
      printf '%-14s stopped\n' "$name"
      rc=1
    elif [[ "$(exe_of "$pid")" != "$(binary_of "$name")" ]]; then
      printf '%-14s running pid %s from an older build (%s)\n' "$name" "$pid" "$(exe_of "$pid")"
      rc=1
    elif is_ready "$name"; then
      printf '%-14s running pid %s, ready at %s\n' "$name" "$pid" "$(ready_url "$name")"
    else
      printf '%-14s running pid %s, NOT ready at %s\n' "$name" "$pid" "$(ready_url "$name")"
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
TOOLSCOPE_PROMETHEUS_VERSION=$(prometheus_release)
TOOLSCOPE_PROMETHEUS_BIN=$(prometheus_bin)
TOOLSCOPE_PROMTOOL_BIN=$(promtool_bin)
TOOLSCOPE_PROMETHEUS_CONFIG=$RUN_DIR/prometheus/prometheus.yml
TOOLSCOPE_PROMETHEUS_V2_BIN=$PROMETHEUS_V2_BIN
TOOLSCOPE_PROMTOOL_V2_BIN=$PROMTOOL_V2_BIN
TOOLSCOPE_PROMETHEUS_V2_CONFIG=$RUN_DIR/prometheus-v2/prometheus.yml
TOOLSCOPE_OTLP_HTTP_ENDPOINT=http://$HOST:$COLLECTOR_OTLP_HTTP_PORT
TOOLSCOPE_OTLP_GRPC_ENDPOINT=http://$HOST:$COLLECTOR_OTLP_GRPC_PORT
TOOLSCOPE_COLLECTOR_HEALTH_URL=http://$HOST:$COLLECTOR_HEALTH_PORT/
TOOLSCOPE_COLLECTOR_METRICS_URL=http://$HOST:$COLLECTOR_PROMETHEUS_PORT/metrics
TOOLSCOPE_COLLECTOR_TELEMETRY_URL=http://$HOST:$COLLECTOR_TELEMETRY_PORT/metrics
TOOLSCOPE_JAEGER_URL=http://$HOST:$JAEGER_QUERY_HTTP_PORT
TOOLSCOPE_PUSH_OTLP_HTTP_ENDPOINT=http://$HOST:$PUSH_COLLECTOR_HTTP_PORT
TOOLSCOPE_PUSH_COLLECTOR_HEALTH_URL=http://$HOST:$PUSH_COLLECTOR_HEALTH_PORT/
TOOLSCOPE_PROMETHEUS_URL=http://$HOST:$PROMETHEUS_PORT
TOOLSCOPE_PROMETHEUS_OTLP_ENDPOINT=http://$HOST:$PROMETHEUS_PORT/api/v1/otlp
TOOLSCOPE_PROMETHEUS_V2_URL=http://$HOST:$PROMETHEUS_V2_PORT
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
