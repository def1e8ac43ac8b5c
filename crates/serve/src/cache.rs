//! The result cache: a finished job's stored result under the key of its request (every
//! input text or bundled name, the kind, the resolved replications, seed and options), so
//! that an identical request is answered at once with the same bytes. A simulation's result
//! depends only on those (the determinism rule: not on the thread count), so a cached
//! result is the one a new run would give. Bounded by entries and by bytes (keys and
//! compressed results together); the least recently used entry goes first. Only jobs that
//! finished are cached: a failed or cancelled one runs again.

use std::collections::VecDeque;
use std::sync::Arc;

use crate::stored::Stored;

/// The bounds of the cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheLimits {
    /// Results kept (0: no cache).
    pub entries: usize,
    /// Bytes kept, keys and compressed results together; a result larger than this is not
    /// cached.
    pub bytes: usize,
}

impl Default for CacheLimits {
    fn default() -> Self {
        CacheLimits {
            entries: 32,
            bytes: 8 << 20,
        }
    }
}

/// Results by request key, most recently used last.
#[derive(Debug, Default)]
pub struct Cache {
    limits: CacheLimits,
    entries: VecDeque<(Vec<u8>, Arc<Stored>, u64)>,
    bytes: usize,
}

impl Cache {
    /// An empty cache bounded by `limits`.
    pub fn new(limits: CacheLimits) -> Cache {
        Cache {
            limits,
            entries: VecDeque::new(),
            bytes: 0,
        }
    }

    /// The result stored under `key` and the events its job simulated, now the most recently
    /// used.
    pub fn get(&mut self, key: &[u8]) -> Option<(Arc<Stored>, u64)> {
        let at = self.entries.iter().position(|(k, _, _)| k == key)?;
        let entry = self.entries.remove(at)?;
        let found = (Arc::clone(&entry.1), entry.2);
        self.entries.push_back(entry);
        Some(found)
    }

    /// Keeps `stored`, whose job simulated `events` events, under `key`, forgetting the least
    /// recently used entries beyond the bounds.
    pub fn put(&mut self, key: Vec<u8>, stored: Arc<Stored>, events: u64) {
        let size = key.len() + stored.size();
        if self.limits.entries == 0 || size > self.limits.bytes {
            return;
        }
        if let Some(at) = self.entries.iter().position(|(k, _, _)| *k == key)
            && let Some((k, s, _)) = self.entries.remove(at)
        {
            self.bytes -= k.len() + s.size();
        }
        while self.entries.len() >= self.limits.entries || self.bytes + size > self.limits.bytes {
            match self.entries.pop_front() {
                Some((k, s, _)) => self.bytes -= k.len() + s.size(),
                None => break,
            }
        }
        self.bytes += size;
        self.entries.push_back((key, stored, events));
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Bytes held, keys and compressed results.
    pub fn bytes(&self) -> usize {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored() -> Arc<Stored> {
        Arc::new(Stored::of_json(b"{\"a\": 1}\n"))
    }

    #[test]
    fn the_least_recently_used_entry_goes_first_and_the_bounds_hold() {
        let s = stored();
        let size = s.size();
        let mut cache = Cache::new(CacheLimits {
            entries: 2,
            bytes: 10 * (size + 1),
        });
        cache.put(b"a".to_vec(), Arc::clone(&s), 0);
        cache.put(b"b".to_vec(), Arc::clone(&s), 0);
        assert!(cache.get(b"a").is_some());
        cache.put(b"c".to_vec(), Arc::clone(&s), 0);
        assert_eq!(cache.len(), 2);
        assert!(cache.get(b"b").is_none(), "b was the least recently used");
        assert!(cache.get(b"a").is_some() && cache.get(b"c").is_some());
        assert_eq!(cache.bytes(), 2 * (size + 1));
        // Replacing a key does not count it twice.
        cache.put(b"c".to_vec(), Arc::clone(&s), 0);
        assert_eq!(cache.bytes(), 2 * (size + 1));

        // A byte bound of one entry keeps one; a result over it is not kept at all.
        let mut small = Cache::new(CacheLimits {
            entries: 10,
            bytes: size + 1,
        });
        small.put(b"a".to_vec(), Arc::clone(&s), 0);
        small.put(b"b".to_vec(), Arc::clone(&s), 0);
        assert_eq!(small.len(), 1);
        assert!(small.get(b"b").is_some());
        small.put(b"longer key".to_vec(), Arc::clone(&s), 0);
        assert_eq!(small.len(), 1);
        assert!(small.get(b"b").is_some());
        let mut none = Cache::new(CacheLimits {
            entries: 0,
            bytes: 1 << 20,
        });
        none.put(b"a".to_vec(), s, 0);
        assert!(none.is_empty());
    }
}
