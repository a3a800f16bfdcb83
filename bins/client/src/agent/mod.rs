//! The agent: a Bedrock model, through Converse, using the tools of an MCP
//! server. The loop follows `stopReason`: `tool_use` runs every requested
//! tool (in parallel) and sends the results back, `max_tokens` asks the
//! model to go on, `end_turn` ends the answer. Turns are bounded.
//!
//! The answer (the text of the final turn, with any parts cut off by the
//! token limit before it) goes to stdout; the model's remarks between tool
//! calls and each tool call go to stderr as they happen.

mod bedrock;
mod convert;

pub(crate) use bedrock::{Bedrock, BedrockError, BedrockOptions};

use aws_sdk_bedrockruntime::types::{ContentBlock, ConversationRole, Message, StopReason, ToolUseBlock};
use convert::ToolMap;
use lambda_mcp_client::{Client, ClientError};
use std::time::Instant;

/// Why the agent stopped without an answer.
#[derive(Debug, thiserror::Error)]
pub(crate) enum AgentError {
    /// Bedrock failed.
    #[error(transparent)]
    Bedrock(#[from] BedrockError),
    /// The MCP server failed before the loop started.
    #[error("MCP: {0}")]
    Mcp(#[from] ClientError),
    /// The model kept asking for tools.
    #[error("stopped after {0} turns: the model was still asking for tools (raise --max-turns to allow more)")]
    TurnLimit(usize),
    /// The model stopped for a reason other than the end of its turn.
    #[error("the model stopped: {0}")]
    Stopped(String),
}

/// One conversation: the history, the tools, the bound on turns.
pub(crate) struct Agent<'a> {
    mcp: &'a Client,
    bedrock: Bedrock,
    tools: ToolMap,
    history: Vec<Message>,
    max_turns: usize,
    verbose: bool,
}

impl<'a> Agent<'a> {
    /// Lists the server's tools and maps them to Bedrock tool specs.
    pub(crate) async fn new(
        mcp: &'a Client,
        bedrock: Bedrock,
        max_turns: usize,
        verbose: bool,
    ) -> Result<Agent<'a>, AgentError> {
        let listed = mcp.list_tools().await?;
        let tools = ToolMap::new(&listed).map_err(AgentError::Stopped)?;
        eprintln!("agent: model {}, {} MCP tools, at most {max_turns} turns", bedrock.model(), listed.len());
        Ok(Agent { mcp, bedrock, tools, history: Vec::new(), max_turns: max_turns.max(1), verbose })
    }

    /// Answers one question, continuing the conversation. On failure the
    /// history is rolled back to before the question, so a chat can go on.
    pub(crate) async fn ask(&mut self, question: &str) -> Result<String, AgentError> {
        let before = self.history.len();
        let answer = self.turns(question).await;
        if answer.is_err() {
            self.history.truncate(before);
        }
        answer
    }

    async fn turns(&mut self, question: &str) -> Result<String, AgentError> {
        self.history.push(message(ConversationRole::User, vec![ContentBlock::Text(question.to_owned())]));
        let mut answer = String::new();
        for turn in 1..=self.max_turns {
            if self.verbose {
                let last = self.history.last().map(convert::message_json).unwrap_or_default();
                eprintln!("bedrock → converse (turn {turn}, {} messages), last: {}", self.history.len(), json(&last));
            }
            let output = self.bedrock.converse(&self.history, self.tools.config()).await?;
            let reply = output.output().and_then(|o| o.as_message().ok()).cloned();
            let reply = reply.ok_or_else(|| AgentError::Stopped("Converse returned no message".into()))?;
            let stop = output.stop_reason().clone();
            if self.verbose {
                eprintln!("bedrock ← stopReason {}: {}", stop.as_str(), json(&convert::message_json(&reply)));
            }
            let text = text_of(&reply);
            match stop {
                StopReason::ToolUse => {
                    if !text.trim().is_empty() {
                        eprintln!("model: {}", text.trim());
                    }
                    let results = self.run_tools(&reply).await;
                    self.history.push(reply);
                    self.history.push(message(ConversationRole::User, results));
                }
                StopReason::MaxTokens => {
                    eprintln!("agent: the answer hit the token limit; asking the model to continue");
                    answer.push_str(&text);
                    self.history.push(without_tool_use(reply));
                    let more = ContentBlock::Text("Please continue exactly where you stopped.".into());
                    self.history.push(message(ConversationRole::User, vec![more]));
                }
                StopReason::EndTurn | StopReason::StopSequence => {
                    answer.push_str(&text);
                    self.history.push(reply);
                    return Ok(answer);
                }
                other => return Err(AgentError::Stopped(format!("stopReason {}", other.as_str()))),
            }
        }
        Err(AgentError::TurnLimit(self.max_turns))
    }

    /// Calls every tool the reply asks for, concurrently, and returns one
    /// `toolResult` block per `toolUse`, in the order asked.
    async fn run_tools(&self, reply: &Message) -> Vec<ContentBlock> {
        let uses: Vec<&ToolUseBlock> = reply.content().iter().filter_map(|b| b.as_tool_use().ok()).collect();
        let calls = uses.iter().map(|tool_use| self.run_tool(tool_use));
        futures_util::future::join_all(calls).await.into_iter().map(ContentBlock::ToolResult).collect()
    }

    async fn run_tool(&self, tool_use: &ToolUseBlock) -> aws_sdk_bedrockruntime::types::ToolResultBlock {
        let id = tool_use.tool_use_id();
        let arguments = convert::to_json(tool_use.input());
        let Some(name) = self.tools.mcp_name(tool_use.name()) else {
            eprintln!("tool: the model asked for an unknown tool {:?}", tool_use.name());
            return convert::tool_failure(id, &format!("there is no tool named {:?}", tool_use.name()));
        };
        eprintln!("tool → {name} {arguments}");
        let started = Instant::now();
        let outcome = match arguments {
            serde_json::Value::Object(args) => self.mcp.call_tool(name, args).await,
            serde_json::Value::Null => self.mcp.call_tool(name, serde_json::Map::new()).await,
            _ => {
                eprintln!("tool ← {name}: arguments are not an object");
                return convert::tool_failure(id, "the tool arguments must be a JSON object");
            }
        };
        let ms = started.elapsed().as_millis();
        match outcome {
            Ok(result) => {
                let status = if result.failed() { "isError" } else { "ok" };
                eprintln!("tool ← {name}: {status} in {ms} ms");
                convert::tool_result(id, &result)
            }
            Err(error) => {
                eprintln!("tool ← {name}: failed in {ms} ms: {error}");
                convert::tool_failure(id, &error.to_string())
            }
        }
    }
}

fn message(role: ConversationRole, content: Vec<ContentBlock>) -> Message {
    Message::builder().role(role).set_content(Some(content)).build().expect("role and content are set")
}

fn text_of(reply: &Message) -> String {
    reply.content().iter().filter_map(|b| b.as_text().ok()).cloned().collect::<Vec<_>>().join("")
}

/// A reply cut off by the token limit may hold a half-written `toolUse`
/// that cannot be answered; the text stays.
fn without_tool_use(reply: Message) -> Message {
    let mut content: Vec<ContentBlock> = reply.content().iter().filter(|b| !b.is_tool_use()).cloned().collect();
    if content.is_empty() {
        content.push(ContentBlock::Text("…".into()));
    }
    message(ConversationRole::Assistant, content)
}

fn json(value: &serde_json::Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
