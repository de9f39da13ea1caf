//! Polling cases: events for switches, power changes and failures, bursts after commands,
//! callbacks, snapshots and many devices at once.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use futures::stream::select_all;
use maxsmart_client::{
    Device, Event, EventStream, PollConfig, PollEvent, Runtime, Status, VerifyPolicy,
};
use maxsmart_sim::{Faults, Profile, SimConfig};

use crate::bound::within;
use crate::{Sim, wait_until};

/// The polling schedule of these cases: every 100 ms, bursts every 50 ms.
pub const POLL: PollConfig = PollConfig {
    interval: Duration::from_millis(100),
    burst_interval: Duration::from_millis(50),
    burst_polls: 4,
    power_threshold_watts: 1.0,
    timeout: crate::TIMEOUT,
    max_queued_events: 64,
};

/// How long a case waits for an event that should come within a few polls.
const EVENT_BOUND: Duration = Duration::from_secs(5);

/// Reads `stream` until `wanted` matches an event, returning that event.
async fn next_matching<R: Runtime>(
    runtime: &R,
    stream: &mut EventStream,
    wanted: impl Fn(&PollEvent) -> bool,
) -> Event {
    within(runtime, EVENT_BOUND, async {
        loop {
            let event = stream.next().await.expect("event stream ended early");
            if wanted(&event.kind) {
                return event;
            }
        }
    })
    .await
}

/// Starts `profile` and connects with polling on.
async fn polled<R: Runtime>(runtime: &R, config: SimConfig) -> (Sim, Device<R>) {
    let sim = Sim::start(config).await;
    let device = sim
        .builder(runtime.clone())
        .polling(POLL)
        .connect()
        .await
        .unwrap();
    (sim, device)
}

/// A port switched on at the device raises a switch event and a power event, on strips,
/// plugs and V3.
pub async fn button_press_raises_events<R: Runtime>(runtime: R) {
    for profile in [Profile::Strip130, Profile::Plug130, Profile::Strip511] {
        let (sim, device) = polled(&runtime, crate::loopback_config(profile)).await;
        let mut events = device.events();
        next_matching(&runtime, &mut events, |kind| {
            matches!(kind, PollEvent::Polled { .. })
        })
        .await;
        sim.set_switch(1, true).unwrap();

        let switched = next_matching(&runtime, &mut events, |kind| {
            matches!(kind, PollEvent::PortSwitched { .. })
        })
        .await;
        assert_eq!(
            switched.kind,
            PollEvent::PortSwitched { port: 1, on: true },
            "{profile}"
        );
        assert_eq!(switched.address, device.address().await, "{profile}");
        assert_eq!(switched.serial.as_deref(), Some(sim.serial().as_str()));
        let power = next_matching(&runtime, &mut events, |kind| {
            matches!(kind, PollEvent::PowerChanged { .. })
        })
        .await;
        let PollEvent::PowerChanged {
            port,
            previous_watts,
            watts,
        } = power.kind
        else {
            unreachable!("matched a power event");
        };
        assert_eq!(port, 1, "{profile}");
        assert_eq!(previous_watts, 0.0, "{profile}");
        assert!(watts > 1.0, "{profile}: {watts} W");

        let latest = device.latest().unwrap();
        assert!(latest.status.ports[0].on, "{profile}");
        device.close().await;
        sim.stop().await;
    }
}

/// A failed poll is an event with a growing failure count, and polling resumes when the
/// device replies again.
pub async fn failed_polls_are_events<R: Runtime>(runtime: R) {
    let (sim, device) = polled(&runtime, crate::loopback_config(Profile::Strip511)).await;
    let mut events = device.events();
    sim.set_faults(Faults::none().drop_every(1));
    let first = next_matching(&runtime, &mut events, |kind| {
        matches!(kind, PollEvent::PollFailed { .. })
    })
    .await;
    let second = next_matching(&runtime, &mut events, |kind| {
        matches!(kind, PollEvent::PollFailed { .. })
    })
    .await;
    let failures = |event: &Event| match &event.kind {
        PollEvent::PollFailed {
            consecutive_failures,
            ..
        } => *consecutive_failures,
        _ => 0,
    };
    assert!(failures(&second) > failures(&first));
    assert!(device.is_polling());

    sim.set_faults(Faults::none());
    next_matching(&runtime, &mut events, |kind| {
        matches!(kind, PollEvent::Polled { .. })
    })
    .await;
    device.close().await;
    sim.stop().await;
}

