//! Named random streams: one independent, reproducible generator per (master seed, key).

use rand::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::{SplitMix64, mix64};
use crate::hash::{FNV_OFFSET, fnv1a64};

/// Separates a key from its index in [`stream_seed_indexed`]. `0xFF` never occurs in
/// UTF-8, so no `&str` key can hash the same bytes as a (key, index) pair.
const INDEX_SEPARATOR: u8 = 0xFF;

/// Combines the master seed with a key hash: `mix64(mix64(master_seed) ^ key_hash)`.
///
/// Mixing the master seed first spreads nearby seeds (0, 1, 2, ...) over all 64 bits
/// before they meet the key; the outer `mix64` lets every input bit reach every output bit.
#[inline]
const fn combine(master_seed: u64, key_hash: u64) -> u64 {
    mix64(mix64(master_seed) ^ key_hash)
}

/// The 64-bit seed of stream `key` under `master_seed`.
///
/// The recipe, fixed forever because every simulation's random future depends on it:
///
/// 1. `h = FNV-1a-64(key as UTF-8 bytes)` (offset basis `0xCBF29CE484222325`,
///    prime `0x100000001B3`);
/// 2. `seed = mix64(mix64(master_seed) ^ h)`, with [`mix64`] the SplitMix64 finaliser;
/// 3. [`StreamRng::from_stream_seed`] then expands `seed` into the 256-bit
///    Xoshiro256++ state with four [`SplitMix64`] outputs.
///
/// The result depends on `master_seed` and `key` only, never on which other streams exist.
///
/// ```
/// use sim_core::rng::{stream_seed, RngStreams};
/// use rand::RngCore;
/// let mut a = RngStreams::new(7).stream("arrival/training");
/// let mut b = sim_core::rng::StreamRng::from_stream_seed(stream_seed(7, "arrival/training"));
/// assert_eq!(a.next_u64(), b.next_u64());
/// ```
#[inline]
pub const fn stream_seed(master_seed: u64, key: &str) -> u64 {
    combine(master_seed, fnv1a64(FNV_OFFSET, key.as_bytes()))
}

/// The 64-bit seed of member `index` of the stream family `key` under `master_seed`.
///
/// Same recipe as [`stream_seed`], except that the FNV-1a hash runs over the key's UTF-8
/// bytes, then the byte `0xFF`, then the 8 little-endian bytes of `index`. Since `0xFF`
/// is never part of UTF-8, an indexed stream can never coincide with a plain one
/// (up to 64-bit hash collisions), and no string is formatted.
#[inline]
pub const fn stream_seed_indexed(master_seed: u64, key: &str, index: u64) -> u64 {
    let h = fnv1a64(FNV_OFFSET, key.as_bytes());
    let h = fnv1a64(h, &[INDEX_SEPARATOR]);
    combine(master_seed, fnv1a64(h, &index.to_le_bytes()))
}

/// The factory of all random streams of one run, identified by its master seed.
///
/// A `Copy` handle holding only the seed: it keeps no generator state, so handing out
/// a stream never disturbs another. See the [module docs](super) for the key convention.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RngStreams {
    master_seed: u64,
}

impl RngStreams {
    /// The streams of a run with this master seed.
    pub const fn new(master_seed: u64) -> Self {
        Self { master_seed }
    }

    /// The master seed these streams derive from.
    pub const fn master_seed(&self) -> u64 {
        self.master_seed
    }

    /// A fresh generator for `key`, such as `"failure/site/aws-use1"`.
    ///
    /// Calling this twice with the same key returns two generators at the same start.
    pub fn stream(&self, key: &str) -> StreamRng {
        StreamRng::from_stream_seed(stream_seed(self.master_seed, key))
    }

    /// A fresh generator for entity `index` of the family `key`, such as
    /// `("failure/node", 1234)`, without formatting a string. *O*(`key.len()`).
    pub fn stream_indexed(&self, key: &str, index: u64) -> StreamRng {
        StreamRng::from_stream_seed(stream_seed_indexed(self.master_seed, key, index))
    }
}

/// One random stream: a Xoshiro256++ generator seeded by [`stream_seed`].
///
/// Implements [`RngCore`], so every [`rand::Rng`] method and `rand_distr` distribution
/// works on it. Cloning forks the stream: the clone replays the same future.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamRng {
    inner: Xoshiro256PlusPlus,
}

impl StreamRng {
    /// The generator for a 64-bit stream seed: the Xoshiro256++ state words are the next
    /// four outputs of `SplitMix64::new(seed)`, in order, each stored little-endian.
    ///
    /// Four consecutive SplitMix64 outputs are never all zero, so the state is valid.
    pub fn from_stream_seed(seed: u64) -> Self {
        let mut sm = SplitMix64::new(seed);
        let mut bytes = [0u8; 32];
        for chunk in bytes.chunks_exact_mut(8) {
            chunk.copy_from_slice(&sm.next().to_le_bytes());
        }
        Self {
            inner: Xoshiro256PlusPlus::from_seed(bytes),
        }
    }
}

impl RngCore for StreamRng {
    #[inline]
    fn next_u32(&mut self) -> u32 {
        self.inner.next_u32()
    }

    #[inline]
    fn next_u64(&mut self) -> u64 {
        self.inner.next_u64()
    }

    #[inline]
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        self.inner.fill_bytes(dest);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_follows_the_documented_recipe() {
        let key = "failure/site/aws-use1";
        let seed = mix64(mix64(42) ^ fnv1a64(FNV_OFFSET, key.as_bytes()));
        assert_eq!(stream_seed(42, key), seed);

        let mut sm = SplitMix64::new(seed);
        let mut bytes = [0u8; 32];
        for i in 0..4 {
            bytes[8 * i..8 * i + 8].copy_from_slice(&sm.next().to_le_bytes());
        }
        let mut expected = Xoshiro256PlusPlus::from_seed(bytes);
        let mut got = RngStreams::new(42).stream(key);
        for _ in 0..8 {
            assert_eq!(got.next_u64(), expected.next_u64());
        }
    }

    #[test]
    fn indexed_seed_hashes_key_separator_and_index() {
        let mut bytes = b"failure/node".to_vec();
        bytes.push(0xFF);
        bytes.extend_from_slice(&1234u64.to_le_bytes());
        let h = fnv1a64(FNV_OFFSET, &bytes);
        assert_eq!(stream_seed_indexed(9, "failure/node", 1234), combine(9, h));
    }

    #[test]
    fn indexed_stream_differs_from_plain_stream() {
        let streams = RngStreams::new(1);
        assert_ne!(
            streams.stream("failure/node").next_u64(),
            streams.stream_indexed("failure/node", 0).next_u64()
        );
    }
}
