#!/usr/bin/env python3
"""Interoperability test: the upstream Python client maxsmart 2.1.0 against simulators.

Usage: upstream_client.py PROFILE=IP [PROFILE=IP ...], for example strip130=127.0.0.2

Each device must listen on the ports that the client hard-codes: TCP 80 for HTTP and
UDP 8888 for discovery and V3. The test calls the client's public API only, and only in
unicast mode. It never calls discovery without an IP, because that broadcasts to
255.255.255.255.

Every result the client returns is checked against a direct reading of the same device,
made with hand-built requests that do not go through the client. The test prints one
line per step (`PASS|SKIP|FAIL profile step detail`) and a summary line. It exits with
status 1 when a step fails or an argument is invalid.

Environment: INTEROP_CLIENT_LOG=FILE writes the client's debug log to FILE instead of
printing its warnings to stderr. The client itself reads UDP_TIMEOUT, the time in
seconds that each unicast discovery attempt waits for a reply.
"""

from __future__ import annotations

import asyncio
import datetime
import http.client
import ipaddress
import json
import logging
import os
import socket
import sys
import time
import urllib.parse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from maxsmart import MaxSmartDevice, MaxSmartDiscovery
from maxsmart.exceptions import CommandError, FirmwareError, StateError

HTTP_PORT = 80
UDP_PORT = 8888

# Timeout of each direct request, in seconds. Loopback replies take milliseconds.
DIRECT_TIMEOUT = 3.0

# Maximum time of one step, in seconds. The client retries a failed request for up to
# 47 s, which would otherwise stall the run when a device misbehaves.
STEP_TIMEOUT = 30.0

# The simulator adds +-2 % noise to each power reading, so two readings of one load
# differ by about 4 % at most. The absolute part covers the rounding of small loads.
POWER_RELATIVE_TOLERANCE = 0.05
POWER_ABSOLUTE_TOLERANCE = 0.05

# Maximum difference between two device clock readings taken one after the other, and
# between the device clock and local time. The client's discovery sets the device clock
# to local time.
CLOCK_TOLERANCE = datetime.timedelta(seconds=5)

# The client polls every 5 s, and every 2 s for 4 polls in burst mode. Times in seconds.
FIRST_POLL_TIMEOUT = 3.0
BURST_POLLS_TIMEOUT = 12.0
BURST_INTERVAL_RANGE = (1.5, 3.0)

# Energy samples are whole watt-hours, so a bucket may grow by one between two readings.
ENERGY_TOLERANCE = 1.0

STATISTICS_KINDS = {0: "Hourly", 1: "Daily", 2: "Monthly"}

# Currency symbols that the client maps the 510 `money` codes to.
CURRENCY_SYMBOLS = {0: "€", 1: "$", 2: "¥", 3: "CHF"}

NEW_PORT_NAME = "Lamp-1"
NEW_PORT_NAME_NON_ASCII = "Congélateur"
NEW_NAME_WITH_SPACE = "Desk lamp"
NEW_DEVICE_NAME = "Interop-Strip"

# Reasons for skipped steps. Each upstream behaviour named here was checked in the
# source of maxsmart 2.1.0.
AUTO_DETECTION_BUG = (
    "maxsmart 2.1.0 bug: without a protocol argument the client probes HTTP only. "
    "Before its V3 probe it calls discover_maxsmart with the keyword "
    "enhance_with_hardware_ids, which that function does not accept (the TypeError is "
    "swallowed), so it falls back to HTTP. Its V3 probe would also parse the reply "
    "without removing the V3 prefix"
)
FIRMWARE_VERSION_BUG = (
    "maxsmart 2.1.0 bug: initialize_device reads the firmware through the same "
    "discover_maxsmart call with the unsupported keyword, so device.version stays None "
    "and the client rejects rename and statistics even on 1.30. The test sets "
    "device.version from the discovery result and goes on"
)
STATISTICS_REJECTION_BUG = (
    "the client rejects cmd 510 on firmware other than 1.30, as it should here, but "
    "maxsmart 2.1.0 re-raises its StateError without a locale. That constructor fails, "
    "so the caller gets AttributeError instead of StateError"
)
NULL_DATE_BUG = (
    "maxsmart 2.1.0 cannot read the statistics of a 1.30 plug, which sends a null "
    "date. The client raises StateError, and its re-raise without a locale turns that "
    "into AttributeError"
)
BURST_AFTER_COMMAND_BUG = (
    "maxsmart 2.1.0 bug: ControlMixin and ConfigurationMixin come before "
    "AdaptivePollingMixin among MaxSmartDevice's base classes, so turn_on, turn_off "
    "and change_port_name never reach the overrides that start burst polling. The "
    "test calls trigger_burst_mode() itself"
)
PLUG_EVENTS_BUG = (
    "maxsmart 2.1.0 bug: change detection compares only arrays with at least 6 "
    "entries, so a 1-port plug never raises state or consumption events"
)
NO_BASELINE_BUG = (
    "maxsmart 2.1.0 bug: setup_realtime_monitoring calls _setup_change_detection, "
    "which does not exist (AttributeError)"
)
V3_ONLY_REASON = (
    "firmware 5.11 answers only V3 commands 20 and 90. maxsmart 2.1.0 would send cmd "
    "{cmd} as V3 and retry the code 400 reply for about 7 s before it raises"
)
PLUG_PORT_ZERO_REASON = (
    "no source shows whether a 1-port plug accepts port 0 (all ports). The simulator "
    "rejects it, and the Home Assistant integration switches port 1 of a plug instead"
)
PLUG_PORT_NAME_REASON = (
    "a 1.30 plug sends no pname in discovery, so a port name cannot be read back. "
    "maxsmart 2.1.0 would also write the name into its module-wide default name list"
)
PLUS_DECODING_REASON = (
    "maxsmart 2.1.0 sends the space as '+' (yarl query encoding), and the simulator "
    "stores the '+' literally. No source shows whether a real device decodes '+' as a "
    "space"
)