/// A command starts a burst of faster polls: with a 2 s interval, at least the burst's
/// four polls follow a switch within one second.
pub async fn command_starts_a_burst<R: Runtime>(runtime: R) {
    let sim = Sim::profile(Profile::Strip130).await;
    let config = PollConfig {
        interval: Duration::from_secs(2),
        ..POLL
    };
    let device = sim
        .builder(runtime.clone())
        .polling(config)
        .connect()
        .await
        .unwrap();
    let mut events = device.events();
    next_matching(&runtime, &mut events, |kind| {
        matches!(kind, PollEvent::Polled { .. })
    })
    .await;
    let polls = Arc::new(Mutex::new(0u32));
    let counter = Arc::clone(&polls);
    device.on_event(move |event| {
        if matches!(event.kind, PollEvent::Polled { .. }) {
            *counter.lock().unwrap() += 1;
        }
    });
    device.turn_on(2).await.unwrap();
    // The burst starts once the command succeeded; count only the polls after it.
    *polls.lock().unwrap() = 0;
    wait_until(&runtime, || *polls.lock().unwrap() >= 4).await;
    device.close().await;
    sim.stop().await;
}

/// A switch made through the client raises no switch event, because its result already
/// reports the change, while a switch made at the device raises one.
pub async fn own_switch_raises_no_event<R: Runtime>(runtime: R) {
    let (sim, device) = polled(&runtime, crate::loopback_config(Profile::Strip130)).await;
    let mut events = device.events();
    next_matching(&runtime, &mut events, |kind| {
        matches!(kind, PollEvent::Polled { .. })
    })
    .await;
    let confirmed = device.turn_on(1).await.unwrap();
    assert!(confirmed.ports[0].on);

    // The burst after the command makes these three polls come quickly.
    let mut seen = Vec::new();
    within(&runtime, EVENT_BOUND, async {
        let mut polls = 0;
        while polls < 3 {
            let event = events.next().await.expect("event stream ended early");
            if matches!(event.kind, PollEvent::Polled { .. }) {
                polls += 1;
            }
            seen.push(event.kind);
        }
    })
    .await;
    let switched: Vec<&PollEvent> = seen
        .iter()
        .filter(|kind| matches!(kind, PollEvent::PortSwitched { .. }))
        .collect();
    assert!(switched.is_empty(), "own switch raised {switched:?}");

    sim.set_switch(2, true).unwrap();
    let pressed = next_matching(&runtime, &mut events, |kind| {
        matches!(kind, PollEvent::PortSwitched { .. })
    })
    .await;
    assert_eq!(pressed.kind, PollEvent::PortSwitched { port: 2, on: true });
    device.close().await;
    sim.stop().await;
}

/// Reads `stream` until a poll shows port 1 on and returns every event up to and including
/// that poll.
async fn events_until_port_1_on<R: Runtime>(
    runtime: &R,
    stream: &mut EventStream,
) -> Vec<PollEvent> {
    let shows_port_1_on = |status: &Status| status.ports.first().is_some_and(|port| port.on);
    within(runtime, EVENT_BOUND, async {
        let mut seen = Vec::new();
        loop {
            let event = stream.next().await.expect("event stream ended early");
            let done =
                matches!(&event.kind, PollEvent::Polled { status, .. } if shows_port_1_on(status));
            seen.push(event.kind);
            if done {
                return seen;
            }
        }
    })
    .await
}

/// Returns the switch events among `events`.
fn switch_events(events: &[PollEvent]) -> Vec<&PollEvent> {
    events
        .iter()
        .filter(|kind| matches!(kind, PollEvent::PortSwitched { .. }))
        .collect()
}

/// With verification off, a switch whose one status read still shows the old state is not
/// taken as the polling baseline, so the first poll that reads the new state raises the event.
pub async fn unverified_lagging_switch_raises_event<R: Runtime>(runtime: R) {
    let config = crate::loopback_config(Profile::Strip130).faults(Faults::none().switch_lag(1));
    let sim = Sim::start(config).await;
    let unverified = VerifyPolicy {
        checks: 0,
        ..crate::VERIFY
    };
    let device = sim
        .builder(runtime.clone())
        .verify(unverified)
        .polling(POLL)
        .connect()
        .await
        .unwrap();
    let mut events = device.events();
    next_matching(&runtime, &mut events, |kind| {
        matches!(kind, PollEvent::Polled { .. })
    })
    .await;

    let unconfirmed = device.turn_on(1).await.unwrap();
    assert!(
        !unconfirmed.ports[0].on,
        "the lagging device reported the old state to the switch"
    );
    assert!(sim.switch_states()[0], "the device itself switched at once");

    let seen = events_until_port_1_on(&runtime, &mut events).await;
    assert_eq!(
        switch_events(&seen),
        [&PollEvent::PortSwitched { port: 1, on: true }],
        "{seen:?}"
    );
    device.close().await;
    sim.stop().await;
}

/// With verification on, a switch that shows only on a later check is still the polling
/// baseline, so the client's own switch raises no switch event.
pub async fn verified_lagging_switch_raises_no_event<R: Runtime>(runtime: R) {
    let config = crate::loopback_config(Profile::Strip130).faults(Faults::none().switch_lag(1));
    let (sim, device) = polled(&runtime, config).await;
    let mut events = device.events();
    next_matching(&runtime, &mut events, |kind| {
        matches!(kind, PollEvent::Polled { .. })
    })
    .await;

    let confirmed = device.turn_on(1).await.unwrap();
    assert!(confirmed.ports[0].on);

    let mut seen = events_until_port_1_on(&runtime, &mut events).await;
    // Two more polls of the burst, in case a late event trails the first poll.
    for _ in 0..2 {
        let poll = next_matching(&runtime, &mut events, |kind| {
            matches!(kind, PollEvent::Polled { .. })
        })
        .await;
        seen.push(poll.kind);
    }
    assert_eq!(switch_events(&seen), [] as [&PollEvent; 0], "{seen:?}");
    device.close().await;
    sim.stop().await;
}

