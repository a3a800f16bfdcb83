//! Graceful shutdown at no cost per request.
//!
//! hyper-util's `GracefulShutdown` polls a `watch` channel every time a
//! connection's task runs, about 400 instructions per request (measured
//! with `bench/callgrind/run.sh`). Here each connection has an atomic flag
//! and a waker slot instead: a poll registers the waker (a compare-and-swap
//! when it is the same task) and reads the flag; [`Drain::shutdown`] sets
//! every flag, wakes every connection, and waits until the last one ends.

use futures_util::task::AtomicWaker;
use hyper_util::server::graceful::GracefulConnection;
use std::collections::HashMap;
use std::convert::Infallible;
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::mpsc;

/// The open connections of one listener.
pub(crate) struct Drain {
    open: Arc<Mutex<HashMap<u64, Arc<Signal>>>>,
    next: u64,
    /// Cloned into every connection; `ended` yields `None` once the last
    /// clone (this one dropped by [`Drain::shutdown`]) is gone.
    alive: mpsc::Sender<Infallible>,
    ended: mpsc::Receiver<Infallible>,
}

/// Tells one connection to finish what it is doing and close.
#[derive(Default)]
struct Signal {
    stop: AtomicBool,
    waker: AtomicWaker,
}

/// A connection's place in the registry, given up when its future ends or
/// is dropped.
struct Open {
    id: u64,
    open: Arc<Mutex<HashMap<u64, Arc<Signal>>>>,
    _alive: mpsc::Sender<Infallible>,
}

impl Drop for Open {
    fn drop(&mut self) {
        self.open.lock().unwrap_or_else(PoisonError::into_inner).remove(&self.id);
    }
}

impl Drain {
    pub(crate) fn new() -> Self {
        let (alive, ended) = mpsc::channel(1);
        Drain { open: Arc::default(), next: 0, alive, ended }
    }

    /// `connection`, shut down gracefully (in-flight requests answered,
    /// then closed) when [`Drain::shutdown`] is called.
    pub(crate) fn watch<C>(&mut self, connection: C) -> impl Future<Output = C::Output> + Send + 'static
    where
        C: GracefulConnection + Send + 'static,
    {
        let signal = Arc::new(Signal::default());
        let id = self.next;
        self.next += 1;
        self.open.lock().unwrap_or_else(PoisonError::into_inner).insert(id, signal.clone());
        let open = Open { id, open: self.open.clone(), _alive: self.alive.clone() };
        async move {
            let _open = open;
            let mut connection = pin!(connection);
            let mut stopping = false;
            poll_fn(|cx| {
                if !stopping {
                    // Registered before the flag is read: a shutdown that
                    // sets it afterwards wakes this waker.
                    signal.waker.register(cx.waker());
                    if signal.stop.load(Ordering::Acquire) {
                        connection.as_mut().graceful_shutdown();
                        stopping = true;
                    }
                }
                connection.as_mut().poll(cx)
            })
            .await
        }
    }

    /// Tells every connection to shut down gracefully and waits until all
    /// have ended.
    pub(crate) async fn shutdown(self) {
        let Drain { open, alive, mut ended, .. } = self;
        for signal in open.lock().unwrap_or_else(PoisonError::into_inner).values() {
            signal.stop.store(true, Ordering::Release);
            signal.waker.wake();
        }
        drop(alive);
        // Nothing is ever sent: `None` once every connection's sender is gone.
        let _ = ended.recv().await;
    }
}
