#!/usr/bin/env bash
# Builds every example listed in examples/Cargo.toml and runs each one against its embedded
# simulator on 127.0.0.1. MAXSMART_HOST is cleared so that no example reaches a real device.
set -euo pipefail
cd "$(dirname "$0")/.."
unset MAXSMART_HOST

mapfile -t names < <(sed -n '/^\[\[example\]\]/{n;s/^name = "\(.*\)"$/\1/p}' examples/Cargo.toml)
if [ "${#names[@]}" -eq 0 ]; then
    echo "no [[example]] entries found in examples/Cargo.toml" >&2
    exit 1
fi

cargo build -q -p maxsmart-examples --examples
chart_dir="$(mktemp -d)"
trap 'rm -rf "$chart_dir"' EXIT
export MAXSMART_CHART="$chart_dir/hourly.svg"

for name in "${names[@]}"; do
    echo "== example $name"
    timeout 120 cargo run -q -p maxsmart-examples --example "$name"
done

if ! grep -q "<svg" "$MAXSMART_CHART"; then
    echo "full_tour wrote no SVG chart to $MAXSMART_CHART" >&2
    exit 1
fi
echo "${#names[@]} examples ran"
