//! The AWS side of a step: the SDK clients a step uses ([`client`], whose assumed
//! credentials an instance hands its host between steps as [`kept_state`], sending through
//! [`transport`] and checked by [`endpoint`]; the hot operations on the [`lean`] path), the delivery rules of writes
//! ([`delivery`]), `DescribeTable` reads ([`describe`]), paging ([`paging`]), scans
//! ([`scan`]), reading streams ([`stream`]), a table's tags ([`tags`]), waiting for a table ([`wait`]), the jittered backoff of batch retries
//! ([`backoff`]), bulk work in flight together ([`bulk`]) and the errors of transactions ([`transaction`]).

pub mod backoff;
pub mod bulk;
pub mod capacity;
pub mod client;
pub mod delivery;
pub mod describe;
pub mod endpoint;
pub mod kept_state;
pub mod lean;
pub mod paging;
pub mod scan;
pub mod sdk;
pub mod session;
pub mod stream;
pub mod sts;
pub mod tags;
pub mod transaction;
pub mod transport;
pub mod wait;
