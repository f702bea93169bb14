//! Integration tests: the real component, through the real host, against real
//! DynamoDB-compatible servers. One test binary, so the component is built once per run
//! and one server is shared (tests stay apart by region and table name).

// Step helpers take owned `json!(...)` values, read at the call site as the step they
// send; 38-digit numbers are test data read digit by digit; `typed` and `types` are both
// DynamoDB words.
#![allow(
    clippy::needless_pass_by_value,
    clippy::unreadable_literal,
    clippy::similar_names
)]

mod harness;

mod admin;
mod backups;
mod batches;
mod bulk;
mod cache;
mod capacity;
mod catalog;
mod cli;
mod clients;
mod connections;
mod consumed;
mod contract;
mod convert;
mod delivery;
mod dynalite;
mod egress;
mod exports;
mod faults;
mod fuzz;
mod items;
mod manifest;
mod mcp;
mod node;
mod openmetadata;
mod plain;
mod reuse;
mod sandbox;
mod scans;
mod serve;
mod streams;
mod tables;
mod transactions;
mod web_identity;
mod writes;
