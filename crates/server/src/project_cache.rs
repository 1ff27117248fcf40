//! Serialized project responses keyed by project and revision: a read whose revision has not
//! moved is answered without loading or serializing the project again. Every write moves the
//! revision in the database, so entries can never be stale, even with several processes.

use std::collections::HashMap;
use std::sync::Mutex;

use bytes::Bytes;

use annohub_domain::Id;

/// Bodies larger than this are not kept.
const MAX_ENTRY_BYTES: usize = 1024 * 1024;

/// A bounded map from project id to its latest serialized response.
pub struct ProjectCache {
    budget_bytes: usize,
    inner: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    map: HashMap<Id, (i64, Bytes)>,
    bytes: usize,
}

impl ProjectCache {
    /// A cache holding at most `budget_bytes` of response bodies.
    pub fn new(budget_bytes: usize) -> Self {
        Self {
            budget_bytes,
            inner: Mutex::new(Entries::default()),
        }
    }

    /// The cached body of `id` if it is of `revision`.
    pub fn get(&self, id: &Id, revision: i64) -> Option<Bytes> {
        let inner = self.inner.lock().expect("project cache lock");
        inner
            .map
            .get(id)
            .filter(|(cached, _)| *cached == revision)
            .map(|(_, body)| body.clone())
    }

    /// Keeps `body` as the response of `id` at `revision`, unless a newer one is kept already.
    pub fn put(&self, id: Id, revision: i64, body: Bytes) {
        if body.len() > MAX_ENTRY_BYTES || body.len() > self.budget_bytes {
            return;
        }
        let mut inner = self.inner.lock().expect("project cache lock");
        if inner
            .map
            .get(&id)
            .is_some_and(|(cached, _)| *cached >= revision)
        {
            return;
        }
        if let Some((_, old)) = inner.map.remove(&id) {
            inner.bytes -= old.len();
        }
        while inner.bytes + body.len() > self.budget_bytes {
            let Some(victim) = inner.map.keys().next().cloned() else {
                break;
            };
            if let Some((_, old)) = inner.map.remove(&victim) {
                inner.bytes -= old.len();
            }
        }
        inner.bytes += body.len();
        inner.map.insert(id, (revision, body));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serves_only_the_cached_revision_and_keeps_the_newest() {
        let cache = ProjectCache::new(1024);
        let id = Id::generate();
        cache.put(id.clone(), 2, Bytes::from_static(b"two"));
        assert_eq!(cache.get(&id, 2).as_deref(), Some(&b"two"[..]));
        assert!(cache.get(&id, 3).is_none());
        cache.put(id.clone(), 1, Bytes::from_static(b"one"));
        assert_eq!(
            cache.get(&id, 2).as_deref(),
            Some(&b"two"[..]),
            "an older revision replaced a newer one"
        );
    }

    #[test]
    fn stays_within_its_budget() {
        let cache = ProjectCache::new(10);
        let ids: Vec<Id> = (0..5).map(|_| Id::generate()).collect();
        for id in &ids {
            cache.put(id.clone(), 1, Bytes::from_static(b"abcd"));
        }
        assert!(cache.inner.lock().unwrap().bytes <= 10);
        assert!(ids.iter().filter(|id| cache.get(id, 1).is_some()).count() <= 2);
    }
}
