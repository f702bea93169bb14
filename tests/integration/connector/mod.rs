//! The connector's actions against moto and dynalite, action family by family.

pub(crate) mod admin;
pub(crate) mod backups;
pub(crate) mod batches;
pub(crate) mod bulk;
pub(crate) mod catalog;
pub(crate) mod connections;
pub(crate) mod consumed;
pub(crate) mod cursor_scan;
pub(crate) mod dynalite;
pub(crate) mod exports;
pub(crate) mod items;
pub(crate) mod key_schemas;
pub(crate) mod leases;
pub(crate) mod node;
pub(crate) mod openmetadata;
pub(crate) mod plain;
pub(crate) mod scans;
pub(crate) mod signals;
pub(crate) mod snapshot;
pub(crate) mod streams;
pub(crate) mod tables;
pub(crate) mod transactions;
pub(crate) mod web_identity;
pub(crate) mod writes;
