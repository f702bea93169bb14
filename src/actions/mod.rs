//! One module per action. Each takes the step's connection and its input record, checks the
//! input before any request is sent, and returns the AWS-shaped response as JSON.

pub mod create_table;
pub mod delete_table;
pub mod describe_table;
pub mod list_tables;
