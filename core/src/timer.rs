//! Deadlines that cost nothing when the work is done at once.
//!
//! A tokio timer is an entry in the runtime's timer wheel, registered and
//! removed again: more work than a typical tool call, an in-memory session
//! flush or a confirmation that needs no round trip, which all finish on
//! their first poll. These helpers poll the work once and arm the timer
//! only when it is still pending; otherwise they behave as
//! `tokio::time::timeout` / `timeout_at`.

use std::future::Future;
use std::pin::{pin, Pin};
use std::task::Poll;
use std::time::{Duration, Instant};
use tokio::time::error::Elapsed;

/// `work` within `limit`, counted from when it is first found pending.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use std::time::Duration;
/// let quick = lambda_mcp_core::timer::timeout(Duration::ZERO, async { 7 }).await;
/// assert_eq!(quick.unwrap(), 7);
/// let slow = lambda_mcp_core::timer::timeout(Duration::from_millis(1), std::future::pending::<()>()).await;
/// assert!(slow.is_err());
/// # }
/// ```
pub async fn timeout<F: Future>(limit: Duration, work: F) -> Result<F::Output, Elapsed> {
    let mut work = pin!(work);
    if let Poll::Ready(done) = poll_once(work.as_mut()).await {
        return Ok(done);
    }
    tokio::time::timeout(limit, work).await
}

/// `work` by `deadline`.
pub async fn timeout_at<F: Future>(deadline: Instant, work: F) -> Result<F::Output, Elapsed> {
    let mut work = pin!(work);
    if let Poll::Ready(done) = poll_once(work.as_mut()).await {
        return Ok(done);
    }
    tokio::time::timeout_at(deadline.into(), work).await
}

/// Polls `work` once, whatever the outcome.
pub(crate) async fn poll_once<F: Future + ?Sized>(mut work: Pin<&mut F>) -> Poll<F::Output> {
    std::future::poll_fn(|cx| Poll::Ready(work.as_mut().poll(cx))).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_pending_work_gets_its_deadline() {
        let start = tokio::time::Instant::now();
        let late = timeout_at(Instant::now() + Duration::from_secs(5), std::future::pending::<()>()).await;
        assert!(late.is_err());
        assert!(start.elapsed() >= Duration::from_secs(5));
        let (tx, rx) = tokio::sync::oneshot::channel();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            tx.send(3).unwrap();
        });
        assert_eq!(timeout(Duration::from_secs(2), rx).await.unwrap().unwrap(), 3);
    }
}
