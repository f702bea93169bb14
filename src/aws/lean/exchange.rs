//! One attempt of the lean path on the wire: the request sent and its answer read within
//! the attempt timeout, the answer's body ended when it stalls, the answer (or the failure)
//! left in the request's `InterceptorContext` as the SDK's orchestrator leaves it.

use super::{retry, Lean};
use crate::aws::sdk::{refuse_empty_answer, ATTEMPT_TIMEOUT};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::http::HttpConnector;
use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, OrchestratorError};
use aws_smithy_runtime_api::client::ser_de::{DeserializeResponse, SharedResponseDeserializer};
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::{ConfigBag, FrozenLayer};
use http_body_util::BodyExt as _;
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime};
use wstd::future::FutureExt as _;

/// An answer whose body sends nothing for this long is ended (the SDK's stalled-stream
/// protection: its grace period).
const STALL: Duration = Duration::from_secs(5);

/// Send `request` and read its answer within the attempt timeout, leaving the answer and
/// the output or error (or the failure) in `ctx`.
pub(super) async fn exchange(
    lean: &Lean,
    layer: &FrozenLayer,
    request: HttpRequest,
    ctx: &mut InterceptorContext,
    cfg: &ConfigBag,
) {
    let sent = SystemTime::now();
    let answer = async {
        let mut response = lean.connector.call(request).await?;
        let received = SystemTime::now();
        if let Some(skew) = retry::skew(&response, sent, received) {
            lean.skew.store(skew, Ordering::Relaxed);
        }
        let body = std::mem::replace(response.body_mut(), SdkBody::taken());
        let read = read_body(body).await;
        Ok::<_, aws_smithy_runtime_api::client::result::ConnectorError>((response, read))
    };
    match answer
        .timeout(wstd::time::Duration::from(ATTEMPT_TIMEOUT))
        .await
    {
        Err(_) => ctx.fail(OrchestratorError::timeout(Box::new(AttemptTimedOut))),
        Ok(Err(error)) => ctx.fail(OrchestratorError::connector(error)),
        Ok(Ok((mut response, read))) => {
            let read = read.map(|bytes| *response.body_mut() = SdkBody::from(bytes));
            ctx.set_response(response);
            ctx.enter_before_deserialization_phase();
            if let Some(response) = ctx.response_mut() {
                refuse_empty_answer(response);
            }
            ctx.enter_deserialization_phase();
            if let Err(error) = read {
                ctx.fail(OrchestratorError::response(error));
            } else {
                let response = ctx.response().expect("the response, set above");
                let result = match layer.load::<SharedResponseDeserializer>() {
                    Some(d) => d.deserialize_nonstreaming_with_config(response, cfg),
                    None => Err(OrchestratorError::other(
                        "the operation has no deserialiser",
                    )),
                };
                ctx.set_output_or_error(result);
            }
            ctx.enter_after_deserialization_phase();
        }
    }
}

/// An answer's whole body; one that sends nothing for [`STALL`] is ended.
async fn read_body(mut body: SdkBody) -> Result<bytes::Bytes, BoxError> {
    let mut read = Vec::new();
    loop {
        let frame = body
            .frame()
            .timeout(wstd::time::Duration::from(STALL))
            .await;
        let frame = frame.map_err(|_| Stalled)?;
        match frame {
            None => return Ok(read.into()),
            Some(frame) => {
                if let Ok(data) = frame?.into_data() {
                    read.extend_from_slice(&data);
                }
            }
        }
    }
}

/// An attempt that took longer than [`ATTEMPT_TIMEOUT`] (worded as the SDK words it).
#[derive(Debug)]
struct AttemptTimedOut;

impl std::fmt::Display for AttemptTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "operation attempt timeout (single attempt) occurred after {ATTEMPT_TIMEOUT:?}"
        )
    }
}

impl std::error::Error for AttemptTimedOut {}

/// An answer whose body stopped arriving.
#[derive(Debug)]
struct Stalled;

impl std::fmt::Display for Stalled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the answer stalled: no byte for {STALL:?}")
    }
}

impl std::error::Error for Stalled {}
