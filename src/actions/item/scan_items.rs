//! `scan-items`: read a table or index: one page, every page, up to `max-items` with an
//! exact cursor, one segment of a shared scan, or several segments at once in this step.

pub(crate) use crate::wit::ScanItemsInput as Input;

use crate::aws::capacity;
use crate::aws::client::Clients;
use crate::aws::paging::Want;
use crate::aws::{bulk, describe};
use crate::error::{Error, Result};
use crate::model::plain::{self, condition::Condition};
use crate::model::shape::Obj;
use crate::model::values::{self, ItemFormat};
use crate::model::Item;
use crate::wit::Connection;
use crate::{actions::item, aws::client, aws::scan, model::expressions, model::input};
use aws_sdk_dynamodb::operation::scan::builders::ScanInputBuilder;
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
) -> Result<(Clients, scan::Request, Option<Value>)> {
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
    let request = ScanInputBuilder::default()
        .table_name(table)
        .set_index_name(input::text(&input.index_name))
        .set_filter_expression(filter)
        .set_projection_expression(input::text(&input.projection_expression))
        .set_expression_attribute_values(expr.values.clone())
        .set_expression_attribute_names(expr.names.clone())
        .set_consistent_read(input.consistent_read)
        .set_limit(limit)
        .set_return_consumed_capacity(capacity::asked(input.return_consumed_capacity));
    let request = scan::Request::new(&client, request);
    Ok((client, request, expr.sent()))
}

/// `exclusive-start-key` as a typed key (plain JSON typed by the table's attributes).
async fn start_key(client: &Clients, input: &Input) -> Result<Option<Item>> {
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
        request.input().get_projection_expression().as_deref(),
        request.input().get_expression_attribute_names().as_ref(),
        want.max,
    )
    .await?;
    let format = item::format(input.item_format);
    let read = match split {
        Split::Parallel(total) => {
            let deadline = bulk::Deadline::new(input.time_limit_seconds)?;
            let (segments, error) = scan::parallel(&request, total, None, &deadline).await;
            if let Some(cause) = error {
                return Err(ended_early(cause, format, total, segments, sent)?);
            }
            scan::Segment::joined(segments)
        }
        Split::Segment(segment, total) => {
            let request = request.with(|r| r.segment(segment).total_segments(total));
            scan::segment(request, want, start_key(&client, &input).await?).await?
        }
        Split::Whole => scan::segment(request, want, start_key(&client, &input).await?).await?,
    };
    let (items, next) = describe::cut_items(
        &client,
        table,
        index.as_deref(),
        cursor,
        read.items,
        read.next,
        want.max,
    )
    .await?;
    let output = item::items_output(format, &items, read.scanned, next.as_ref(), &read.capacity)?;
    Ok(item::with_expression(output, sent))
}

/// The error of a parallel scan that stopped early: `cause`'s kind, with `progress` the items
/// read so far and `Remaining`, each unfinished segment as the `segment`, `total-segments`
/// and `exclusive-start-key` inputs that resume it.
fn ended_early(
    cause: Error,
    format: ItemFormat,
    total: i32,
    segments: Vec<scan::Segment>,
    sent: Option<Value>,
) -> Result<Error> {
    let mut remaining = Vec::new();
    for (s, segment) in segments.iter().enumerate() {
        if !segment.ended {
            let resume = Obj::new()
                .set("segment", s)
                .set("total-segments", total)
                .opt(
                    "exclusive-start-key",
                    segment.next.as_ref().map(values::item_to_json_plain),
                );
            remaining.push(resume.build());
        }
    }
    let read = scan::Segment::joined(segments);
    let counts = format!(
        "{} of {total} segments unfinished, {} items read",
        remaining.len(),
        read.items.len()
    );
    let output = item::items_output(format, &read.items, read.scanned, None, &read.capacity)?;
    let progress = match item::with_expression(output, sent) {
        Value::Object(mut members) => {
            members.insert("Remaining".into(), Value::Array(remaining));
            Value::Object(members)
        }
        other => other,
    };
    let resume = "error.progress has the items read, and its Remaining the inputs that \
         resume each unfinished segment";
    Ok(bulk::ended_early(cause, &counts, resume, &progress))
}
