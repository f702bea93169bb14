//! The host: its CLI, service, MCP server, trigger runner, sandbox, egress, limits, caches
//! and contract, each driving the real component.

pub(crate) mod cache;
pub(crate) mod capacity;
pub(crate) mod cli;
pub(crate) mod clients;
pub(crate) mod contract;
pub(crate) mod convert;
pub(crate) mod delivery;
pub(crate) mod deployment;
pub(crate) mod egress;
pub(crate) mod errors;
pub(crate) mod faults;
pub(crate) mod flights;
pub(crate) mod forms;
pub(crate) mod fuzz;
pub(crate) mod manifest;
pub(crate) mod mcp;
pub(crate) mod reuse;
pub(crate) mod sandbox;
pub(crate) mod serve;
