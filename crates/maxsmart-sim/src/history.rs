//! Made-up energy history, so that a freshly started device has statistics to show.

use jiff::SignedDuration;

use crate::SimDevice;

impl SimDevice {
    /// Fills the last `hours` hours of the device's statistics with a varying load.
    ///
    /// The model counts energy only as time passes. This sets the device clock back by
    /// `hours`, runs the model forward hour by hour with ports switched on and off in a fixed
    /// daily pattern, then sets the clock back to the present and restores the switch
    /// states. The model ignores times earlier than the latest one it has seen, so for the
    /// next `hours` hours of real time it adds no more energy.
    pub fn fill_history(&self, hours: u32) {
        let start_states = self.switch_states();
        self.with_state(|model, now| {
            let present = model.clock(now);
            let Ok(start) = present.checked_sub(SignedDuration::from_hours(i64::from(hours)))
            else {
                return;
            };
            model.set_clock(now, start);
            for hour in 0..hours {
                for index in 0..start_states.len() {
                    // Ports come from the model itself, so they are always in range.
                    let _ = model.set_switch(now, index + 1, is_on(index, start.hour(), hour));
                }
                let step = SignedDuration::from_hours(i64::from(hour) + 1);
                let Ok(later) = now.checked_add(step) else {
                    break;
                };
                model.advance(later);
            }
            model.set_clock(now, present);
            for (index, on) in start_states.iter().enumerate() {
                let _ = model.set_switch(now, index + 1, *on);
            }
        });
    }
}

/// Returns whether port `index` (from 0) is on `offset` hours after a start at `start_hour`:
/// port 1 in the evening, port 2 always, port 3 during the working day, the others off.
fn is_on(index: usize, start_hour: i8, offset: u32) -> bool {
    let hour = (i64::from(start_hour) + i64::from(offset)).rem_euclid(24);
    match index {
        0 => (18..23).contains(&hour),
        1 => true,
        2 => (8..17).contains(&hour),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_follows_the_clock() {
        assert!(is_on(0, 18, 0));
        assert!(!is_on(0, 18, 5));
        assert!(is_on(1, 3, 7));
        assert!(is_on(2, 0, 9));
        assert!(!is_on(4, 12, 0));
    }
}
