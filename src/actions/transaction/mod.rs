//! Transactions: all-or-nothing writes and snapshot reads, by key or in `PartiQL`.

pub(crate) mod execute_transaction;
pub(crate) mod transact_get_items;
pub(crate) mod transact_write_items;
