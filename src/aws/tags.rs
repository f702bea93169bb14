//! A table's tags: `ListTagsOfResource` followed to its last page, for `list-tags` and the
//! OpenMetadata table of `infer-schema`.

use crate::error::{Error, Kind, Result};
use aws_sdk_dynamodb::Client;

/// Most pages followed (a table has at most 50 tags; a token that never ends is the
/// service's fault, not a reason to loop).
const MAX_PAGES: usize = 100;

/// Every tag of the resource `arn`, as (key, value), in the service's order.
pub async fn list(client: &Client, arn: &str) -> Result<Vec<(String, String)>> {
    let mut tags = Vec::new();
    let mut next: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let out = client
            .list_tags_of_resource()
            .resource_arn(arn)
            .set_next_token(next.take())
            .send()
            .await?;
        let page = out.tags().iter();
        tags.extend(page.map(|t| (t.key().to_string(), t.value().to_string())));
        match out.next_token() {
            Some(token) if !token.is_empty() => next = Some(token.to_string()),
            _ => return Ok(tags),
        }
    }
    Err(Error::new(
        Kind::Service,
        format!("ListTagsOfResource returned more than {MAX_PAGES} pages"),
    ))
}
