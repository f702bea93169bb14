"""Generated from connector.toml by `cargo run -p connector-tools --bin connector-docs`:
do not edit. The error kinds, the action names and each action's input."""

from typing import Any, Dict, List, Literal, Union

try:
    from typing import NotRequired, Required, TypedDict
except ImportError:  # Python < 3.11
    from typing_extensions import NotRequired, Required, TypedDict  # type: ignore

#: Every kind of error a step can fail with.
ERROR_KINDS = [
    "access-denied",
    "conditional-check-failed",
    "host",
    "invalid-input",
    "limit",
    "network",
    "outcome-unknown",
    "resource-in-use",
    "resource-not-found",
    "service",
    "throttled",
    "timeout",
    "transaction-canceled",
    "trap",
    "validation",
]

#: Every action of the connector.
ACTIONS = [
    "batch-execute-statement",
    "batch-get-items",
    "batch-write-items",
    "catalog-sweep",
    "classify-columns",
    "create-table",
    "delete-item",
    "delete-table",
    "describe-limits",
    "describe-stream",
    "describe-table",
    "describe-time-to-live",
    "execute-transaction",
    "get-item",
    "infer-schema",
    "list-streams",
    "list-tables",
    "list-tags",
    "poll-new-items",
    "profile-table",
    "query-items",
    "raw-request",
    "read-stream-changes",
    "scan-items",
    "tag-resource",
    "test-connection",
    "transact-get-items",
    "transact-write-items",
    "untag-resource",
    "update-item",
    "update-table",
    "update-time-to-live",
    "create-backup",
    "describe-backup",
    "list-backups",
    "delete-backup",
    "restore-table-from-backup",
    "restore-table-to-point-in-time",
    "describe-continuous-backups",
    "update-continuous-backups",
    "export-table",
    "describe-export",
    "list-exports",
    "import-table",
    "describe-import",
    "list-imports",
    "upsert-item",
    "wait-for-table",
]

Action = Literal["batch-execute-statement", "batch-get-items", "batch-write-items", "catalog-sweep", "classify-columns", "create-table", "delete-item", "delete-table", "describe-limits", "describe-stream", "describe-table", "describe-time-to-live", "execute-transaction", "get-item", "infer-schema", "list-streams", "list-tables", "list-tags", "poll-new-items", "profile-table", "query-items", "raw-request", "read-stream-changes", "scan-items", "tag-resource", "test-connection", "transact-get-items", "transact-write-items", "untag-resource", "update-item", "update-table", "update-time-to-live", "create-backup", "describe-backup", "list-backups", "delete-backup", "restore-table-from-backup", "restore-table-to-point-in-time", "describe-continuous-backups", "update-continuous-backups", "export-table", "describe-export", "list-exports", "import-table", "describe-import", "list-imports", "upsert-item", "wait-for-table"]

#: A connection (docs/connections): a dict with its `type` and that type's fields.
Connection = Dict[str, Any]


#: Input of `batch-execute-statement`: Run up to 25 PartiQL statements in one request, all reads or all writes; every statement's item or error comes back in order.
BatchExecuteStatementInput = TypedDict(
    "BatchExecuteStatementInput",
    {
        "region": Required[str],
        "statements": Required[Union[Dict[str, Any], List[Any], str]],
        "item-format": NotRequired[Literal["PLAIN", "DYNAMODB_JSON"]],
        "return-consumed-capacity": NotRequired[Literal["NONE", "TOTAL", "INDEXES"]],
    },
    total=False,
)

#: Input of `batch-get-items`: Read any number of items by key from one or more tables, in batches of 100 with up to Concurrency in flight, retrying unprocessed keys with jittered backoff; keys that could not be read are returned, never dropped. A step that ends early (a failed batch, the time limit) is an error whose progress holds what was read and the keys left, ready to send again.
BatchGetItemsInput = TypedDict(
    "BatchGetItemsInput",
    {
        "region": Required[str],
        "keys": Required[Union[Dict[str, Any], List[Any], str]],
        "consistent-read": NotRequired[bool],
        "item-format": NotRequired[Literal["PLAIN", "DYNAMODB_JSON"]],
        "concurrency": NotRequired[int],
        "time-limit-seconds": NotRequired[int],
        "return-consumed-capacity": NotRequired[Literal["NONE", "TOTAL", "INDEXES"]],
    },
    total=False,
)

