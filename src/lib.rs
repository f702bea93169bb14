//! Amazon DynamoDB connector, shipped as a WebAssembly component (`wasm32-wasip2`).
//!
//! The component exports the `dynamodb:connector/actions` interface (see `wit/`). Each
//! exported function runs one action to completion on the `wstd` executor and returns the
//! AWS-shaped response as JSON text, or a typed `connector-error`.
//!
//! The pure parts (input checks, value mapping, error kinds) build on every target and are
//! unit-tested natively; the client and the actions build for `wasm32` only.

pub mod error;
pub mod expressions;
pub mod input;
pub mod keys;
pub mod shape;
pub mod values;

#[cfg(target_arch = "wasm32")]
mod actions;
#[cfg(target_arch = "wasm32")]
mod client;

#[cfg(target_arch = "wasm32")]
mod bindings {
    wit_bindgen::generate!({ world: "connector", path: "wit" });
}

#[cfg(target_arch = "wasm32")]
mod component {
    use crate::actions;
    use crate::bindings::exports::dynamodb::connector::actions::{
        CreateTableInput, DeleteItemInput, GetItemInput, Guest, ListTablesInput, QueryItemsInput,
        RawRequestInput, TableInput, TestConnectionInput, UpdateItemInput, UpsertItemInput,
    };
    use crate::bindings::exports::dynamodb::connector::types::{
        Connection, ConnectorError, ErrorInfo,
    };
    use crate::error::{Error, Kind};
    use std::future::Future;

    struct Component;

    /// Run one action on the executor and turn its result into the WIT shape.
    fn step(
        action: impl Future<Output = crate::error::Result<serde_json::Value>>,
    ) -> Result<String, ConnectorError> {
        match wstd::runtime::block_on(action) {
            Ok(value) => Ok(value.to_string()),
            Err(err) => Err(into_wit(err)),
        }
    }

    fn into_wit(err: Error) -> ConnectorError {
        let info = ErrorInfo {
            message: err.message,
            field: err.field,
            code: err.code,
            request_id: err.request_id,
        };
        match err.kind {
            Kind::InvalidInput => ConnectorError::InvalidInput(info),
            Kind::ConditionalCheckFailed => ConnectorError::ConditionalCheckFailed(info),
            Kind::ResourceNotFound => ConnectorError::ResourceNotFound(info),
            Kind::ResourceInUse => ConnectorError::ResourceInUse(info),
            Kind::Validation => ConnectorError::Validation(info),
            Kind::Throttled => ConnectorError::Throttled(info),
            Kind::AccessDenied => ConnectorError::AccessDenied(info),
            Kind::Network => ConnectorError::Network(info),
            Kind::Timeout => ConnectorError::Timeout(info),
            Kind::Service => ConnectorError::Service(info),
        }
    }

    impl Guest for Component {
        fn test_connection(
            c: Connection,
            input: TestConnectionInput,
        ) -> Result<String, ConnectorError> {
            step(actions::test_connection::run(&c, input))
        }
        fn create_table(c: Connection, input: CreateTableInput) -> Result<String, ConnectorError> {
            step(actions::create_table::run(&c, input))
        }
        fn delete_table(c: Connection, input: TableInput) -> Result<String, ConnectorError> {
            step(actions::delete_table::run(&c, input))
        }
        fn describe_table(c: Connection, input: TableInput) -> Result<String, ConnectorError> {
            step(actions::describe_table::run(&c, input))
        }
        fn list_tables(c: Connection, input: ListTablesInput) -> Result<String, ConnectorError> {
            step(actions::list_tables::run(&c, input))
        }
        fn get_item(c: Connection, input: GetItemInput) -> Result<String, ConnectorError> {
            step(actions::get_item::run(&c, input))
        }
        fn upsert_item(c: Connection, input: UpsertItemInput) -> Result<String, ConnectorError> {
            step(actions::upsert_item::run(&c, input))
        }
        fn update_item(c: Connection, input: UpdateItemInput) -> Result<String, ConnectorError> {
            step(actions::update_item::run(&c, input))
        }
        fn delete_item(c: Connection, input: DeleteItemInput) -> Result<String, ConnectorError> {
            step(actions::delete_item::run(&c, input))
        }
        fn query_items(c: Connection, input: QueryItemsInput) -> Result<String, ConnectorError> {
            step(actions::query_items::run(&c, input))
        }
        fn raw_request(c: Connection, input: RawRequestInput) -> Result<String, ConnectorError> {
            step(actions::raw_request::run(&c, input))
        }
    }

    crate::bindings::export!(Component with_types_in crate::bindings);
}
