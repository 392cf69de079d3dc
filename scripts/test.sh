#!/usr/bin/env bash
# The whole suite in three parts: SQLite, PostgreSQL, browser (headless Chromium).
# A part that cannot run says so loudly; with CI=true it fails the run. Extra arguments go to pytest.
set -u
cd "$(dirname "$0")/.."
BIN=.venv/bin
CI_MODE=false
case "${CI:-}" in true|1|yes|TRUE) CI_MODE=true ;; esac
WORKERS="${INSYN_TEST_WORKERS:-2}"
status=0
summary=()
PG_STARTED=""

banner() { printf '\n\033[1m===== %s =====\033[0m\n' "$*"; }
loud() {
  printf '\n\033[1;31m!!!!! %s !!!!!\033[0m\n' "$*" >&2
}
cannot_run() { # part, reason
  loud "$1 CANNOT RUN: $2"
  if $CI_MODE; then summary+=("$1: FAILED (cannot run: $2)"); status=1
  else summary+=("$1: NOT RUN ($2)"); fi
}
run_pytest() { # part, then pytest args
  local part=$1; shift
  banner "$part"
  "$BIN/python" -m pytest "$@" "${EXTRA[@]}"
  local rc=$?
  case $rc in
    0) summary+=("$part: passed") ;;
    5) loud "$part collected no tests"; summary+=("$part: FAILED (no tests collected)"); status=1 ;;
    *) summary+=("$part: FAILED (pytest exit $rc)"); status=1 ;;
  esac
}
EXTRA=("$@")

# Unique database name per checkout, so parallel checkouts on one server do not collide.
DB_NAME="insyn_$(pwd | md5sum | cut -c1-8)"

# ---- WeasyPrint's system libraries (the lex Sarah IVO notification as PDF) -----------------------
# WeasyPrint renders through pango (and harfbuzz, fontconfig); a fresh Debian machine may lack
# them. Installed here when missing and running as root, like chromium below.
if ! ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0"; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    banner "installing pango for WeasyPrint"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core) >/dev/null 2>&1 \
      || loud "apt-get install of pango for WeasyPrint failed"
  else
    loud "pango is missing: the IVO notification PDF tests will fail (apt-get install libpango-1.0-0 libpangoft2-1.0-0)"
  fi
fi

# ---- poppler (pdftoppm/pdftotext): the report tests look at rendered PDF pages -------------------
if ! command -v pdftoppm >/dev/null; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    banner "installing poppler-utils for the PDF page checks"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils) >/dev/null 2>&1 \
      || loud "apt-get install of poppler-utils failed"
  else
    loud "pdftoppm is missing: the report page-image tests will fail (apt-get install poppler-utils)"
  fi
fi

# ---- 1. SQLite ----------------------------------------------------------------------------------
DATABASE_URL="sqlite:///var/test-unused.sqlite3" INSYN_TEST_PART=sqlite \
  run_pytest "SQLite suite" -m "not e2e" -n "$WORKERS" -p xdist

# ---- 2. PostgreSQL ------------------------------------------------------------------------------
pg_url=""
if [[ "${DATABASE_URL:-}" == postgres* ]]; then
  pg_url="$DATABASE_URL"
elif "$BIN/python" - <<'PY' 2>/dev/null
import psycopg
psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3).close()
PY
then
  pg_url="postgresql://postgres@127.0.0.1:5432/$DB_NAME"
else
  pgbin=$(dirname "$(command -v initdb 2>/dev/null || ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | tail -1)" 2>/dev/null)
  if [[ -x "$pgbin/initdb" && -x "$pgbin/pg_ctl" ]]; then
    banner "starting a throwaway PostgreSQL cluster"
    tmp=$(mktemp -d /tmp/insyn-pg.XXXXXX); port=54329
    as=()
    if [[ $(id -u) == 0 ]]; then chown -R postgres "$tmp" 2>/dev/null && as=(runuser -u postgres --); fi
    if "${as[@]}" "$pgbin/initdb" -D "$tmp/data" -U postgres -A trust >/dev/null \
       && "${as[@]}" "$pgbin/pg_ctl" -D "$tmp/data" -o "-p $port -k $tmp -c listen_addresses=127.0.0.1" -l "$tmp/log" -w start >/dev/null; then
      PG_STARTED="$pgbin/pg_ctl -D $tmp/data"
      trap '"${as[@]}" $PG_STARTED -m fast stop >/dev/null 2>&1' EXIT
      pg_url="postgresql://postgres@127.0.0.1:$port/$DB_NAME"
    fi
  fi
fi
if [[ -n "$pg_url" ]]; then
  # loadfile: the two-node test (tests/deploy/test_two_nodes.py) keeps its tests on one worker,
  # so one pair of nodes serves them all (loadgroup does not group under pytest 9.2).
  DATABASE_URL="$pg_url" INSYN_TEST_PART=postgresql \
    run_pytest "PostgreSQL suite ($pg_url)" -m "not e2e" -n "$WORKERS" -p xdist --dist loadfile
else
  cannot_run "PostgreSQL suite" "no server at DATABASE_URL or 127.0.0.1:5432, and no initdb/pg_ctl to start one"
fi

# ---- 3. Browser ---------------------------------------------------------------------------------
chromium="${INSYN_CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$chromium" && $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
  banner "installing Debian's chromium"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 \
    || loud "apt-get install chromium failed"
fi
if [[ ! -f node_modules/axe-core/axe.min.js ]] && command -v npm >/dev/null; then
  banner "installing axe-core from npm"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1 || loud "npm ci failed"
fi
if [[ ! -x "$chromium" ]]; then
  cannot_run "Browser suite" "no Chromium at $chromium (install Debian's chromium package)"
elif [[ ! -f node_modules/axe-core/axe.min.js ]]; then
  cannot_run "Browser suite" "axe-core is missing (npm ci)"
else
  DATABASE_URL="sqlite:///var/test-unused.sqlite3" INSYN_TEST_PART=browser INSYN_CHROMIUM="$chromium" \
    run_pytest "Browser suite (Chromium)" tests/e2e -m e2e -p no:xdist
fi

banner "summary"
for line in "${summary[@]}"; do echo "  $line"; done
$CI_MODE && echo "  (CI=true: every part had to run)"
exit $status