@dataclass(frozen=True)
class Firmware:
    """Expected behaviour of one firmware family.

    Public sources document 124, 201, 502 and 510 on firmware 1.30 only. For the other
    families, and for port 0 on a plug, the table follows the simulator's choice to
    reject what no source shows working.
    """

    version: str
    ports: int
    # Transport name as the upstream client spells it: "http" or "udp_v3".
    protocol: str
    # Whether 511 sends watts as decimal strings. Otherwise they are integer milliwatts.
    watts_as_strings: bool
    sends_port_names: bool
    # Whether the device accepts 124, 201, 502 and 510, the 1.30 command set.
    full_command_set: bool
    # Whether port 0 is known to switch every port.
    switches_all_ports: bool = True


FIRMWARE = {
    "strip130": Firmware(
        version="1.30",
        ports=6,
        protocol="http",
        watts_as_strings=True,
        sends_port_names=True,
        full_command_set=True,
    ),
    "plug130": Firmware(
        version="1.30",
        ports=1,
        protocol="http",
        watts_as_strings=True,
        sends_port_names=False,
        full_command_set=True,
        switches_all_ports=False,
    ),
    "strip211": Firmware(
        version="2.11",
        ports=6,
        protocol="http",
        watts_as_strings=False,
        sends_port_names=False,
        full_command_set=False,
    ),
    "strip349": Firmware(
        version="3.49",
        ports=6,
        protocol="http",
        watts_as_strings=False,
        sends_port_names=False,
        full_command_set=False,
    ),
    "strip511": Firmware(
        version="5.11",
        ports=6,
        protocol="udp_v3",
        watts_as_strings=False,
        sends_port_names=False,
        full_command_set=False,
    ),
}


class StepFailed(Exception):
    """A check of a step failed. The message is the detail of the FAIL line."""


class StepSkipped(Exception):
    """A step cannot run as intended. The message is the reason on the SKIP line."""


def expect(condition: bool, message: str) -> None:
    """Raise StepFailed with `message` unless `condition` holds."""
    if not condition:
        raise StepFailed(message)


@dataclass
class Status:
    """Switch state and power of every port, port 1 first, as a device reports them."""

    switches: list[int]
    watts: list[float]
    raw_watts: list[Any]


