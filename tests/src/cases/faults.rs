//! Fault cases: the simulator misbehaves and each operation returns the right value or the
//! right typed error, within its timeout.

use std::time::Duration;

use futures::StreamExt;
use maxsmart_client::proto::machine::TransportFailure;
use maxsmart_client::{Error, ProtocolChoice, RetryPolicy, Runtime, WattFormat};
use maxsmart_sim::{Faults, Profile, RequestResult};

use crate::bound::{retry_bound, within};
use crate::{RETRY, Sim};

/// Starts `profile` and connects, then injects `faults`.
async fn connect_then_fault<R: Runtime>(
    runtime: &R,
    profile: Profile,
    faults: Faults,
) -> (Sim, maxsmart_client::Device<R>) {
    let sim = Sim::profile(profile).await;
    let device = sim.builder(runtime.clone()).connect().await.unwrap();
    sim.set_faults(faults);
    sim.clear_requests();
    (sim, device)
}

/// With 30% of datagrams dropped (seeded), V3 reads and switches succeed through retries.
pub async fn v3_survives_datagram_loss<R: Runtime>(runtime: R) {
    let config = crate::loopback_config(Profile::Strip511)
        .seed(7)
        .faults(Faults::none().drop_probability(0.3));
    let sim = Sim::start(config).await;
    let retry = RetryPolicy {
        attempts: 8,
        ..RETRY
    };
    let device = sim.builder(runtime).retry(retry).connect().await.unwrap();
    for round in 0..4u8 {
        let port = round % 6 + 1;
        let status = device.turn_on(port).await.unwrap();
        assert!(status.ports[usize::from(port) - 1].on, "round {round}");
        assert!(sim.switch_states()[usize::from(port) - 1], "round {round}");
        let status = device.turn_off(port).await.unwrap();
        assert!(!status.ports[usize::from(port) - 1].on, "round {round}");
        let states = device.switch_states().await.unwrap();
        assert_eq!(states, sim.switch_states(), "round {round}");
    }
    let dropped = sim
        .requests()
        .iter()
        .filter(|entry| entry.result == RequestResult::Dropped)
        .count();
    assert!(
        dropped > 0,
        "the fault dropped nothing, so retries were not exercised"
    );
    device.close().await;
    sim.stop().await;
}

/// Latency below the timeout is harmless; latency above it ends in `Timeout`.
pub async fn latency_below_and_above_timeout<R: Runtime>(runtime: R) {
    for profile in [Profile::Strip130, Profile::Strip511] {
        let faults = Faults::none().latency(Duration::from_millis(100));
        let (sim, device) = connect_then_fault(&runtime, profile, faults).await;
        let status = device.status().await.unwrap();
        assert_eq!(status.port_count(), 6, "{profile}");

        sim.set_faults(Faults::none().latency(Duration::from_secs(2)));
        let error = within(&runtime, retry_bound(), device.status())
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::Timeout { attempts: 3, .. }),
            "{profile}: {error}"
        );
        device.close().await;
        sim.stop().await;
    }
}

/// A device that never replies ends in `Timeout` after every attempt, on both protocols.
pub async fn silence_times_out<R: Runtime>(runtime: R) {
    let faults = Faults::none().drop_every(1);
    let (sim, device) = connect_then_fault(&runtime, Profile::Strip511, faults).await;
    let error = within(&runtime, retry_bound(), device.turn_on(1))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Timeout {
                command: 20,
                attempts: 3,
                ..
            }
        ),
        "{error}"
    );
    assert_eq!(sim.requests().len(), 3, "one datagram per attempt");
    assert!(!sim.switch_states()[0]);
    device.close().await;
    sim.stop().await;

    // An HTTP device that accepts the connection and never replies: a V3 request to a
    // profile without V3 is the same silence over UDP.
    let sim = Sim::profile(Profile::Strip130).await;
    let result = within(
        &runtime,
        retry_bound(),
        sim.builder(runtime.clone())
            .protocol(ProtocolChoice::UdpV3)
            .connect(),
    )
    .await;
    let error = result.unwrap_err();
    assert!(
        matches!(error, Error::Timeout { command: 90, .. }),
        "{error}"
    );
    sim.stop().await;
}

/// `code` 400 is a device error, reported at once without a retry.
pub async fn code_400_is_a_device_error<R: Runtime>(runtime: R) {
    for (profile, command) in [(Profile::Strip130, 200), (Profile::Strip511, 20)] {
        let faults = Faults::none().always_400();
        let (sim, device) = connect_then_fault(&runtime, profile, faults).await;
        let error = device.turn_on(2).await.unwrap_err();
        match &error {
            Error::Device { error, .. } => {
                assert_eq!(error.code, 400, "{profile}");
                assert_eq!(error.command, command, "{profile}");
            }
            other => panic!("{profile}: expected a device error, got {other}"),
        }
        assert_eq!(
            sim.requests().len(),
            1,
            "{profile}: no retry after code 400"
        );
        assert!(!sim.switch_states()[1], "{profile}");
        device.close().await;
        sim.stop().await;
    }
}

