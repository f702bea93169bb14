//! One module per action, one file each: `src/actions/NAME.rs` implements the WIT function
//! `NAME` (snake_case). Each file defines `Input` (the action's WIT input record) and
//! `run(&Connection, Input)`, which checks the input before any request is sent and returns
//! the AWS-shaped response as JSON. `build.rs` lists the files, so a new file is a new
//! export with no list to edit here.

use crate::component::{step, Component};
use crate::wit::{Connection, ConnectorError, Guest};

/// Export every action module's `run` as the WIT function of the same name.
macro_rules! export_actions {
    ($($action:ident),* $(,)?) => {
        impl Guest for Component {
            $(
                fn $action(
                    connection: Connection,
                    input: $action::Input,
                ) -> Result<String, ConnectorError> {
                    step($action::run(&connection, input))
                }
            )*
        }
    };
}

include!(concat!(env!("OUT_DIR"), "/actions.rs"));
