//! Router dispatch cost: a `tools/call` through `Server::handle` to an
//! inline tool and to an actor tool, beside a direct call of the same tool
//! (the floor). Run: `cargo bench -p lambda-mcp-core --bench dispatch`.

#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion};
use lambda_mcp_core::context::Discard;
use lambda_mcp_core::jsonrpc::{Message, Request, RequestId};
use lambda_mcp_core::{
    async_trait, Arguments, CallToolResult, Connection, ProtocolVersion, Server, StatefulTool, Tool, ToolContext,
    ToolError, ToolInfo,
};
use serde_json::json;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Hello;

#[async_trait]
impl Tool for Hello {
    fn info(&self) -> ToolInfo {
        ToolInfo::new("hello_inline", json!({"type": "object"}))
    }
    async fn call(&self, _args: Arguments, _ctx: &ToolContext) -> Result<CallToolResult, ToolError> {
        Ok(CallToolResult::text("Hello MCP World!"))
    }
}

#[derive(Default)]
struct HelloActor {
    calls: u64,
}

#[async_trait]
impl StatefulTool for HelloActor {
    fn tools(&self) -> Vec<ToolInfo> {
        vec![ToolInfo::new("hello_actor", json!({"type": "object"}))]
    }
    async fn call(&mut self, _name: &str, _args: Arguments, _ctx: &ToolContext) -> Result<CallToolResult, ToolError> {
        self.calls += 1;
        Ok(CallToolResult::text("Hello MCP World!"))
    }
}

fn call(name: &str) -> Message {
    let params = json!({"name": name, "arguments": {}});
    Message::Request(Request::new(1, "tools/call", params.as_object().cloned()))
}

fn dispatch(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let server = Server::builder("bench", "1").tool(Hello).tool(HelloActor::default()).build();
    let conn = rt.block_on(async {
        let conn = Connection::default();
        let init =
            json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "b", "version": "1"}});
        let init = Message::Request(Request::new(0, "initialize", init.as_object().cloned()));
        server.handle(&conn, init, Arc::new(Discard)).await.unwrap();
        conn
    });
    let mut group = c.benchmark_group("tools_call");
    group.measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    group.bench_function("direct Tool::call (floor)", |b| {
        b.to_async(&rt).iter(|| async {
            let ctx = ToolContext::builder(RequestId::Number(1), ProtocolVersion::V2025_11_25, Instant::now()).build();
            black_box(Hello.call(Arguments::default(), &ctx).await.unwrap())
        })
    });
    for name in ["hello_inline", "hello_actor"] {
        group.bench_function(format!("Server::handle → {name}"), |b| {
            b.to_async(&rt).iter(|| async {
                let reply = server.handle(&conn, call(name), Arc::new(Discard)).await;
                black_box(reply.unwrap())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, dispatch);
criterion_main!(benches);
