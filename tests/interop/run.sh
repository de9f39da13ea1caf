#!/usr/bin/env bash
# Interoperability test: runs the upstream Python client maxsmart 2.1.0, installed from
# PyPI, against one simulated device per firmware profile.
#
# The client hard-codes TCP port 80 and UDP port 8888, so every device gets its own
# loopback address (127.0.0.2 and up) with those ports. Linux routes all of 127.0.0.0/8
# to the loopback interface, so no address has to be added. Binding port 80 needs root
# or net.ipv4.ip_unprivileged_port_start <= 80.
#
# Needs python3 (3.11 or newer) with the venv module, a Rust toolchain, and access to
# PyPI on the first run. Everything else stays on loopback. Work files go to
# target/interop/: the virtual environment, the simulator's output and request log, and
# the client's debug log.
set -euo pipefail
cd "$(dirname "$0")/../.."

readonly PROFILES=(strip130 plug130 strip211 strip349 strip511)
readonly FIRST_IP=127.0.0.2
readonly UPSTREAM_PACKAGE=maxsmart==2.1.0
# Seconds to wait for the simulator to print its device addresses.
readonly START_TIMEOUT=20

target_dir=${CARGO_TARGET_DIR:-target}
work_dir=$target_dir/interop
venv=$work_dir/venv
mkdir -p "$work_dir"

echo "== interop: installing $UPSTREAM_PACKAGE into $venv"
if [[ ! -x $venv/bin/python ]]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$UPSTREAM_PACKAGE"

echo "== interop: building the simulator"
cargo build --quiet -p maxsmart-sim

simulator_pid=

# Stops the simulator with SIGINT, its normal shutdown, and kills it if it hangs.
stop_simulator() {
    if [[ -z $simulator_pid ]]; then
        return
    fi
    kill -INT "$simulator_pid" 2>/dev/null || true
    for _ in $(seq 50); do
        kill -0 "$simulator_pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$simulator_pid" 2>/dev/null; then
        echo "interop: simulator did not stop on SIGINT, killing process $simulator_pid" >&2
        kill -KILL "$simulator_pid" 2>/dev/null || true
    fi
    wait "$simulator_pid" 2>/dev/null || true
    simulator_pid=
}
trap stop_simulator EXIT
trap 'exit 130' INT TERM

profile_arguments=()
for profile in "${PROFILES[@]}"; do
    profile_arguments+=(--profile "$profile")
done

echo "== interop: starting ${#PROFILES[@]} simulated devices from $FIRST_IP"
"$target_dir/debug/maxsmart-sim" "${profile_arguments[@]}" \
    --ip "$FIRST_IP" --spread --http-port 80 --udp-port 8888 \
    --log "$work_dir/requests.jsonl" \
    >"$work_dir/simulator.out" 2>"$work_dir/simulator.log" &
simulator_pid=$!

# The simulator prints one line per device once all sockets are bound:
# PROFILE SERIAL http=ADDR udp=IP:PORT
started=false
for _ in $(seq $((START_TIMEOUT * 10))); do
    if [[ $(wc -l <"$work_dir/simulator.out") -ge ${#PROFILES[@]} ]]; then
        started=true
        break
    fi
    if ! kill -0 "$simulator_pid" 2>/dev/null; then
        break
    fi
    sleep 0.1
done
if [[ $started != true ]]; then
    echo "interop: the simulator failed to start. Its log follows." >&2
    cat "$work_dir/simulator.log" >&2
    echo "interop: binding port 80 needs root or net.ipv4.ip_unprivileged_port_start <= 80," \
        "and ports 80 and 8888 must be free on 127.0.0.2 to 127.0.0.6." >&2
    exit 1
fi
cat "$work_dir/simulator.out"

devices=()
while read -r profile _serial _http udp; do
    address=${udp#udp=}
    devices+=("$profile=${address%:*}")
done <"$work_dir/simulator.out"

echo "== interop: running the upstream client"
status=0
INTEROP_CLIENT_LOG=$work_dir/client.log UDP_TIMEOUT=1 \
    "$venv/bin/python" -u tests/interop/upstream_client.py "${devices[@]}" || status=$?
if [[ $status -ne 0 ]]; then
    echo "interop: failed. Client log: $work_dir/client.log," \
        "simulator requests: $work_dir/requests.jsonl," \
        "simulator log: $work_dir/simulator.log" >&2
fi
exit "$status"
