//! `mcp-client`: list and call the tools of an MCP server (Streamable HTTP
//! or stdio, both protocol eras), or let a Bedrock model use them.
//!
//! Exit codes: 0 success; 1 the tool reported `isError`; 2 bad usage;
//! 3 the MCP server could not be used (connection, 401, JSON-RPC error);
//! 4 the agent failed (Bedrock error, turn bound reached).

mod agent;
mod output;

use agent::{Agent, AgentError, Bedrock, BedrockOptions};
use clap::{Args as ClapArgs, Parser, Subcommand, ValueEnum};
use lambda_mcp_client::{Client, ClientError, ConnectOptions, Direction, EraMode, HttpOptions, Tap};
use serde_json::{Map, Value};
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncBufReadExt;

const TOOL_ERROR: u8 = 1;
const USAGE: u8 = 2;
const MCP_FAILED: u8 = 3;
const AGENT_FAILED: u8 = 4;

/// An MCP client: list and call a server's tools, or let a Bedrock model use them.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// The server's Streamable HTTP endpoint, e.g. http://127.0.0.1:8080/mcp.
    #[arg(long, env = "MCP_URL", global = true, conflicts_with = "stdio")]
    url: Option<String>,
    /// Start a stdio server instead: the command and its arguments, e.g. "mcp-stdio --log-format json".
    #[arg(long, global = true)]
    stdio: Option<String>,
    /// Bearer token for the HTTP endpoint.
    #[arg(long, env = "MCP_AUTH_TOKEN", hide_env_values = true, global = true)]
    token: Option<String>,
    /// Protocol era: auto (2026-07-28 discovery, else the initialize handshake), handshake or stateless.
    #[arg(long, value_enum, default_value_t = EraArg::Auto, global = true)]
    era: EraArg,
    /// Seconds any one MCP request may take.
    #[arg(long, default_value_t = 60, global = true)]
    timeout: u64,
    /// Print the raw exchange (MCP messages, HTTP statuses, Bedrock requests and replies) on stderr.
    #[arg(short, long, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum EraArg {
    Auto,
    Handshake,
    Stateless,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// List the server's tools.
    Tools {
        /// Print the tools as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Call one tool and print its result (exit code 1 when it reports isError).
    Call {
        /// The tool's name.
        name: String,
        /// The arguments, as a JSON object.
        #[arg(long, default_value = "{}")]
        args: String,
        /// Print the whole result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Ask a Bedrock model one question; it may use the server's tools.
    Ask {
        /// The question.
        question: String,
        #[command(flatten)]
        agent: AgentArgs,
    },
    /// Talk to a Bedrock model that may use the server's tools (one question per line; /exit or EOF ends).
    Chat {
        #[command(flatten)]
        agent: AgentArgs,
    },
}

#[derive(ClapArgs, Debug)]
struct AgentArgs {
    /// Bedrock model or inference profile id.
    #[arg(long, env = "BEDROCK_MODEL_ID")]
    model: Option<String>,
    /// AWS region (default: from the AWS configuration chain).
    #[arg(long)]
    region: Option<String>,
    /// The most model turns per question.
    #[arg(long, default_value_t = 10)]
    max_turns: usize,
    /// The most tokens per model reply (default: the model's).
    #[arg(long)]
    max_tokens: Option<i32>,
    /// A system prompt.
    #[arg(long)]
    system: Option<String>,
}

/// A failure and the exit code it maps to.
struct Failure(u8, String);

impl From<ClientError> for Failure {
    fn from(e: ClientError) -> Self {
        Failure(MCP_FAILED, e.to_string())
    }
}

impl From<AgentError> for Failure {
    fn from(e: AgentError) -> Self {
        match e {
            AgentError::Mcp(e) => e.into(),
            other => Failure(AGENT_FAILED, other.to_string()),
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(code) => ExitCode::from(code),
        Err(Failure(code, message)) => {
            eprintln!("mcp-client: {message}");
            ExitCode::from(code)
        }
    }
}

async fn run(args: Args) -> Result<u8, Failure> {
    let client = connect(&args).await?;
    let outcome = command(&client, args.command, args.verbose).await;
    client.close().await;
    outcome
}

async fn connect(args: &Args) -> Result<Client, Failure> {
    let era = match args.era {
        EraArg::Auto => EraMode::Auto,
        EraArg::Handshake => EraMode::Handshake,
        EraArg::Stateless => EraMode::Stateless,
    };
    let mut options = ConnectOptions { era, timeout: Duration::from_secs(args.timeout.max(1)), ..Default::default() };
    options.client_info.name = "mcp-client".into();
    if args.verbose {
        options.tap = Some(verbose_tap());
    }
    let client = match (&args.url, &args.stdio) {
        (Some(url), _) => {
            let http = HttpOptions { token: args.token.clone(), ..HttpOptions::default() };
            Client::connect_http(url, http, options).await?
        }
        (None, Some(command)) => {
            let words = shlex::split(command).filter(|w| !w.is_empty());
            let words = words.ok_or_else(|| Failure(USAGE, format!("cannot parse --stdio {command:?}")))?;
            Client::connect_stdio(&words, options).await?
        }
        (None, None) => {
            return Err(Failure(USAGE, "say which server: --url URL (or MCP_URL) or --stdio \"CMD ARGS\"".into()))
        }
    };
    if args.verbose {
        let server = client.server_info().map(|i| format!("{} {}", i.name, i.version)).unwrap_or_else(|| "?".into());
        eprintln!("connected: {server}, protocol {}", client.protocol_version());
    }
    Ok(client)
}

fn verbose_tap() -> Tap {
    Arc::new(|direction, text| {
        let arrow = match direction {
            Direction::Sent => "mcp →",
            Direction::Received => "mcp ←",
            Direction::Info => "mcp ·",
        };
        eprintln!("{arrow} {}", text.trim_end());
    })
}

async fn command(client: &Client, command: Command, verbose: bool) -> Result<u8, Failure> {
    match command {
        Command::Tools { json } => {
            let tools = client.list_tools().await?;
            if json {
                print(&format!("{}\n", serde_json::to_string_pretty(&tools).unwrap_or_default()));
            } else {
                print(&output::tools_table(&tools));
            }
            Ok(0)
        }
        Command::Call { name, args, json } => {
            let arguments = match serde_json::from_str::<Value>(&args) {
                Ok(Value::Object(map)) => map,
                Ok(_) => return Err(Failure(USAGE, "--args must be a JSON object".into())),
                Err(e) => return Err(Failure(USAGE, format!("--args is not valid JSON: {e}"))),
            };
            call(client, &name, arguments, json).await
        }
        Command::Ask { question, agent } => {
            let mut agent = agent_for(client, agent, verbose).await?;
            let answer = agent.ask(&question).await?;
            print(&format!("{}\n", answer.trim_end()));
            Ok(0)
        }
        Command::Chat { agent } => chat(agent_for(client, agent, verbose).await?).await,
    }
}

async fn call(client: &Client, name: &str, arguments: Map<String, Value>, json: bool) -> Result<u8, Failure> {
    let result = client.call_tool(name, arguments).await?;
    if json {
        print(&format!("{}\n", serde_json::to_string_pretty(&result).unwrap_or_default()));
    } else {
        print(&output::call_result(&result));
    }
    if result.failed() {
        eprintln!("mcp-client: the tool {name} reported an error (isError)");
        return Ok(TOOL_ERROR);
    }
    Ok(0)
}

async fn agent_for(client: &Client, args: AgentArgs, verbose: bool) -> Result<Agent<'_>, Failure> {
    let options =
        BedrockOptions { model: args.model, region: args.region, max_tokens: args.max_tokens, system: args.system };
    let bedrock = Bedrock::connect(options).await.map_err(AgentError::from)?;
    Ok(Agent::new(client, bedrock, args.max_turns, verbose).await?)
}

async fn chat(mut agent: Agent<'_>) -> Result<u8, Failure> {
    let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
    let mut failed = false;
    loop {
        eprint!("you> ");
        let Ok(Some(line)) = lines.next_line().await else { break };
        let line = line.trim();
        match line {
            "" => continue,
            "/exit" | "/quit" => break,
            question => match agent.ask(question).await {
                Ok(answer) => print(&format!("{}\n", answer.trim_end())),
                Err(e) => {
                    eprintln!("mcp-client: {e}");
                    failed = true;
                }
            },
        }
    }
    eprintln!();
    Ok(if failed { AGENT_FAILED } else { 0 })
}

fn print(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}