class DirectReader:
    """Reader of discovery, status and HTTP commands that bypasses the upstream client.

    The methods block, so callers run them in a thread. HTTP goes through http.client,
    which ignores proxy settings, so every request goes to the device's own address.
    """

    def __init__(self, ip: str, firmware: Firmware) -> None:
        self.ip = ip
        self.firmware = firmware

    def discover(self) -> dict[str, Any]:
        """Return the `data` object of a discovery reply.

        The request `00dv=all;` carries no date, so it leaves the device clock alone.
        """
        reply = json.loads(self._exchange_datagram(b"00dv=all;"))
        return reply["data"]

    def status(self, serial: str) -> Status:
        """Read switch states and power with HTTP 511, or V3 90 on a V3-only device."""
        if self.firmware.protocol == "udp_v3":
            request = {"sn": serial, "cmd": 90}
            payload = "V3" + json.dumps(request, separators=(",", ":"))
            text = self._exchange_datagram(payload.encode()).decode()
            expect(text.startswith("V3"), f"V3 reply without the V3 prefix: {text!r}")
            data = json.loads(text[2:])["data"]
        else:
            data = self.command(511)
        return Status(
            switches=list(data["switch"]),
            watts=self._decode_watts(data["watt"]),
            raw_watts=list(data["watt"]),
        )

    def command(self, cmd: int, arguments: dict[str, Any] | None = None) -> dict:
        """Send one HTTP command and return the `data` object of the reply."""
        target = f"/?cmd={cmd}"
        if arguments is not None:
            encoded = json.dumps(arguments, separators=(",", ":"))
            target += "&json=" + urllib.parse.quote(encoded)
        connection = http.client.HTTPConnection(
            self.ip, HTTP_PORT, timeout=DIRECT_TIMEOUT
        )
        try:
            connection.request("GET", target)
            body = connection.getresponse().read()
        finally:
            connection.close()
        reply = json.loads(body)
        expect(reply.get("code") == 200, f"direct request {target} returned {reply}")
        return reply["data"]

    def _decode_watts(self, values: list[Any]) -> list[float]:
        """Convert power values to watts after checking their JSON type."""
        version = self.firmware.version
        if self.firmware.watts_as_strings:
            expect(
                all(isinstance(value, str) for value in values),
                f"firmware {version} sends watts as strings, got {values}",
            )
            return [float(value) for value in values]
        expect(
            all(isinstance(value, int) for value in values),
            f"firmware {version} sends integer milliwatts, got {values}",
        )
        return [value / 1000 for value in values]

    def _exchange_datagram(self, payload: bytes) -> bytes:
        """Send one datagram to the device's UDP port and return the first reply."""
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(DIRECT_TIMEOUT)
            sock.sendto(payload, (self.ip, UDP_PORT))
            reply, _ = sock.recvfrom(4096)
        return reply


@dataclass
class PollingRecord:
    """Polls and change events that the client delivered during one polling session."""

    polls: list[dict[str, Any]] = field(default_factory=list)
    state_events: list[dict[str, Any]] = field(default_factory=list)
    consumption_events: list[dict[str, Any]] = field(default_factory=list)
    # Wall-clock time (time.time(), as in poll timestamps) when turn_on(1) returned.
    command_time: float = 0.0
    # Whether turn_on(1) itself switched polling to burst mode.
    burst_after_command: bool = False

    def polls_after_command(self) -> list[dict[str, Any]]:
        return [poll for poll in self.polls if poll["timestamp"] > self.command_time]


@dataclass
class Context:
    """One simulated device under test and what earlier steps learned about it."""

    profile: str
    ip: str
    firmware: Firmware
    reader: DirectReader
    # The client's discovery entry for the device.
    found: dict[str, Any] = field(default_factory=dict)
    device: MaxSmartDevice | None = None
    polling: PollingRecord | None = None

    @property
    def client(self) -> MaxSmartDevice:
        expect(self.device is not None, "no initialised client device")
        return self.device

    async def read_status(self) -> Status:
        return await asyncio.to_thread(self.reader.status, self.found["sn"])

    async def read_discovery(self) -> dict[str, Any]:
        return await asyncio.to_thread(self.reader.discover)

    async def read_command(self, cmd: int, arguments: dict | None = None) -> dict:
        return await asyncio.to_thread(self.reader.command, cmd, arguments)


def power_matches(client_watts: float, device_watts: float) -> bool:
    """Return whether two power readings of one port agree within the reading noise."""
    allowed = POWER_RELATIVE_TOLERANCE * abs(device_watts) + POWER_ABSOLUTE_TOLERANCE
    return abs(client_watts - device_watts) <= allowed


def expect_powers_match(client_watts: list[float], status: Status) -> None:
    expect(
        len(client_watts) == len(status.watts),
        f"client reports {len(client_watts)} ports, device {len(status.watts)}",
    )
    for index, (client, device) in enumerate(zip(client_watts, status.watts)):
        expect(
            power_matches(client, device),
            f"port {index + 1}: client {client:.3f} W, device {device:.3f} W "
            f"(raw {status.raw_watts[index]!r})",
        )


def parse_device_time(text: str) -> datetime.datetime:
    return datetime.datetime.strptime(text, "%Y-%m-%d,%H:%M:%S")


# Steps. Each returns the detail of its PASS line or raises StepFailed or StepSkipped.


async def step_discovery(ctx: Context) -> str:
    found = await MaxSmartDiscovery.discover_maxsmart(ip=ctx.ip)
    expect(len(found) == 1, f"unicast discovery returned {len(found)} devices: {found}")
    entry = found[0]
    direct = await ctx.read_discovery()
    expect(entry["ip"] == ctx.ip, f"ip {entry['ip']!r}, expected {ctx.ip!r}")
    for key in ("sn", "name", "ver"):
        expect(
            entry[key] == direct.get(key),
            f"{key} {entry[key]!r}, device sent {direct.get(key)!r}",
        )
    expect(entry["ver"] == ctx.firmware.version, f"ver {entry['ver']!r}")
    names = entry["pname"]
    if ctx.firmware.sends_port_names:
        expect(names == direct.get("pname"), f"pname {names}, device sent {direct}")
        expect(len(names) == ctx.firmware.ports, f"pname has {len(names)} names")
    else:
        expect(not names, f"device sends no pname, client shows {names}")
    ctx.found = entry
    return f"sn={entry['sn']} ver={entry['ver']} name={entry['name']!r} pname={names}"


