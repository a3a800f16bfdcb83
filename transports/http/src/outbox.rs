//! Where a request's notifications (and server → client requests) wait for
//! the response: a small bounded queue, cheap to create for every POST, as
//! most requests never use it.

use lambda_mcp_core::jsonrpc::Message;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use tokio::sync::Notify;

/// How many messages may wait before the sender is made to wait.
const CAPACITY: usize = 64;

#[derive(Default)]
pub(crate) struct Outbox {
    queue: Mutex<VecDeque<Message>>,
    /// Whether anything was ever queued: most requests queue nothing, and
    /// the check after their result then takes no lock.
    used: AtomicBool,
    arrived: Notify,
    drained: Notify,
}

impl Outbox {
    /// Queues a message, waiting while the queue is full.
    pub(crate) async fn push(&self, message: Message) {
        let mut message = Some(message);
        loop {
            {
                let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
                if queue.len() < CAPACITY {
                    queue.push_back(message.take().expect("pushed once"));
                    self.used.store(true, Ordering::Release);
                    drop(queue);
                    self.arrived.notify_one();
                    return;
                }
            }
            self.drained.notified().await;
        }
    }

    /// The next message, if one is waiting. (A push on another thread that
    /// the caller has not synchronised with may be seen on a later call.)
    pub(crate) fn try_pop(&self) -> Option<Message> {
        if !self.used.load(Ordering::Acquire) {
            return None;
        }
        let message = self.queue.lock().unwrap_or_else(PoisonError::into_inner).pop_front();
        if message.is_some() {
            self.drained.notify_one();
        }
        message
    }

    /// The next message, waiting for one. (`notify_one` keeps a permit, so
    /// a push between the check and the wait is not missed.)
    pub(crate) async fn pop(&self) -> Message {
        loop {
            if let Some(message) = self.try_pop() {
                return message;
            }
            self.arrived.notified().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_mcp_core::jsonrpc::Notification;
    use std::sync::Arc;

    #[tokio::test]
    async fn messages_arrive_in_order_and_a_full_queue_waits() {
        let outbox = Arc::new(Outbox::default());
        let producer = {
            let outbox = outbox.clone();
            tokio::spawn(async move {
                for i in 0..(CAPACITY * 3) {
                    outbox.push(Message::Notification(Notification::new(format!("n{i}"), None))).await;
                }
            })
        };
        for i in 0..(CAPACITY * 3) {
            let Message::Notification(n) = outbox.pop().await else { panic!() };
            assert_eq!(n.method, format!("n{i}"));
        }
        producer.await.unwrap();
        assert!(outbox.try_pop().is_none());
    }
}
