//! The connector's actions as Obelisk activities (docs/obelisk.md). This component imports
//! the connector's `actions` and is composed over the unchanged connector component; each
//! export takes the action's input record, reads the connection from the activity's
//! environment ([`environment`]) and returns `result<json, activity-error>`, whose cases tell
//! Obelisk which failures to repeat.

mod environment;
#[rustfmt::skip]
mod actions;

/// The WIT bindings: the connector's interfaces (imported) and the activities (exported).
/// The adapter's records and error details copy the connector's, so the bindings make them
/// one Rust type each (`merge_structurally_equal_types`): an input is handed on as it came.
/// The canonical ABI glue is `unsafe`.
#[allow(missing_docs, unreachable_pub, unsafe_code, clippy::pedantic)]
mod bindings {
    wit_bindgen::generate!({
        path: ["../wit/connector.wit", "wit/activity.wit"],
        world: "dynamodb:activity/activity",
        merge_structurally_equal_types: true,
        generate_all,
    });
}

use bindings::exports::dynamodb::activity::actions::{ActivityError, ErrorInfo};

/// The exported activities (their functions are generated: `actions.rs`).
struct Activity;

// The export glue (canonical ABI, `unsafe`); a native build (the workspace's tests and
// lints) has no component to export, and its linker refuses the export names.
#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code)]
mod export {
    use super::Activity;
    crate::bindings::export!(Activity with_types_in crate::bindings);
}

/// An error the adapter itself reports, before the connector runs.
fn invalid(message: String, field: &str) -> ActivityError {
    ActivityError::PermanentInvalidInput(ErrorInfo {
        message,
        field: Some(field.into()),
        code: None,
        request_id: None,
        item: None,
        reasons: Vec::new(),
        progress: None,
        throttling_reasons: Vec::new(),
    })
}
