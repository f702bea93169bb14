//! Amazon `DynamoDB` connector, shipped as a WebAssembly component (`wasm32-wasip2`).
//!
//! The component exports the `dynamodb:connector/actions` interface (see `wit/`). Each
//! exported function runs one action to completion on the `wstd` executor and returns the
//! AWS-shaped response as JSON text, or a typed `connector-error`.
//!
//! # Crate organisation
//!
//! - [`model`]: the pure value model — items and keys, the value mapping, numbers,
//!   inputs, expressions, `PartiQL` statements, table definitions, AWS-shaped output.
//! - [`aws`]: the AWS side — clients of a step, endpoint checks, the delivery rules of
//!   writes, `DescribeTable` reads, paging, waiting, backoff and scans.
//! - [`catalog`]: the catalog's view of sampled items — columns, profiles, personal-data
//!   classification, samples.
//! - `actions`: one file per action, grouped as the reference groups them.
//! - [`error`]: the connector's error type and its kinds.
//!
//! Everything builds natively and is unit-tested there; only exporting the component
//! (the canonical ABI glue in `component`) is for `wasm32` alone.

#![deny(unsafe_code)]

mod actions;
pub mod aws;
pub mod catalog;
mod component;
pub mod error;
pub mod model;
mod wit;
