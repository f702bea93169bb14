//! Amazon DynamoDB connector, shipped as a WebAssembly component (`wasm32-wasip2`).
//!
//! The component exports the `dynamodb:connector/actions` interface (see `wit/`). Each
//! exported function runs one action to completion on the `wstd` executor and returns the
//! AWS-shaped response as JSON text, or a typed `connector-error`.
//!
//! The pure parts (input checks, value mapping, error kinds) build on every target and are
//! unit-tested natively; the client and the actions build for `wasm32` only.

#![deny(unsafe_code)]

pub mod backoff;
pub mod classify;
pub mod columns;
pub mod endpoint;
pub mod error;
pub mod expressions;
pub mod input;
pub mod keys;
pub mod shape;
pub mod transaction;
pub mod values;

#[cfg(target_arch = "wasm32")]
mod actions;
#[cfg(target_arch = "wasm32")]
mod client;
#[cfg(target_arch = "wasm32")]
mod item;
pub mod paging;
pub mod partiql;
pub mod profile;
#[cfg(target_arch = "wasm32")]
mod scan;
#[cfg(target_arch = "wasm32")]
mod table;
#[cfg(target_arch = "wasm32")]
mod wait;
#[cfg(target_arch = "wasm32")]
mod write;

// The generated bindings are the one place with `unsafe` code (the canonical ABI glue).
#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code)]
mod bindings {
    wit_bindgen::generate!({
        world: "connector",
        path: "wit",
        additional_derives: [PartialEq],
    });
}

/// The WIT types the actions use, under short names.
#[cfg(target_arch = "wasm32")]
mod wit {
    pub use crate::bindings::exports::dynamodb::connector::actions::*;
    pub use crate::bindings::exports::dynamodb::connector::types::{
        CancellationReason, Connection, ConnectorError, ErrorInfo, RoleArnConnection,
    };
}

/// The exported component: `actions` implements its `Guest` trait, one function per file
/// in `src/actions/`; this module turns each action's result into the WIT shape.
#[cfg(target_arch = "wasm32")]
mod component {
    use crate::error::{Error, Kind};
    use crate::wit::{CancellationReason, ConnectorError, ErrorInfo};
    use std::future::Future;

    /// The type the WIT exports are implemented on.
    pub struct Component;

    /// Run one action on the executor and turn its result into the WIT shape.
    pub fn step(
        action: impl Future<Output = crate::error::Result<serde_json::Value>>,
    ) -> Result<String, ConnectorError> {
        match wstd::runtime::block_on(action) {
            Ok(value) => Ok(value.to_string()),
            Err(err) => Err(into_wit(err)),
        }
    }

    fn into_wit(err: Error) -> ConnectorError {
        let err = err.capped();
        let info = ErrorInfo {
            message: err.message,
            field: err.field,
            code: err.code,
            request_id: err.request_id,
            item: err.item,
            reasons: err.reasons.into_iter().map(reason).collect(),
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
            Kind::OutcomeUnknown => ConnectorError::OutcomeUnknown(info),
            Kind::TransactionCanceled => ConnectorError::TransactionCanceled(info),
        }
    }

    fn reason(reason: crate::error::Reason) -> CancellationReason {
        CancellationReason {
            code: reason.code,
            message: reason.message,
            item: reason.item,
        }
    }

    // The export glue the bindings generate for `Component` (canonical ABI, `unsafe`).
    #[allow(unsafe_code)]
    mod export {
        use super::Component;
        crate::bindings::export!(Component with_types_in crate::bindings);
    }
}
