#!/usr/bin/env bash
# The Spring PetClinic REST project's own Postman collection, unchanged, run with Newman
# against this app served by gunicorn, as a Spring client would see it:
#   API_PREFIX=/petclinic/api (the collection's base URL), once with API_AUTH_ENABLED=false
#   and once with HTTP Basic as an administrator.
# On a fresh database (a SQLite file, or with TEST_DATABASE_URL a PostgreSQL database named
# after it plus "_newman", dropped and made again), migrated, with Spring's sample data
# (`flask seed spring`: the collection adds a pet of type 1 and expects a cat).
# Exits non-zero when anything fails. `make newman` runs it.
#
#   SPRING_POSTMAN_DIR  the collection's folder (default: ../shared/reference/
#                       spring-petclinic-rest-postman beside the checkout)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
HERE="$ROOT/tests/newman"
BIN="$ROOT/.venv/bin"
POSTMAN_DIR="${SPRING_POSTMAN_DIR:-$ROOT/../shared/reference/spring-petclinic-rest-postman}"
COLLECTION="$POSTMAN_DIR/petclinic-nonregressiontests.postman_collection.json"
ENVIRONMENT="$POSTMAN_DIR/petclinic-env.postman_environment.json"

[ -f "$COLLECTION" ] && [ -f "$ENVIRONMENT" ] || {
  echo "newman: the Spring collection is not in $POSTMAN_DIR (set SPRING_POSTMAN_DIR)" >&2
  exit 1
}
command -v npm >/dev/null || { echo "newman: npm is missing (apt-get install nodejs npm)" >&2; exit 1; }
# Newman as pinned in package-lock.json, installed here (never globally).
if [ ! -x "$HERE/node_modules/.bin/newman" ] \
   || [ "$HERE/package-lock.json" -nt "$HERE/node_modules/.package-lock.json" ]; then
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)
fi

WORK="$(mktemp -d)"
GUNICORN_PID=""
NEWMAN_DB=""
cleanup() {
  if [ -n "$GUNICORN_PID" ]; then
    kill -TERM "$GUNICORN_PID" 2>/dev/null || true
    wait "$GUNICORN_PID" 2>/dev/null || true
  fi
  [ -z "$NEWMAN_DB" ] || "$BIN/python" "$HERE/database.py" drop "$NEWMAN_DB" || true
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ -n "${TEST_DATABASE_URL:-}" ]; then
  NEWMAN_DB="${TEST_DATABASE_URL}_newman"
  "$BIN/python" "$HERE/database.py" create "$NEWMAN_DB"
  export DATABASE_URL="$NEWMAN_DB"
  WHERE="PostgreSQL"
else
  export DATABASE_URL="sqlite:///$WORK/newman.db"
  WHERE="SQLite"
fi
export FLASK_APP=wsgi
export SECRET_KEY="newman-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
export API_PREFIX=/petclinic/api
# The collection's owner lives in Brasília and gives 1234567890, which is no US number (area
# code 123 does not exist: the telephone rule refuses it) but is a Brazilian one, (12) 3456-7890.
# The clinic of this run is in Brazil, so the collection's own data is valid as it stands.
export PHONE_REGION=BR
export WEB_CONCURRENCY=1 GUNICORN_LOG_LEVEL=warning  # the collection sends one request at a time

cd "$ROOT"
"$BIN/flask" db upgrade >/dev/null 2>&1 || { "$BIN/flask" db upgrade; exit 1; }
"$BIN/flask" seed spring
ADMIN=newman-admin
PASSWORD="$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$PASSWORD" | "$BIN/flask" users create "$ADMIN" --role admin

PORT="$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"

serve() {  # serve AUTH: gunicorn with API_AUTH_ENABLED=AUTH, until /readyz answers 200
  API_AUTH_ENABLED="$1" HOST=127.0.0.1 PORT="$PORT" "$BIN/gunicorn" wsgi:app \
    --access-logfile "$WORK/access-$1.log" &
  GUNICORN_PID=$!
  for _ in $(seq 1 100); do
    if [ "$(status "$BASE/readyz")" = 200 ]; then return 0; fi
    kill -0 "$GUNICORN_PID" 2>/dev/null || { echo "newman: gunicorn did not start" >&2; exit 1; }
    sleep 0.1
  done
  echo "newman: gunicorn never became ready on $BASE" >&2
  exit 1
}

stop() {
  kill -TERM "$GUNICORN_PID"
  wait "$GUNICORN_PID" || true
  GUNICORN_PID=""
}

status() {  # the HTTP status of a GET (000 when nothing answers)
  "$BIN/python" - "$@" <<'EOF'
import sys, urllib.error, urllib.request
request = urllib.request.Request(sys.argv[1], headers=dict(h.split(": ", 1) for h in sys.argv[2:]))
try:
    with urllib.request.urlopen(request, timeout=5) as response:
        print(response.status)
except urllib.error.HTTPError as error:
    print(error.code)
except OSError:
    print("000")
EOF
}

newman() {  # newman BASE_URL: the collection, unchanged, with the environment's baseUrl overridden
  "$HERE/node_modules/.bin/newman" run "$COLLECTION" --environment "$ENVIRONMENT" \
    --env-var "baseUrl=$1" --bail --color off --reporters cli
}

echo "=== Newman on $WHERE: authentication off ==="
serve false
newman "$BASE/petclinic"
stop

echo "=== Newman on $WHERE: HTTP Basic as an administrator ==="
serve true
# The collection carries no auth, so it goes in the URL's user info, from which Newman sends
# an Authorization: Basic header with every request. Without it the API refuses (checked
# here), so the collection's requests can only pass with the credentials.
[ "$(status "$BASE/petclinic/api/pettypes")" = 401 ] || { echo "newman: the API is not asking for credentials" >&2; exit 1; }
newman "http://$ADMIN:$PASSWORD@127.0.0.1:$PORT/petclinic"
stop
echo "Newman on $WHERE: the Spring collection passed with authentication off and with Basic auth."
