//! Bucket storage for the radix queue: lists of fixed-size chunks drawn from a shared pool.
//!
//! A radix queue has 2,048 buckets whose sizes swing from empty to hundreds of thousands of
//! entries and back. With one `Vec` per bucket, each bucket would keep the capacity of its
//! largest moment, and the sum of those high-water marks is several times the number of
//! pending events. Chunks fix that: a bucket is a list of `CHUNK`-entry vectors, a drained
//! bucket returns its chunks to a pool shared by all buckets, and the memory held is the
//! peak of the *total* occupancy plus at most one partly filled chunk per non-empty bucket.
//! Entries stay contiguous within a chunk, so draining a bucket is still a sequential scan,
//! and the pool is LIFO, so a chunk just freed (and still in cache) is the next one used.

/// Entries per chunk (512 bytes for a 16-byte entry).
pub(super) const CHUNK: usize = 32;

/// A bucket: full chunks in order, then the partly filled `tail`.
#[derive(Debug)]
pub(super) struct ChunkList<T> {
    len: usize,
    tail: Vec<T>,
    full: Vec<Vec<T>>,
}

impl<T> Default for ChunkList<T> {
    fn default() -> Self {
        Self {
            len: 0,
            tail: Vec::new(),
            full: Vec::new(),
        }
    }
}

impl<T> ChunkList<T> {
    /// Number of entries.
    #[inline]
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Appends `item`, taking a chunk from `pool` when the tail is full (or absent).
    #[inline(always)]
    pub(super) fn push(&mut self, item: T, pool: &mut ChunkPool<T>) {
        if self.tail.len() == self.tail.capacity() {
            self.new_tail(pool);
        }
        self.tail.push(item);
        self.len += 1;
    }

    #[inline(never)]
    fn new_tail(&mut self, pool: &mut ChunkPool<T>) {
        let fresh = pool.take();
        let old = std::mem::replace(&mut self.tail, fresh);
        if old.capacity() > 0 {
            self.full.push(old);
        }
    }

    /// Empties the list, returning its full chunks (in order) and its tail; entries come
    /// out in insertion order by draining the full chunks first, then the tail. Hand the
    /// emptied chunk list back with [`restore`](Self::restore) to keep its capacity.
    #[inline]
    pub(super) fn take_parts(&mut self) -> (Vec<Vec<T>>, Vec<T>) {
        self.len = 0;
        (
            std::mem::take(&mut self.full),
            std::mem::take(&mut self.tail),
        )
    }

    /// Gives back the (emptied) chunk list returned by [`take_parts`](Self::take_parts).
    #[inline]
    pub(super) fn restore(&mut self, emptied: Vec<Vec<T>>) {
        debug_assert!(emptied.is_empty() && self.full.is_empty());
        self.full = emptied;
    }

    /// Capacity of the list of full chunks, in chunks.
    pub(super) fn list_capacity(&self) -> usize {
        self.full.capacity()
    }

    /// Chunks held (full ones plus the tail, if any).
    pub(super) fn chunk_count(&self) -> usize {
        self.full.len() + usize::from(self.tail.capacity() > 0)
    }
}

/// Empty chunks ready for reuse.
#[derive(Debug)]
pub(super) struct ChunkPool<T> {
    free: Vec<Vec<T>>,
    allocated: usize,
}

impl<T> Default for ChunkPool<T> {
    fn default() -> Self {
        Self {
            free: Vec::new(),
            allocated: 0,
        }
    }
}

impl<T> ChunkPool<T> {
    /// An empty chunk with room for `CHUNK` entries (allocated only if the pool is dry).
    #[inline]
    pub(super) fn take(&mut self) -> Vec<T> {
        self.free.pop().unwrap_or_else(|| {
            self.allocated += 1;
            Vec::with_capacity(CHUNK)
        })
    }

    /// Returns an emptied chunk to the pool.
    #[inline]
    pub(super) fn give(&mut self, chunk: Vec<T>) {
        debug_assert!(chunk.is_empty() && chunk.capacity() >= CHUNK);
        self.free.push(chunk);
    }

    /// Chunks ever allocated (in use or free).
    pub(super) fn allocated(&self) -> usize {
        self.allocated
    }

    /// Capacity of the free list, in chunks.
    pub(super) fn free_list_capacity(&self) -> usize {
        self.free.capacity()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drain_returns_entries_in_insertion_order_and_recycles_chunks() {
        let mut pool = ChunkPool::default();
        let mut list = ChunkList::default();
        for i in 0..(CHUNK * 3 + 5) {
            list.push(i, &mut pool);
        }
        assert_eq!(list.len(), CHUNK * 3 + 5);
        assert_eq!(list.chunk_count(), 4);
        let (mut full, mut tail) = list.take_parts();
        let mut seen = Vec::new();
        let mut returned = Vec::new();
        for mut chunk in full.drain(..) {
            seen.append(&mut chunk);
            returned.push(chunk);
        }
        seen.append(&mut tail);
        returned.push(tail);
        list.restore(full);
        assert_eq!(seen, (0..CHUNK * 3 + 5).collect::<Vec<_>>());
        assert_eq!(returned.len(), 4);
        assert_eq!(list.len(), 0);
        for c in returned {
            pool.give(c);
        }
        // Refilling reuses the pooled chunks instead of allocating.
        for i in 0..CHUNK * 4 {
            list.push(i, &mut pool);
        }
        assert_eq!(pool.allocated(), 4);
    }
}