async def step_protocol_detection(ctx: Context) -> str:
    protocol = ctx.found["protocol"]
    ports = ctx.found["nr_of_ports"]
    expected = ctx.firmware.protocol
    expect(protocol == expected, f"protocol {protocol!r}, expected {expected!r}")
    expect(ports == ctx.firmware.ports, f"nr_of_ports {ports}")
    return f"protocol={protocol} nr_of_ports={ports}"


async def step_auto_detection(ctx: Context) -> str:
    if ctx.firmware.protocol != "http":
        raise StepSkipped(AUTO_DETECTION_BUG)
    device = MaxSmartDevice(ctx.ip)
    try:
        await device.initialize_device()
        expect(device.protocol == "http", f"detected {device.protocol!r}")
    finally:
        await device.close()
    return "MaxSmartDevice(ip) without a protocol detected http"


async def step_initialisation(ctx: Context) -> str:
    # Created as the Home Assistant integration creates it: with the protocol and
    # serial that discovery found.
    device = MaxSmartDevice(ctx.ip, protocol=ctx.found["protocol"], sn=ctx.found["sn"])
    ctx.device = device
    await device.initialize_device()
    expect(device.protocol == ctx.firmware.protocol, f"protocol {device.protocol!r}")
    expect(device.sn == ctx.found["sn"], f"sn {device.sn!r}")
    return f"protocol={device.protocol} sn={device.sn}"


async def step_firmware_version(ctx: Context) -> str:
    device = ctx.client
    if device.version == ctx.firmware.version:
        return f"version={device.version}"
    expect(device.version is None, f"version {device.version!r}")
    device.version = ctx.found["ver"]
    raise StepSkipped(FIRMWARE_VERSION_BUG)


async def step_port_names(ctx: Context) -> str:
    mapping = await ctx.client.retrieve_port_names()
    direct = await ctx.read_discovery()
    device_name = mapping["Port 0"]
    expect(device_name == direct["name"], f"Port 0 is {device_name!r}, device {direct}")
    if not ctx.firmware.sends_port_names:
        first_name = mapping["Port 1"]
        expect(first_name == "Port 1", f"Port 1 is {first_name!r}, not the default")
        return (
            f"device name {device_name!r}; no pname, so the client shows its defaults"
        )
    for port, name in enumerate(direct["pname"], start=1):
        client_name = mapping[f"Port {port}"]
        expect(client_name == name, f"Port {port} is {client_name!r}, device: {name!r}")
    return f"device name {device_name!r}, ports {direct['pname']}"


async def step_state_all(ctx: Context) -> str:
    states = await ctx.client.check_state()
    status = await ctx.read_status()
    expect(len(states) == ctx.firmware.ports, f"{len(states)} states")
    expect(states == status.switches, f"client {states}, device {status.switches}")
    return f"switch={states}"


async def step_state_one(ctx: Context) -> str:
    state = await ctx.client.check_state(1)
    status = await ctx.read_status()
    expect(state == status.switches[0], f"client {state}, device {status.switches[0]}")
    return f"port 1 switch={state}"


async def step_switch_on_one(ctx: Context) -> str:
    await ctx.client.turn_on(1)
    state = await ctx.client.check_state(1)
    status = await ctx.read_status()
    expect(state == 1, f"client reads port 1 as {state} after turn_on(1)")
    expect(status.switches[0] == 1, f"device reports port 1 as {status.switches[0]}")
    return "port 1 on"


async def step_power_one(ctx: Context) -> str:
    power = (await ctx.client.get_power_data(1))["watt"]
    status = await ctx.read_status()
    raw = status.raw_watts[0]
    expect(power > 0, f"client reads {power} W on port 1, which is on")
    expect(
        power_matches(power, status.watts[0]),
        f"client {power:.3f} W, device {status.watts[0]:.3f} W (raw {raw!r})",
    )
    return f"client {power:.2f} W, device raw {raw!r}"


async def step_watt_format(ctx: Context) -> str:
    data = await ctx.client.get_data()
    status = await ctx.read_status()
    expect_powers_match(data["watt"], status)
    unit = "decimal strings in W" if ctx.firmware.watts_as_strings else "integer mW"
    raw = status.raw_watts[0]
    return f"{unit} read as W: client {data['watt'][0]:.2f} W, device raw {raw!r}"


