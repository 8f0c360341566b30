#!/usr/bin/env bash
# Benchmark: reading one large COCO instances file (200,000 images, 2,000,000 annotations with
# polygons, about 560 MB) with Wharf and with the usual Python tools, in one run on one file:
# wall time and peak memory (max RSS) of each.
#
# Wharf's rows: `wharf import` into the embedded SQLite catalog, end to end (list, parse, check,
# regroup every annotation by image, write samples, files, annotations and labels), and
# `wharf validate --format coco` (the same read, no writes). Python's rows load the file whole;
# Datumaro's also iterates every item.
# Usage: bash bench/coco-readers.sh [IMAGES ANNOTATIONS]   (default 200000 2000000)
set -euo pipefail
cd "$(dirname "$0")/.."

images="${1:-200000}"
annotations="${2:-2000000}"
dir="${BENCH_DIR:-/tmp/wharf-coco-bench}/$images-$annotations"
file="$dir/annotations/instances_bench.json"
tools="${WHARF_TOOLS_DIR:-$HOME/.cache/wharf/tools}"
venv="$tools/bench-venv"

fail() { echo "error: $*" >&2; exit 1; }

if [ ! -x /usr/bin/time ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null || fail "cannot install 'time'"
fi
if ! "$venv/bin/python" -c 'import pycocotools' 2>/dev/null; then
  echo "installing pycocotools into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check pycocotools || fail "cannot install pycocotools"
fi
if ! "$venv/bin/python" -c 'import datumaro' 2>/dev/null; then
  echo "installing datumaro into $venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check datumaro || echo "datumaro could not be installed; its row is left out" >&2
fi
echo "building wharf (release)"
cargo build --release -p wharf-cli || fail "release build failed"
wharf="${CARGO_TARGET_DIR:-target}/release/wharf"
if [ ! -f "$file" ]; then
  echo "generating $file"
  python3 bench/generate_coco.py "$dir" "$images" "$annotations"
fi
size_mb=$(du -m "$file" | cut -f1)

# Runs a command under /usr/bin/time; prints "seconds max_rss_mb".
measure() {
  local log
  log=$(mktemp)
  # Dirty pages left by the step before (the generator, an earlier import) would be written
  # back during this one and be counted against it.
  sync
  /usr/bin/time -v "$@" >/dev/null 2>"$log" || { cat "$log" >&2; fail "'$*' failed"; }
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; secs = s }
              /Maximum resident set size/ { rss = $2 / 1024 }
              END { printf "%.1f %.0f\n", secs, rss }' "$log"
  rm -f "$log"
}

echo "timing wharf import (embedded catalog)"
data_dir=$(mktemp -d)
read -r import_s import_mb < <(measure "$wharf" --data-dir "$data_dir" import "$dir" --dataset bench --format coco --json)
rm -rf "$data_dir"
echo "timing wharf validate"
read -r wharf_s wharf_mb < <(measure "$wharf" validate "$dir" --format coco --json)
echo "timing json.load"
read -r json_s json_mb < <(measure "$venv/bin/python" -c 'import json, sys; json.load(open(sys.argv[1]))' "$file")
echo "timing pycocotools COCO()"
read -r coco_s coco_mb < <(measure "$venv/bin/python" -c 'import sys; from pycocotools.coco import COCO; COCO(sys.argv[1])' "$file")
datumaro_s="-"; datumaro_mb="-"
if "$venv/bin/python" -c 'import datumaro' 2>/dev/null; then
  echo "timing datumaro import_from + iterating every item"
  read -r datumaro_s datumaro_mb < <(measure "$venv/bin/python" -c '
import sys, datumaro as dm
ds = dm.Dataset.import_from(sys.argv[1], "coco_instances")
print(sum(1 for _ in ds))' "$file")
fi

echo
echo "file: $file ($size_mb MB, $images images, $annotations annotations)"
printf '| %-45s | %7s | %11s |\n' "reader" "seconds" "peak RSS MB"
printf '| %-45s | %7s | %11s |\n' "wharf import, embedded (end to end)" "$import_s" "$import_mb"
printf '| %-45s | %7s | %11s |\n' "wharf validate --format coco (parse + checks)" "$wharf_s" "$wharf_mb"
printf '| %-45s | %7s | %11s |\n' "python json.load" "$json_s" "$json_mb"
printf '| %-45s | %7s | %11s |\n' "pycocotools COCO(path)" "$coco_s" "$coco_mb"
printf '| %-45s | %7s | %11s |\n' "datumaro import_from + iterate" "$datumaro_s" "$datumaro_mb"
awk -v w="$import_s" -v c="$coco_s" -v wm="$import_mb" -v cm="$coco_mb" \
  'BEGIN { printf "wharf import vs pycocotools load: %.1fx faster, %.0f%% of its memory\n", c / w, 100 * wm / cm }'
