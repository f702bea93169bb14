//! Generated from wit/connector.wit and connector.toml by `cargo run -p connector-tools --bin connector-docs`: do not edit.
//! One activity per action: the connector's action called with the environment's connection (the adapter's records are the connector's: the bindings merge structurally equal types).

use crate::bindings::dynamodb::connector::actions as connector;
use crate::bindings::dynamodb::connector::types::ConnectorError;
use crate::bindings::exports::dynamodb::activity::actions::{self as activity, ActivityError, Json};

impl activity::Guest for crate::Activity {
    fn test_connection(input: activity::TestConnectionInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::test_connection(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn create_table(input: activity::CreateTableInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::create_table(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn delete_table(input: activity::DeleteTableInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::delete_table(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn update_table(input: activity::UpdateTableInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::update_table(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn describe_time_to_live(input: activity::TableInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::describe_time_to_live(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn list_tags(input: activity::TableInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::list_tags(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn tag_resource(input: activity::TagResourceInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::tag_resource(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn untag_resource(input: activity::UntagResourceInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::untag_resource(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn update_time_to_live(input: activity::UpdateTimeToLiveInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::update_time_to_live(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn wait_for_table(input: activity::WaitForTableInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::wait_for_table(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn create_backup(input: activity::CreateBackupInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::create_backup(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn describe_backup(input: activity::BackupInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::describe_backup(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn list_backups(input: activity::ListBackupsInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::list_backups(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn delete_backup(input: activity::BackupInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::delete_backup(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn restore_table_from_backup(input: activity::RestoreTableFromBackupInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::restore_table_from_backup(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn restore_table_to_point_in_time(input: activity::RestoreTableToPointInTimeInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::restore_table_to_point_in_time(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn describe_continuous_backups(input: activity::TableInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::describe_continuous_backups(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn update_continuous_backups(input: activity::UpdateContinuousBackupsInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::update_continuous_backups(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn export_table(input: activity::ExportTableInput) -> Result<Json, ActivityError> {
        let token = input.client_token.is_some();
        connector::export_table(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn describe_export(input: activity::ExportInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::describe_export(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn list_exports(input: activity::ListExportsInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::list_exports(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn import_table(input: activity::ImportTableInput) -> Result<Json, ActivityError> {
        let token = input.client_token.is_some();
        connector::import_table(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn describe_import(input: activity::ImportInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::describe_import(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn list_imports(input: activity::ListImportsInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::list_imports(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn infer_schema(input: activity::InferSchemaInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::infer_schema(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn profile_table(input: activity::SampleInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::profile_table(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn classify_columns(input: activity::ClassifyColumnsInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::classify_columns(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn catalog_sweep(input: activity::CatalogSweepInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::catalog_sweep(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn describe_table(input: activity::TableInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::describe_table(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn describe_limits(input: activity::DescribeLimitsInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::describe_limits(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn list_tables(input: activity::ListTablesInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::list_tables(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn get_item(input: activity::GetItemInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::get_item(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn upsert_item(input: activity::UpsertItemInput) -> Result<Json, ActivityError> {
        let token = input.idempotency_token.is_some();
        connector::upsert_item(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn update_item(input: activity::UpdateItemInput) -> Result<Json, ActivityError> {
        let token = input.idempotency_token.is_some();
        connector::update_item(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn delete_item(input: activity::DeleteItemInput) -> Result<Json, ActivityError> {
        let token = input.idempotency_token.is_some();
        connector::delete_item(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn query_items(input: activity::QueryItemsInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::query_items(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn scan_items(input: activity::ScanItemsInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::scan_items(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn batch_get_items(input: activity::BatchGetItemsInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::batch_get_items(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn batch_write_items(input: activity::BatchWriteItemsInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::batch_write_items(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn transact_write_items(input: activity::TransactWriteItemsInput) -> Result<Json, ActivityError> {
        let token = input.client_request_token.is_some();
        connector::transact_write_items(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn transact_get_items(input: activity::TransactGetItemsInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::transact_get_items(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn batch_execute_statement(input: activity::BatchExecuteStatementInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::batch_execute_statement(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn execute_transaction(input: activity::ExecuteTransactionInput) -> Result<Json, ActivityError> {
        let token = input.client_request_token.is_some();
        connector::execute_transaction(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn list_streams(input: activity::ListStreamsInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::list_streams(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn describe_stream(input: activity::DescribeStreamInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::describe_stream(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn read_stream_changes(input: activity::ReadStreamChangesInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::read_stream_changes(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn poll_new_items(input: activity::PollNewItemsInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::poll_new_items(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

    fn raw_request(input: activity::RawRequestInput) -> Result<Json, ActivityError> {
        let token = false;
        connector::raw_request(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))
    }

}

/// The connector's error as the activity's: a kind the manifest calls retryable keeps its
/// name (Obelisk repeats it), `outcome-unknown` too when the step carried its idempotency
/// token; every other kind is `permanent-<kind>`.
#[inline(never)]
fn failure(error: ConnectorError, token: bool) -> ActivityError {
    match error {
        ConnectorError::InvalidInput(info) => ActivityError::PermanentInvalidInput(info),
        ConnectorError::Validation(info) => ActivityError::PermanentValidation(info),
        ConnectorError::ConditionalCheckFailed(info) => ActivityError::PermanentConditionalCheckFailed(info),
        ConnectorError::TransactionCanceled(info) => ActivityError::PermanentTransactionCanceled(info),
        ConnectorError::ResourceNotFound(info) => ActivityError::PermanentResourceNotFound(info),
        ConnectorError::ResourceInUse(info) => ActivityError::PermanentResourceInUse(info),
        ConnectorError::Throttled(info) => ActivityError::Throttled(info),
        ConnectorError::AccessDenied(info) => ActivityError::PermanentAccessDenied(info),
        ConnectorError::Network(info) => ActivityError::Network(info),
        ConnectorError::Timeout(info) => ActivityError::Timeout(info),
        ConnectorError::Service(info) => ActivityError::Service(info),
        ConnectorError::OutcomeUnknown(info) if token => ActivityError::OutcomeUnknown(info),
        ConnectorError::OutcomeUnknown(info) => ActivityError::PermanentOutcomeUnknown(info),
    }
}