/// Bodies that are not JSON, or cut short, are invalid responses over HTTP; a reply to
/// another command is ignored like a stale one, so the request times out.
pub async fn malformed_http_bodies_are_invalid<R: Runtime>(runtime: R) {
    let cases = [
        ("malformed", Faults::none().malformed_json()),
        ("truncated", Faults::none().truncated_json()),
        ("trailing commas", Faults::none().trailing_commas()),
    ];
    for (name, faults) in cases {
        let (sim, device) = connect_then_fault(&runtime, Profile::Strip211, faults).await;
        let error = device.status().await.unwrap_err();
        assert!(
            matches!(error, Error::InvalidResponse { command: 511, .. }),
            "{name}: {error}"
        );
        assert_eq!(
            sim.requests().len(),
            1,
            "{name}: no retry after an invalid body"
        );
        device.close().await;
        sim.stop().await;
    }

    let faults = Faults::none().wrong_response();
    let (sim, device) = connect_then_fault(&runtime, Profile::Strip211, faults).await;
    let error = within(&runtime, retry_bound(), device.status())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Timeout {
                command: 511,
                attempts: 3,
                ..
            }
        ),
        "wrong response: {error}"
    );
    device.close().await;
    sim.stop().await;
}

/// Malformed datagrams are ignored like silence, so V3 ends in `Timeout`.
pub async fn malformed_datagrams_time_out<R: Runtime>(runtime: R) {
    let cases = [
        ("malformed", Faults::none().malformed_json()),
        ("truncated", Faults::none().truncated_json()),
        ("wrong response", Faults::none().wrong_response()),
    ];
    for (name, faults) in cases {
        let (sim, device) = connect_then_fault(&runtime, Profile::Strip511, faults).await;
        let error = within(&runtime, retry_bound(), device.status())
            .await
            .unwrap_err();
        assert!(
            matches!(
                error,
                Error::Timeout {
                    command: 90,
                    attempts: 3,
                    ..
                }
            ),
            "{name}: {error}"
        );
        device.close().await;
        sim.stop().await;
    }
}

/// A device that refuses a second request on a kept-alive connection still serves every
/// request, because each request opens its own connection.
pub async fn keep_alive_refusal_is_avoided<R: Runtime>(runtime: R) {
    let faults = Faults::none().keep_alive_refusal();
    let (sim, device) = connect_then_fault(&runtime, Profile::Strip130, faults).await;
    for port in 1..=3 {
        device.turn_on(port).await.unwrap();
        device.status().await.unwrap();
    }
    assert_eq!(&sim.switch_states()[..3], [true; 3]);
    let requests = sim.requests();
    assert!(
        requests
            .iter()
            .all(|entry| entry.result == RequestResult::Ok),
        "{requests:?}"
    );
    device.close().await;
    sim.stop().await;
}

/// Refused connections end in a connection error naming the refusal.
pub async fn refused_connection_is_reported<R: Runtime>(runtime: R) {
    let faults = Faults::none().refuse_connections();
    let (sim, device) = connect_then_fault(&runtime, Profile::Strip349, faults).await;
    let address = sim.http_addr().unwrap();
    crate::wait_until(&runtime, || std::net::TcpStream::connect(address).is_err()).await;
    sim.clear_requests();
    let error = within(&runtime, retry_bound(), device.status())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Connection {
                failure: TransportFailure::ConnectionRefused,
                ..
            }
        ),
        "{error}"
    );
    assert!(sim.requests().is_empty(), "{:?}", sim.requests());
    device.close().await;
    sim.stop().await;
}

/// A reply that arrives after its attempt timed out is still taken by the next attempt of
/// the same operation, and never by a later operation.
pub async fn late_datagrams_are_matched<R: Runtime>(runtime: R) {
    let sim = Sim::profile(Profile::Strip511).await;
    let device = sim.builder(runtime.clone()).connect().await.unwrap();
    let single = RetryPolicy {
        attempts: 1,
        ..RETRY
    };
    let once = sim
        .builder(runtime.clone())
        .retry(single)
        .connect()
        .await
        .unwrap();
    sim.set_faults(Faults::none().late_datagrams(Duration::from_millis(450)));
    sim.set_switch(5, true).unwrap();
    sim.clear_requests();

    let status = device.status().await.unwrap();
    assert!(status.ports[4].on);
    assert!(
        sim.requests().len() >= 2,
        "the first attempt should have timed out"
    );

    let error = once.status().await.unwrap_err();
    assert!(
        matches!(error, Error::Timeout { attempts: 1, .. }),
        "{error}"
    );
    // The status reply still on its way must not complete the switch that follows.
    sim.set_faults(Faults::none());
    let status = once.turn_on(6).await.unwrap();
    assert!(status.ports[5].on);
    assert!(sim.switch_states()[5]);
    device.close().await;
    once.close().await;
    sim.stop().await;
}

