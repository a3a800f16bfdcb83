//! [`MemoryStore`]: the [`SessionStore`] contract in this process's memory,
//! with the same conditions as the DynamoDB store.

use crate::store::{BoxError, Change, SessionStore, StoreError, StoredSession, Write};
use async_trait::async_trait;
use lambda_mcp_core::{SessionId, SessionState};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

/// Sessions in a map, for tests, benchmarks and single-process runs behind
/// the session actor. (For the simplest embedded case,
/// [`crate::MemorySessions`] skips the actor altogether.)
#[derive(Debug, Default)]
pub struct MemoryStore {
    items: Mutex<HashMap<SessionId, StoredSession>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        MemoryStore::default()
    }

    fn items(&self) -> std::sync::MutexGuard<'_, HashMap<SessionId, StoredSession>> {
        self.items.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[async_trait]
impl SessionStore for MemoryStore {
    async fn create(&self, id: &SessionId, session: &StoredSession) -> Result<(), StoreError> {
        let mut items = self.items();
        if items.contains_key(id) {
            return Err(StoreError::AlreadyExists(id.clone()));
        }
        items.insert(id.clone(), session.clone());
        Ok(())
    }

    async fn load(&self, id: &SessionId, now: u64) -> Result<Option<StoredSession>, StoreError> {
        Ok(self.items().get(id).filter(|s| !s.expired(now)).cloned())
    }

    async fn write(&self, id: &SessionId, write: &Write, now: u64) -> Result<StoredSession, StoreError> {
        let mut items = self.items();
        let Some(item) = items.get_mut(id).filter(|s| !s.expired(now)) else {
            return Err(StoreError::NotFound);
        };
        if write.expected_version.is_some_and(|v| v != item.version) {
            return Err(StoreError::Conflict { current: Box::new(item.clone()) });
        }
        // All or nothing, as one UpdateItem.
        let state = match &write.replace_state {
            Some(state) => state.clone(),
            None => {
                let mut state = item.state.clone();
                apply(&mut state, &write.changes).map_err(StoreError::NotANumber)?;
                state
            }
        };
        item.state = state;
        item.expires_at = write.expires_at;
        if write.bump_version {
            item.version += 1;
        }
        if let Some((who, until)) = &write.yield_to {
            item.yield_to = Some(who.clone());
            item.yield_until_ms = *until;
        }
        Ok(item.clone())
    }

    async fn delete(&self, id: &SessionId, now: u64) -> Result<bool, StoreError> {
        Ok(self.items().remove(id).is_some_and(|s| !s.expired(now)))
    }
}

/// Applies changes to a state, as the store would.
pub(crate) fn apply(state: &mut SessionState, changes: &[(String, Change)]) -> Result<(), BoxError> {
    for (key, change) in changes {
        match change {
            Change::Set(value) => {
                state.insert(key.clone(), value.clone());
            }
            Change::Remove => {
                state.remove(key);
            }
            Change::Add(delta) => {
                let current = match state.get(key) {
                    None => 0,
                    Some(v) => v.as_i64().ok_or_else(|| format!("`{key}` holds {v}"))?,
                };
                let next = current.checked_add(*delta).ok_or_else(|| format!("`{key}` overflows"))?;
                state.insert(key.clone(), Value::from(next));
            }
        }
    }
    Ok(())
}