#: Input of `batch-write-items`: Put and delete any number of items in one or more tables, in batches of 25 with up to Concurrency in flight, retrying unprocessed items with jittered backoff; what could not be written is returned, never dropped. Two writes of one key land in input order. A step that ends early (a failed batch, a lost answer, the time limit) is an error whose progress says exactly which requests were written, unprocessed, not sent or of unknown outcome, with the Remainder ready to send again.
BatchWriteItemsInput = TypedDict(
    "BatchWriteItemsInput",
    {
        "region": Required[str],
        "requests": Required[Union[Dict[str, Any], List[Any], str]],
        "concurrency": NotRequired[int],
        "time-limit-seconds": NotRequired[int],
        "return-consumed-capacity": NotRequired[Literal["NONE", "TOTAL", "INDEXES"]],
        "return-item-collection-metrics": NotRequired[Literal["NONE", "SIZE"]],
    },
    total=False,
)

#: Input of `catalog-sweep`: Walk every table of the region, a few per step, and return each in OpenMetadata's shapes from one sample: its CreateTableRequest (columns with OpenMetadata's data types, nested attributes as children, the key as constraints, the table's own tags), its CreateTableProfileRequest and its columns' suggested PII tags: what OpenMetadata's metadata, profiler and auto-classification workflows produce for DynamoDB, in one pass. A table that fails is reported in Failed with its error and the sweep goes on; give Cursor to the next step until More is false.
CatalogSweepInput = TypedDict(
    "CatalogSweepInput",
    {
        "region": Required[str],
        "cursor": NotRequired[str],
        "max-tables": NotRequired[int],
        "sample-size": NotRequired[int],
        "segments": NotRequired[int],
        "database-schema": NotRequired[str],
        "tag-classification": NotRequired[str],
        "min-confidence": NotRequired[int],
    },
    total=False,
)

#: Input of `classify-columns`: Sample a table and tag the columns whose values look like personal data (e-mail addresses, phone numbers, Luhn-checked card numbers, IBANs, IP addresses, US social security numbers, AWS access key IDs, person names and dates of birth by the attribute's name) with OpenMetadata's PII.Sensitive or PII.NonSensitive, a confidence and the reason. Values never appear in the output.
ClassifyColumnsInput = TypedDict(
    "ClassifyColumnsInput",
    {
        "region": Required[str],
        "table-name": Required[str],
        "sample-size": NotRequired[int],
        "segments": NotRequired[int],
        "min-confidence": NotRequired[int],
        "output-format": NotRequired[Literal["CONNECTOR", "OPENMETADATA"]],
        "database-schema": NotRequired[str],
    },
    total=False,
)

#: Input of `create-table`: Create a new DynamoDB Table
CreateTableInput = TypedDict(
    "CreateTableInput",
    {
        "region": Required[str],
        "table-name": Required[str],
        "attribute-definitions": Required[Union[Dict[str, Any], List[Any], str]],
        "key-schema": Required[Union[Dict[str, Any], List[Any], str]],
        "billing-mode": NotRequired[Literal["PROVISIONED", "PAY_PER_REQUEST"]],
        "read-capacity-units": NotRequired[int],
        "write-capacity-units": NotRequired[int],
        "wait": NotRequired[bool],
        "stream-view-type": NotRequired[Literal["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"]],
        "global-secondary-indexes": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "local-secondary-indexes": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "sse-type": NotRequired[Literal["AWS_OWNED", "AWS_MANAGED", "KMS"]],
        "kms-key-id": NotRequired[str],
        "tags": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "table-class": NotRequired[Literal["STANDARD", "STANDARD_INFREQUENT_ACCESS"]],
        "deletion-protection": NotRequired[bool],
        "max-read-request-units": NotRequired[int],
        "max-write-request-units": NotRequired[int],
    },
    total=False,
)

#: Input of `delete-item`: Delete an item from a DynamoDB database
DeleteItemInput = TypedDict(
    "DeleteItemInput",
    {
        "region": Required[str],
        "table-name": Required[str],
        "hash-key-value": Required[str],
        "key-schema": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "range-key-value": NotRequired[str],
        "condition-expression": NotRequired[str],
        "condition": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "expression-attribute-values": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "expression-attribute-value-types": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "expression-attribute-names": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "return-values": NotRequired[Literal["NONE", "ALL_OLD"]],
        "return-values-on-condition-failure": NotRequired[Literal["NONE", "ALL_OLD"]],
        "idempotency-token": NotRequired[str],
        "item-format": NotRequired[Literal["PLAIN", "DYNAMODB_JSON"]],
        "return-consumed-capacity": NotRequired[Literal["NONE", "TOTAL", "INDEXES"]],
        "return-item-collection-metrics": NotRequired[Literal["NONE", "SIZE"]],
    },
    total=False,
)

