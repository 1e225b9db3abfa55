//! FNV-1a 64: the one stable byte hash of the workspace (random stream keys, sweep run ids
//! and scenario fingerprints), written out so that a hash never changes between releases.

/// FNV-1a 64-bit offset basis: the state before any byte.
pub const FNV_OFFSET: u64 = 0xCBF2_9CE4_8422_2325;
/// FNV-1a 64-bit prime.
const FNV_PRIME: u64 = 0x0000_0100_0000_01B3;

/// Continues an FNV-1a 64 hash over `bytes`, starting from `hash` ([`FNV_OFFSET`] for a
/// fresh hash), so `fnv1a64(fnv1a64(FNV_OFFSET, a), b)` is the hash of `a` then `b`.
///
/// Written out rather than taken from `std::hash`, whose hashers are randomly keyed or
/// unspecified across releases: a stream's seed or a run's id must never change.
///
/// ```
/// use sim_core::hash::{FNV_OFFSET, fnv1a64};
/// assert_eq!(fnv1a64(FNV_OFFSET, b"a"), 0xAF63_DC4C_8601_EC8C);
/// ```
pub const fn fnv1a64(mut hash: u64, bytes: &[u8]) -> u64 {
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(FNV_PRIME);
        i += 1;
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_matches_published_test_vectors() {
        // From the FNV reference test suite (isthe.com/chongo/tech/comp/fnv).
        assert_eq!(fnv1a64(FNV_OFFSET, b""), 0xCBF2_9CE4_8422_2325);
        assert_eq!(fnv1a64(FNV_OFFSET, b"a"), 0xAF63_DC4C_8601_EC8C);
        assert_eq!(fnv1a64(FNV_OFFSET, b"foobar"), 0x8594_4171_F739_67E8);
    }

    #[test]
    fn fnv1a64_continues_across_calls() {
        let whole = fnv1a64(FNV_OFFSET, b"failure/node");
        let split = fnv1a64(fnv1a64(FNV_OFFSET, b"failure/"), b"node");
        assert_eq!(whole, split);
    }
}
