//! Tools that ask the client for input: sampling, elicitation, roots.
//!
//! Each is written once for both eras: in the handshake era
//! `request_input` is a real server → client request on the call's stream;
//! in the stateless era (2026-07-28) the first run ends with an
//! input-required result and the call runs again with the client's answers.
//! The `.key(...)` names are the ones the conformance suite expects.

use lambda_mcp_core::{tool, InputRequest, ToolContext, ToolError};
use serde_json::{json, Value};

/// `action=<action>, content=<json>` of an `ElicitResult`.
fn elicited(answer: &Value) -> String {
    let action = answer.get("action").and_then(Value::as_str).unwrap_or("unknown");
    let content = answer.get("content").cloned().unwrap_or(Value::Null);
    format!("action={action}, content={content}")
}

/// A field of an accepted elicitation's content.
fn field<'a>(answer: &'a Value, name: &str) -> Option<&'a Value> {
    (answer.get("action").and_then(Value::as_str) == Some("accept")).then(|| answer.get("content")?.get(name))?
}

/// The text of a `CreateMessageResult` (one content block or several).
fn sampled(answer: &Value) -> String {
    let text = |c: &Value| c.get("text").and_then(Value::as_str).map(str::to_owned);
    match answer.get("content") {
        Some(Value::Array(blocks)) => blocks.iter().filter_map(text).collect::<Vec<_>>().join(" "),
        Some(block) => text(block).unwrap_or_default(),
        None => String::new(),
    }
}

/// The URIs of a `ListRootsResult`.
fn roots(answer: &Value) -> String {
    let roots = answer.get("roots").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let uris: Vec<&str> = roots.iter().filter_map(|r| r.get("uri")?.as_str()).collect();
    if uris.is_empty() {
        "none".into()
    } else {
        uris.join(", ")
    }
}

/// A one-question sampling request.
fn ask_llm(text: &str, max_tokens: u32) -> InputRequest {
    InputRequest::create_message(json!({
        "messages": [{ "role": "user", "content": { "type": "text", "text": text } }],
        "maxTokens": max_tokens
    }))
}

/// A form with one required field.
fn one_field(message: &str, name: &str, kind: &str) -> InputRequest {
    let schema = json!({ "type": "object", "properties": { name: { "type": kind } }, "required": [name] });
    InputRequest::elicit(message, schema)
}

/// Tests server-initiated sampling: asks the client's LLM to complete `prompt`.
#[tool]
pub(crate) async fn test_sampling(
    ctx: &ToolContext,
    /// The prompt to send to the LLM.
    prompt: String,
) -> Result<String, ToolError> {
    let answer = ctx.request_input(ask_llm(&prompt, 100)).await?;
    Ok(format!("LLM response: {}", sampled(&answer)))
}

/// Tests server-initiated elicitation: asks the user for a username and an email.
#[tool]
pub(crate) async fn test_elicitation(
    ctx: &ToolContext,
    /// The message to show the user.
    message: String,
) -> Result<String, ToolError> {
    let schema = json!({
        "type": "object",
        "properties": {
            "username": { "type": "string", "description": "User's response" },
            "email": { "type": "string", "description": "User's email address" }
        },
        "required": ["username", "email"]
    });
    let answer = ctx.request_input(InputRequest::elicit(message, schema)).await?;
    Ok(format!("User response: {}", elicited(&answer)))
}

/// Tests elicitation with default values for every primitive type (SEP-1034).
#[tool]
pub(crate) async fn test_elicitation_sep1034_defaults(ctx: &ToolContext) -> Result<String, ToolError> {
    let schema = json!({
        "type": "object",
        "properties": {
            "name": { "type": "string", "description": "User name", "default": "John Doe" },
            "age": { "type": "integer", "description": "User age", "default": 30 },
            "score": { "type": "number", "description": "User score", "default": 95.5 },
            "status": {
                "type": "string", "description": "User status",
                "enum": ["active", "inactive", "pending"], "default": "active"
            },
            "verified": { "type": "boolean", "description": "Verification status", "default": true }
        },
        "required": []
    });
    let request = InputRequest::elicit("Please review and update the form fields with defaults", schema);
    let answer = ctx.request_input(request).await?;
    Ok(format!("Elicitation completed: {}", elicited(&answer)))
}

/// Tests elicitation with titled, untitled, legacy and multi-select enums (SEP-1330).
#[tool]
pub(crate) async fn test_elicitation_sep1330_enums(ctx: &ToolContext) -> Result<String, ToolError> {
    let choices = |titles: [&str; 3]| -> Vec<Value> {
        titles.iter().enumerate().map(|(i, t)| json!({ "const": format!("value{}", i + 1), "title": t })).collect()
    };
    let schema = json!({
        "type": "object",
        "properties": {
            "untitledSingle": {
                "type": "string", "description": "Select one option", "enum": ["option1", "option2", "option3"]
            },
            "titledSingle": {
                "type": "string", "description": "Select one titled option",
                "oneOf": choices(["First Option", "Second Option", "Third Option"])
            },
            "legacyEnum": {
                "type": "string", "description": "Select one (legacy enumNames)",
                "enum": ["opt1", "opt2", "opt3"], "enumNames": ["Option One", "Option Two", "Option Three"]
            },
            "untitledMulti": {
                "type": "array", "description": "Select several options", "minItems": 1, "maxItems": 3,
                "items": { "type": "string", "enum": ["option1", "option2", "option3"] }
            },
            "titledMulti": {
                "type": "array", "description": "Select several titled options", "minItems": 1, "maxItems": 3,
                "items": { "anyOf": choices(["First Choice", "Second Choice", "Third Choice"]) }
            }
        },
        "required": []
    });
    let answer = ctx.request_input(InputRequest::elicit("Please select options from the enum fields", schema)).await?;
    Ok(format!("Elicitation completed: {}", elicited(&answer)))
}

