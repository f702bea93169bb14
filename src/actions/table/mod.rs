//! Table actions: listing, describing, creating, changing and deleting tables, their time
//! to live, and waiting for a table to be ready or gone.

pub(crate) mod create_table;
pub(crate) mod delete_table;
pub(crate) mod describe_table;
pub(crate) mod describe_time_to_live;
pub(crate) mod list_tables;
pub(crate) mod update_table;
pub(crate) mod update_time_to_live;
pub(crate) mod wait_for_table;
