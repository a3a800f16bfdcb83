//! Pure logic of the write-back cache: the changes waiting to be written,
//! what the cache shows while they wait, and how many of them one
//! `UpdateItem` can carry.

use super::Answer;
use crate::store::Change;
use lambda_mcp_core::SessionState;
use serde_json::Value;
use std::collections::HashMap;

/// A change made by a tool and not yet acknowledged by the store.
pub(crate) struct Pending {
    /// Its place in the order of this session's changes.
    pub(crate) seq: u64,
    /// The request (scope) that made it: a write carries one scope's changes.
    pub(crate) scope: u64,
    pub(crate) key: String,
    pub(crate) op: Op,
}

pub(crate) enum Op {
    Set(Value),
    Remove,
    /// An atomic add; its caller waits for the new value.
    Add {
        delta: i64,
        reply: Answer<i64>,
    },
}

/// How an add learns its result once the write returns.
pub(crate) enum AddResult {
    /// The value was known from a `set` earlier in the same write.
    Known(i64),
    /// The stored value after the write, minus the adds to the same key
    /// that come later in the write (the write applies them in order,
    /// atomically).
    Stored { key: String, later: i64 },
}

/// What one write carries: the first `taken` pending changes, merged into
/// one change per key, and the result rule of each add among them.
pub(crate) struct Plan {
    pub(crate) taken: usize,
    pub(crate) changes: Vec<(String, Change)>,
    pub(crate) adds: Vec<AddResult>,
}

enum KeyState {
    /// The key's value after the write is known here.
    Known(Option<Value>),
    /// The key gets the stored value plus this total.
    Adding(i64),
}

/// Plans a write for the longest prefix of `pending` (one scope's changes,
/// in order) that one `UpdateItem` can express: a `set` or `remove` after
/// an add to the same key would need the stored value, so the prefix stops
/// there (the rest goes in the next write).
pub(crate) fn plan<'a>(pending: impl IntoIterator<Item = &'a Pending>) -> Plan {
    let mut keys: HashMap<&str, KeyState> = HashMap::new();
    let mut order: Vec<&str> = Vec::new();
    let mut adds: Vec<(String, i64, Option<i64>)> = Vec::new();
    let mut taken = 0;
    for p in pending {
        let state = keys.get(p.key.as_str());
        let next = match (&p.op, state) {
            (Op::Set(_) | Op::Remove, Some(KeyState::Adding(_))) => break,
            (Op::Set(v), _) => KeyState::Known(Some(v.clone())),
            (Op::Remove, _) => KeyState::Known(None),
            (Op::Add { delta, .. }, None) => {
                adds.push((p.key.clone(), *delta, None));
                KeyState::Adding(*delta)
            }
            (Op::Add { delta, .. }, Some(KeyState::Adding(total))) => match total.checked_add(*delta) {
                Some(t) => {
                    adds.push((p.key.clone(), t, None));
                    KeyState::Adding(t)
                }
                None => break,
            },
            (Op::Add { delta, .. }, Some(KeyState::Known(v))) => {
                let current = match v {
                    None => Some(0),
                    Some(v) => v.as_i64(),
                };
                match current.and_then(|c| c.checked_add(*delta)) {
                    Some(n) => {
                        adds.push((p.key.clone(), 0, Some(n)));
                        KeyState::Known(Some(Value::from(n)))
                    }
                    // Refused when it was made; cannot happen here.
                    None => break,
                }
            }
        };
        if !keys.contains_key(p.key.as_str()) {
            order.push(p.key.as_str());
        }
        keys.insert(p.key.as_str(), next);
        taken += 1;
    }
    let totals: HashMap<&str, i64> = keys
        .iter()
        .filter_map(|(k, s)| match s {
            KeyState::Adding(t) => Some((*k, *t)),
            KeyState::Known(_) => None,
        })
        .collect();
    let adds = adds
        .into_iter()
        .map(|(key, cumulative, known)| match known {
            Some(n) => AddResult::Known(n),
            None => {
                let later = totals.get(key.as_str()).copied().unwrap_or(0) - cumulative;
                AddResult::Stored { key, later }
            }
        })
        .collect();
    let changes = order
        .into_iter()
        .map(|k| {
            let change = match keys.remove(k).expect("every ordered key has a state") {
                KeyState::Known(Some(v)) => Change::Set(v),
                KeyState::Known(None) => Change::Remove,
                KeyState::Adding(t) => Change::Add(t),
            };
            (k.to_owned(), change)
        })
        .collect();
    Plan { taken, changes, adds }
}

