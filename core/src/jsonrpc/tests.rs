use super::*;
use serde_json::json;

fn single(bytes: &[u8]) -> Message {
    match parse(bytes).expect("parses") {
        Incoming::Single(m) => m,
        Incoming::Batch(_) => panic!("expected a single message"),
    }
}

#[test]
fn request_notification_response_and_error_are_told_apart() {
    assert!(
        matches!(single(br#"{"jsonrpc":"2.0","id":"a","method":"ping"}"#), Message::Request(r) if r.id == RequestId::from("a"))
    );
    assert!(matches!(single(br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#), Message::Notification(_)));
    assert!(
        matches!(single(br#"{"jsonrpc":"2.0","id":3,"result":{}}"#), Message::Response(r) if r.id == RequestId::Number(3))
    );
    assert!(matches!(single(br#"{"jsonrpc":"2.0","id":3,"error":{"code":-1,"message":"x"}}"#), Message::Error(_)));
}

#[test]
fn malformed_json_is_a_parse_error_without_id() {
    let err = parse(b"{\"jsonrpc\":").unwrap_err();
    assert_eq!(err.error.code, ErrorCode::PARSE_ERROR);
    assert_eq!(err.id, None);
}

#[test]
fn structural_errors_are_invalid_requests_and_keep_the_id() {
    for (input, id) in [
        (json!({"jsonrpc": "1.0", "id": 1, "method": "ping"}), Some(RequestId::Number(1))),
        (json!({"id": 1, "method": "ping"}), Some(RequestId::Number(1))),
        (json!({"jsonrpc": "2.0", "id": 2, "method": 5}), Some(RequestId::Number(2))),
        (json!({"jsonrpc": "2.0", "id": 2, "method": "x", "params": [1]}), Some(RequestId::Number(2))),
        (json!({"jsonrpc": "2.0", "id": null, "method": "x"}), None),
        (json!({"jsonrpc": "2.0", "id": 1.5, "method": "x"}), None),
        (json!("hello"), None),
        (json!({"jsonrpc": "2.0", "id": 7}), Some(RequestId::Number(7))),
    ] {
        let err = parse(input.to_string().as_bytes()).unwrap_err();
        assert_eq!(err.error.code, ErrorCode::INVALID_REQUEST, "{input}");
        assert_eq!(err.id, id, "{input}");
    }
}

#[test]
fn batches_parse_element_by_element() {
    let Incoming::Batch(items) = parse(br#"[{"jsonrpc":"2.0","id":1,"method":"ping"}, 5]"#).unwrap() else {
        panic!("expected a batch")
    };
    assert!(items[0].is_ok());
    assert_eq!(items[1].as_ref().unwrap_err().error.code, ErrorCode::INVALID_REQUEST);
    assert_eq!(parse(b"[]").unwrap_err().error.code, ErrorCode::INVALID_REQUEST);
}

#[test]
fn messages_serialise_to_the_wire_shape() {
    let ok = Message::Response(Response::new(RequestId::Number(1), json!({})));
    assert_eq!(serde_json::to_value(&ok).unwrap(), json!({"jsonrpc": "2.0", "id": 1, "result": {}}));
    let err = Message::Error(ErrorResponse::new(None, ErrorObject::method_not_found("nope")));
    assert_eq!(
        serde_json::to_value(&err).unwrap(),
        json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32601, "message": "Method not found: nope", "data": {"method": "nope"}}})
    );
}

#[test]
fn a_response_keeps_its_result_as_text_alone_and_in_a_batch() {
    let Message::Response(alone) = single(br#"{"jsonrpc":"2.0","id":1,"result":{"a": [1, "x"]}}"#) else {
        panic!("expected a response")
    };
    assert_eq!(alone.result.get(), r#"{"a": [1, "x"]}"#);
    assert_eq!(alone.result.to_value(), json!({"a": [1, "x"]}));
    let Incoming::Batch(items) = parse(br#"[{"jsonrpc":"2.0","id":2,"result":{"b":null}}]"#).unwrap() else {
        panic!("expected a batch")
    };
    let Ok(Message::Response(batched)) = &items[0] else { panic!("expected a response: {items:?}") };
    assert_eq!(batched.result.to_value(), json!({"b": null}));
    let written = serde_json::to_string(&Message::Response(alone)).unwrap();
    assert_eq!(written, r#"{"jsonrpc":"2.0","id":1,"result":{"a": [1, "x"]}}"#);
}

#[test]
fn a_response_writes_what_its_serialize_writes() {
    for id in [RequestId::Number(-7), RequestId::from("a \"quoted\" ünï id")] {
        let response = Response::new(id, json!({"content": [{"type": "text", "text": "hi"}], "n": 1.5}));
        let mut written = Vec::new();
        response.write_json(&mut written);
        assert_eq!(written, serde_json::to_vec(&Message::Response(response)).unwrap());
    }
}
