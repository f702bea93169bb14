//! The requests the lean path sends ([`super::send`]): for each, the SDK's input builder it
//! takes, the SDK operation whose serialiser, deserialiser and retry classifiers it uses,
//! and the endpoint rules' resource ARNs of its input (as the SDK's own endpoint-parameter
//! interceptor of the operation sets them).

use aws_sdk_dynamodb::config::endpoint::ParamsBuilder;
use aws_sdk_dynamodb::error::BuildError;
use aws_sdk_dynamodb::operation::{batch_get_item, batch_write_item, get_item, list_tables};
use aws_sdk_dynamodb::operation::{put_item, query, scan};
use aws_smithy_runtime_api::client::runtime_plugin::RuntimePlugin;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::error::Error as StdError;
use std::fmt::Debug;

/// An SDK input builder the lean path sends: its operation and the operation's types.
pub trait Request: Sized {
    /// The SDK operation (its runtime plugin holds the serialiser and deserialiser).
    type Operation: RuntimePlugin + Default + 'static;
    /// The operation's input.
    type Input: Send + Sync + Debug + 'static;
    /// The operation's output.
    type Output: Send + Sync + Debug + 'static;
    /// The operation's error.
    type Error: StdError + ProvideErrorMetadata + Send + Sync + Debug + 'static;

    /// The input, as the SDK builds it.
    fn build(self) -> Result<Self::Input, BuildError>;

    /// `params` with the resource ARNs of `input` the endpoint rules take.
    fn resources(input: &Self::Input, params: ParamsBuilder) -> ParamsBuilder;
}

/// [`Request`] for the input builder `$builder` of module `$m`'s operation `$op` (and its
/// types `$input`, `$output`, `$error`), whose resource ARNs `$resources` sets.
macro_rules! request {
    ($m:ident, $op:ident, $builder:ident, $input:ident, $output:ident, $error:ident, $resources:expr) => {
        impl Request for $m::builders::$builder {
            type Operation = $m::$op;
            type Input = $m::$input;
            type Output = $m::$output;
            type Error = $m::$error;

            fn build(self) -> Result<Self::Input, BuildError> {
                $m::builders::$builder::build(self)
            }

            fn resources(input: &Self::Input, params: ParamsBuilder) -> ParamsBuilder {
                let resources: fn(&Self::Input, ParamsBuilder) -> ParamsBuilder = $resources;
                resources(input, params)
            }
        }
    };
}

/// The table name as the resource ARN (an ARN when the table is named by one).
fn table(name: Option<&String>, params: ParamsBuilder) -> ParamsBuilder {
    params.set_resource_arn(name.cloned())
}

/// The tables of a batch as the resource ARN list.
fn tables<V>(
    items: Option<&std::collections::HashMap<String, V>>,
    params: ParamsBuilder,
) -> ParamsBuilder {
    params.set_resource_arn_list(items.map(|items| items.keys().cloned().collect()))
}

request!(
    get_item,
    GetItem,
    GetItemInputBuilder,
    GetItemInput,
    GetItemOutput,
    GetItemError,
    |i, p| { table(i.table_name.as_ref(), p) }
);
request!(
    put_item,
    PutItem,
    PutItemInputBuilder,
    PutItemInput,
    PutItemOutput,
    PutItemError,
    |i, p| { table(i.table_name.as_ref(), p) }
);
request!(
    query,
    Query,
    QueryInputBuilder,
    QueryInput,
    QueryOutput,
    QueryError,
    |i, p| { table(i.table_name.as_ref(), p) }
);
request!(
    scan,
    Scan,
    ScanInputBuilder,
    ScanInput,
    ScanOutput,
    ScanError,
    |i, p| { table(i.table_name.as_ref(), p) }
);
request!(
    list_tables,
    ListTables,
    ListTablesInputBuilder,
    ListTablesInput,
    ListTablesOutput,
    ListTablesError,
    |_, p| p
);
request!(
    batch_get_item,
    BatchGetItem,
    BatchGetItemInputBuilder,
    BatchGetItemInput,
    BatchGetItemOutput,
    BatchGetItemError,
    |i, p| tables(i.request_items.as_ref(), p)
);
request!(
    batch_write_item,
    BatchWriteItem,
    BatchWriteItemInputBuilder,
    BatchWriteItemInput,
    BatchWriteItemOutput,
    BatchWriteItemError,
    |i, p| tables(i.request_items.as_ref(), p)
);