#: Input of `delete-table`: Delete an existing DynamoDB Table
DeleteTableInput = TypedDict(
    "DeleteTableInput",
    {
        "region": Required[str],
        "table-name": Required[str],
        "wait": NotRequired[bool],
    },
    total=False,
)

#: Input of `describe-limits`: Read the account's provisioned-capacity limits in a region: the most read and write capacity units the account and one table may have (DescribeLimits).
DescribeLimitsInput = TypedDict(
    "DescribeLimitsInput",
    {
        "region": Required[str],
    },
    total=False,
)

#: Input of `describe-stream`: Describe a DynamoDB stream: its status, view type, key schema and every shard with its lineage (parent shard and sequence number range).
DescribeStreamInput = TypedDict(
    "DescribeStreamInput",
    {
        "region": Required[str],
        "stream-arn": Required[str],
    },
    total=False,
)

#: Input of `describe-table`: Fetch metadata about an existing DynamoDB Table
DescribeTableInput = TypedDict(
    "DescribeTableInput",
    {
        "region": Required[str],
        "table-name": Required[str],
    },
    total=False,
)

#: Input of `describe-time-to-live`: A table's time-to-live setting: its status and the attribute holding each item's expiry time.
DescribeTimeToLiveInput = TypedDict(
    "DescribeTimeToLiveInput",
    {
        "region": Required[str],
        "table-name": Required[str],
    },
    total=False,
)

#: Input of `execute-transaction`: Run up to 100 PartiQL statements as one transaction, all reads or all writes, applied all or none.
ExecuteTransactionInput = TypedDict(
    "ExecuteTransactionInput",
    {
        "region": Required[str],
        "statements": Required[Union[Dict[str, Any], List[Any], str]],
        "client-request-token": NotRequired[str],
        "item-format": NotRequired[Literal["PLAIN", "DYNAMODB_JSON"]],
        "return-consumed-capacity": NotRequired[Literal["NONE", "TOTAL", "INDEXES"]],
    },
    total=False,
)

#: Input of `get-item`: Retrieve an item from a DynamoDB database
GetItemInput = TypedDict(
    "GetItemInput",
    {
        "region": Required[str],
        "table-name": Required[str],
        "hash-key-value": Required[str],
        "key-schema": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "range-key-value": NotRequired[str],
        "consistent-read": NotRequired[bool],
        "projection-expression": NotRequired[str],
        "expression-attribute-names": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "item-format": NotRequired[Literal["PLAIN", "DYNAMODB_JSON"]],
        "return-consumed-capacity": NotRequired[Literal["NONE", "TOTAL", "INDEXES"]],
    },
    total=False,
)

#: Input of `infer-schema`: Sample a table and describe its columns: the key schema and indexes, and every attribute path seen (nested map members as a.b, list members as a[]) with the types seen and how often, the share of items that have it, whether it is a key, and, with show-values, an example value, withheld wherever a sampled value looks like personal data. Maps keyed by data (more than 64 member names, or a name that looks like personal data) are one column map.*. A column whose type differs between items says so (Mixed).
InferSchemaInput = TypedDict(
    "InferSchemaInput",
    {
        "region": Required[str],
        "table-name": Required[str],
        "sample-size": NotRequired[int],
        "segments": NotRequired[int],
        "show-values": NotRequired[bool],
        "output-format": NotRequired[Literal["CONNECTOR", "OPENMETADATA"]],
        "database-schema": NotRequired[str],
        "tag-classification": NotRequired[str],
    },
    total=False,
)

#: Input of `list-streams`: List the DynamoDB streams of one table or of every table in the region.
ListStreamsInput = TypedDict(
    "ListStreamsInput",
    {
        "region": Required[str],
        "table-name": NotRequired[str],
        "fetch-all": NotRequired[bool],
        "exclusive-start-stream-arn": NotRequired[str],
    },
    total=False,
)

