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

mod conformance;
mod connector;
mod host;
mod packages;
