use std::io;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};

/// One line of input, without its line ending.
pub(crate) enum Frame {
    /// A line within the size limit.
    Line(Vec<u8>),
    /// A line over the limit, already skipped.
    TooLong,
}

/// Reads newline-delimited frames with a bound on a line's length, so a
/// client cannot make the server buffer without limit.
pub(crate) struct LineReader<R> {
    inner: BufReader<R>,
    max: usize,
}

impl<R: AsyncRead + Unpin> LineReader<R> {
    pub(crate) fn new(input: R, max: usize) -> Self {
        LineReader { inner: BufReader::new(input), max }
    }

    /// The next non-blank line, or `None` at end of input.
    pub(crate) async fn next(&mut self) -> io::Result<Option<Frame>> {
        loop {
            let mut line = Vec::new();
            let mut too_long = false;
            let ended = loop {
                let buf = self.inner.fill_buf().await?;
                if buf.is_empty() {
                    break true;
                }
                let (chunk, found) = match buf.iter().position(|&b| b == b'\n') {
                    Some(i) => (&buf[..i], Some(i + 1)),
                    None => (buf, None),
                };
                if !too_long && line.len() + chunk.len() <= self.max {
                    line.extend_from_slice(chunk);
                } else {
                    too_long = true;
                    line.clear();
                }
                let used = found.unwrap_or(buf.len());
                self.inner.consume(used);
                if found.is_some() {
                    break false;
                }
            };
            if too_long {
                return Ok(Some(Frame::TooLong));
            }
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            if !line.iter().all(u8::is_ascii_whitespace) {
                return Ok(Some(Frame::Line(line)));
            }
            if ended {
                return Ok(None);
            }
        }
    }
}
