# Shared helpers for scripts/setup, scripts/run and scripts/test. Source it; don't run it.
# shellcheck shell=bash
# shellcheck disable=SC2034  # the package arrays are used by the scripts that source this

STRATA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Debian packages, by purpose. Keep this list and the Dockerfile's build stage in step
# (the Dockerfile calls scripts/setup, so in practice they are the same list).
STRATA_BUILD_PACKAGES=(cmake ninja-build g++ pkg-config libasio-dev libjemalloc-dev
  libcli11-dev libtomlplusplus-dev libgtest-dev libhiredis-dev liburing-dev
  liblua5.1-0-dev lua-cjson-dev lua-bitop-dev)
STRATA_TEST_PACKAGES=(redis-server redis-tools python3 python3-redis python3-celery python3-rq tmux)
STRATA_FUZZ_PACKAGES=(clang)

strata_log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
strata_warn() { printf 'warning: %s\n' "$*" >&2; }
strata_die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# Prints the packages among "$@" that are not installed.
strata_missing_packages() {
  local pkg status
  for pkg in "$@"; do
    status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
    if [[ "$status" != "install ok installed" ]]; then
      printf '%s\n' "$pkg"
    fi
  done
}

# Runs "$@" as root: directly when we are root, through sudo otherwise.
strata_as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    strata_die "need root to run '$*' (run as root or install sudo)"
  fi
}

# Installs whichever of "$@" are missing. Touches neither apt nor the network when nothing is.
strata_install_packages() {
  local missing
  mapfile -t missing < <(strata_missing_packages "$@")
  if [[ ${#missing[@]} -eq 0 ]]; then
    return 0
  fi
  command -v apt-get >/dev/null 2>&1 ||
    strata_die "missing packages (${missing[*]}) and no apt-get: this script supports Debian 12 (bookworm)"
  strata_log "installing: ${missing[*]}"
  strata_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  strata_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    --no-install-recommends "${missing[@]}" </dev/null
}

strata_jobs() {
  if [[ -n "${STRATA_JOBS:-}" ]]; then
    echo "$STRATA_JOBS"
  else
    nproc 2>/dev/null || echo 2
  fi
}

# strata_build DIR BUILD_TYPE [extra cmake -D args...]
# Configures DIR if needed (Ninja when available; an existing DIR keeps its generator) and
# builds everything in it.
strata_build() {
  local dir="$1" type="$2"
  shift 2
  local -a generator=()
  if [[ ! -f "$dir/CMakeCache.txt" ]] && command -v ninja >/dev/null 2>&1; then
    generator=(-G Ninja)
  fi
  strata_log "configuring $dir ($type${*:+, $*})"
  # Explicit returns: callers use this in `if`, where set -e does not apply.
  cmake -S "$STRATA_ROOT" -B "$dir" "${generator[@]}" -DCMAKE_BUILD_TYPE="$type" "$@" \
    >/dev/null || return 1
  strata_log "building $dir with $(strata_jobs) jobs"
  cmake --build "$dir" --parallel "$(strata_jobs)" || return 1
}
