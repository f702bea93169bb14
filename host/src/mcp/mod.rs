//! The Model Context Protocol server of the host (`connector-host mcp`, on the official
//! Rust SDK `rmcp`): each action the operator allows is a tool whose input and output
//! schemas are the action's generated schemas (`schemas/actions/`, shipped beside the
//! manifest). A call runs one step, in the same sandbox, egress policy and limits as every
//! other mode, with the operator's connection — never one the model gives — and answers
//! the step's output as structured content, or its error object (with its `kind`) as a
//! tool error. Over stdio, or streamable HTTP at `/mcp` behind a bearer token.

mod lean;
mod stdio;

use crate::manifest::{Action as ManifestAction, Effect};
use crate::{ErrorKind, Host, StepError};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, Implementation, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool, ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::{json, Map, Value};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// What the operator decides for an MCP server: the connection every call uses, the
/// actions exposed (the read-only ones when empty) and the inputs pinned for every call.
#[derive(Clone)]
pub struct Setup {
    /// The connection object, from the operator's file or environment.
    pub connection: Value,
    /// The exposed actions.
    pub actions: Vec<String>,
    /// Inputs every call takes as the operator set them (`region` above all, which an
    /// agent cannot know): left out of the tools' schemas and stated in the server's
    /// instructions; a call that gives one is refused.
    pub pinned: Map<String, Value>,
}

impl std::fmt::Debug for Setup {
    /// The actions; never the connection, which holds secrets.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Setup")
            .field("connection", &"[not shown]")
            .field("actions", &self.actions)
            .field("pinned", &self.pinned)
            .finish()
    }
}

/// The tools of one MCP session: the host, the operator's connection and the exposed
/// actions.
#[derive(Clone)]
pub struct Tools {
    host: Arc<Host>,
    connection: Arc<Value>,
    listed: Arc<Vec<Tool>>,
    pinned: Arc<Map<String, Value>>,
    /// Calls running at once (the host's instance slots, when pooled).
    calls: Arc<Semaphore>,
}

fn object(value: Value, what: &str) -> Result<Arc<Map<String, Value>>, StepError> {
    match value {
        Value::Object(members) => Ok(Arc::new(members)),
        _ => Err(StepError::new(
            ErrorKind::Host,
            format!("{what} is not a JSON object"),
        )),
    }
}

/// The actions the manifest says only read, in its order: the tools when the operator
/// names none.
pub fn read_only(host: &Host) -> Vec<String> {
    let actions = &host.manifest().actions;
    let reads = actions.iter().filter(|a| a.effect() == Effect::Read);
    reads
        .map(|a| a.key.clone())
        .filter(|key| host.has_action(key))
        .collect()
}

/// The tool of `action`: its lean input schema (without `pinned`), a description that says
/// how to call it, its trimmed output schema, and its annotations (from the manifest's
/// `effect` and `idempotent`: an action it says nothing of is taken as destructive).
fn tool(host: &Host, action: &str, pinned: &Map<String, Value>) -> Result<Tool, StepError> {
    let contract = host.contract();
    let input = contract.input(action)?;
    let facts = host.manifest().action(action);
    let description = lean::description(&input, facts);
    let title = input["title"].as_str().map(str::to_string);
    let input = lean::input(input, facts, pinned);
    let mut tool = Tool::new(
        action.to_string(),
        description,
        object(input, "an input schema")?,
    );
    let output = lean::output(&contract.output(action)?);
    tool.output_schema = Some(object(output, "an output schema")?);
    tool.title = title;
    let effect = facts.map_or(Effect::Change, ManifestAction::effect);
    // The destructive and idempotent hints mean something only for a tool that is not
    // read-only (the specification's words), so a read-only tool carries only its own.
    let annotations = if effect == Effect::Read {
        ToolAnnotations::new().read_only(true)
    } else {
        ToolAnnotations::new()
            .read_only(false)
            .destructive(effect == Effect::Change)
            .idempotent(facts.is_some_and(|f| f.idempotent))
    };
    tool.annotations = Some(annotations);
    Ok(tool)
}

impl Tools {
    /// The tools of `setup`, run by `host`; `invalid-input` naming `--actions` for an
    /// action the component does not have.
    pub fn new(host: Arc<Host>, setup: Setup) -> Result<Tools, StepError> {
        let names: Vec<String> = if setup.actions.is_empty() {
            read_only(&host)
        } else {
            setup.actions
        };
        let mut tools = Vec::new();
        for name in &names {
            if !host.has_action(name) {
                let known = host.actions();
                let hint = crate::suggest::did_you_mean(name, known.iter().map(String::as_str));
                let message = format!("the component has no action {name}{hint}");
                return Err(StepError::invalid("--actions", message));
            }
            tools.push(tool(&host, name, &setup.pinned)?);
        }
        let inputs: Vec<&str> = names
            .iter()
            .filter_map(|name| host.manifest().action(name))
            .flat_map(|a| a.inputs.iter().map(|i| i.key.as_str()))
            .collect();
        if let Some(unknown) = setup.pinned.keys().find(|k| !inputs.contains(&k.as_str())) {
            let hint = crate::suggest::did_you_mean(unknown, inputs.iter().copied());
            let message = format!("{unknown} is not an input of any exposed tool{hint}");
            return Err(StepError::invalid("--pin", message));
        }
        let slots = host.instance_slots().unwrap_or(16).max(1);
        Ok(Tools {
            host,
            connection: Arc::new(setup.connection),
            listed: Arc::new(tools),
            pinned: Arc::new(setup.pinned),
            calls: Arc::new(Semaphore::new(slots)),
        })
    }