/// Needs the client's `sampling` capability: asks its LLM for a one-word answer.
#[tool]
pub(crate) async fn test_missing_capability(ctx: &ToolContext) -> Result<String, ToolError> {
    let answer = ctx.request_input(ask_llm("Answer with one word: ready?", 10)).await?;
    Ok(format!("Sampling available: {}", sampled(&answer)))
}

/// Asks the user for their name by elicitation (stateless era: an input-required result).
#[tool]
pub(crate) async fn test_streaming_elicitation(ctx: &ToolContext) -> Result<String, ToolError> {
    let answer = ctx.request_input(one_field("What is your name?", "name", "string").key("user_name")).await?;
    Ok(format!("Streaming elicitation: {}", elicited(&answer)))
}

/// Input-required round trip by elicitation: asks for the user's name and greets them.
#[tool]
pub(crate) async fn test_input_required_result_elicitation(ctx: &ToolContext) -> Result<String, ToolError> {
    let answer = ctx.request_input(one_field("What is your name?", "name", "string").key("user_name")).await?;
    let name = field(&answer, "name").and_then(Value::as_str).unwrap_or("stranger");
    Ok(format!("Hello, {name}!"))
}

/// Input-required round trip by sampling: asks the client's LLM a question.
#[tool]
pub(crate) async fn test_input_required_result_sampling(ctx: &ToolContext) -> Result<String, ToolError> {
    let answer = ctx.request_input(ask_llm("What is the capital of France?", 100).key("capital_question")).await?;
    Ok(format!("Sampling response: {}", sampled(&answer)))
}

/// Input-required round trip by `roots/list`: reports the client's roots.
#[tool]
pub(crate) async fn test_input_required_result_list_roots(ctx: &ToolContext) -> Result<String, ToolError> {
    let answer = ctx.request_input(InputRequest::list_roots().key("client_roots")).await?;
    Ok(format!("Client roots: {}", roots(&answer)))
}

/// Input-required round trip carrying `requestState`: asks for a confirmation.
#[tool]
pub(crate) async fn test_input_required_result_request_state(ctx: &ToolContext) -> Result<String, ToolError> {
    let answer = ctx.request_input(one_field("Please confirm", "ok", "boolean").key("confirm")).await?;
    let ok = field(&answer, "ok").and_then(Value::as_bool).unwrap_or(false);
    Ok(format!("state-ok: confirmed={ok}"))
}

/// Asks three things in one round: a name (elicitation), a greeting (sampling) and the roots.
#[tool]
pub(crate) async fn test_input_required_result_multiple_inputs(ctx: &ToolContext) -> Result<String, ToolError> {
    let requests = vec![
        one_field("What is your name?", "name", "string").key("user_name"),
        ask_llm("Generate a greeting", 50).key("greeting"),
        InputRequest::list_roots().key("client_roots"),
    ];
    let answers = ctx.request_inputs(requests).await?;
    let name = field(&answers[0], "name").and_then(Value::as_str).unwrap_or("stranger");
    Ok(format!("Name: {name}; greeting: {}; roots: {}", sampled(&answers[1]), roots(&answers[2])))
}

/// Asks in two rounds: first the user's name, then their favourite colour.
#[tool]
pub(crate) async fn test_input_required_result_multi_round(ctx: &ToolContext) -> Result<String, ToolError> {
    let first = ctx.request_input(one_field("Step 1: What is your name?", "name", "string").key("step1")).await?;
    let name = field(&first, "name").and_then(Value::as_str).unwrap_or("stranger").to_owned();
    let step2 = one_field("Step 2: What is your favorite color?", "color", "string").key("step2");
    let second = ctx.request_input(step2).await?;
    let color = field(&second, "color").and_then(Value::as_str).unwrap_or("unknown");
    Ok(format!("{name}'s favorite color is {color}"))
}

/// Asks for a confirmation; a retry whose signed `requestState` was altered is refused.
#[tool]
pub(crate) async fn test_input_required_result_tampered_state(ctx: &ToolContext) -> Result<String, ToolError> {
    let answer = ctx.request_input(one_field("Please confirm", "ok", "boolean").key("confirm")).await?;
    let ok = field(&answer, "ok").and_then(Value::as_bool).unwrap_or(false);
    Ok(format!("state verified: confirmed={ok}"))
}

/// Asks for the user's name by elicitation, or by sampling when the client cannot elicit.
#[tool]
pub(crate) async fn test_input_required_result_capabilities(ctx: &ToolContext) -> Result<String, ToolError> {
    let question = one_field("What is your name?", "name", "string").key("user_name");
    match ctx.request_input(question).await {
        Err(ToolError::MissingCapability { .. }) => {
            let answer =
                ctx.request_input(ask_llm("Suggest a name for the user.", 50).key("user_name_sampled")).await?;
            Ok(format!("Hello, {}! (asked by sampling)", sampled(&answer)))
        }
        answer => {
            let answer = answer?;
            let name = field(&answer, "name").and_then(Value::as_str).unwrap_or("stranger");
            Ok(format!("Hello, {name}! (asked by elicitation)"))
        }
    }
}
