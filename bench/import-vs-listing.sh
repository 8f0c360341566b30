#!/usr/bin/env bash
# Benchmark: how long Wharf takes to import N small objects from S3 compared with a bare
# recursive listing of the same bucket by the AWS CLI (the anchor), and how much memory the
# Wharf server needs meanwhile. An import must list everything and also write every sample to
# the catalog, so "ratio to listing" shows what Wharf adds on top of the listing itself.
# Targets: ratio <= 1.0 and server peak RSS < 300 MB. Everything runs on 127.0.0.1 against
# moto (s3s-fs re-walks the whole bucket for every page of a listing, so its listing time grows
# with the square of the bucket and swamps what is measured).
# Usage: bash bench/import-vs-listing.sh [OBJECTS]   (default 100000, or $BENCH_OBJECTS)
set -euo pipefail
cd "$(dirname "$0")/.."

objects="${1:-${BENCH_OBJECTS:-100000}}"
[[ "$objects" =~ ^[1-9][0-9]*$ ]] || { echo "error: object count must be a positive integer, got '$objects'" >&2; exit 1; }
ak=bench-key
sk=bench-secret-0123456789

fail() { echo "error: $*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

bash scripts/install-test-tools.sh
tools="${WHARF_TOOLS_DIR:-$HOME/.cache/wharf/tools}"
aws="$tools/venv/bin/aws"
echo "building wharf (release)"
cargo build --release -p wharf-cli || fail "release build failed"
wharf="$PWD/target/release/wharf"
if [ ! -x /usr/bin/time ]; then
  echo "installing /usr/bin/time"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null || fail "cannot install 'time'"
fi

run=$(mktemp -d /tmp/wharf-bench.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$run"
}
trap cleanup EXIT

# moto serves bucket `bench` from memory, filled before it starts (see fill_moto.py).
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
endpoint="http://127.0.0.1:$port"
echo "filling bucket 'bench' with $objects objects in moto"
"$tools/venv/bin/python" bench/fill_moto.py "$objects" "$port" >"$run/moto.log" 2>&1 &
moto_pid=$!
pids+=("$moto_pid")
fill_s=""
for _ in $(seq 1 600); do
  fill_s=$(awk '/^filled in/ { print $3 }' "$run/moto.log")
  [ -n "$fill_s" ] && break
  kill -0 "$moto_pid" 2>/dev/null || break
  sleep 0.5
done
[ -n "$fill_s" ] || { cat "$run/moto.log" >&2; fail "moto did not start"; }
echo "fill took $fill_s s"

# Anchor: a bare recursive listing by the AWS CLI.
echo "timing aws s3 ls --recursive"
t=$(now)
listed=$(AWS_ACCESS_KEY_ID=$ak AWS_SECRET_ACCESS_KEY=$sk AWS_DEFAULT_REGION=us-east-1 \
  "$aws" --endpoint-url "$endpoint" s3 ls --recursive s3://bench/ | wc -l) || fail "aws s3 ls failed"
aws_s=$(since "$t")
[ "$listed" -eq "$objects" ] || fail "aws listed $listed objects, expected $objects"

secret=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
export WHARF_SECRET_KEY="$secret"

# Checks the JSON of a finished import: succeeded, and every object imported.
check_import() {
  python3 - "$1" "$objects" <<'EOF' || { cat "$1" >&2; fail "import in $1 did not import everything"; }
import json, sys
job = json.load(open(sys.argv[1]))
imported = job["counters"]["imported"]
ok = job["state"] == "succeeded" and imported == int(sys.argv[2])
print(f"  state {job['state']}, imported {imported}, failed {job['counters']['failed']}")
sys.exit(0 if ok else 1)
EOF
}

# Wharf through a server: the key is made before the server starts, on the same data dir.
key=$("$wharf" --data-dir "$run/wharf" keys create 2>/dev/null) || fail "wharf keys create failed"
"$wharf" --data-dir "$run/wharf" serve --listen 127.0.0.1:0 --allow-private-endpoints --workers 1 \
  >"$run/server.out" 2>"$run/server.log" &
server_pid=$!
pids+=("$server_pid")
url=""
for _ in $(seq 1 150); do
  line=$(head -n 1 "$run/server.out" 2>/dev/null || true)
  case "$line" in "wharf listening on "*) url=${line#wharf listening on }; break ;; esac
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.2
done
[ -n "$url" ] || { cat "$run/server.log" >&2; fail "wharf server did not start within 30 s"; }

echo "timing wharf import via server ($url)"
t=$(now)
"$wharf" --server "$url" --api-key "$key" import s3://bench/ --dataset bench --wait --json \
  --endpoint "$endpoint" --access-key-id "$ak" --secret-access-key "$sk" >"$run/server-import.json" \
  || { rc=$?; cat "$run/server-import.json" "$run/server.log" >&2; fail "server import exited with $rc"; }
server_s=$(since "$t")
check_import "$run/server-import.json"
server_kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$server_pid/status")
kill "$server_pid"

echo "timing wharf import embedded"
t=$(now)
/usr/bin/time -v "$wharf" --data-dir "$run/embedded" import s3://bench/ --dataset bench --json \
  --endpoint "$endpoint" --access-key-id "$ak" --secret-access-key "$sk" \
  >"$run/embedded-import.json" 2>"$run/embedded.err" \
  || { rc=$?; cat "$run/embedded-import.json" "$run/embedded.err" >&2; fail "embedded import exited with $rc"; }
embedded_s=$(since "$t")
check_import "$run/embedded-import.json"
embedded_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$run/embedded.err")

echo
echo "objects: $objects (fill $fill_s s)"
awk -v a="$aws_s" -v s="$server_s" -v e="$embedded_s" -v sk="$server_kb" -v ek="$embedded_kb" 'BEGIN {
  f = "| %-37s | %7.1f | %11s | %16.2f |\n"
  printf "| %-37s | %7s | %11s | %16s |\n", "run", "seconds", "peak RSS MB", "ratio to listing"
  printf f, "aws s3 ls --recursive (anchor)", a, "-", 1
  printf f, "wharf import via server (list+write)", s, sprintf("%.0f", sk / 1024), s / a
  printf f, "wharf import embedded (list+write)", e, sprintf("%.0f", ek / 1024), e / a
  r = (s / a <= 1.0) ? "met" : "NOT met"; m = (sk / 1024 < 300) ? "met" : "NOT met"
  printf "targets: server ratio %.2f <= 1.0 %s; server peak %.0f MB < 300 MB %s\n", s / a, r, sk / 1024, m
}'
