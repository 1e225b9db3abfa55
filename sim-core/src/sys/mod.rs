//! The process's own memory use, as Linux reports it in `/proc/self/status`: the one
//! reader behind the `peak_rss_kib=` figures of `fabricsim bench` and `phold-compare`.

/// Peak resident set size of this process in KiB (Linux `VmHWM`), if the platform
/// reports it.
pub fn peak_rss_kib() -> Option<u64> {
    proc_status_kib("VmHWM:")
}

/// Current resident set size of this process in KiB (Linux `VmRSS`), if the platform
/// reports it.
pub fn current_rss_kib() -> Option<u64> {
    proc_status_kib("VmRSS:")
}

/// A `kB` field of `/proc/self/status`.
fn proc_status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_os = "linux")]
    fn linux_reports_a_peak_at_least_the_current_size() {
        let peak = peak_rss_kib().expect("VmHWM on Linux");
        let now = current_rss_kib().expect("VmRSS on Linux");
        assert!(peak >= now && now > 0, "peak {peak} KiB, now {now} KiB");
    }
}
