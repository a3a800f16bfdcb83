//! An incremental `text/event-stream` parser: bytes in, the `data` of each
//! complete event out. Only `data` matters to MCP; `event`, `id`, `retry`
//! and comment lines (keep-alives) are skipped.

/// Collects bytes until complete events can be cut off.
#[derive(Debug, Default)]
pub(crate) struct SseParser {
    buffer: Vec<u8>,
    data: Vec<String>,
}

impl SseParser {
    /// Feeds a chunk; returns the `data` of every event it completed.
    pub(crate) fn feed(&mut self, chunk: &[u8]) -> Vec<String> {
        self.buffer.extend_from_slice(chunk);
        let mut events = Vec::new();
        while let Some(end) = self.buffer.iter().position(|&b| b == b'\n') {
            let mut line: Vec<u8> = self.buffer.drain(..=end).collect();
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            self.line(&String::from_utf8_lossy(&line), &mut events);
        }
        events
    }

    /// The stream ended: an event without its closing blank line still counts.
    pub(crate) fn finish(&mut self) -> Vec<String> {
        let mut events = Vec::new();
        if !self.buffer.is_empty() {
            let rest = String::from_utf8_lossy(&std::mem::take(&mut self.buffer)).into_owned();
            self.line(rest.trim_end_matches('\r'), &mut events);
        }
        self.line("", &mut events);
        events
    }

    fn line(&mut self, line: &str, events: &mut Vec<String>) {
        if line.is_empty() {
            if !self.data.is_empty() {
                events.push(std::mem::take(&mut self.data).join("\n"));
            }
            return;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        if field == "data" {
            self.data.push(value.to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SseParser;

    #[test]
    fn events_split_across_chunks_come_out_whole() {
        let mut p = SseParser::default();
        assert!(p.feed(b"event: message\nid: 1\nda").is_empty());
        assert!(p.feed(b"ta: {\"a\":").is_empty());
        assert_eq!(p.feed(b"1}\n\n: keep-alive\n\ndata: x\r\n\r\n"), ["{\"a\":1}", "x"]);
    }

    #[test]
    fn multi_line_data_is_joined_and_a_trailing_event_is_kept() {
        let mut p = SseParser::default();
        assert!(p.feed(b"data: a\ndata:b\n").is_empty());
        assert_eq!(p.finish(), ["a\nb"]);
        let mut p = SseParser::default();
        assert!(p.feed(b"data: tail").is_empty());
        assert_eq!(p.finish(), ["tail"]);
    }
}
