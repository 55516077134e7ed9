//! Isolated instances for parallel tests, each served under `/sessions/<id>/api/v2.0`.
//!
//! A session forks the main instance's initial state (its tables are shared, not copied), so
//! creating one costs O(1) and it grows only with what it changes. Sessions idle longer than
//! the TTL (`--session-ttl`, off by default) are dropped, found as gone by any request as an
//! unknown one would be; at most [`MAX_SESSIONS`] live at once.

use parking_lot::{Mutex, RwLock};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::instance::Instance;
use crate::datetime::format_millis;
use crate::store::fixtures::InvalidEntry;

/// Most sessions alive at once.
pub const MAX_SESSIONS: usize = 1024;

/// Why a session could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The fixtures given for it are invalid.
    #[error("invalid fixtures: {0}")]
    Fixtures(#[from] InvalidEntry),
    /// [`MAX_SESSIONS`] are alive.
    #[error("too many sessions ({MAX_SESSIONS}); delete some first")]
    TooMany,
}

/// A live session: its instance and when it was made and last used (real time, not the
/// instance's clock).
struct Session {
    instance: Arc<Instance>,
    created: SystemTime,
    used: Mutex<(Instant, SystemTime)>,
}

impl Session {
    fn idle_for(&self, now: Instant) -> Duration {
        now.saturating_duration_since(self.used.lock().0)
    }
}

/// A session as `GET /_mock/sessions` lists it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SessionInfo {
    /// The id in `/sessions/<id>/...`.
    pub id: String,
    /// When it was made (RFC 3339, real time).
    pub created: String,
    /// When a request last reached it (RFC 3339, real time).
    pub last_used: String,
    /// Robots it holds.
    pub robots: usize,
}

/// The live sessions by id.
#[derive(Default)]
pub struct Sessions {
    map: RwLock<HashMap<String, Arc<Session>>>,
    ttl: Option<Duration>,
}

impl Sessions {
    /// No sessions yet; those idle longer than `ttl` (if any) will be dropped.
    pub fn new(ttl: Option<Duration>) -> Sessions {
        Sessions {
            map: RwLock::default(),
            ttl,
        }
    }

    /// The instance of session `id`, marked as used now; `None` when there is none or it has
    /// expired (it is dropped then).
    pub fn get(&self, id: &str) -> Option<Arc<Instance>> {
        let now = Instant::now();
        let session = self.map.read().get(id).cloned()?;
        if self.expired(&session, now) {
            self.map.write().remove(id);
            return None;
        }
        *session.used.lock() = (now, SystemTime::now());
        Some(session.instance.clone())
    }

    /// Registers a session, after dropping the expired ones.
    pub fn insert(&self, id: String, instance: Arc<Instance>) -> Result<(), SessionError> {
        self.sweep();
        let mut map = self.map.write();
        if map.len() >= MAX_SESSIONS {
            return Err(SessionError::TooMany);
        }
        let now = SystemTime::now();
        map.insert(
            id,
            Arc::new(Session {
                instance,
                created: now,
                used: Mutex::new((Instant::now(), now)),
            }),
        );
        Ok(())
    }

    /// Drops a session; `false` if there was none (or it had expired).
    pub fn remove(&self, id: &str) -> bool {
        let removed = self.map.write().remove(id);
        removed.is_some_and(|s| !self.expired(&s, Instant::now()))
    }

    /// Drops every session idle longer than the TTL; returns how many.
    pub fn sweep(&self) -> usize {
        let Some(ttl) = self.ttl else {
            return 0;
        };
        let now = Instant::now();
        let mut map = self.map.write();
        let before = map.len();
        map.retain(|_, s| s.idle_for(now) <= ttl);
        before - map.len()
    }

    /// The live sessions, oldest first.
    pub fn list(&self) -> Vec<SessionInfo> {
        self.sweep();
        let mut sessions: Vec<(SystemTime, SessionInfo)> = self
            .map
            .read()
            .iter()
            .map(|(id, s)| {
                let info = SessionInfo {
                    id: id.clone(),
                    created: wall_time(s.created),
                    last_used: wall_time(s.used.lock().1),
                    robots: s.instance.store.robot_count(),
                };
                (s.created, info)
            })
            .collect();
        sessions.sort_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
        sessions.into_iter().map(|(_, info)| info).collect()
    }

    /// The id of the session whose instance is `instance`, if it is one (without marking it
    /// used).
    pub fn id_of(&self, instance: &Arc<Instance>) -> Option<String> {
        self.map
            .read()
            .iter()
            .find(|(_, s)| Arc::ptr_eq(&s.instance, instance))
            .map(|(id, _)| id.clone())
    }

    /// The TTL, if sessions expire.
    pub fn ttl(&self) -> Option<Duration> {
        self.ttl
    }

    /// Number of live sessions (expired ones not yet swept included).
    pub fn len(&self) -> usize {
        self.map.read().len()
    }

    /// Whether no session is alive.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn expired(&self, session: &Session, now: Instant) -> bool {
        self.ttl.is_some_and(|ttl| session.idle_for(now) > ttl)
    }
}

fn wall_time(time: SystemTime) -> String {
    let ms = time
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    format_millis(ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::instance::Settings;
    use crate::store::fixtures::Fixtures;

    fn instance() -> Arc<Instance> {
        Arc::new(Instance::new(Fixtures::default(), &Settings::default(), Some(1)).unwrap())
    }

    #[test]
    fn idle_sessions_expire_and_read_as_unknown() {
        let sessions = Sessions::new(Some(Duration::from_millis(50)));
        sessions.insert("a".into(), instance()).unwrap();
        sessions.insert("b".into(), instance()).unwrap();
        assert!(sessions.get("a").is_some());
        // Backdate b's last use past the TTL rather than sleeping.
        let b = sessions.map.read()["b"].clone();
        b.used.lock().0 = Instant::now() - Duration::from_secs(1);
        assert!(sessions.get("b").is_none());
        assert!(!sessions.remove("b"), "gone, as an unknown session");
        assert_eq!(sessions.len(), 1);
        let a = sessions.map.read()["a"].clone();
        a.used.lock().0 = Instant::now() - Duration::from_secs(1);
        assert_eq!(sessions.sweep(), 1);
        assert!(sessions.is_empty());
    }

    #[test]
    fn without_a_ttl_sessions_live_until_deleted_and_are_listed_oldest_first() {
        let sessions = Sessions::new(None);
        for id in ["x", "y"] {
            sessions.insert(id.into(), instance()).unwrap();
        }
        let old = sessions.map.read()["y"].clone();
        old.used.lock().0 = Instant::now() - Duration::from_secs(86_400);
        assert_eq!(sessions.sweep(), 0);
        let listed = sessions.list();
        assert_eq!(listed.len(), 2);
        let y = sessions.map.read()["y"].instance.clone();
        assert_eq!(sessions.id_of(&y).as_deref(), Some("y"));
        assert_eq!(sessions.id_of(&instance()), None);
        assert_eq!(listed[0].robots, 0);
        assert!(sessions.remove("x"));
        assert!(!sessions.remove("x"));
    }
}
