//! `scan-items`: read a table or index: one page, every page, up to `max-items` with an
//! exact cursor, one segment of a shared scan, or several segments at once in this step.

pub(crate) use crate::component::wit::ScanItemsInput as Input;

use crate::aws::describe;
use crate::aws::paging::Want;
use crate::component::wit::Connection;
use crate::error::{Error, Result};
use crate::model::plain::{self, condition::Condition};
use crate::model::Item;
use crate::{actions::item, aws::client, aws::scan, model::expressions, model::input};
use aws_sdk_dynamodb::operation::scan::builders::ScanFluentBuilder;
use aws_sdk_dynamodb::Client;
use futures_util::future::try_join_all;
use serde_json::Value;

/// Why `segments` takes no cursor inputs.
const WHOLE_SEGMENTS: &str = "reads every page of every segment: it takes no max-items or \
     exclusive-start-key (use segment and total-segments to page one segment)";

/// Most segments one step scans at once.
pub(crate) const MAX_PARALLEL_SEGMENTS: u32 = 16;

/// How the scan is divided: one whole scan, one segment of a shared scan, or several
/// segments at once.
enum Split {
    Whole,
    Segment(i32, i32),
    Parallel(i32),
}

/// `segments`, or `segment` with `total-segments`, checked against each other and against
/// the inputs a parallel scan cannot honour.
fn split(input: &Input) -> Result<Split> {
    match (input.segments, input.segment, input.total_segments) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(Error::invalid(
            "segments",
            "cannot be combined with segment and total-segments",
        )),
        (Some(0 | 17..), ..) => Err(Error::invalid(
            "segments",
            format!("must be from 1 to {MAX_PARALLEL_SEGMENTS}"),
        )),
        (Some(n), ..)
            if n > 1 && (input.max_items.is_some() || input.exclusive_start_key.is_some()) =>
        {
            Err(Error::invalid("segments", WHOLE_SEGMENTS))
        }
        (Some(n), ..) if n > 1 => Ok(Split::Parallel(i32::try_from(n).unwrap_or(i32::MAX))),
        (_, Some(segment), Some(total)) if (1..=1_000_000).contains(&total) && segment < total => {
            // Both are below 1,000,000 here.
            Ok(Split::Segment(segment.cast_signed(), total.cast_signed()))
        }
        (_, Some(_), Some(_)) => Err(Error::invalid(
            "segment",
            "must be below total-segments, which must be from 1 to 1000000",
        )),
        (_, Some(_), None) => Err(Error::invalid("total-segments", "is required with segment")),
        (_, None, Some(_)) => Err(Error::invalid("segment", "is required with total-segments")),
        _ => Ok(Split::Whole),
    }
}

/// The checked `Scan` request, without its segment and start key, and the expressions
/// generated for it from plain JSON.
async fn request(
    connection: &Connection,
    input: &Input,
) -> Result<(Client, ScanFluentBuilder, Option<Value>)> {
    let table = input::required("table-name", &input.table_name)?;
    let mut expr = expressions::parse(
        input.expression_attribute_values.as_deref(),
        input.expression_attribute_value_types.as_deref(),
        input.expression_attribute_names.as_deref(),
    )?;
    let written = input::text(&input.filter_expression);
    let plain = plain::either_input(
        ("filter-expression", written.as_deref()),
        ("filter", input.filter.as_deref()),
    )?;
    let filter = match plain {
        Some(plain) => {
            let filter = Condition::parse("filter", &plain)?;
            Some(expr.generate("FilterExpression", "filter", |b| filter.render(b))?)
        }
        None => written,
    };
    let limit = match input.limit {
        Some(0) => return Err(Error::invalid("limit", "must be at least 1")),
        other => other.map(|n| i32::try_from(n).unwrap_or(i32::MAX)),
    };
    let client = client::dynamodb(connection, &input.region).await?;
    let request = client
        .scan()
        .table_name(table)
        .set_index_name(input::text(&input.index_name))
        .set_filter_expression(filter)
        .set_projection_expression(input::text(&input.projection_expression))
        .set_expression_attribute_values(expr.values.clone())
        .set_expression_attribute_names(expr.names.clone())
        .set_consistent_read(input.consistent_read)
        .set_limit(limit);
    Ok(((*client).clone(), request, expr.sent()))
}

/// `exclusive-start-key` as a typed key (plain JSON typed by the table's attributes).
async fn start_key(client: &Client, input: &Input) -> Result<Option<Item>> {
    const FIELD: &str = "exclusive-start-key";
    let Some(key) = input::opt_json(FIELD, input.exclusive_start_key.as_deref())? else {
        return Ok(None);
    };
    let schema = describe::key_schema(client, input.table_name.trim()).await?;
    schema.plain_key(FIELD, &key).map(Some)
}

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let split = split(&input)?;
    let want = Want {
        all: input.fetch_all.unwrap_or(false),
        max: input::max_items(input.max_items)?,
    };
    let (client, request, sent) = request(connection, &input).await?;
    let index = input::text(&input.index_name);
    let table = input.table_name.trim();
    let cursor = describe::check_cursor_projection(
        "projection-expression",
        &client,
        table,
        index.as_deref(),
        request.get_projection_expression().as_deref(),
        request.get_expression_attribute_names().as_ref(),
        want.max,
    )
    .await?;
    let format = item::format(input.item_format);
    let (items, scanned, next) = match split {
        Split::Parallel(total) => {
            let every = Want {
                all: true,
                max: None,
            };
            let segments = (0..total).map(|s| {
                scan::segment(
                    request.clone().segment(s).total_segments(total),
                    every,
                    None,
                )
            });
            let done = try_join_all(segments).await?;
            let scanned = done.iter().map(|(_, s, _)| s).sum();
            let items = done.into_iter().flat_map(|(items, ..)| items).collect();
            (items, scanned, None)
        }
        Split::Segment(segment, total) => {
            let request = request.segment(segment).total_segments(total);
            scan::segment(request, want, start_key(&client, &input).await?).await?
        }
        Split::Whole => scan::segment(request, want, start_key(&client, &input).await?).await?,
    };
    let (items, next) = describe::cut_items(
        &client,
        table,
        index.as_deref(),
        cursor,
        items,
        next,
        want.max,
    )
    .await?;
    let output = item::items_output(format, &items, scanned, next.as_ref())?;
    Ok(item::with_expression(output, sent))
}