#: Input of `list-tables`: List all DynamoDB Tables
ListTablesInput = TypedDict(
    "ListTablesInput",
    {
        "region": Required[str],
        "fetch-all": NotRequired[bool],
        "max-items": NotRequired[int],
        "exclusive-start-table-name": NotRequired[str],
    },
    total=False,
)

#: Input of `list-tags`: A table's tags (cost allocation and ownership labels), every page of ListTagsOfResource; the OpenMetadata format of Infer Schema carries them into the catalog.
ListTagsInput = TypedDict(
    "ListTagsInput",
    {
        "region": Required[str],
        "table-name": Required[str],
    },
    total=False,
)

#: Input of `poll-new-items`: A polling trigger for tables without a stream: the items whose cursor attribute (set to a growing value by every write, such as updatedAt) passed the cursor, each once, from an index on it or by passes of a scan.
PollNewItemsInput = TypedDict(
    "PollNewItemsInput",
    {
        "region": Required[str],
        "table-name": Required[str],
        "index-name": NotRequired[str],
        "partition-value": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "cursor-attribute": NotRequired[str],
        "segments": NotRequired[int],
        "start-after": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "cursor": NotRequired[str],
        "max-items": NotRequired[int],
        "item-format": NotRequired[Literal["PLAIN", "DYNAMODB_JSON"]],
        "cursor-skew-seconds": NotRequired[int],
    },
    total=False,
)

#: Input of `profile-table`: Sample a table and profile every column: items, values, missing share, nulls, distinct values, number mean/standard deviation (and, with show-values, min/max exact to every digit), string and binary lengths, booleans, and set, list and map sizes; plus the table's item count and size.
ProfileTableInput = TypedDict(
    "ProfileTableInput",
    {
        "region": Required[str],
        "table-name": Required[str],
        "sample-size": NotRequired[int],
        "segments": NotRequired[int],
        "show-values": NotRequired[bool],
        "output-format": NotRequired[Literal["CONNECTOR", "OPENMETADATA"]],
        "database-schema": NotRequired[str],
    },
    total=False,
)

#: Input of `query-items`: Query a DynamoDB table
QueryItemsInput = TypedDict(
    "QueryItemsInput",
    {
        "region": Required[str],
        "table-name": Required[str],
        "expression-attribute-values": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "expression-attribute-value-types": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "key-condition-expression": NotRequired[str],
        "key-condition": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "filter-expression": NotRequired[str],
        "filter": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "query-parameters": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "expression-attribute-names": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "fetch-all": NotRequired[bool],
        "max-items": NotRequired[int],
        "item-format": NotRequired[Literal["PLAIN", "DYNAMODB_JSON"]],
        "return-consumed-capacity": NotRequired[Literal["NONE", "TOTAL", "INDEXES"]],
    },
    total=False,
)

#: Input of `raw-request`: Execute single PartiQL statements.
RawRequestInput = TypedDict(
    "RawRequestInput",
    {
        "region": Required[str],
        "statement": Required[str],
        "parameters": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "query-parameters": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "fetch-all": NotRequired[bool],
        "item-format": NotRequired[Literal["PLAIN", "DYNAMODB_JSON"]],
        "return-consumed-capacity": NotRequired[Literal["NONE", "TOTAL", "INDEXES"]],
    },
    total=False,
)

#: Input of `read-stream-changes`: A polling trigger: the changes (INSERT, MODIFY, REMOVE) of a table's DynamoDB stream after a cursor, each once across polls, in order per item; what the stream lost before it was read is reported as gaps.
ReadStreamChangesInput = TypedDict(
    "ReadStreamChangesInput",
    {
        "region": Required[str],
        "table-name": NotRequired[str],
        "stream-arn": NotRequired[str],
        "cursor": NotRequired[str],
        "start-at": NotRequired[Literal["TRIM_HORIZON", "LATEST", "SNAPSHOT"]],
        "max-records": NotRequired[int],
        "event-names": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "item-format": NotRequired[Literal["PLAIN", "DYNAMODB_JSON"]],
        "shards": NotRequired[Union[Dict[str, Any], List[Any], str]],
    },
    total=False,
)

