//! Time to move N bytes between two sites (checkpoints, migrations) over one WAN path.
//!
//! ```text
//! t = s · RTT + 8 N / min(B, 8 W / RTT)
//! ```
//!
//! * `N` bytes to move; `t = 0` when `N = 0`.
//! * `RTT` round-trip time of the path, s.
//! * `s` setup round trips before data flows ([`TransferParams::setup_rtts`], default 2:
//!   TCP handshake, then request to first byte). Slow start is not modelled separately;
//!   bulk transfers use many parallel streams that reach line rate within a few RTTs, which
//!   a larger `s` can absorb.
//! * `B` path bandwidth, bit/s: the goodput available to the transfer (the link's
//!   Gbit/s; lower it in the scenario for protocol overhead or sharing).
//! * `W` optional in-flight window, bytes, summed over all streams
//!   ([`TransferParams::window_bytes`], default none): with one, throughput is capped at
//!   `8 W / RTT` (e.g. 64 MiB over 100 ms caps at 5.4 Gbit/s).
//!
//! A zero bandwidth (a partitioned link) makes the transfer never finish:
//! [`SimDuration::MAX`].

use sim_core::time::SimDuration;

/// Parameters of the transfer-time formula (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TransferParams {
    /// Round trips before data flows (`s`).
    pub setup_rtts: f64,
    /// In-flight window summed over streams, bytes (`W`); `None` means the window never
    /// limits throughput.
    pub window_bytes: Option<f64>,
}

impl Default for TransferParams {
    fn default() -> Self {
        Self {
            setup_rtts: 2.0,
            window_bytes: None,
        }
    }
}

impl TransferParams {
    /// Throughput of a transfer over a path of `rtt_ms` and `gbit`, Gbit/s:
    /// `min(B, 8 W / RTT)`.
    pub fn throughput_gbit(&self, rtt_ms: f64, gbit: f64) -> f64 {
        match self.window_bytes {
            Some(w) if rtt_ms > 0.0 => gbit.min(8.0 * w / (rtt_ms * 1e-3) / 1e9),
            _ => gbit,
        }
    }

    /// Seconds to move `bytes` over a path of `rtt_ms` and `gbit` (infinite when the
    /// throughput is zero).
    pub fn secs(&self, bytes: f64, rtt_ms: f64, gbit: f64) -> f64 {
        debug_assert!(
            bytes >= 0.0 && rtt_ms >= 0.0 && gbit >= 0.0,
            "transfer inputs must be non-negative: {bytes} B, {rtt_ms} ms, {gbit} Gbit/s"
        );
        if bytes == 0.0 {
            return 0.0;
        }
        let bits_per_s = self.throughput_gbit(rtt_ms, gbit) * 1e9;
        self.setup_rtts * rtt_ms * 1e-3 + 8.0 * bytes / bits_per_s
    }

    /// [`TransferParams::secs`] as a duration, rounded to the nanosecond;
    /// [`SimDuration::MAX`] if it does not fit (a zero bandwidth included).
    pub fn time(&self, bytes: f64, rtt_ms: f64, gbit: f64) -> SimDuration {
        SimDuration::from_secs_f64(self.secs(bytes, rtt_ms, gbit)).unwrap_or(SimDuration::MAX)
    }
}

/// Time to move `bytes` over a path of `rtt_ms` and `gbit` with the default
/// [`TransferParams`]: `2 RTT + 8 N / B`.
pub fn transfer_time(bytes: f64, rtt_ms: f64, gbit: f64) -> SimDuration {
    TransferParams::default().time(bytes, rtt_ms, gbit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoint_over_the_atlantic_by_hand() {
        // 2 TB over 400 Gbit/s at 76 ms: 2 x 0.076 + 16e12 / 400e9 = 0.152 + 40 = 40.152 s.
        let t = transfer_time(2e12, 76.0, 400.0);
        assert_eq!(t, SimDuration::from_millis(40_152));
    }

    #[test]
    fn window_caps_throughput_on_long_paths() {
        let p = TransferParams {
            setup_rtts: 3.0,
            window_bytes: Some(64.0 * 1024.0 * 1024.0),
        };
        // 8 x 67,108,864 B / 0.1 s = 5.368709 Gbit/s < 400.
        let g = p.throughput_gbit(100.0, 400.0);
        assert!((g - 5.368_709_12).abs() < 1e-9, "{g}");
        // 10 GB: 3 x 0.1 + 8e10 / 5.36870912e9 = 0.3 + 14.901161... s.
        let s = p.secs(10e9, 100.0, 400.0);
        assert!((s - (0.3 + 80.0 / 5.368_709_12)).abs() < 1e-9, "{s}");
        // A short path is bandwidth-bound: 8 x 64 MiB / 1 ms = 536.9 Gbit/s > 400.
        assert_eq!(p.throughput_gbit(1.0, 400.0), 400.0);
        assert_eq!(p.throughput_gbit(0.0, 400.0), 400.0);
    }

    #[test]
    fn zero_bytes_take_no_time_and_zero_bandwidth_never_ends() {
        assert_eq!(transfer_time(0.0, 80.0, 100.0), SimDuration::ZERO);
        assert_eq!(transfer_time(1.0, 80.0, 0.0), SimDuration::MAX);
    }

    #[test]
    fn infinite_bandwidth_leaves_the_setup_round_trips() {
        assert_eq!(
            transfer_time(1e9, 1.0, f64::INFINITY),
            SimDuration::from_millis(2)
        );
    }
}