async def step_switch_off_one(ctx: Context) -> str:
    await ctx.client.turn_off(1)
    state = await ctx.client.check_state(1)
    power = (await ctx.client.get_power_data(1))["watt"]
    status = await ctx.read_status()
    expect(state == 0, f"client reads port 1 as {state} after turn_off(1)")
    expect(power == 0, f"client reads {power} W on port 1, which is off")
    expect(status.switches[0] == 0, f"device reports port 1 as {status.switches[0]}")
    return "port 1 off, 0 W"


async def switch_all_and_check(ctx: Context, on: bool) -> str:
    if not ctx.firmware.switches_all_ports:
        raise StepSkipped(PLUG_PORT_ZERO_REASON)
    if on:
        await ctx.client.turn_on(0)
    else:
        await ctx.client.turn_off(0)
    states = await ctx.client.check_state()
    data = await ctx.client.get_data()
    status = await ctx.read_status()
    expected = [1 if on else 0] * ctx.firmware.ports
    expect(states == expected, f"client reads {states}")
    expect(status.switches == expected, f"device reports {status.switches}")
    drawing = [watts > 0 for watts in data["watt"]]
    expect(drawing == [on] * ctx.firmware.ports, f"client reads {data['watt']} W")
    expect_powers_match(data["watt"], status)
    watts = ", ".join(f"{value:.1f}" for value in data["watt"])
    return f"switch={states} watt=[{watts}]"


async def step_switch_on_all(ctx: Context) -> str:
    return await switch_all_and_check(ctx, on=True)


async def step_switch_off_all(ctx: Context) -> str:
    return await switch_all_and_check(ctx, on=False)


async def step_device_time(ctx: Context) -> str:
    if ctx.firmware.protocol == "udp_v3":
        raise StepSkipped(V3_ONLY_REASON.format(cmd=502))
    if not ctx.firmware.full_command_set:
        try:
            result = await ctx.client.get_device_time()
        except CommandError:
            return "rejected with CommandError: the device replies code 400 to 502"
        raise StepFailed(f"get_device_time returned {result}, expected a rejection")
    client_time = parse_device_time((await ctx.client.get_device_time())["time"])
    device_time = parse_device_time((await ctx.read_command(502))["time"])
    now = datetime.datetime.now()
    expect(
        abs(client_time - device_time) <= CLOCK_TOLERANCE,
        f"client {client_time}, device {device_time}",
    )
    expect(
        abs(client_time - now) <= CLOCK_TOLERANCE,
        f"device clock {client_time}, local time {now}",
    )
    return f"time={client_time:%Y-%m-%d,%H:%M:%S}, set to local time by discovery"


async def step_hardware_ids(ctx: Context) -> str:
    if ctx.firmware.protocol == "udp_v3":
        raise StepSkipped(V3_ONLY_REASON.format(cmd=124))
    if not ctx.firmware.full_command_set:
        try:
            result = await ctx.client.get_device_identifiers()
        except CommandError:
            return "rejected with CommandError: the device replies code 400 to 124"
        raise StepFailed(f"get_device_identifiers returned {result}, expected an error")
    identifiers = await ctx.client.get_device_identifiers()
    direct = await ctx.read_command(124)
    for key in ("cpuid", "server"):
        expect(
            identifiers[key] == direct[key],
            f"{key} {identifiers[key]!r}, device sent {direct[key]!r}",
        )
    return f"cpuid={identifiers['cpuid']} server={identifiers['server']}"


async def expect_rename_rejected(ctx: Context, port: int) -> str:
    try:
        await ctx.client.change_port_name(port, NEW_PORT_NAME)
    except FirmwareError:
        version = ctx.firmware.version
        return f"client raises FirmwareError: firmware {version} keeps no names"
    raise StepFailed(f"change_port_name({port}) succeeded on {ctx.firmware.version}")


async def step_rename_port(ctx: Context) -> str:
    if not ctx.firmware.full_command_set:
        return await expect_rename_rejected(ctx, 1)
    if not ctx.firmware.sends_port_names:
        raise StepSkipped(PLUG_PORT_NAME_REASON)
    renames = {1: NEW_PORT_NAME, 2: NEW_PORT_NAME_NON_ASCII}
    for port, name in renames.items():
        await ctx.client.change_port_name(port, name)
    mapping = await ctx.client.retrieve_port_names()
    direct = await ctx.read_discovery()
    for port, name in renames.items():
        client_name = mapping[f"Port {port}"]
        device_name = direct["pname"][port - 1]
        expect(client_name == name, f"client reads back Port {port} as {client_name!r}")
        expect(device_name == name, f"device sends port {port} as {device_name!r}")
    return f"ports 1 and 2 read back as {NEW_PORT_NAME!r}, {NEW_PORT_NAME_NON_ASCII!r}"


