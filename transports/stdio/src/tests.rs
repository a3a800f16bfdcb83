use super::*;
use lambda_mcp_core::protocol::{CallToolResult, ToolInfo};
use lambda_mcp_core::{async_trait, Arguments, Tool, ToolContext, ToolError};
use serde_json::{json, Value};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

struct Nap;

#[async_trait]
impl Tool for Nap {
    fn info(&self) -> ToolInfo {
        ToolInfo::new("nap", json!({"type": "object"}))
    }
    async fn call(&self, _args: Arguments, _ctx: &ToolContext) -> Result<CallToolResult, ToolError> {
        tokio::time::sleep(Duration::from_millis(200)).await;
        Ok(CallToolResult::text("rested"))
    }
}

fn server() -> Server {
    Server::builder("stdio-test", "1").tool(Nap).build()
}

const INIT: &str = r#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#;

async fn run(input: &str) -> Vec<Value> {
    let mut out = Vec::new();
    serve(input.as_bytes(), &mut out, server()).await.unwrap();
    String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn by_id(replies: &[Value], id: i64) -> &Value {
    replies.iter().find(|r| r["id"] == id).unwrap_or_else(|| panic!("no reply to {id} in {replies:?}"))
}

#[tokio::test]
async fn bad_input_gets_precise_errors_and_the_server_keeps_reading() {
    let input = [
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#, // before initialize
        INIT,
        "{this is not json",
        r#"{"jsonrpc":"2.0","id":2}"#,
        r#"{"jsonrpc":"1.0","id":3,"method":"ping"}"#,
        r#"{"jsonrpc":"2.0","id":4,"method":"no/such"}"#,
        r#"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":7}}"#,
        "",
        "   ",
        r#"{"jsonrpc":"2.0","id":6,"method":"ping"}"#,
    ]
    .join("\n");
    let replies = run(&input).await;
    assert_eq!(by_id(&replies, 1)["error"]["code"], -32600);
    assert_eq!(by_id(&replies, 0)["result"]["protocolVersion"], "2025-11-25");
    let parse_error = replies.iter().find(|r| r["error"]["code"] == -32700).expect("a parse error");
    assert_eq!(parse_error["id"], Value::Null);
    assert_eq!(by_id(&replies, 2)["error"]["code"], -32600);
    assert_eq!(by_id(&replies, 3)["error"]["code"], -32600);
    assert_eq!(by_id(&replies, 4)["error"]["code"], -32601);
    assert_eq!(by_id(&replies, 5)["error"]["code"], -32602);
    assert_eq!(by_id(&replies, 6)["result"], json!({}));
    assert_eq!(replies.len(), 8, "blank lines are skipped, everything else answered once");
}

#[tokio::test]
async fn a_line_over_the_limit_is_skipped_with_a_parse_error() {
    let huge = format!("\"{}\"", "x".repeat(MAX_LINE_BYTES + 10));
    let input = format!("{huge}\n{INIT}\n");
    let replies = run(&input).await;
    assert_eq!(replies[0]["error"]["code"], -32700);
    assert_eq!(by_id(&replies, 0)["result"]["serverInfo"]["name"], "stdio-test");
}

#[tokio::test]
async fn a_slow_call_does_not_block_the_next_request_and_eof_waits_for_it() {
    let input = format!(
        "{INIT}\n{}\n{}\n",
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"nap"}}"#,
        r#"{"jsonrpc":"2.0","id":2,"method":"ping"}"#
    );
    let replies = run(&input).await;
    let order: Vec<i64> = replies.iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert_eq!(order, [0, 2, 1], "ping overtakes the nap; the nap still answers after EOF");
    assert_eq!(by_id(&replies, 1)["result"]["content"][0]["text"], "rested");
}

#[tokio::test]
async fn cancelled_calls_get_no_response() {
    let (client, server_io) = tokio::io::duplex(64 * 1024);
    let (server_read, server_write) = tokio::io::split(server_io);
    let serving = tokio::spawn(serve(server_read, server_write, server()));
    let (client_read, mut client_write) = tokio::io::split(client);
    let call = r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"nap"}}"#;
    let cancel = r#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}"#;
    let ping = r#"{"jsonrpc":"2.0","id":2,"method":"ping"}"#;
    client_write.write_all(format!("{INIT}\n{call}\n{cancel}\n{ping}\n").as_bytes()).await.unwrap();
    client_write.shutdown().await.unwrap();
    drop(client_write);
    serving.await.unwrap().unwrap();
    let mut lines = BufReader::new(client_read).lines();
    let mut ids = Vec::new();
    while let Some(line) = lines.next_line().await.unwrap() {
        ids.push(serde_json::from_str::<Value>(&line).unwrap()["id"].clone());
    }
    assert_eq!(ids, [json!(0), json!(2)]);
}

#[tokio::test]
async fn stateless_requests_work_without_initialize() {
    let input = r#"{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}"#;
    let replies = run(input).await;
    assert_eq!(replies[0]["result"]["resultType"], "complete");
}

/// Damaged lines from a fixed seed, each followed by a ping: every line the
/// server writes is JSON, every ping is answered (the server keeps
/// reading), and each line that is not JSON gets exactly one -32700.
#[tokio::test]
async fn damaged_lines_get_parse_errors_and_the_server_keeps_reading() {
    use lambda_mcp_test_support::damage::Damage;
    let lines = [
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"cursor":"x"}}"#,
        r#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"none","arguments":{"a":[1]}}}"#,
        r#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}"#,
    ];
    let mut damage = Damage::new(0x57d10);
    let mut input = format!("{INIT}\n").into_bytes();
    let (mut pings, mut not_json) = (0, 0);
    for line in lines.iter().cycle().take(600) {
        let damaged = damage.apply(line.as_bytes());
        let blank = damaged.iter().all(u8::is_ascii_whitespace);
        if !blank && !lambda_mcp_test_support::damage::is_json(&damaged) {
            not_json += 1;
        }
        input.extend_from_slice(&damaged);
        pings += 1;
        input.extend_from_slice(
            format!("\n{{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}}\n", 1_000_000 + pings).as_bytes(),
        );
    }
    let mut out = Vec::new();
    serve(&input[..], &mut out, server()).await.unwrap();
    let replies: Vec<Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    for id in 1_000_001..=1_000_000 + pings {
        assert_eq!(by_id(&replies, id)["result"], json!({}));
    }
    let parse_errors = replies.iter().filter(|r| r["error"]["code"] == -32700).count();
    assert_eq!(parse_errors, not_json);
    assert!(not_json > 200, "{not_json} of 600 lines not JSON");
}
