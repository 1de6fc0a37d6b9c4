#!/usr/bin/env bash
# Two real Request Tracker 5 instances on loopback, for the end-to-end suite (test/e2e/).
#
#   scripts/rt/rt.sh install        install RT 5 with SQLite from Debian's packages, if missing
#   scripts/rt/rt.sh up             install, then start instances a and b on fresh databases
#   scripts/rt/rt.sh down           stop both
#   scripts/rt/rt.sh start a|b      start one instance on the database it already has
#   scripts/rt/rt.sh stop a|b       stop one instance (its database is kept)
#   scripts/rt/rt.sh reset a|b      give one instance a fresh copy of the prepared database
#   scripts/rt/rt.sh status         which instances answer
#
# One installed RT serves both instances: a site-config file read after the packaged ones takes
# the database file, base URL and caches from the environment, so each server gets its own copy
# of a database prepared once (root's password, queues and a custom field the suite maps).
#
# Settings (environment): RT_E2E_DIR (state, default /tmp/lockstep-rt), RT_A_PORT (18081),
# RT_B_PORT (18082), RT_ROOT_PASSWORD (lockstep-e2e-root).
set -euo pipefail

RT_VERSION_DIR=/usr/share/request-tracker5
RT_SERVER="$RT_VERSION_DIR/libexec/rt-server"
SITE_CONFIG_D=/etc/request-tracker5/RT_SiteConfig.d
OUR_SITE_CONFIG="$SITE_CONFIG_D/99-lockstep-e2e.pm"
STATE_DIR="${RT_E2E_DIR:-/tmp/lockstep-rt}"
ROOT_PASSWORD="${RT_ROOT_PASSWORD:-lockstep-e2e-root}"
HERE="$(cd "$(dirname "$0")" && pwd)"

log() { echo "[rt] $*" >&2; }
die() { echo "[rt] error: $*" >&2; exit 1; }

# Root runs apt-get directly; anyone else goes through sudo, which must then exist.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "installing RT needs root or sudo"; fi
}

port_of() {
  case "$1" in
    a) echo "${RT_A_PORT:-18081}" ;;
    b) echo "${RT_B_PORT:-18082}" ;;
    *) die "unknown instance '$1' (a or b)" ;;
  esac
}

installed() {
  [ -x "$RT_SERVER" ] && command -v curl >/dev/null && dpkg-query -W -f='${Status}' rt5-db-sqlite 2>/dev/null | grep -q "install ok installed" \
    && [ -f "$OUR_SITE_CONFIG" ]
}

cmd_install() {
  if installed; then log "RT 5 already installed"; return; fi
  log "installing request-tracker5 with SQLite (apt-get, unattended)"
  # Debconf answers first, so the packages install without asking anything.
  as_root debconf-set-selections <<EOF
request-tracker5 request-tracker5/database-type select sqlite3
request-tracker5 request-tracker5/dbconfig-install boolean true
request-tracker5 request-tracker5/initial-root-password password $ROOT_PASSWORD
request-tracker5 request-tracker5/rtname string lockstep-e2e
request-tracker5 request-tracker5/organization string lockstep.test
request-tracker5 request-tracker5/correspondaddress string rt@lockstep.test
request-tracker5 request-tracker5/commentaddress string rt-comment@lockstep.test
request-tracker5 request-tracker5/webbaseurl string http://127.0.0.1
request-tracker5 request-tracker5/webpath string
request-tracker5 request-tracker5/install-cronjobs boolean false
request-tracker5 request-tracker5/handle-siteconfig-permissions boolean false
EOF
  export DEBIAN_FRONTEND=noninteractive
  # An update only when the package lists do not know RT yet (a fresh machine).
  if ! apt-cache show request-tracker5 >/dev/null 2>&1; then as_root apt-get update -qq -o DPkg::Lock::Timeout=600; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 \
    request-tracker5 rt5-db-sqlite sqlite3 curl >/dev/null
  as_root install -m 0644 "$HERE/99-lockstep-e2e.pm" "$OUR_SITE_CONFIG"
  [ -x "$RT_SERVER" ] || die "RT installed but $RT_SERVER is missing"
  log "installed RT $(dpkg-query -W -f='${Version}' request-tracker5)"
}

