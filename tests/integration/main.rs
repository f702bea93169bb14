//! Integration tests: the real component, through the real host, against real
//! DynamoDB-compatible servers. One test binary, so the component is built once per run
//! and one server is shared (tests stay apart by region and table name).

mod harness;

mod admin;
mod batches;
mod cache;
mod catalog;
mod cli;
mod connections;
mod convert;
mod dynalite;
mod egress;
mod faults;
mod fuzz;
mod items;
mod manifest;
mod node;
mod reuse;
mod sandbox;
mod scans;
mod serve;
mod tables;
mod transactions;
mod writes;