#: Input of `scan-items`: Read the items of a table or index, optionally filtered: one page, every page, up to a number of items with an exact cursor, one segment of a shared scan, or several segments at once.
ScanItemsInput = TypedDict(
    "ScanItemsInput",
    {
        "region": Required[str],
        "table-name": Required[str],
        "index-name": NotRequired[str],
        "filter-expression": NotRequired[str],
        "filter": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "projection-expression": NotRequired[str],
        "expression-attribute-values": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "expression-attribute-value-types": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "expression-attribute-names": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "consistent-read": NotRequired[bool],
        "limit": NotRequired[int],
        "fetch-all": NotRequired[bool],
        "max-items": NotRequired[int],
        "exclusive-start-key": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "segments": NotRequired[int],
        "segment": NotRequired[int],
        "total-segments": NotRequired[int],
        "item-format": NotRequired[Literal["PLAIN", "DYNAMODB_JSON"]],
        "time-limit-seconds": NotRequired[int],
        "return-consumed-capacity": NotRequired[Literal["NONE", "TOTAL", "INDEXES"]],
    },
    total=False,
)

#: Input of `tag-resource`: Add tags to a table, or change the value of a tag it has. Up to 50 tags per table.
TagResourceInput = TypedDict(
    "TagResourceInput",
    {
        "region": Required[str],
        "table-name": Required[str],
        "tags": Required[Union[Dict[str, Any], List[Any], str]],
    },
    total=False,
)

#: Input of `test-connection`: Check that the connection's credentials are accepted and its endpoint is reachable, with the cheapest calls (AssumeRole for a role connection, then ListTables of one table).
TestConnectionInput = TypedDict(
    "TestConnectionInput",
    {
        "region": Required[str],
        "output-format": NotRequired[Literal["CONNECTOR", "OPENMETADATA"]],
    },
    total=False,
)

#: Input of `transact-get-items`: Read up to 100 items across tables as one snapshot; they come back in the order asked, null where there is no item.
TransactGetItemsInput = TypedDict(
    "TransactGetItemsInput",
    {
        "region": Required[str],
        "gets": Required[Union[Dict[str, Any], List[Any], str]],
        "item-format": NotRequired[Literal["PLAIN", "DYNAMODB_JSON"]],
        "return-consumed-capacity": NotRequired[Literal["NONE", "TOTAL", "INDEXES"]],
    },
    total=False,
)

#: Input of `transact-write-items`: Apply up to 100 puts, updates, deletes and condition checks across tables, all or none; a cancelled transaction reports each action's reason.
TransactWriteItemsInput = TypedDict(
    "TransactWriteItemsInput",
    {
        "region": Required[str],
        "actions": Required[Union[Dict[str, Any], List[Any], str]],
        "client-request-token": NotRequired[str],
        "return-consumed-capacity": NotRequired[Literal["NONE", "TOTAL", "INDEXES"]],
        "return-item-collection-metrics": NotRequired[Literal["NONE", "SIZE"]],
    },
    total=False,
)

#: Input of `untag-resource`: Remove tags from a table; a key it does not have is no error.
UntagResourceInput = TypedDict(
    "UntagResourceInput",
    {
        "region": Required[str],
        "table-name": Required[str],
        "tag-keys": Required[Union[Dict[str, Any], List[Any], str]],
    },
    total=False,
)

#: Input of `update-item`: Update an existing item in a DynamoDB database
UpdateItemInput = TypedDict(
    "UpdateItemInput",
    {
        "region": Required[str],
        "table-name": Required[str],
        "hash-key-value": Required[str],
        "key-schema": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "range-key-value": NotRequired[str],
        "update-expression": NotRequired[str],
        "update": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "condition-expression": NotRequired[str],
        "condition": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "expression-attribute-values": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "expression-attribute-value-types": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "expression-attribute-names": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "return-values": NotRequired[Literal["NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"]],
        "return-values-on-condition-failure": NotRequired[Literal["NONE", "ALL_OLD"]],
        "idempotency-token": NotRequired[str],
        "item-format": NotRequired[Literal["PLAIN", "DYNAMODB_JSON"]],
        "return-consumed-capacity": NotRequired[Literal["NONE", "TOTAL", "INDEXES"]],
        "return-item-collection-metrics": NotRequired[Literal["NONE", "SIZE"]],
    },
    total=False,
)

