//! The macro that turns the shared cases into tests for one runtime.

/// Declares one `#[test]` per shared case for a runtime value and an [`Executor`] type:
/// `maxsmart_tests::suite!(maxsmart_tokio::Tokio, maxsmart_tests::TokioExecutor);`.
///
/// Each test is named after its case and grouped in a module named after the case's module.
/// Adding a case here runs it on every runtime.
///
/// [`Executor`]: crate::Executor
#[macro_export]
macro_rules! suite {
    ($runtime:expr, $executor:ty) => {
        $crate::suite!(@cases $runtime, $executor;
            discovery {
                unicast_reports_every_profile,
                unicast_of_silent_port_is_not_found,
                probe_off_leaves_protocol_unknown,
                stream_yields_each_device_once,
                collected_discovery_lists_devices,
                dated_request_sets_device_clock,
                relocation_follows_address_change,
                unknown_serial_is_not_found,
                builder_from_discovery_skips_detection,
                builder_from_discovery_keeps_names,
                builder_rejects_invalid_serial,
            }
            ports {
                status_reads_every_profile,
                single_port_reads,
                switching_one_port_every_profile,
                switching_all_ports,
                invalid_port_sends_nothing,
                forced_v3_sends_serial,
            }
            faults {
                v3_survives_datagram_loss,
                latency_below_and_above_timeout,
                silence_times_out,
                code_400_is_a_device_error,
                malformed_http_bodies_are_invalid,
                malformed_datagrams_time_out,
                keep_alive_refusal_is_avoided,
                refused_connection_is_reported,
                late_datagrams_are_matched,
                duplicate_datagrams_are_ignored,
                watt_format_override,
                oversized_body_is_invalid,
                huge_durations_do_not_panic,
            }
            settings {
                initialisation_learns_every_profile,
                renaming_ports_and_device,
                plug_names_and_ports,
                statistics_of_every_kind,
                device_time_reads_clock,
                hardware_ids_are_read,
                master_slave_round_trip,
                timer_round_trip,
                rules_round_trip,
                random_mode_and_price,
                factory_reset_restores_names,
                health_check,
                firmware_limits,
            }
            polling {
                button_press_raises_events,
                failed_polls_are_events,
                command_starts_a_burst,
                own_switch_raises_no_event,
                unverified_lagging_switch_raises_event,
                verified_lagging_switch_raises_no_event,
                panicking_callback_keeps_polling,
                callbacks_until_removed,
                latest_snapshot_follows_device,
                many_devices_poll_concurrently,
            }
            lifecycle {
                close_stops_every_task,
                drop_stops_every_task,
                stop_polling_keeps_device_usable,
            }
        );
        $crate::suite!(@threads $runtime, $executor;
            broadcast {
                broadcast_in_namespaces,
            }
        );
    };
    (@threads $runtime:expr, $executor:ty; $($module:ident { $($case:ident),* $(,)? })*) => {
        $(
            mod $module {
                $(
                    #[test]
                    fn $case() {
                        $crate::cases::$module::$case::<_, $executor>($runtime);
                    }
                )*
            }
        )*
    };
    (@cases $runtime:expr, $executor:ty; $($module:ident { $($case:ident),* $(,)? })*) => {
        $(
            mod $module {
                #[allow(unused_imports)]
                use super::*;

                $(
                    #[test]
                    fn $case() {
                        <$executor as $crate::Executor>::block_on(
                            $crate::cases::$module::$case($runtime),
                        );
                    }
                )*
            }
        )*
    };
}
