//! The connection's actions: checking it, the account's limits, and any `DynamoDB`
//! operation as a raw request.

pub(crate) mod describe_limits;
pub(crate) mod raw_request;
pub(crate) mod test_connection;