/// Applies one change to a value the way the store will (an add to a
/// value that is not an integer leaves it; the store will refuse it).
pub(crate) fn apply_op(value: &mut Option<Value>, op: &Op) {
    match op {
        Op::Set(v) => *value = Some(v.clone()),
        Op::Remove => *value = None,
        Op::Add { delta, .. } => match value {
            None => *value = Some(Value::from(*delta)),
            Some(v) => {
                if let Some(n) = v.as_i64().and_then(|n| n.checked_add(*delta)) {
                    *v = Value::from(n);
                }
            }
        },
    }
}

/// The state as tools see it: `base` with every unacknowledged change
/// applied in order.
pub(crate) fn view<'a>(base: &SessionState, changes: impl Iterator<Item = &'a Pending>) -> SessionState {
    let mut state = base.clone();
    for p in changes {
        let mut value = state.remove(&p.key);
        apply_op(&mut value, &p.op);
        if let Some(v) = value {
            state.insert(p.key.clone(), v);
        }
    }
    state
}

/// The changes that turn `before` into `after`, one per key.
pub(crate) fn diff(before: &SessionState, after: &SessionState) -> Vec<(String, Change)> {
    let mut changes: Vec<(String, Change)> = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), Change::Set(v.clone())))
        .collect();
    changes.extend(before.keys().filter(|k| !after.contains_key(*k)).map(|k| (k.clone(), Change::Remove)));
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::VecDeque;
    use tokio::sync::oneshot;

    fn add(seq: u64, key: &str, delta: i64) -> Pending {
        let (tx, _rx) = oneshot::channel();
        Pending { seq, scope: 0, key: key.into(), op: Op::Add { delta, reply: tx } }
    }

    fn set(seq: u64, key: &str, v: Value) -> Pending {
        Pending { seq, scope: 0, key: key.into(), op: Op::Set(v) }
    }

    #[test]
    fn adds_to_one_key_merge_and_each_learns_its_own_result() {
        let pending: VecDeque<_> = [add(1, "n", 1), add(2, "n", 5), add(3, "n", 2)].into();
        let p = plan(&pending);
        assert_eq!(p.taken, 3);
        assert_eq!(p.changes, vec![("n".to_owned(), Change::Add(8))]);
        let later: Vec<i64> = p
            .adds
            .iter()
            .map(|a| match a {
                AddResult::Stored { later, .. } => *later,
                AddResult::Known(_) => panic!("stored"),
            })
            .collect();
        // Stored value 100 after the write: the adds saw 93, 98, 100.
        assert_eq!(later, vec![7, 2, 0]);
    }

    #[test]
    fn a_set_after_an_add_to_the_same_key_waits_for_the_next_write() {
        let pending: VecDeque<_> =
            [set(1, "a", json!("x")), add(2, "n", 1), set(3, "n", json!(0)), set(4, "b", json!(1))].into();
        let p = plan(&pending);
        assert_eq!(p.taken, 2);
        assert_eq!(p.changes, vec![("a".to_owned(), Change::Set(json!("x"))), ("n".to_owned(), Change::Add(1))]);
    }

    #[test]
    fn an_add_after_a_set_is_known_without_the_store() {
        let pending: VecDeque<_> = [set(1, "n", json!(10)), add(2, "n", 5)].into();
        let p = plan(&pending);
        assert_eq!(p.changes, vec![("n".to_owned(), Change::Set(json!(15)))]);
        assert!(matches!(p.adds[0], AddResult::Known(15)));
    }

    #[test]
    fn view_and_diff() {
        let base: SessionState = json!({"a": 1, "b": 2}).as_object().unwrap().clone();
        let pending =
            [add(1, "a", 2), Pending { seq: 2, scope: 0, key: "b".into(), op: Op::Remove }, set(3, "c", json!([1]))];
        let v = view(&base, pending.iter());
        assert_eq!(Value::Object(v.clone()), json!({"a": 3, "c": [1]}));
        let mut d = diff(&base, &v);
        d.sort_by(|x, y| x.0.cmp(&y.0));
        assert_eq!(
            d,
            vec![
                ("a".to_owned(), Change::Set(json!(3))),
                ("b".to_owned(), Change::Remove),
                ("c".to_owned(), Change::Set(json!([1])))
            ]
        );
    }
}