# The database the packages created, with what the suite needs added once (prepare.pl).
packaged_db() {
  perl -I"$RT_VERSION_DIR/lib" -MRT -e 'RT::LoadConfig(); print RT->Config->Get("DatabaseName")'
}

cmd_prepare() {
  local template="$STATE_DIR/template.db"
  [ -f "$template" ] && return
  mkdir -p "$STATE_DIR"
  local source; source="$(packaged_db)"
  [ -n "$source" ] && [ -f "$source" ] || die "cannot find RT's packaged database (got '$source')"
  log "preparing a database from $source"
  cp "$source" "$template.tmp"
  RT_DB_FILE="$template.tmp" RT_ROOT_PASSWORD="$ROOT_PASSWORD" RT_VAR_DIR="$STATE_DIR/prepare" RT_STATE_DIR="$STATE_DIR" \
    perl "$HERE/prepare.pl" >&2
  mv "$template.tmp" "$template"
}

cmd_reset() {
  local name="$1"
  cmd_prepare
  mkdir -p "$STATE_DIR/$name"
  rm -rf "$STATE_DIR/$name/mason" "$STATE_DIR/$name/sessions"
  cp "$STATE_DIR/template.db" "$STATE_DIR/$name/rt.db"
}

pid_of() {
  local file="$STATE_DIR/$1/server.pid"
  [ -f "$file" ] && kill -0 "$(cat "$file")" 2>/dev/null && cat "$file"
}

answers() {
  curl -fsS -o /dev/null -u "root:$ROOT_PASSWORD" "http://127.0.0.1:$(port_of "$1")/REST/2.0/queues/all" 2>/dev/null
}

cmd_start() {
  local name="$1" port; port="$(port_of "$name")"
  if pid_of "$name" >/dev/null; then log "$name already running"; return; fi
  [ -f "$STATE_DIR/$name/rt.db" ] || cmd_reset "$name"
  local dir="$STATE_DIR/$name"
  mkdir -p "$dir/mason" "$dir/sessions"
  log "starting $name on 127.0.0.1:$port"
  # setsid: its own process group, so stop ends the server and any worker it forked.
  RT_DB_FILE="$dir/rt.db" RT_WEB_BASE_URL="http://127.0.0.1:$port" RT_VAR_DIR="$dir" \
    setsid "$RT_SERVER" --port "$port" --host 127.0.0.1 --access-log "$dir/access.log" >"$dir/server.log" 2>&1 </dev/null &
  echo $! >"$dir/server.pid"
  local waited=0
  until answers "$name"; do
    if ! pid_of "$name" >/dev/null; then tail -20 "$dir/server.log" >&2; die "$name exited while starting"; fi
    if [ "$waited" -ge 120 ]; then tail -20 "$dir/server.log" >&2; die "$name: REST2 not answering after 60s"; fi
    sleep 0.5; waited=$((waited + 1))
  done
  log "$name answers at http://127.0.0.1:$port/REST/2.0/"
}

cmd_stop() {
  local name="$1" pid
  if pid="$(pid_of "$name")"; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    log "stopped $name"
  fi
  rm -f "$STATE_DIR/$name/server.pid"
}

cmd_status() {
  for name in a b; do
    if answers "$name"; then echo "$name: up on $(port_of "$name")"; else echo "$name: down"; fi
  done
}

case "${1:-}" in
  install) cmd_install ;;
  prepare) cmd_install; cmd_prepare ;;
  up)
    cmd_install
    for name in a b; do cmd_stop "$name"; cmd_reset "$name"; done
    cmd_start a; cmd_start b ;;
  down) cmd_stop a; cmd_stop b ;;
  start) cmd_start "${2:?instance a or b}" ;;
  stop) cmd_stop "${2:?instance a or b}" ;;
  reset) cmd_reset "${2:?instance a or b}" ;;
  status) cmd_status ;;
  *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
