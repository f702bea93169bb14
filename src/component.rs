//! The exported component: the glue that runs an action and turns its result into the WIT
//! shape, the kept state's `save` and `restore`, and the export of both.

use crate::error::{Error, Kind, Reason};
use std::future::Future;

use crate::wit;
use wit::{CancellationReason, ConnectorError, ErrorInfo, ThrottlingReason};

/// The type the WIT exports are implemented on (`actions` implements its `Guest` trait,
/// `session` its own here).
pub(crate) struct Component;

impl wit::SessionGuest for Component {
    fn save() -> Option<Vec<u8>> {
        crate::aws::kept_state::save()
    }

    fn restore(connection: wit::Connection, state: Vec<u8>) {
        crate::aws::kept_state::restore(&connection, &state);
    }
}

/// Run one action on the executor and turn its result into the WIT shape.
pub(crate) fn step(
    action: impl Future<Output = crate::error::Result<serde_json::Value>>,
) -> Result<String, ConnectorError> {
    match wstd::runtime::block_on(action) {
        // Written straight into a buffer (`Display` goes through a formatter per token,
        // which took a twentieth of a 10,000-item scan's guest time).
        Ok(value) => Ok(serde_json::to_string(&value).unwrap_or_else(|_| value.to_string())),
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
        progress: err.progress,
        throttling_reasons: err
            .throttling
            .into_iter()
            .map(|(reason, resource)| ThrottlingReason { reason, resource })
            .collect(),
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

fn reason(reason: Reason) -> CancellationReason {
    CancellationReason {
        code: reason.code,
        message: reason.message,
        item: reason.item,
    }
}

// The export glue the bindings generate for `Component` (canonical ABI, `unsafe`); a
// native build has no component to export, and its linker refuses the export names.
#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code)]
mod export {
    use super::Component;
    crate::wit::bindings::export!(Component with_types_in crate::wit::bindings);
}
