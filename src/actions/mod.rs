//! The actions, one file each, grouped as the reference groups them: `GROUP/NAME.rs`
//! implements the WIT function `NAME` (`snake_case`). Each file defines `Input` (the
//! action's WIT input record) and `run(&Connection, Input)`, which checks the input before
//! any request is sent and returns the AWS-shaped response as JSON. A group's `mod.rs`
//! declares its action files with plain `mod` lines and holds what they share.
//!
//! `build.rs` reads the WIT functions of `wit/connector.wit` and writes the export list
//! from them (`group::name` for the file that implements each), so a new action needs its
//! file, its `mod` line and no list edited here; a WIT function without a file, or a file
//! without a WIT function, does not build.

use crate::component::{step, Component};
use crate::wit::{Connection, ConnectorError, Guest};

pub(crate) mod backup;
pub(crate) mod batch;
pub(crate) mod catalog;
pub(crate) mod changes;
pub(crate) mod connection;
pub(crate) mod export;
pub(crate) mod item;
pub(crate) mod table;
pub(crate) mod transaction;

/// Export every listed action module's `run` as the WIT function of the same name.
macro_rules! export_actions {
    ($($group:ident :: $action:ident),* $(,)?) => {
        impl Guest for Component {
            $(
                fn $action(
                    connection: Connection,
                    input: $group::$action::Input,
                ) -> Result<String, ConnectorError> {
                    step($group::$action::run(&connection, input))
                }
            )*
        }
    };
}

include!(concat!(env!("OUT_DIR"), "/actions.rs"));
