//! `DynamoDB` Streams as a [`Source`]: the SDK's `GetShardIterator` and `GetRecords`.

#[allow(clippy::wildcard_imports)]
use super::*;

/// `DynamoDB` Streams as a [`Source`]: one stream, its records rendered in `format`.
pub struct Streams<'a> {
    /// The client.
    pub client: &'a aws_sdk_dynamodbstreams::Client,
    /// The stream's ARN.
    pub arn: &'a str,
    /// How keys and images are rendered.
    pub format: ItemFormat,
}

/// The fault a Streams error stands for.
fn fault<E>(
    error: aws_sdk_dynamodbstreams::error::SdkError<E, aws_smithy_runtime_api::http::Response>,
) -> Fault
where
    E: aws_sdk_dynamodbstreams::error::ProvideErrorMetadata + std::error::Error + 'static,
{
    let code = error
        .as_service_error()
        .and_then(|e| e.code().map(str::to_string));
    match code.as_deref() {
        Some("TrimmedDataAccessException") => Fault::Trimmed,
        Some("ExpiredIteratorException") => Fault::Expired,
        Some("ResourceNotFoundException") => Fault::Gone,
        _ => Fault::Failed(Error::from(error)),
    }
}

impl Source for Streams<'_> {
    async fn iterator(&self, shard: &str, from: From<'_>) -> std::result::Result<String, Fault> {
        use aws_sdk_dynamodbstreams::types::ShardIteratorType;
        let request = self
            .client
            .get_shard_iterator()
            .stream_arn(self.arn)
            .shard_id(shard);
        let request = match from {
            From::TrimHorizon => request.shard_iterator_type(ShardIteratorType::TrimHorizon),
            From::After(seq) => request
                .shard_iterator_type(ShardIteratorType::AfterSequenceNumber)
                .sequence_number(seq),
        };
        let out = request.send().await.map_err(fault)?;
        out.shard_iterator.ok_or(Fault::Gone)
    }

    async fn records(
        &self,
        shard: &str,
        iterator: &str,
        limit: usize,
    ) -> std::result::Result<Page, Fault> {
        let limit = i32::try_from(limit).unwrap_or(i32::MAX);
        let out = self
            .client
            .get_records()
            .shard_iterator(iterator)
            .limit(limit)
            .send()
            .await
            .map_err(fault)?;
        let records = out
            .records()
            .iter()
            .map(|r| stream_record::record(shard, r, self.format))
            .collect::<Result<_>>()
            .map_err(Fault::Failed)?;
        Ok(Page {
            records,
            next: out.next_shard_iterator,
        })
    }
}
