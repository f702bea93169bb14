//! Table actions: listing, describing, creating, changing and deleting tables, their time
//! to live, and waiting for a table to be ready or gone; and the stream specification
//! `create-table` and `update-table` share.

pub(crate) mod create_table;
pub(crate) mod delete_table;
pub(crate) mod describe_table;
pub(crate) mod describe_time_to_live;
pub(crate) mod list_tables;
pub(crate) mod update_table;
pub(crate) mod update_time_to_live;
pub(crate) mod wait_for_table;

use crate::component::wit::StreamViewType;
use crate::error::{Error, Result};
use aws_sdk_dynamodb::types::{StreamSpecification, StreamViewType as SdkView};

/// A stream specification: on with `view` (what its records hold), or off.
pub(crate) fn stream(field: &str, view: Option<StreamViewType>) -> Result<StreamSpecification> {
    let view = view.map(|v| match v {
        StreamViewType::KeysOnly => SdkView::KeysOnly,
        StreamViewType::NewImage => SdkView::NewImage,
        StreamViewType::OldImage => SdkView::OldImage,
        StreamViewType::NewAndOldImages => SdkView::NewAndOldImages,
    });
    StreamSpecification::builder()
        .stream_enabled(view.is_some())
        .set_stream_view_type(view)
        .build()
        .map_err(|e| Error::invalid(field, e))
}