async def step_rename_with_space(ctx: Context) -> str:
    if not ctx.firmware.full_command_set:
        return await expect_rename_rejected(ctx, 3)
    # Port 0 names the device, which every 1.30 device sends in discovery.
    await ctx.client.change_port_name(0, NEW_NAME_WITH_SPACE)
    stored = (await ctx.read_discovery())["name"]
    if stored == NEW_NAME_WITH_SPACE.replace(" ", "+"):
        raise StepSkipped(PLUS_DECODING_REASON)
    expect(stored == NEW_NAME_WITH_SPACE, f"device sends name {stored!r}")
    return f"device name read back as {stored!r}"


async def step_rename_device(ctx: Context) -> str:
    if not ctx.firmware.full_command_set:
        return await expect_rename_rejected(ctx, 0)
    await ctx.client.change_port_name(0, NEW_DEVICE_NAME)
    client_name = (await ctx.client.retrieve_port_names())["Port 0"]
    stored = (await ctx.read_discovery())["name"]
    expect(client_name == NEW_DEVICE_NAME, f"client reads back {client_name!r}")
    expect(stored == NEW_DEVICE_NAME, f"device sends name {stored!r}")
    expect(
        ctx.client.strip_name == NEW_DEVICE_NAME,
        f"client strip_name {ctx.client.strip_name!r}",
    )
    return f"device name read back as {NEW_DEVICE_NAME!r}"


def expect_statistics_match(
    result: dict[str, Any], direct: dict[str, Any], kind: int, port: int
) -> None:
    """Compare one get_statistics result with the 510 reply read directly.

    Port 0 is the client's sum over all ports.
    """
    series = direct["watt"]
    if port == 0:
        expected = [sum(float(value) for value in bucket) for bucket in zip(*series)]
        tolerance = ENERGY_TOLERANCE * len(series)
    else:
        expected = [float(value) for value in series[port - 1]]
        tolerance = ENERGY_TOLERANCE
    buckets = result["watt"]
    expect(
        len(buckets) == len(expected),
        f"port {port}: {len(buckets)} buckets, device sent {len(expected)}",
    )
    for index, (client, device) in enumerate(zip(buckets, expected)):
        expect(
            abs(client - device) <= tolerance,
            f"port {port} bucket {index}: client {client}, device {device}",
        )

    date = direct["date"]
    parts = [int(part) for part in date.split("-")]
    expect(result["type"] == STATISTICS_KINDS[kind], f"type {result['type']!r}")
    expect(result["year"] == parts[0], f"year {result['year']}, device date {date}")
    expect(result["month"] == parts[1], f"month {result['month']}, device date {date}")
    if kind != 2:
        expect(result["day"] == parts[2], f"day {result['day']}, device date {date}")
    if kind == 0:
        expect(result["hour"] == parts[3], f"hour {result['hour']}, device date {date}")
    expect(result["cost"] == float(direct["cost"]), f"cost {result['cost']}")
    currency = CURRENCY_SYMBOLS[direct["money"]]
    expect(result["currency"] == currency, f"currency {result['currency']!r}")


def make_statistics_step(kind: int) -> Callable[[Context], Awaitable[str]]:
    """Return the step that reads statistics of `kind`: 0 hourly, 1 daily, 2 monthly."""

    async def step(ctx: Context) -> str:
        if not ctx.firmware.full_command_set:
            try:
                result = await ctx.client.get_statistics(1, kind)
            except StateError:
                version = ctx.firmware.version
                return f"client raises StateError: firmware {version} has no cmd 510"
            except AttributeError:
                raise StepSkipped(STATISTICS_REJECTION_BUG) from None
            raise StepFailed(f"get_statistics returned {result}, expected an error")
        direct = await ctx.read_command(510, {"type": kind})
        if direct["date"] is None:
            try:
                await ctx.client.get_statistics(1, kind)
            except (StateError, AttributeError):
                raise StepSkipped(NULL_DATE_BUG) from None
        ports = [1] if ctx.firmware.ports == 1 else [0, 1]
        for port in ports:
            result = await ctx.client.get_statistics(port, kind)
            expect_statistics_match(result, direct, kind, port)
        buckets = len(direct["watt"][0])
        return f"ports {ports}: {buckets} buckets, date {direct['date']} as on device"

    return step


async def step_health_check(ctx: Context) -> str:
    health = await ctx.client.health_check()
    reported = health["device"]
    expect(health["status"] == "healthy", f"health check {health}")
    expect(reported["ip"] == ctx.ip, f"health check ip {reported['ip']!r}")
    expect(
        reported["firmware"] == ctx.client.version,
        f"health check firmware {reported['firmware']!r}",
    )
    return f"healthy in {health['response_time']} ms"


