use crate::id::new_session_id;
use async_trait::async_trait;
use lambda_mcp_core::{Principal, Session, SessionError, SessionId, SessionManager, SessionState};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Sessions kept in this process's memory, expiring after a period of
/// inactivity (1 hour by default).
pub struct MemorySessions {
    sessions: Mutex<HashMap<SessionId, Arc<MemorySession>>>,
    idle_ttl: Duration,
}

/// One in-memory session. Every operation holds the state's lock for the
/// duration of a map access only, so concurrent changes never interleave.
pub struct MemorySession {
    id: SessionId,
    owner: Option<Principal>,
    state: Mutex<SessionState>,
    last_active: Mutex<Instant>,
    idle_ttl: Duration,
    ended: AtomicBool,
}

impl Default for MemorySessions {
    fn default() -> Self {
        MemorySessions::with_idle_ttl(Duration::from_secs(3600))
    }
}

impl MemorySessions {
    /// Sessions that expire after `idle_ttl` without activity.
    pub fn with_idle_ttl(idle_ttl: Duration) -> Self {
        MemorySessions { sessions: Mutex::new(HashMap::new()), idle_ttl }
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<SessionId, Arc<MemorySession>>> {
        self.sessions.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[async_trait]
impl SessionManager for MemorySessions {
    async fn create(&self, owner: Option<&Principal>) -> Result<Arc<dyn Session>, SessionError> {
        let session = Arc::new(MemorySession {
            id: new_session_id(),
            owner: owner.cloned(),
            state: Mutex::new(SessionState::new()),
            last_active: Mutex::new(Instant::now()),
            idle_ttl: self.idle_ttl,
            ended: AtomicBool::new(false),
        });
        let mut map = self.map();
        let ttl = self.idle_ttl;
        map.retain(|_, s| !s.expired(ttl));
        map.insert(session.id.clone(), session.clone());
        Ok(session)
    }

    async fn open(&self, id: &SessionId, caller: Option<&Principal>) -> Result<Arc<dyn Session>, SessionError> {
        let mut map = self.map();
        let session = match map.get(id) {
            Some(s) if s.expired(self.idle_ttl) => {
                map.remove(id);
                return Err(SessionError::NotFound(id.clone()));
            }
            Some(s) => s.clone(),
            None => return Err(SessionError::NotFound(id.clone())),
        };
        if session.owner.is_some() && session.owner.as_ref() != caller {
            return Err(SessionError::Forbidden(id.clone()));
        }
        *session.last_active.lock().unwrap_or_else(PoisonError::into_inner) = Instant::now();
        Ok(session)
    }

    async fn end(&self, id: &SessionId) -> Result<bool, SessionError> {
        let ended = self.map().remove(id);
        if let Some(session) = &ended {
            // Handles still held elsewhere (a transport's cache) learn it at their next `confirm`.
            session.ended.store(true, Ordering::Relaxed);
        }
        Ok(ended.is_some())
    }

    fn ttl(&self) -> Option<Duration> {
        Some(self.idle_ttl)
    }
}

impl MemorySession {
    fn expired(&self, ttl: Duration) -> bool {
        self.last_active.lock().unwrap_or_else(PoisonError::into_inner).elapsed() > ttl
    }

    fn with_state<R>(&self, f: impl FnOnce(&mut SessionState) -> R) -> R {
        f(&mut self.state.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

#[async_trait]
impl Session for MemorySession {
    fn id(&self) -> &SessionId {
        &self.id
    }

    async fn get(&self, key: &str) -> Result<Option<Value>, SessionError> {
        Ok(self.with_state(|s| s.get(key).cloned()))
    }

    async fn set(&self, key: &str, value: Value) -> Result<(), SessionError> {
        self.with_state(|s| s.insert(key.to_owned(), value));
        Ok(())
    }

    async fn remove(&self, key: &str) -> Result<(), SessionError> {
        self.with_state(|s| s.remove(key));
        Ok(())
    }

    async fn increment(&self, key: &str, delta: i64) -> Result<i64, SessionError> {
        self.with_state(|s| {
            let current = match s.get(key) {
                None => 0,
                Some(v) => v
                    .as_i64()
                    .ok_or_else(|| SessionError::NotAnInteger { key: key.to_owned(), found: v.to_string() })?,
            };
            let next = current.checked_add(delta).ok_or_else(|| SessionError::NotAnInteger {
                key: key.to_owned(),
                found: format!("{current} (adding {delta} overflows)"),
            })?;
            s.insert(key.to_owned(), Value::from(next));
            Ok(next)
        })
    }

    async fn update(&self, f: &mut (dyn for<'s> FnMut(&'s mut SessionState) + Send)) -> Result<(), SessionError> {
        f(&mut self.state.lock().unwrap_or_else(PoisonError::into_inner));
        Ok(())
    }

    async fn flush(&self) -> Result<(), SessionError> {
        Ok(())
    }

    /// Every change is made in the shared state at once.
    fn applies_at_once(&self) -> bool {
        true
    }

    /// Ended, or idle past its lifetime when the request arrived (`since`):
    /// `NotFound`; else the request counts as activity at `since` (the clock
    /// is not read again).
    async fn confirm(&self, since: Instant) -> Result<(), SessionError> {
        let mut last_active = self.last_active.lock().unwrap_or_else(PoisonError::into_inner);
        if self.ended.load(Ordering::Relaxed) || since.saturating_duration_since(*last_active) > self.idle_ttl {
            return Err(SessionError::NotFound(self.id.clone()));
        }
        *last_active = (*last_active).max(since);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_mcp_core::SessionHandle;

    #[tokio::test]
    async fn concurrent_increments_are_never_lost() {
        let sessions = Arc::new(MemorySessions::default());
        let session = sessions.create(None).await.unwrap();
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let s = SessionHandle::new(session.clone());
                tokio::spawn(async move {
                    for _ in 0..50 {
                        s.increment("n", 1).await.unwrap();
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        // Seen by another handle with no flush: nothing is kept back for one.
        assert_eq!(SessionHandle::new(session.clone()).get::<i64>("n").await.unwrap(), Some(400));
        assert!(session.applies_at_once());
    }

    #[tokio::test]
    async fn open_checks_owner_expiry_and_end() {
        let sessions = MemorySessions::with_idle_ttl(Duration::from_millis(50));
        let alice = Principal::new("alice");
        let s = sessions.create(Some(&alice)).await.unwrap();
        let id = s.id().clone();
        assert!(sessions.open(&id, Some(&alice)).await.is_ok());
        assert!(matches!(sessions.open(&id, Some(&Principal::new("bob"))).await, Err(SessionError::Forbidden(_))));
        tokio::time::sleep(Duration::from_millis(80)).await;
        assert!(matches!(sessions.open(&id, Some(&alice)).await, Err(SessionError::NotFound(_))));
        let s = sessions.create(None).await.unwrap();
        assert!(sessions.end(s.id()).await.unwrap());
        assert!(!sessions.end(s.id()).await.unwrap());
    }

    #[tokio::test]
    async fn confirm_judges_the_session_when_the_request_arrived() {
        let sessions = MemorySessions::with_idle_ttl(Duration::from_millis(50));
        let s = sessions.create(None).await.unwrap();
        let arrived = Instant::now();
        tokio::time::sleep(Duration::from_millis(80)).await;
        // Alive when the request arrived, however long it then ran; the
        // request counts as activity from its arrival.
        assert!(s.confirm(arrived).await.is_ok());
        assert!(s.confirm(arrived + Duration::from_millis(40)).await.is_ok());
        assert!(matches!(s.confirm(arrived + Duration::from_millis(100)).await, Err(SessionError::NotFound(_))));
        let ended = sessions.create(None).await.unwrap();
        assert!(sessions.end(ended.id()).await.unwrap());
        assert!(matches!(ended.confirm(Instant::now()).await, Err(SessionError::NotFound(_))));
    }

    #[tokio::test]
    async fn typed_helpers_and_update() {
        let sessions = MemorySessions::default();
        let s = SessionHandle::new(sessions.create(None).await.unwrap());
        s.set("name", &"ada").await.unwrap();
        assert_eq!(s.get::<String>("name").await.unwrap().as_deref(), Some("ada"));
        let len = s
            .update(|state| {
                state.insert("list".into(), serde_json::json!([1, 2]));
                state.len()
            })
            .await
            .unwrap();
        assert_eq!(len, 2);
        s.remove("name").await.unwrap();
        assert_eq!(s.get::<String>("name").await.unwrap(), None);
        assert!(matches!(s.increment("list", 1).await, Err(SessionError::NotAnInteger { .. })));
    }
}
