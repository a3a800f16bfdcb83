//! Damaged copies of a message, from a fixed seed: the inputs of the
//! robustness tests of the JSON-RPC parse (core) and of the HTTP and stdio
//! transports.
//! Deterministic, so a failure names an input that reproduces it.

/// Bytes an edit puts in: JSON's punctuation, the starts of its literals,
/// digits, a two-byte UTF-8 character, and control bytes JSON forbids in
/// strings.
const NOISE: &[u8] = b"{}[]\":,\\ 0123456789-+.eEtrufalsn\xc3\xa9\x00\x1f";

/// A seeded source of damage (xorshift64).
///
/// ```
/// use lambda_mcp_test_support::damage::Damage;
/// let body = br#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#;
/// let (mut a, mut b) = (Damage::new(7), Damage::new(7));
/// let damaged = a.apply(body);
/// assert_ne!(damaged, body);
/// assert_eq!(damaged, b.apply(body));
/// assert_eq!(Damage::truncations(body).count(), body.len());
/// assert!(lambda_mcp_test_support::damage::is_json(body) && !lambda_mcp_test_support::damage::is_json(&body[1..]));
/// ```
pub struct Damage(u64);

impl Damage {
    /// A source that gives the same damage for the same seed.
    pub fn new(seed: u64) -> Self {
        Damage(seed | 1)
    }

    fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % bound.max(1) as u64) as usize
    }

    /// `text` after one to three edits, each one of: a byte replaced by
    /// noise, noise inserted, up to 8 bytes deleted, up to 24 bytes copied
    /// elsewhere. Never empty; may be unchanged when an edit undoes another.
    pub fn apply(&mut self, text: &[u8]) -> Vec<u8> {
        let mut b = text.to_vec();
        for _ in 0..1 + self.below(3) {
            if b.is_empty() {
                b.push(NOISE[self.below(NOISE.len())]);
                continue;
            }
            let at = self.below(b.len());
            match self.below(4) {
                0 => b[at] = NOISE[self.below(NOISE.len())],
                1 => b.insert(at, NOISE[self.below(NOISE.len())]),
                2 => {
                    let end = (at + 1 + self.below(8)).min(b.len());
                    b.drain(at..end);
                }
                _ => {
                    let end = (at + 1 + self.below(24)).min(b.len());
                    let piece = b[at..end].to_vec();
                    let to = self.below(b.len() + 1);
                    b.splice(to..to, piece);
                }
            }
        }
        if b.is_empty() {
            b.push(b'{');
        }
        b
    }

    /// Every proper prefix of `text`: each place it can end early.
    pub fn truncations(text: &[u8]) -> impl Iterator<Item = &[u8]> {
        (0..text.len()).map(move |n| &text[..n])
    }
}

/// Whether `bytes` are one JSON text (UTF-8, serde_json's grammar): what a
/// damaged message must be for a server not to answer it with -32700.
pub fn is_json(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok_and(|text| serde_json::from_str::<serde_json::Value>(text).is_ok())
}