async def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    """Wait until `condition()` holds. Return False if `timeout` seconds pass first."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def record_polling_session(device: MaxSmartDevice) -> PollingRecord:
    """Poll adaptively, switch port 1 on after the first poll, and record two polls.

    When the command leaves polling in normal mode, the public trigger_burst_mode()
    starts burst mode, so the burst itself is still tested.
    """
    record = PollingRecord()
    device.register_poll_callback("interop", record.polls.append)
    try:
        await device.start_adaptive_polling()
        started = await wait_until(lambda: bool(record.polls), FIRST_POLL_TIMEOUT)
        expect(started, f"no poll within {FIRST_POLL_TIMEOUT} s of start")
        baseline = record.polls[-1]["device_data"]
        await device.setup_realtime_monitoring_with_baseline(
            consumption_callback=record.consumption_events.append,
            state_callback=record.state_events.append,
            initial_watt=baseline["watt"],
            initial_switch=baseline["switch"],
        )
        await device.turn_on(1)
        record.command_time = time.time()
        record.burst_after_command = device.polling_stats["mode"] == "burst"
        if not record.burst_after_command:
            device.trigger_burst_mode()
        arrived = await wait_until(
            lambda: len(record.polls_after_command()) >= 2, BURST_POLLS_TIMEOUT
        )
        count = len(record.polls_after_command())
        expect(
            arrived, f"{count} polls within {BURST_POLLS_TIMEOUT} s after turn_on(1)"
        )
    finally:
        await device.stop_adaptive_polling()
        device.unregister_poll_callback("interop")
        device.unregister_poll_callback("change_detector")
    return record


async def step_polling_burst(ctx: Context) -> str:
    record = await record_polling_session(ctx.client)
    ctx.polling = record
    polls = record.polls_after_command()[:2]
    modes = [poll["mode"] for poll in polls]
    interval = polls[1]["timestamp"] - polls[0]["timestamp"]
    low, high = BURST_INTERVAL_RANGE
    expect(modes == ["burst", "burst"], f"modes {modes}")
    expect(low <= interval <= high, f"{interval:.2f} s between burst polls")
    for poll in polls:
        data = poll["device_data"]
        expect(data["switch"][0] == 1, f"poll shows port 1 as {data['switch'][0]}")
        expect(data["watt"][0] > 0, f"poll shows {data['watt'][0]} W on port 1")
    await ctx.client.turn_off(1)
    watts = polls[0]["device_data"]["watt"][0]
    return f"2 burst polls {interval:.2f} s apart, port 1 on at {watts:.2f} W"


async def step_burst_after_command(ctx: Context) -> str:
    expect(ctx.polling is not None, "the polling step recorded nothing")
    if not ctx.polling.burst_after_command:
        raise StepSkipped(BURST_AFTER_COMMAND_BUG)
    return "turn_on(1) switched polling to burst mode"


async def step_change_events(ctx: Context) -> str:
    record = ctx.polling
    expect(record is not None, "the polling step recorded nothing")
    if ctx.firmware.ports < 6 and not record.state_events:
        raise StepSkipped(PLUG_EVENTS_BUG)
    switched_on = [
        event
        for event in record.state_events
        if event["port"] == 1 and event["current_state"] == 1
    ]
    rising = [
        event
        for event in record.consumption_events
        if event["port"] == 1 and event["current_watt"] > 0
    ]
    expect(bool(switched_on), f"no state event for port 1: {record.state_events}")
    expect(
        bool(rising), f"no consumption event for port 1: {record.consumption_events}"
    )
    return f"port 1: state event ON, consumption event +{rising[0]['change']:.2f} W"


async def step_monitoring_without_baseline(ctx: Context) -> str:
    try:
        await ctx.client.setup_realtime_monitoring(state_callback=lambda event: None)
    except AttributeError:
        raise StepSkipped(NO_BASELINE_BUG) from None
    finally:
        await ctx.client.stop_adaptive_polling()
    return "change detection registered"


# Steps in run order, with whether each is required: a failed required step ends the
# profile, because every later step needs its result.
STEPS: list[tuple[str, Callable[[Context], Awaitable[str]], bool]] = [
    ("discovery", step_discovery, True),
    ("protocol-detection", step_protocol_detection, False),
    ("auto-detection", step_auto_detection, False),
    ("initialisation", step_initialisation, True),
    ("firmware-version", step_firmware_version, False),
    ("port-names", step_port_names, False),
    ("state-all", step_state_all, False),
    ("state-one", step_state_one, False),
    ("switch-on-one", step_switch_on_one, False),
    ("power-one", step_power_one, False),
    ("watt-format", step_watt_format, False),
    ("switch-off-one", step_switch_off_one, False),
    ("switch-on-all", step_switch_on_all, False),
    ("switch-off-all", step_switch_off_all, False),
    ("device-time", step_device_time, False),
    ("hardware-ids", step_hardware_ids, False),
    ("rename-port", step_rename_port, False),
    ("rename-with-space", step_rename_with_space, False),
    ("rename-device", step_rename_device, False),
    ("stats-hourly", make_statistics_step(0), False),
    ("stats-daily", make_statistics_step(1), False),
    ("stats-monthly", make_statistics_step(2), False),
    ("health-check", step_health_check, False),
    ("polling-burst", step_polling_burst, False),
    ("burst-after-command", step_burst_after_command, False),
    ("change-events", step_change_events, False),
    ("monitoring-no-baseline", step_monitoring_without_baseline, False),
]


@dataclass
class Report:
    """Counts of step results. Each result is printed as it arrives."""

    passed: int = 0
    failed: int = 0
    skipped: int = 0

    def record(self, outcome: str, profile: str, step: str, detail: str) -> None:
        if outcome == "PASS":
            self.passed += 1
        elif outcome == "FAIL":
            self.failed += 1
        else:
            self.skipped += 1
        print(f"{outcome} {profile} {step} {detail}", flush=True)

    def summary(self) -> str:
        return f"{self.passed} passed, {self.failed} failed, {self.skipped} skipped"


async def run_step(
    report: Report, ctx: Context, name: str, step: Callable[[Context], Awaitable[str]]
) -> bool:
    """Run one step, print its line and return whether it did not fail."""
    try:
        detail = await asyncio.wait_for(step(ctx), STEP_TIMEOUT)
    except StepSkipped as skip:
        report.record("SKIP", ctx.profile, name, str(skip))
        return True
    except StepFailed as failure:
        report.record("FAIL", ctx.profile, name, str(failure))
        return False
    except TimeoutError:
        report.record(
            "FAIL", ctx.profile, name, f"timed out after {STEP_TIMEOUT:.0f} s"
        )
        return False
    except Exception as error:  # Any other error of the client fails the step.
        report.record("FAIL", ctx.profile, name, f"{type(error).__name__}: {error}")
        return False
    report.record("PASS", ctx.profile, name, detail)
    return True


async def run_profile(report: Report, ctx: Context) -> None:
    try:
        for name, step, required in STEPS:
            succeeded = await run_step(report, ctx, name, step)
            if required and not succeeded:
                detail = f"not run because {name} failed"
                report.record("FAIL", ctx.profile, "remaining-steps", detail)
                return
    finally:
        if ctx.device is not None:
            await ctx.device.close()


def parse_targets(arguments: list[str]) -> list[Context]:
    """Build one context per PROFILE=IP argument. Raise ValueError on an invalid one."""
    contexts = []
    for argument in arguments:
        profile, separator, ip = argument.partition("=")
        if not separator or profile not in FIRMWARE:
            raise ValueError(
                f"invalid argument {argument!r}: expected PROFILE=IP, "
                f"with PROFILE one of {', '.join(FIRMWARE)}"
            )
        address = ipaddress.ip_address(ip)
        if address.version != 4 or not address.is_loopback:
            raise ValueError(
                f"invalid address {ip!r} for {profile}: the test sends requests to "
                "IPv4 loopback addresses (127.0.0.0/8) only"
            )
        firmware = FIRMWARE[profile]
        reader = DirectReader(ip, firmware)
        contexts.append(Context(profile, ip, firmware, reader))
    if not contexts:
        raise ValueError("no device given: pass PROFILE=IP, such as strip130=127.0.0.2")
    return contexts


def configure_client_log() -> None:
    """Send the client's log to the file named by INTEROP_CLIENT_LOG, or to stderr.

    The client logs through the root logger, including an error for every rejection
    that a step provokes on purpose, so a file keeps the step lines readable.
    """
    path = os.environ.get("INTEROP_CLIENT_LOG")
    log_format = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    if path:
        logging.basicConfig(
            filename=path, filemode="w", level=logging.DEBUG, format=log_format
        )
    else:
        logging.basicConfig(level=logging.WARNING, format=log_format)


async def main(arguments: list[str]) -> int:
    try:
        contexts = parse_targets(arguments)
    except ValueError as error:
        print(f"upstream_client.py: {error}", file=sys.stderr)
        return 1
    report = Report()
    for ctx in contexts:
        await run_profile(report, ctx)
    print(report.summary(), flush=True)
    return 1 if report.failed else 0


if __name__ == "__main__":
    configure_client_log()
    sys.exit(asyncio.run(main(sys.argv[1:])))
