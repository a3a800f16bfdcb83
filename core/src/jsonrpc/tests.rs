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
    for not_utf8 in [&b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"p\xffng\"}"[..], b"\xfe{}", b"[\xc3]"] {
        let err = parse(not_utf8).unwrap_err();
        assert_eq!((err.error.code, err.id), (ErrorCode::PARSE_ERROR, None), "{not_utf8:?}");
    }
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

fn request_of(incoming: Incoming) -> Request {
    match incoming {
        Incoming::Single(Message::Request(r)) => r,
        other => panic!("not a request: {other:?}"),
    }
}

#[test]
fn inbound_params_of_served_methods_are_typed_and_read_as_sent() {
    let meta = r#""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","progressToken":"p","x":1}"#;
    for (body, typed) in [
        (
            format!(
                r#"{{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{{"name":"t","arguments":{{"a":[1]}},{meta}}}}}"#
            ),
            true,
        ),
        (format!(r#"{{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{{{meta},"uri":"u://x"}}}}"#), true),
        (format!(r#"{{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{{{meta}}}}}"#), true),
        // Params before the method, an unknown method, params that do not fit:
        // kept as sent, for the router to type (or refuse) as before.
        (format!(r#"{{"jsonrpc":"2.0","id":1,"params":{{"name":"t",{meta}}},"method":"tools/call"}}"#), false),
        (format!(r#"{{"jsonrpc":"2.0","id":1,"method":"x/y","params":{{"name":"t",{meta}}}}}"#), false),
        (format!(r#"{{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{{"name":7,{meta}}}}}"#), false),
        (r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","_meta":5}}"#.to_owned(), false),
    ] {
        let inbound = request_of(parse_inbound(body.as_bytes()).unwrap());
        let as_sent = request_of(parse(body.as_bytes()).unwrap());
        let (params, sent) = (inbound.params.as_ref().unwrap(), as_sent.params.as_ref().unwrap());
        assert_eq!((params.is_typed(), sent.is_typed()), (typed, false), "{body}");
        assert_eq!(params.str_member("name"), sent.str_member("name"), "{body}");
        assert_eq!(params.str_member("uri"), sent.str_member("uri"), "{body}");
        assert_eq!(params.requested_version(), sent.requested_version(), "{body}");
        assert_eq!(params.meta(), sent.meta(), "{body}");
        let mut expected = sent.to_object().into_owned();
        if typed {
            // Typed params keep the `_meta` members the server reads.
            expected["_meta"].as_object_mut().unwrap().remove("x");
        }
        assert_eq!(params.to_object().into_owned(), expected, "{body}");
    }
}

#[test]
fn inbound_parse_errors_are_those_of_parse() {
    for body in [
        &b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":"[..],
        b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{},\"params\":{}}",
        b"{\"id\":1,\"method\":\"ping\",\"params\":[]}",
    ] {
        assert_eq!(parse_inbound(body).unwrap_err(), parse(body).unwrap_err(), "{body:?}");
    }
}