#: Input of `update-table`: Change a table's billing mode, provisioned capacity, global secondary indexes, stream or deletion protection; checked before sending.
UpdateTableInput = TypedDict(
    "UpdateTableInput",
    {
        "region": Required[str],
        "table-name": Required[str],
        "billing-mode": NotRequired[Literal["PROVISIONED", "PAY_PER_REQUEST"]],
        "read-capacity-units": NotRequired[int],
        "write-capacity-units": NotRequired[int],
        "attribute-definitions": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "global-secondary-index-updates": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "stream-enabled": NotRequired[bool],
        "stream-view-type": NotRequired[Literal["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"]],
        "deletion-protection": NotRequired[bool],
        "table-class": NotRequired[Literal["STANDARD", "STANDARD_INFREQUENT_ACCESS"]],
        "max-read-request-units": NotRequired[int],
        "max-write-request-units": NotRequired[int],
        "replica-updates": NotRequired[Union[Dict[str, Any], List[Any], str]],
    },
    total=False,
)

#: Input of `update-time-to-live`: Enable expiry of items by an attribute holding their expiry time (epoch seconds), or disable it.
UpdateTimeToLiveInput = TypedDict(
    "UpdateTimeToLiveInput",
    {
        "region": Required[str],
        "table-name": Required[str],
        "enabled": Required[bool],
        "attribute-name": NotRequired[str],
    },
    total=False,
)

#: Input of `create-backup`: Back a table up now: an on-demand backup of the whole table, kept until deleted. The IAM caller needs dynamodb:CreateBackup on the table.
CreateBackupInput = TypedDict(
    "CreateBackupInput",
    {
        "region": Required[str],
        "table-name": Required[str],
        "backup-name": Required[str],
    },
    total=False,
)

#: Input of `describe-backup`: Describe a backup (status, size, type, times) and the table it was made of.
DescribeBackupInput = TypedDict(
    "DescribeBackupInput",
    {
        "region": Required[str],
        "backup-arn": Required[str],
    },
    total=False,
)

#: Input of `list-backups`: List backups of one table or of all, within a time range and of a type: one page, all of them, or up to Max Items with an exact cursor.
ListBackupsInput = TypedDict(
    "ListBackupsInput",
    {
        "region": Required[str],
        "table-name": NotRequired[str],
        "time-range-lower-bound": NotRequired[str],
        "time-range-upper-bound": NotRequired[str],
        "backup-type": NotRequired[Literal["USER", "SYSTEM", "AWS_BACKUP", "ALL"]],
        "fetch-all": NotRequired[bool],
        "max-items": NotRequired[int],
        "exclusive-start-backup-arn": NotRequired[str],
    },
    total=False,
)

#: Input of `delete-backup`: Delete an on-demand backup; returns its description as it was.
DeleteBackupInput = TypedDict(
    "DeleteBackupInput",
    {
        "region": Required[str],
        "backup-arn": Required[str],
    },
    total=False,
)

#: Input of `restore-table-from-backup`: Restore a backup into a new table, optionally with another billing mode, capacity, indexes or encryption, and optionally wait until it is ACTIVE.
RestoreTableFromBackupInput = TypedDict(
    "RestoreTableFromBackupInput",
    {
        "region": Required[str],
        "backup-arn": Required[str],
        "target-table-name": Required[str],
        "billing-mode-override": NotRequired[Literal["PROVISIONED", "PAY_PER_REQUEST"]],
        "read-capacity-units-override": NotRequired[int],
        "write-capacity-units-override": NotRequired[int],
        "global-secondary-index-override": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "local-secondary-index-override": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "sse-type-override": NotRequired[Literal["AWS_OWNED", "AWS_MANAGED", "KMS"]],
        "kms-key-id-override": NotRequired[str],
        "wait": NotRequired[bool],
    },
    total=False,
)

#: Input of `restore-table-to-point-in-time`: Restore a table as it was at a time within its point-in-time recovery window (or at the latest restorable time) into a new table, optionally with overrides, and optionally wait until it is ACTIVE.
RestoreTableToPointInTimeInput = TypedDict(
    "RestoreTableToPointInTimeInput",
    {
        "region": Required[str],
        "source-table-name": Required[str],
        "target-table-name": Required[str],
        "restore-date-time": NotRequired[str],
        "use-latest-restorable-time": NotRequired[bool],
        "billing-mode-override": NotRequired[Literal["PROVISIONED", "PAY_PER_REQUEST"]],
        "read-capacity-units-override": NotRequired[int],
        "write-capacity-units-override": NotRequired[int],
        "global-secondary-index-override": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "local-secondary-index-override": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "sse-type-override": NotRequired[Literal["AWS_OWNED", "AWS_MANAGED", "KMS"]],
        "kms-key-id-override": NotRequired[str],
        "wait": NotRequired[bool],
    },
    total=False,
)