    /// Run the step of one call: its output, or its error object.
    async fn run(&self, action: &str, mut input: Map<String, Value>) -> Result<Value, Value> {
        if let Some(key) = input.keys().find(|k| self.pinned.contains_key(*k)) {
            let message = format!(
                "is set by the operator for every call ({}): leave it out",
                self.pinned[key]
            );
            return Err(StepError::invalid(key, message).to_json());
        }
        input.extend(self.pinned.iter().map(|(k, v)| (k.clone(), v.clone())));
        let step = json!({"connection": *self.connection, "action": action, "input": input});
        let host = Arc::clone(&self.host);
        let _slot = self.calls.acquire().await;
        let ran = tokio::task::spawn_blocking(move || host.run_step(&step)).await;
        match ran {
            Ok(Ok(output)) => Ok(output),
            Ok(Err(error)) => Err(error.to_json()),
            Err(_) => Err(StepError::trap("the step's thread failed").to_json()),
        }
    }
}

impl Tools {
    /// The server's instructions: what a tool is, and the inputs the operator pinned.
    fn instructions(&self) -> String {
        let mut text = String::from(
            "Each tool is one action of the connector, run with the operator's connection. \
             Conditions, filters and updates are plain JSON (each tool's description shows \
             them). Numbers keep every digit: send and read them as JSON numbers.",
        );
        if !self.pinned.is_empty() {
            let pins: Vec<String> = self
                .pinned
                .iter()
                .map(|(k, v)| format!("{k} = {v}"))
                .collect();
            text.push_str(
                " The operator set these inputs for every call; they are not tool inputs: ",
            );
            text.push_str(&pins.join(", "));
            text.push('.');
        }
        text
    }
}

impl ServerHandler for Tools {
    fn get_info(&self) -> ServerConfig {
        let name = self.host.connector_key().to_string();
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new(name, env!("CARGO_PKG_VERSION")))
            .with_instructions(self.instructions())
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.listed.to_vec()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        if !self.listed.iter().any(|t| t.name == request.name) {
            let name: String = request.name.chars().take(64).collect();
            let cut = if name.len() < request.name.len() {
                "…"
            } else {
                ""
            };
            let message = format!("no tool {name}{cut} is exposed: tools/list names them");
            return Err(ErrorData::invalid_params(message, None));
        }
        let input = request.arguments.unwrap_or_default();
        let result = match self.run(&request.name, input).await {
            Ok(output) => CallToolResult::structured(output),
            Err(error) => CallToolResult::structured_error(error),
        };
        Ok(result.into())
    }
}

/// Serve `tools` on standard input and output until the client closes them
/// (framing errors answered as JSON-RPC says: `mcp_stdio.rs`).
pub async fn serve_stdio(tools: Tools) -> Result<(), StepError> {
    stdio::serve(tools).await
}

/// The streamable HTTP service of `tools`, mounted at `/mcp` by the caller, stateless
/// (the 2026-07-28 specification's way, and for older clients too): no session is kept
/// between requests, each `POST` is answered with one JSON message, and there is no event
/// stream to hold open. The service reads each body itself (within `max_body_bytes`,
/// once its slot is held). Without a bearer token in front of it (`check_hosts`), only the
/// loopback names are taken as the `Host` (a page in a browser that rebinds its own name
/// to 127.0.0.1 is refused); behind a token, any name.
pub fn http_service(
    tools: Tools,
    max_body_bytes: usize,
    check_hosts: bool,
) -> rmcp::transport::StreamableHttpService<
    Tools,
    rmcp::transport::streamable_http_server::session::never::NeverSessionManager,
> {
    use rmcp::transport::streamable_http_server::StreamableHttpServerConfig;
    let mut config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None)
        .with_sse_retry(None)
        .with_max_request_body_bytes(max_body_bytes);
    config = if check_hosts {
        config.with_allowed_hosts(["localhost", "127.0.0.1", "::1"])
    } else {
        config.disable_allowed_hosts()
    };
    rmcp::transport::StreamableHttpService::new(move || Ok(tools.clone()), Arc::default(), config)
}
