//! `connector-host mcp`.

use connector_host::{mcp, ErrorKind, Host, StepError};
use std::sync::Arc;

/// Serve MCP on standard input and output until the client closes them.
pub(crate) fn run_mcp(host: Host, setup: mcp::Setup) -> Result<(), StepError> {
    let tools = mcp::Tools::new(Arc::new(host), setup)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| StepError::new(ErrorKind::Host, format!("cannot start the runtime: {e}")))?;
    runtime.block_on(mcp::serve_stdio(tools))
}