#: Input of `describe-continuous-backups`: A table's continuous backups and point-in-time recovery: status, recovery period, earliest and latest restorable times.
DescribeContinuousBackupsInput = TypedDict(
    "DescribeContinuousBackupsInput",
    {
        "region": Required[str],
        "table-name": Required[str],
    },
    total=False,
)

#: Input of `update-continuous-backups`: Turn point-in-time recovery on or off for a table and set its recovery period.
UpdateContinuousBackupsInput = TypedDict(
    "UpdateContinuousBackupsInput",
    {
        "region": Required[str],
        "table-name": Required[str],
        "point-in-time-recovery-enabled": Required[bool],
        "recovery-period-in-days": NotRequired[int],
    },
    total=False,
)

#: Input of `export-table`: Export a table to S3 as it was at a time of its point-in-time recovery window (full) or the changes of a window of 15 minutes to 24 hours (incremental), in DynamoDB JSON or Amazon Ion; the service writes the files. Optionally wait until the export has ended.
ExportTableInput = TypedDict(
    "ExportTableInput",
    {
        "region": Required[str],
        "table-name": Required[str],
        "s3-bucket": Required[str],
        "s3-prefix": NotRequired[str],
        "s3-bucket-owner": NotRequired[str],
        "s3-sse-algorithm": NotRequired[Literal["AES256", "KMS"]],
        "s3-sse-kms-key-id": NotRequired[str],
        "export-format": NotRequired[Literal["DYNAMODB_JSON", "ION"]],
        "export-type": NotRequired[Literal["FULL_EXPORT", "INCREMENTAL_EXPORT"]],
        "export-time": NotRequired[str],
        "export-from-time": NotRequired[str],
        "export-to-time": NotRequired[str],
        "export-view-type": NotRequired[Literal["NEW_IMAGE", "NEW_AND_OLD_IMAGES"]],
        "client-token": NotRequired[str],
        "wait": NotRequired[bool],
        "timeout-seconds": NotRequired[int],
    },
    total=False,
)

#: Input of `describe-export`: An export's status, S3 location, format, times, item count, billed size and manifest file.
DescribeExportInput = TypedDict(
    "DescribeExportInput",
    {
        "region": Required[str],
        "export-arn": Required[str],
    },
    total=False,
)

#: Input of `list-exports`: List the exports of one table or of every table in the region: one page with its NextToken, or every page.
ListExportsInput = TypedDict(
    "ListExportsInput",
    {
        "region": Required[str],
        "table-name": NotRequired[str],
        "page-size": NotRequired[int],
        "fetch-all": NotRequired[bool],
        "next-token": NotRequired[str],
    },
    total=False,
)

#: Input of `import-table`: Create a new table from CSV, DynamoDB JSON or Amazon Ion files in S3 (optionally GZIP or ZSTD compressed); the service reads the files. The new table's definition is checked as Create Table checks its own. Optionally wait until the import has ended.
ImportTableInput = TypedDict(
    "ImportTableInput",
    {
        "region": Required[str],
        "s3-bucket": Required[str],
        "s3-key-prefix": NotRequired[str],
        "s3-bucket-owner": NotRequired[str],
        "input-format": Required[Literal["CSV", "DYNAMODB_JSON", "ION"]],
        "csv-delimiter": NotRequired[str],
        "csv-headers": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "input-compression": NotRequired[Literal["NONE", "GZIP", "ZSTD"]],
        "table-name": Required[str],
        "attribute-definitions": Required[Union[Dict[str, Any], List[Any], str]],
        "key-schema": Required[Union[Dict[str, Any], List[Any], str]],
        "billing-mode": NotRequired[Literal["PROVISIONED", "PAY_PER_REQUEST"]],
        "read-capacity-units": NotRequired[int],
        "write-capacity-units": NotRequired[int],
        "global-secondary-indexes": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "sse-type": NotRequired[Literal["AWS_OWNED", "AWS_MANAGED", "KMS"]],
        "kms-key-id": NotRequired[str],
        "client-token": NotRequired[str],
        "wait": NotRequired[bool],
        "timeout-seconds": NotRequired[int],
    },
    total=False,
)

#: Input of `describe-import`: An import's status, S3 source, format, counts (processed, imported, errors), times and the definition of the table it creates.
DescribeImportInput = TypedDict(
    "DescribeImportInput",
    {
        "region": Required[str],
        "import-arn": Required[str],
    },
    total=False,
)

