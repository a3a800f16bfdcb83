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
fn a_member_sent_twice_is_named_unless_the_text_is_not_json() {
    for read in [parse, parse_inbound] {
        let err = read(br#"{"jsonrpc":"2.0","id":1,"id":2,"method":"ping"}"#).unwrap_err();
        assert_eq!((err.error.code, err.id), (ErrorCode::INVALID_REQUEST, None));
        assert!(err.error.message.contains("duplicate field `id`"), "{}", err.error.message);
        // Malformed after the second member: the text is not JSON, whatever came first.
        let err = read(br#"{"jsonrpc":"2.0","id":1,"id":2,"method":"ping","params":{"a":5x}}"#).unwrap_err();
        assert_eq!((err.error.code, err.id), (ErrorCode::PARSE_ERROR, None), "{}", err.error.message);
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

/// The length known beforehand is the length written: every number, and
/// every string id that needs no escape; unknown otherwise.
#[test]
fn a_response_knows_its_length_before_it_is_written() {
    let ids = [0, 7, 9, 10, 99, 100, -1, -10, i64::MAX, i64::MIN].map(RequestId::Number);
    let strings = ["", "a", "ünï", "x-1/2"].map(RequestId::from);
    for id in ids.into_iter().chain(strings) {
        let response = Response::new(id.clone(), json!({"content": [{"type": "text", "text": "hi"}]}));
        let mut written = Vec::new();
        response.write_json(&mut written);
        assert_eq!(response.json_len(), Some(written.len()), "{id}");
    }
    for escaped in ["a\"b", "back\\slash", "tab\t"] {
        assert_eq!(Response::new(RequestId::from(escaped), json!({})).json_len(), None, "{escaped:?}");
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

/// A message as the router will see it, whichever way its params were
/// read: params typed in the parse, or kept as sent and typed (when they
/// fit a served method) from the object, as the router does.
fn as_router_sees(message: &Result<Message, ErrorResponse>) -> String {
    use crate::server::request::{Method, Typed};
    let params = |method: &str, params: &Option<Params>| {
        let object = params.as_ref()?.to_object().into_owned();
        let typed = Method::of(method).and_then(|m| Typed::read(m, Value::Object(object.clone())).ok());
        Some(typed.map_or(object, |t| t.to_object()))
    };
    match message {
        Ok(Message::Request(r)) => format!("request {:?} {} {:?}", r.id, r.method, params(&r.method, &r.params)),
        Ok(Message::Notification(n)) => format!("notification {} {:?}", n.method, params(&n.method, &n.params)),
        Ok(Message::Response(r)) => format!("response {:?} {:?}", r.id, r.result.to_value()),
        Ok(Message::Error(e)) => format!("error {e:?}"),
        Err(e) => format!("refused {e:?}"),
    }
}

fn outcome(parsed: &Result<Incoming, ErrorResponse>) -> String {
    match parsed {
        Ok(Incoming::Single(m)) => as_router_sees(&Ok(m.clone())),
        Ok(Incoming::Batch(items)) => items.iter().map(as_router_sees).collect::<Vec<_>>().join("\n"),
        Err(e) => format!("frame refused {e:?}"),
    }
}

/// Ten kinds of message (a `tools/call` with `_meta`, an `initialize` with
/// an escaped id, …, a response, an error, a batch), each damaged 400
/// times from a fixed seed and cut at every length.
fn damaged_messages() -> Vec<Vec<u8>> {
    use lambda_mcp_test_support::damage::Damage;
    let corpus: &[&str] = &[
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"say_hello_world","arguments":{"a":[1,2.5,-3e2]},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"progressToken":"p"}}}"#,
        r#"{"jsonrpc":"2.0","id":"s\u00e9\"q","method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{"roots":{}},"clientInfo":{"name":"c","version":"1"}}}"#,
        r#"{"jsonrpc":"2.0","id":2,"method":"resources/read","params":{"uri":"file:///a b","_meta":{"io.modelcontextprotocol/logLevel":"debug"}}}"#,
        r#"{"jsonrpc":"2.0","id":3,"method":"prompts/get","params":{"name":"p","arguments":{"k":"v"}}}"#,
        r#"{"jsonrpc":"2.0","id":4,"method":"completion/complete","params":{"ref":{"type":"ref/prompt","name":"p"},"argument":{"name":"a","value":"x"}}}"#,
        r#"{"jsonrpc":"2.0","id":5,"method":"tools/list","params":{"cursor":"c"}}"#,
        r#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1,"reason":"r"}}"#,
        r#"{"jsonrpc":"2.0","id":6,"result":{"content":[{"type":"text","text":"x"}]}}"#,
        r#"{"jsonrpc":"2.0","id":7,"error":{"code":-32601,"message":"m","data":null}}"#,
        r#"[{"jsonrpc":"2.0","id":8,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/initialized"}]"#,
    ];
    let mut damage = Damage::new(0x9e37_79b9_7f4a_7c15);
    let mut inputs: Vec<Vec<u8>> = Vec::new();
    for body in corpus {
        inputs.extend(Damage::truncations(body.as_bytes()).map(<[u8]>::to_vec));
        inputs.extend((0..400).map(|_| damage.apply(body.as_bytes())));
    }
    inputs
}

/// Thousands of damaged and truncated messages, from a fixed seed: the
/// one-pass typed parse (`parse_inbound`) gives the router exactly what
/// reading the text as sent and typing it afterwards gives, the same error
/// otherwise, and -32700 exactly when the text is not JSON. Never a panic.
#[test]
fn damaged_messages_read_inbound_as_they_read_as_sent() {
    let inputs = damaged_messages();
    let (mut read, mut refused) = (0, 0);
    for input in &inputs {
        let inbound = parse_inbound(input);
        let as_sent = parse(input);
        let text = String::from_utf8_lossy(input);
        assert_eq!(outcome(&inbound), outcome(&as_sent), "{text}");
        let parse_error = matches!(&inbound, Err(e) if e.error.code == ErrorCode::PARSE_ERROR);
        assert_eq!(
            parse_error,
            !lambda_mcp_test_support::damage::is_json(input),
            "{text}: {:?}",
            inbound.as_ref().err()
        );
        if inbound.is_ok() {
            read += 1;
        } else {
            refused += 1;
        }
    }
    // The damage must leave a fair share of both for the comparison to mean anything.
    assert!(read > 300 && refused > 2000, "{read} read, {refused} refused");
}

/// Whatever the hand-read envelope accepts, serde reads the same: over the
/// damaged messages and the edges of what it accepts (ids, whitespace,
/// escapes, members out of place, nesting at serde_json's limit).
#[test]
fn the_plain_path_reads_what_serde_reads() {
    let deep = |n: usize| {
        format!(r#"{{"jsonrpc":"2.0","id":1,"method":"x","params":{{"a":{}1{}}}}}"#, "[".repeat(n), "]".repeat(n))
    };
    let mut inputs: Vec<Vec<u8>> = [
        r#"{"jsonrpc":"2.0","id":0,"method":"ping"}"#,
        r#"{"jsonrpc":"2.0","id":01,"method":"ping"}"#,
        r#"{"jsonrpc":"2.0","id":-0,"method":"ping"}"#,
        r#"{"jsonrpc":"2.0","id":-5,"method":"ping"}"#,
        r#"{"jsonrpc":"2.0","id":9223372036854775807,"method":"ping"}"#,
        r#"{"jsonrpc":"2.0","id":9223372036854775808,"method":"ping"}"#,
        r#"{"jsonrpc":"2.0","id":1.0,"method":"ping"}"#,
        r#"{"jsonrpc":"2.0","id":1e2,"method":"ping"}"#,
        r#"{"jsonrpc":"2.0","id":1x,"method":"ping"}"#,
        r#"{"jsonrpc":"2.0","id":"a\"b","method":"ping"}"#,
        r#"{"jsonrpc":"2.0","id":"é","method":"pïng"}"#,
        r#"{"json\u0072pc":"2.0","id":1,"method":"ping"}"#,
        r#"{"jsonrpc":"2.1","id":1,"method":"ping"}"#,
        r#"{"jsonrpc":2.0,"id":1,"method":"ping"}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"ping","method":"ping"}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":null}"#,
        r#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#,
        r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
        r#"{"jsonrpc":"2.0","method":"notifications/initialized","params":null}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":[]}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"cursor":5}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}} "#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{},"x":1}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{} ,}"#,
        r#"{"params":{},"jsonrpc":"2.0","id":1,"method":"tools/list"}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a","name":"b"}}"#,
        r#"{"jsonrpc":"2.0","id":1,"result":{}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"ping",}"#,
        r#"{"jsonrpc":"2.0","id":1,,"method":"ping"}"#,
        r#"{"jsonrpc":"2.0" "id":1}"#,
        r#"{}"#,
        " \t\r\n{ \"jsonrpc\" : \"2.0\" , \"id\" : 1 , \"method\" : \"ping\" , \"params\" : { } } \n",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\u{c}",
        "\u{c}{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":\"a\u{1}b\",\"method\":\"ping\"}",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    for n in [100, 125, 126, 127, 128] {
        inputs.push(deep(n).into_bytes());
    }
    inputs.extend(damaged_messages());
    let mut plain = 0;
    for input in &inputs {
        let Ok(text) = std::str::from_utf8(input) else { continue };
        for typed in [false, true] {
            let Some(envelope) = super::plain::envelope(text, typed) else { continue };
            plain += 1;
            let by_hand = Message::from_envelope(envelope);
            let by_serde = read_object(text, typed).and_then(Message::from_envelope);
            assert_eq!(by_hand, by_serde, "typed {typed}: {text}");
        }
    }
    // Both plain kinds (requests and a notification) survive damage often enough to mean something.
    assert!(plain > 500, "{plain} read by hand");
}

#[test]
fn only_plain_messages_are_read_by_hand() {
    let by_hand = |text: &str| super::plain::envelope(text, true).is_some();
    for plain in [
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a","arguments":{}}}"#,
        r#"{"jsonrpc":"2.0","id":"x","method":"ping"}"#,
        r#"{"method":"notifications/initialized","jsonrpc":"2.0"}"#,
        " { \"jsonrpc\" : \"2.0\" , \"id\" : 0 , \"method\" : \"x\" , \"params\" : [ ] } \r\n",
    ] {
        assert!(by_hand(plain), "{plain}");
    }
    for other in [
        r#"{"jsonrpc":"2.0","id":1,"result":{}}"#,
        r#"{"jsonrpc":"2.0","id":-1,"method":"ping"}"#,
        r#"{"jsonrpc":"2.0","id":"a\u0062","method":"ping"}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"x","params":{},"extra":1}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":5}}"#,
        r#"{"jsonrpc":"2.0","id":1,"id":1,"method":"ping"}"#,
    ] {
        assert!(!by_hand(other), "{other}");
    }
}

/// `tools/call` params as serde types them (`None` when it refuses them).
fn call_params_by_serde(text: &str) -> Option<crate::server::request::Typed> {
    use serde::de::DeserializeSeed;
    let mut de = serde_json::Deserializer::from_str(text);
    let typed = envelope::TypedSeed(crate::server::request::Method::CallTool).deserialize(&mut de).ok()?;
    de.end().ok().map(|()| typed)
}

/// Whatever the hand reader of `tools/call` params accepts, serde types
/// the same (down to how a sent protocol version is kept), over damaged
/// params and the edges of what it reads.
#[test]
fn hand_read_call_params_are_what_serde_reads() {
    use lambda_mcp_test_support::damage::Damage;
    let corpus = [
        r#"{"name":"say_hello_world","arguments":{},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}"#,
        r#"{"_meta":{"progressToken":"p","io.modelcontextprotocol/logLevel":"debug","x":[1,{"y":null}]},"arguments":{"a":[1,2.5,-3e2],"b":"\u00e9\n"},"name":"add"}"#,
        r#"{"name":"ask","inputResponses":{"q":{"action":"accept","content":{"n":1}}},"requestState":"s.t","other":true}"#,
    ];
    let version_of =
        |sent: &str| format!(r#"{{"name":"a","_meta":{{"io.modelcontextprotocol/protocolVersion":{sent}}}}}"#);
    let mut inputs: Vec<String> = [
        r#"{"name":"a"}"#,
        r#"{"name":"a","arguments":null,"inputResponses":null,"requestState":null}"#,
        r#"{"name":"a\"b\u0041","requestState":"\u0073"}"#,
        r#" { "name" : "a" , "arguments" : { } , "_meta" : { } } "#,
        r#"{"name":"é","arguments":{"a":{"b":{"c":[[[]]]}}}}"#,
        r#"{"name":"a","x":1e400,"y":-0,"z":[true,false,null]}"#,
        r#"{"name":"a","_meta":{"progressToken":null,"io.modelcontextprotocol/clientCapabilities":null}}"#,
        r#"{"name":5}"#,
        r#"{"name":null}"#,
        r#"{"name":"a","name":"b"}"#,
        r#"{"n\u0061me":"a"}"#,
        r#"{"name":"a","arguments":{"x":1},"arguments":{"y":2}}"#,
        r#"{"name":"a","_meta":{"progressToken":1},"_meta":{"progressToken":2}}"#,
        r#"{"name":"a","_meta":{"progressToken":1,"progressToken":2}}"#,
        r#"{"name":"a","_meta":["2026-07-28"]}"#,
        r#"{"name":"a","_meta":null}"#,
        r#"{"name":"a","_meta":5}"#,
        r#"{"name":"a","arguments":[]}"#,
        r#"{"name":"a","arguments":5}"#,
        r#"{"name":"a","requestState":5}"#,
        r#"{"arguments":{}}"#,
        r#"{}"#,
        r#"[]"#,
        r#"{"name":"a",}"#,
        r#"{"name":"a"} x"#,
        r#"{"name":"a"}}"#,
        r#"{"name":"a","x":01}"#,
        r#"{"name":"a","x":1x}"#,
        r#"{"name":"a" "x":1}"#,
        "{\"name\":\"a\u{1}\"}",
        "{\"name\":\"a\"}\u{c}",
        // Names known where they lie: their neighbours are other names.
        r#"{"names":1,"nam":2,"name":"a","Name":3,"name\u0000":4}"#,
        r#"{"name":"a","argumentsx":5,"argument":6,"_met":7,"_meta_":8,"requestStat":9,"inputResponse":0}"#,
        r#"{"name":"a","_meta":{"io.modelcontextprotocol/protocolVersionX":"2026-07-28","progressTokens":1}}"#,
        r#"{"name":"a","_meta":{"io.modelcontextprotocol/logLeve":"x","io.modelcontextprotocol/clientCapabilitie":{}}}"#,
        r#"{"name":"a","_meta":{"i":1,"":2,"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}"#,
        r#"{"":1,"n":2,"name":"a"}"#,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for sent in [
        r#""2026-07-28""#,
        r#""2025-11-25""#,
        r#""2026\u002d07-28""#,
        r#""2099-01-01""#,
        "null",
        "20260728",
        "-1",
        "1.5",
        "true",
        r#"["2026-07-28"]"#,
        r#"{"v":"2026-07-28"}"#,
    ] {
        inputs.push(version_of(sent));
    }
    let mut damage = Damage::new(0x2545_f491_4f6c_dd1d);
    for params in corpus {
        inputs.push(params.to_string());
        inputs.extend(
            Damage::truncations(params.as_bytes()).filter_map(|t| std::str::from_utf8(t).ok().map(String::from)),
        );
        inputs.extend((0..600).filter_map(|_| String::from_utf8(damage.apply(params.as_bytes())).ok()));
    }
    let mut by_hand = 0;
    for text in &inputs {
        let Some(hand) = super::plain_call::read(text) else { continue };
        by_hand += 1;
        let serde = call_params_by_serde(text);
        assert_eq!(Some(format!("{hand:?}")), serde.map(|t| format!("{t:?}")), "{text}");
    }
    assert!(by_hand > 300, "{by_hand} read by hand");
}

/// The shapes clients send are read by hand; what the hand reader would
/// have to decide is left to serde.
#[test]
fn only_plain_call_params_are_read_by_hand() {
    let by_hand = |text: &str| super::plain_call::read(text).is_some();
    for plain in [
        r#"{"name":"say_hello_world","arguments":{}}"#,
        r#"{"name":"say_hello_world","arguments":{},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}"#,
        r#"{"_meta":{"progressToken":7},"name":"a\"b","arguments":{"k":"\u00e9"},"unknown":[1]}"#,
        r#"{"name":"a","inputResponses":{"q":{}},"requestState":"s"}"#,
        " { \"name\" : \"a\" } \r\n",
        r#"{"names":1,"name":"a","_meta":{"io.modelcontextprotocol/protocolVersionX":2}}"#,
    ] {
        assert!(by_hand(plain), "{plain}");
        assert!(call_params_by_serde(plain).is_some(), "{plain}");
    }
    for other in [
        r#"{"n\u0061me":"a"}"#,
        r#"{"name":"a","name":"a"}"#,
        r#"{"name":"a","_meta":{},"_meta":{}}"#,
        r#"{"name":"a","_meta":[]}"#,
        r#"{"arguments":{}}"#,
        r#"{"name":"a"},"#,
    ] {
        assert!(!by_hand(other), "{other}");
    }
}

/// The eight-at-a-time scan finds what a byte-by-byte scan finds, at every
/// offset of every lane, for every byte value.
#[test]
fn string_ends_are_found_eight_bytes_at_a_time() {
    let naive = |b: &[u8]| b.iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20);
    for len in 0..20 {
        for at in 0..len {
            for c in 0..=255u8 {
                let mut b = vec![b'a'; len];
                b[at] = c;
                // A second stop after the first must not hide it (borrows run upward).
                if at + 1 < len {
                    b[at + 1] = b'"';
                }
                assert_eq!(super::plain::string_end(&b), naive(&b), "{b:?}");
                b[at..].fill(0xff);
                b[at] = c;
                assert_eq!(super::plain::string_end(&b), naive(&b), "{b:?}");
            }
        }
    }
}
