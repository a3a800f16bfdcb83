//! The request body, read whole within the size limit.

use bytes::{Bytes, BytesMut};
use http_body::Body;
use http_body_util::BodyExt;
use std::pin::pin;

/// Why a body could not be read.
#[derive(Debug)]
pub(crate) enum BodyError<E> {
    /// It is longer than the limit (413).
    TooLarge,
    /// The connection failed while it was read.
    Read(E),
}

/// Reads `body` whole; refused as soon as it exceeds `limit` bytes, at once
/// when its declared length already does. A body that arrives as one frame,
/// as a small request's does, is returned as it is: no copy and no list of
/// chunks (`BodyExt::collect` keeps a `VecDeque` of them, ~500 instructions
/// per request more). A body that says it has ended (hyper's, once its
/// declared length has arrived) is not polled again to be told so.
pub(crate) async fn read<B: Body<Data = Bytes>>(body: B, limit: usize) -> Result<Bytes, BodyError<B::Error>> {
    let mut body = pin!(body);
    let declared = usize::try_from(body.size_hint().lower()).unwrap_or(usize::MAX);
    if declared > limit {
        return Err(BodyError::TooLarge);
    }
    let mut first = Bytes::new();
    let mut joined: Option<BytesMut> = None;
    while !body.is_end_stream() {
        let Some(frame) = body.frame().await else { break };
        // Trailers carry no body bytes.
        let Ok(data) = frame.map_err(BodyError::Read)?.into_data() else { continue };
        let total = joined.as_ref().map_or(first.len(), BytesMut::len) + data.len();
        if total > limit {
            return Err(BodyError::TooLarge);
        }
        match &mut joined {
            Some(joined) => joined.extend_from_slice(&data),
            None if first.is_empty() => first = data,
            None => {
                let mut both = BytesMut::with_capacity(total.max(declared));
                both.extend_from_slice(&first);
                both.extend_from_slice(&data);
                joined = Some(both);
            }
        }
    }
    Ok(joined.map_or(first, BytesMut::freeze))
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::stream;
    use http_body::Frame;
    use http_body_util::{Full, StreamBody};
    use std::convert::Infallible;

    fn frames(
        chunks: &[&'static [u8]],
    ) -> StreamBody<impl futures_util::Stream<Item = Result<Frame<Bytes>, Infallible>>> {
        let items: Vec<_> = chunks.iter().map(|c| Ok(Frame::data(Bytes::from_static(c)))).collect();
        StreamBody::new(stream::iter(items))
    }

    #[tokio::test]
    async fn one_frame_is_kept_without_a_copy() {
        let sent = Bytes::from_static(b"{\"jsonrpc\":\"2.0\"}");
        let body = read(Full::new(sent.clone()), 1024).await.unwrap();
        assert_eq!(body, sent);
        assert_eq!(body.as_ptr(), sent.as_ptr(), "the frame itself, not a copy");
    }

    #[tokio::test]
    async fn frames_are_joined_in_order_and_empty_ones_skipped() {
        let joined = read(frames(&[b"", b"ab", b"", b"cd", b"e"]), 5).await.unwrap();
        assert_eq!(joined, Bytes::from_static(b"abcde"));
        assert_eq!(read(frames(&[]), 5).await.unwrap(), Bytes::new());
    }

    #[tokio::test]
    async fn a_body_over_the_limit_is_refused() {
        assert!(matches!(read(frames(&[b"abc", b"def"]), 5).await, Err(BodyError::TooLarge)));
        assert!(matches!(read(frames(&[b"abcdef"]), 5).await, Err(BodyError::TooLarge)));
        // A declared length over the limit is refused before any frame is read.
        assert!(matches!(read(Full::new(Bytes::from_static(b"abcdef")), 5).await, Err(BodyError::TooLarge)));
    }

    /// One frame, then the end: polled again, it panics.
    struct Ends(Option<Bytes>);

    impl Body for Ends {
        type Data = Bytes;
        type Error = Infallible;

        fn poll_frame(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<Frame<Bytes>, Infallible>>> {
            let data = self.0.take().expect("polled after it said it had ended");
            std::task::Poll::Ready(Some(Ok(Frame::data(data))))
        }

        fn is_end_stream(&self) -> bool {
            self.0.is_none()
        }
    }

    #[tokio::test]
    async fn a_body_that_has_ended_is_not_polled_again() {
        let body = read(Ends(Some(Bytes::from_static(b"{}"))), 5).await.unwrap();
        assert_eq!(body, Bytes::from_static(b"{}"));
    }

    #[tokio::test]
    async fn a_read_error_is_passed_on() {
        let failing =
            StreamBody::new(stream::iter(vec![Ok(Frame::data(Bytes::from_static(b"ab"))), Err("connection reset")]));
        assert!(matches!(read(failing, 5).await, Err(BodyError::Read("connection reset"))));
    }
}