/// Every reply sent twice changes nothing: switching and reading still agree with the
/// device.
pub async fn duplicate_datagrams_are_ignored<R: Runtime>(runtime: R) {
    let faults = Faults::none().duplicate_datagrams();
    let (sim, device) = connect_then_fault(&runtime, Profile::Strip511, faults).await;
    for port in [2, 4, 2] {
        let on = !sim.switch_states()[port - 1];
        let port_number = u8::try_from(port).unwrap();
        let status = if on {
            device.turn_on(port_number).await.unwrap()
        } else {
            device.turn_off(port_number).await.unwrap()
        };
        assert_eq!(status.ports[port - 1].on, on);
        assert_eq!(device.switch_states().await.unwrap(), sim.switch_states());
    }
    device.close().await;
    sim.stop().await;
}

/// Whole-watt integers are read as milliwatts unless the builder forces whole watts.
pub async fn watt_format_override<R: Runtime>(runtime: R) {
    let config = crate::loopback_config(Profile::Strip211)
        .switches(&[true])
        .faults(Faults::none().integer_watts());
    let sim = Sim::start(config).await;
    let load = sim.with_state(|model, _| model.loads()[0]);

    let detected = sim.builder(runtime.clone()).connect().await.unwrap();
    let status = detected.status().await.unwrap();
    assert_eq!(status.watt_format, WattFormat::Milliwatts);
    let milliwatt_reading = status.ports[0].watts.unwrap();
    assert!(milliwatt_reading < load / 100.0, "{milliwatt_reading} W");

    let forced = sim
        .builder(runtime)
        .watt_format(WattFormat::WholeWatts)
        .connect()
        .await
        .unwrap();
    let status = forced.status().await.unwrap();
    assert_eq!(status.watt_format, WattFormat::WholeWatts);
    let watts = status.ports[0].watts.unwrap();
    assert!(
        (watts - load).abs() <= load * 0.1 + 1.0,
        "{watts} W, load {load} W"
    );
    detected.close().await;
    forced.close().await;
    sim.stop().await;
}

/// Serves one HTTP response on a new loopback listener and returns its port. `chunked`
/// sends the body without a length, so the client learns its size only while reading.
fn serve_once(body: Vec<u8>, chunked: bool) -> (u16, std::thread::JoinHandle<()>) {
    use std::io::{Read, Write};

    let listener = std::net::TcpListener::bind((crate::LOOPBACK, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else {
            return;
        };
        let mut request = [0u8; 2048];
        let _ = stream.read(&mut request);
        let head = if chunked {
            format!(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n",
                body.len()
            )
        } else {
            format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len())
        };
        // The client may close early once the body is too long; write errors are expected.
        let _ = stream.write_all(head.as_bytes());
        let _ = stream.write_all(&body);
        if chunked {
            let _ = stream.write_all(b"\r\n0\r\n\r\n");
        }
    });
    (port, server)
}

/// A response body over the client's 64 KiB limit is an invalid response, whether its
/// length is announced or found while reading.
pub async fn oversized_body_is_invalid<R: Runtime>(runtime: R) {
    for chunked in [false, true] {
        let (port, server) = serve_once(vec![b' '; 64 * 1024 + 1], chunked);
        let single = RetryPolicy {
            attempts: 1,
            ..RETRY
        };
        let result = maxsmart_client::DeviceBuilder::new(runtime.clone(), crate::LOOPBACK)
            .http_port(port)
            .protocol(ProtocolChoice::Http)
            .retry(single)
            .connect()
            .await;
        let error = result.unwrap_err();
        assert!(
            matches!(
                error,
                Error::Connection {
                    command: 511,
                    failure: TransportFailure::InvalidResponse,
                    ..
                }
            ),
            "chunked {chunked}: {error}"
        );
        server.join().unwrap();
    }
}

/// Timeouts and poll intervals far beyond any clock's range do not panic: connecting,
/// reading and polling work, and the deadlines saturate.
pub async fn huge_durations_do_not_panic<R: Runtime>(runtime: R) {
    let huge = Duration::from_secs(10_000_000_000_000_000_000);
    let sim = Sim::profile(Profile::Strip130).await;
    let device = sim
        .builder(runtime.clone())
        .timeout(huge)
        .connect()
        .await
        .unwrap();
    assert_eq!(device.status().await.unwrap().ports.len(), 6);

    let config = maxsmart_client::PollConfig {
        interval: Duration::MAX,
        timeout: huge,
        ..maxsmart_client::PollConfig::default()
    };
    let mut events = device.events();
    device.start_polling(config).await;
    let first = within(&runtime, Duration::from_secs(5), events.next())
        .await
        .expect("the stream stays open");
    assert!(
        matches!(first.kind, maxsmart_client::PollEvent::Polled { .. }),
        "{:?}",
        first.kind
    );
    assert!(device.is_polling());
    device.close().await;
    sim.stop().await;
}
