//! The WIT bindings the build generates from `wit/` (a leaf: it imports nothing of the
//! crate), and the WIT types the actions use, under short names.

// The generated bindings are the one place with `unsafe` code (the canonical ABI glue).
#[allow(unsafe_code, unreachable_pub, missing_docs, clippy::pedantic)]
pub(crate) mod bindings {
    wit_bindgen::generate!({
        world: "connector",
        path: "wit",
        additional_derives: [PartialEq],
    });
}

pub(crate) use bindings::exports::dynamodb::connector::actions::*;
pub(crate) use bindings::exports::dynamodb::connector::session::Guest as SessionGuest;
pub(crate) use bindings::exports::dynamodb::connector::types::{
    CancellationReason, Connection, ConnectorError, ErrorInfo, RoleArnConnection, ThrottlingReason,
    WebIdentityConnection,
};