#: Input of `list-imports`: List the imports into one table or into every table in the region: one page with its NextToken, or every page.
ListImportsInput = TypedDict(
    "ListImportsInput",
    {
        "region": Required[str],
        "table-name": NotRequired[str],
        "page-size": NotRequired[int],
        "fetch-all": NotRequired[bool],
        "next-token": NotRequired[str],
    },
    total=False,
)

#: Input of `upsert-item`: Creates a new item, or replaces an existing item with a new item
UpsertItemInput = TypedDict(
    "UpsertItemInput",
    {
        "region": Required[str],
        "table-name": Required[str],
        "value": Required[Union[Dict[str, Any], List[Any], str]],
        "value-types": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "condition-expression": NotRequired[str],
        "condition": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "expression-attribute-values": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "expression-attribute-value-types": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "expression-attribute-names": NotRequired[Union[Dict[str, Any], List[Any], str]],
        "return-values": NotRequired[Literal["NONE", "ALL_OLD"]],
        "return-values-on-condition-failure": NotRequired[Literal["NONE", "ALL_OLD"]],
        "idempotency-token": NotRequired[str],
        "item-format": NotRequired[Literal["PLAIN", "DYNAMODB_JSON"]],
        "return-consumed-capacity": NotRequired[Literal["NONE", "TOTAL", "INDEXES"]],
        "return-item-collection-metrics": NotRequired[Literal["NONE", "SIZE"]],
    },
    total=False,
)

#: Input of `wait-for-table`: Wait until a table is ACTIVE (optionally with its global indexes) or no longer exists, polling with growing pauses; running out of time is the error timeout, naming the last status seen.
WaitForTableInput = TypedDict(
    "WaitForTableInput",
    {
        "region": Required[str],
        "table-name": Required[str],
        "until": NotRequired[Literal["ACTIVE", "DELETED"]],
        "include-indexes": NotRequired[bool],
        "timeout-seconds": NotRequired[int],
    },
    total=False,
)
#: The input type of each action, by its name.
INPUTS = {
    "batch-execute-statement": BatchExecuteStatementInput,
    "batch-get-items": BatchGetItemsInput,
    "batch-write-items": BatchWriteItemsInput,
    "catalog-sweep": CatalogSweepInput,
    "classify-columns": ClassifyColumnsInput,
    "create-table": CreateTableInput,
    "delete-item": DeleteItemInput,
    "delete-table": DeleteTableInput,
    "describe-limits": DescribeLimitsInput,
    "describe-stream": DescribeStreamInput,
    "describe-table": DescribeTableInput,
    "describe-time-to-live": DescribeTimeToLiveInput,
    "execute-transaction": ExecuteTransactionInput,
    "get-item": GetItemInput,
    "infer-schema": InferSchemaInput,
    "list-streams": ListStreamsInput,
    "list-tables": ListTablesInput,
    "list-tags": ListTagsInput,
    "poll-new-items": PollNewItemsInput,
    "profile-table": ProfileTableInput,
    "query-items": QueryItemsInput,
    "raw-request": RawRequestInput,
    "read-stream-changes": ReadStreamChangesInput,
    "scan-items": ScanItemsInput,
    "tag-resource": TagResourceInput,
    "test-connection": TestConnectionInput,
    "transact-get-items": TransactGetItemsInput,
    "transact-write-items": TransactWriteItemsInput,
    "untag-resource": UntagResourceInput,
    "update-item": UpdateItemInput,
    "update-table": UpdateTableInput,
    "update-time-to-live": UpdateTimeToLiveInput,
    "create-backup": CreateBackupInput,
    "describe-backup": DescribeBackupInput,
    "list-backups": ListBackupsInput,
    "delete-backup": DeleteBackupInput,
    "restore-table-from-backup": RestoreTableFromBackupInput,
    "restore-table-to-point-in-time": RestoreTableToPointInTimeInput,
    "describe-continuous-backups": DescribeContinuousBackupsInput,
    "update-continuous-backups": UpdateContinuousBackupsInput,
    "export-table": ExportTableInput,
    "describe-export": DescribeExportInput,
    "list-exports": ListExportsInput,
    "import-table": ImportTableInput,
    "describe-import": DescribeImportInput,
    "list-imports": ListImportsInput,
    "upsert-item": UpsertItemInput,
    "wait-for-table": WaitForTableInput,
}
