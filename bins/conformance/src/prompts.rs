//! The fixture prompts, and completion for `test_prompt_with_arguments`.

use crate::fixtures::{COMPLETIONS, PNG, PROMPT_RESOURCE_TEXT};
use lambda_mcp_core::{
    async_trait, Completion, Content, FnPrompt, GetPromptResult, InputRequest, Prompt, PromptArgument, PromptError,
    PromptInfo, PromptMessage, ResourceContents, Role, ServerBuilder, ToolContext,
};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Registers every fixture prompt.
pub(crate) fn register(builder: ServerBuilder) -> ServerBuilder {
    builder
        .prompt(simple())
        .prompt(with_arguments())
        .prompt(with_embedded_resource())
        .prompt(with_image())
        .prompt(ContextPrompt)
}

fn simple() -> impl Prompt {
    let info = PromptInfo::new("test_simple_prompt").with_description("A simple prompt without arguments");
    FnPrompt::new(info, |_args| async {
        Ok(GetPromptResult::new(vec![PromptMessage::text(Role::User, "This is a simple prompt for testing.")]))
    })
}

fn with_arguments() -> impl Prompt {
    let info = PromptInfo::new("test_prompt_with_arguments")
        .with_description("A prompt with two required arguments")
        .with_argument(PromptArgument::required("arg1").with_description("First test argument"))
        .with_argument(PromptArgument::required("arg2").with_description("Second test argument"));
    FnPrompt::new(info, |args| async move {
        let text = format!("Prompt with arguments: arg1='{}', arg2='{}'", args["arg1"], args["arg2"]);
        Ok(GetPromptResult::new(vec![PromptMessage::text(Role::User, text)]))
    })
    .with_completion(|_argument, value, _context| Completion::matching(COMPLETIONS, value))
}

fn with_embedded_resource() -> impl Prompt {
    let info = PromptInfo::new("test_prompt_with_embedded_resource")
        .with_description("A prompt that embeds a resource")
        .with_argument(PromptArgument::required("resourceUri").with_description("URI of the resource to embed"));
    FnPrompt::new(info, |args| async move {
        let resource = ResourceContents::text(&args["resourceUri"], "text/plain", PROMPT_RESOURCE_TEXT);
        Ok(GetPromptResult::new(vec![
            PromptMessage::new(Role::User, Content::resource(resource)),
            PromptMessage::text(Role::User, "Please process the embedded resource above."),
        ]))
    })
}

fn with_image() -> impl Prompt {
    let info = PromptInfo::new("test_prompt_with_image").with_description("A prompt that includes an image");
    FnPrompt::new(info, |_args| async {
        Ok(GetPromptResult::new(vec![
            PromptMessage::new(Role::User, Content::image(PNG, "image/png")),
            PromptMessage::text(Role::User, "Please analyze the image above."),
        ]))
    })
}

/// `test_input_required_result_prompt`: asks the user for the prompt's
/// context by elicitation before filling it in.
struct ContextPrompt;

#[async_trait]
impl Prompt for ContextPrompt {
    fn info(&self) -> PromptInfo {
        PromptInfo::new("test_input_required_result_prompt")
            .with_description("A prompt that asks the user for its context before it is filled in")
    }

    async fn get(&self, _args: BTreeMap<String, String>, ctx: &ToolContext) -> Result<GetPromptResult, PromptError> {
        let schema =
            json!({ "type": "object", "properties": { "context": { "type": "string" } }, "required": ["context"] });
        let request = InputRequest::elicit("What context should the prompt use?", schema).key("user_context");
        let answer = ctx.request_input(request).await?;
        let context = answer.get("content").and_then(|c| c.get("context")).and_then(Value::as_str).unwrap_or("none");
        Ok(GetPromptResult::new(vec![PromptMessage::text(Role::User, format!("Prompt with context: {context}"))]))
    }
}
