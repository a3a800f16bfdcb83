//! Graceful shutdown at no cost per request.
//!
//! hyper-util's `GracefulShutdown` polls a `watch` channel every time a
//! connection's task runs, about 400 instructions per request (measured
//! with `bench/callgrind/run.sh`). Here each connection has an atomic flag
//! and a waker slot instead: a poll reads the flag, and registers its waker
//! only when it is not the one registered before (a connection's task
//! always polls with the same waker, so that is once per connection: a
//! registration costs two locked instructions, and a connection is polled
//! about twice per request). [`Drain::shutdown`] sets every flag, wakes
//! every connection, and waits until the last one ends.

use futures_util::task::AtomicWaker;
use hyper_util::server::graceful::GracefulConnection;
use std::collections::HashMap;
use std::convert::Infallible;
use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::Waker;
use tokio::sync::mpsc;

/// A connection that can be told to finish what it is doing and close:
/// hyper's connections, and the stand-ins of the tests.
pub(crate) trait Stop: Future {
    fn stop(self: Pin<&mut Self>);
}

impl<C: GracefulConnection> Stop for C {
    fn stop(self: Pin<&mut Self>) {
        self.graceful_shutdown();
    }
}

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
        C: Stop + Send + 'static,
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
            let mut registered: Option<Waker> = None;
            poll_fn(|cx| {
                if !stopping {
                    // Registered before the flag is read: a shutdown that
                    // sets it afterwards wakes this waker. The slot keeps
                    // it until that wake, which comes with the flag set.
                    if !registered.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                        signal.waker.register(cx.waker());
                        registered = Some(cx.waker().clone());
                    }
                    if signal.stop.load(Ordering::Acquire) {
                        connection.as_mut().stop();
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

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::task::{waker, ArcWake};
    use std::sync::atomic::AtomicUsize;
    use std::task::{Context, Poll};
    use std::time::Duration;

    /// A connection that stays open until it is told to stop.
    #[derive(Default)]
    struct Idle {
        stopped: bool,
    }

    impl Future for Idle {
        type Output = ();
        fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
            if self.stopped {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        }
    }

    impl Stop for Idle {
        fn stop(mut self: Pin<&mut Self>) {
            self.stopped = true;
        }
    }

    #[derive(Default)]
    struct Wakes(AtomicUsize);

    impl ArcWake for Wakes {
        fn wake_by_ref(arc_self: &Arc<Self>) {
            arc_self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn poll_with(watched: Pin<&mut (impl Future<Output = ()> + ?Sized)>, wakes: &Arc<Wakes>) -> Poll<()> {
        watched.poll(&mut Context::from_waker(&waker(wakes.clone())))
    }

    /// A connection's waker is registered once, not at every poll; when it
    /// is polled with another one (it moved to another task), the shutdown
    /// wakes that one.
    #[tokio::test]
    async fn a_shutdown_wakes_the_waker_of_the_latest_poll() {
        let mut drain = Drain::new();
        let mut watched = Box::pin(drain.watch(Idle::default()));
        let (first, second) = (Arc::new(Wakes::default()), Arc::new(Wakes::default()));
        for _ in 0..3 {
            assert!(poll_with(watched.as_mut(), &first).is_pending());
        }
        assert!(poll_with(watched.as_mut(), &second).is_pending());
        let shutdown = tokio::spawn(drain.shutdown());
        for _ in 0..1000 {
            if second.0.load(Ordering::SeqCst) > 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        assert_eq!(second.0.load(Ordering::SeqCst), 1, "the latest waker is woken");
        assert_eq!(first.0.load(Ordering::SeqCst), 0);
        // Polled again, the connection is told to stop, and ends.
        assert!(poll_with(watched.as_mut(), &second).is_ready());
        drop(watched);
        tokio::time::timeout(Duration::from_secs(5), shutdown).await.expect("the drain ends").unwrap();
    }
}
