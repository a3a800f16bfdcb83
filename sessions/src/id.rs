use lambda_mcp_core::SessionId;

/// A fresh, unguessable session id: 128 bits from the operating system's
/// CSPRNG, as 32 lowercase hex digits (visible ASCII, as `Mcp-Session-Id`
/// requires).
pub fn new_session_id() -> SessionId {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    SessionId::new(hex)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_32_hex_digits_and_differ() {
        let (a, b) = (new_session_id(), new_session_id());
        assert_eq!(a.as_str().len(), 32);
        assert!(a.as_str().bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