/// A panicking callback is logged and skipped: polling goes on and the other consumers
/// keep receiving events.
pub async fn panicking_callback_keeps_polling<R: Runtime>(runtime: R) {
    let (sim, device) = polled(&runtime, crate::loopback_config(Profile::Strip211)).await;
    device.on_event(|_| panic!("callback failure under test"));
    let calls = Arc::new(Mutex::new(0u32));
    let counter = Arc::clone(&calls);
    device.on_event(move |_| *counter.lock().unwrap() += 1);
    let mut events = device.events();
    for _ in 0..3 {
        next_matching(&runtime, &mut events, |kind| {
            matches!(kind, PollEvent::Polled { .. })
        })
        .await;
    }
    assert!(device.is_polling());
    // Streams receive each event before callbacks run, so the count may trail a little.
    wait_until(&runtime, || *calls.lock().unwrap() >= 3).await;
    device.close().await;
    sim.stop().await;
}

/// Callbacks receive events until they are removed.
pub async fn callbacks_until_removed<R: Runtime>(runtime: R) {
    let (sim, device) = polled(&runtime, crate::loopback_config(Profile::Strip211)).await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let id = device.on_event(move |event| sink.lock().unwrap().push(event.kind.clone()));
    wait_until(&runtime, || seen.lock().unwrap().len() >= 2).await;
    assert!(
        seen.lock()
            .unwrap()
            .iter()
            .all(|kind| matches!(kind, PollEvent::Polled { .. }))
    );
    assert!(device.remove_callback(id));
    assert!(!device.remove_callback(id));
    let count = seen.lock().unwrap().len();

    let mut events = device.events();
    for _ in 0..3 {
        next_matching(&runtime, &mut events, |kind| {
            matches!(kind, PollEvent::Polled { .. })
        })
        .await;
    }
    assert_eq!(
        seen.lock().unwrap().len(),
        count,
        "a removed callback was called"
    );
    device.close().await;
    sim.stop().await;
}

/// The snapshot follows the device between polls and after commands.
pub async fn latest_snapshot_follows_device<R: Runtime>(runtime: R) {
    let sim = Sim::profile(Profile::Strip349).await;
    let device = sim.builder(runtime.clone()).connect().await.unwrap();
    let initial = device.latest().expect("connecting reads a first status");
    assert!(initial.status.ports.iter().all(|port| !port.on));
    device.turn_on(6).await.unwrap();
    assert!(device.latest().unwrap().status.ports[5].on);

    device.start_polling(POLL).await;
    sim.set_switch(3, true).unwrap();
    wait_until(&runtime, || {
        device
            .latest()
            .is_some_and(|snapshot| snapshot.status.ports[2].on)
    })
    .await;
    device.close().await;
    sim.stop().await;
}

/// Many devices poll at once, one task each, and their merged streams carry every device.
pub async fn many_devices_poll_concurrently<R: Runtime>(runtime: R) {
    const DEVICES: usize = 24;
    let mut sims = Vec::new();
    let mut devices = Vec::new();
    for index in 0..DEVICES {
        let profile = Profile::all()[index % Profile::all().len()];
        let config = SimConfig::numbered(profile, index);
        let config = config
            .http_addr(std::net::SocketAddr::new(crate::LOOPBACK, 0))
            .udp_addr(std::net::SocketAddr::new(crate::LOOPBACK, 0));
        let sim = Sim::start(config).await;
        devices.push(sim.builder(runtime.clone()).connect().await.unwrap());
        sims.push(sim);
    }
    let streams: Vec<EventStream> = devices.iter().map(Device::events).collect();
    for device in &devices {
        device.start_polling(POLL).await;
    }
    let live: usize = devices
        .iter()
        .map(|device| device.live_tasks().count())
        .sum();
    assert_eq!(live, DEVICES, "one polling task per device");

    let mut merged = select_all(streams);
    let mut polled = std::collections::HashMap::new();
    within(&runtime, Duration::from_secs(20), async {
        while polled.len() < DEVICES || polled.values().any(|count| *count < 2) {
            let event = merged.next().await.expect("streams stay open");
            if matches!(event.kind, PollEvent::Polled { .. }) {
                *polled.entry(event.serial.unwrap()).or_insert(0u32) += 1;
            }
        }
    })
    .await;
    for sim in &sims {
        assert!(
            polled.contains_key(&sim.serial()),
            "{} never polled",
            sim.serial()
        );
    }
    for device in devices {
        device.close().await;
    }
    for sim in sims {
        sim.stop().await;
    }
}
