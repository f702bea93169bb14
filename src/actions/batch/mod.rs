//! Batch actions: reading and writing any number of items in batches, and batches of
//! `PartiQL` statements.

pub(crate) mod batch_execute_statement;
pub(crate) mod batch_get_items;
pub(crate) mod batch_write_items;
