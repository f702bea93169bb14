//! The pure value model: what a step's inputs and outputs are made of, with no I/O.
//!
//! Items and keys as the SDK holds them ([`Item`], [`Key`]), the value mapping between
//! JSON and `DynamoDB` attribute values ([`values`], with [`number`] for `DynamoDB`'s decimal
//! numbers), key schemas and keys ([`keys`]), input checks ([`input`]), expression
//! attribute names and values ([`expressions`]), `PartiQL` statements ([`partiql`]), table
//! definitions ([`table`]), AWS-shaped output ([`shape`]), and change capture's cursors
//! ([`stream_cursor`], [`poll_cursor`]) and stream records ([`stream_record`]).

use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;

pub mod expressions;
pub mod input;
pub mod keys;
pub mod number;
pub mod partiql;
pub mod plain;
pub mod poll_cursor;
pub mod shape;
pub mod skew;
pub mod stream_cursor;
pub mod stream_record;
pub mod table;
pub mod values;

/// An item (or any attribute map) as the SDK holds it: attribute name to value.
pub type Item = HashMap<String, AttributeValue>;

/// An item's key: its key attributes (the table's hash key and, if it has one, its range
/// key; for an index's cursor, the index's key attributes too).
pub type Key = Item;

/// Whether a request reads or writes: a write whose answer was lost is reported as
/// `outcome-unknown`, never as a plain failure (see `aws::delivery`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// The request only reads; it may be retried after any failure.
    Read,
    /// The request writes; it is sent at most once after a possibly applied attempt.
    Write,
}
