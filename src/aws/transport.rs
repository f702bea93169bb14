//! The SDK's HTTP transport: requests go out through `wasi:http` (the host's outgoing
//! handler, the only way out of the sandbox), on the `wstd` client.
//!
//! It does what `aws-smithy-wasm`'s client does, and one thing more: a failed request keeps
//! its `wasi:http` error code as a typed [`TransportError`] in the SDK's connector error,
//! so that whether it can have been sent is decided on the code's variant
//! ([`crate::aws::delivery`]), not on any text. The connection's timeouts are passed on:
//! the connect timeout, and the read timeout as both the first-byte and the between-bytes
//! timeout.

use crate::aws::delivery::TransportError;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::Response;
use aws_smithy_runtime_api::shared::IntoShared;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::retry::ErrorKind;
use http_body_util::{BodyExt as _, BodyStream, StreamBody};
use wstd::http::{Body, Client, ErrorCode};

/// The `wasi:http` client of the SDK clients.
#[derive(Debug, Clone, Copy, Default)]
pub struct WasiHttp;

impl WasiHttp {
    /// As the SDK's shared HTTP client.
    pub fn shared() -> SharedHttpClient {
        WasiHttp.into_shared()
    }
}

impl HttpClient for WasiHttp {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        _components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        connector(settings)
    }
}

/// A `wasi:http` connector with `settings`' timeouts.
pub fn connector(settings: &HttpConnectorSettings) -> SharedHttpConnector {
    let mut client = Client::new();
    if let Some(timeout) = settings.connect_timeout() {
        client.set_connect_timeout(timeout);
    }
    if let Some(timeout) = settings.read_timeout() {
        client.set_first_byte_timeout(timeout);
        client.set_between_bytes_timeout(timeout);
    }
    SharedHttpConnector::new(Connector(client))
}

/// A connector error of `error`. Transport failures are not retried by the SDK's
/// classifiers (as `aws-smithy-wasm` has it); the client's own classifiers decide.
fn failure(error: TransportError) -> ConnectorError {
    ConnectorError::other(Box::new(error), Some(ErrorKind::ClientError))
}

/// A failure `wstd` reported while sending: the `wasi:http` error code when it is one;
/// any other failure (writing the body, say) may come after the request went out.
fn sending_failure(error: wstd::http::Error) -> ConnectorError {
    match error.downcast::<ErrorCode>() {
        Ok(code) => failure(TransportError::code(code)),
        Err(other) => failure(TransportError::after_sending(format!("{other:#}"))),
    }
}

#[derive(Debug, Clone)]
struct Connector(Client);

impl HttpConnector for Connector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let client = self.0.clone();
        HttpConnectorFuture::new(async move {
            let request = request
                .try_into_http1x()
                .map_err(|e| failure(TransportError::before_sending(e.to_string())))?;
            let request = request.map(|body| {
                Body::from_http_body(body.map_err(|e| wstd::http::Error::msg(e.to_string())))
            });
            let response = client.send(request).await.map_err(sending_failure)?;
            // The SDK needs a `Sync` body and `wstd`'s is not; a stream polled through
            // `&mut self` only is `Sync` behind `SyncStream`.
            let response = response.map(|body| {
                let body = body
                    .into_boxed_body()
                    .map_err(wstd::http::Error::into_boxed_dyn_error);
                let stream = sync_wrapper::SyncStream::new(BodyStream::new(body));
                SdkBody::from_body_1_x(StreamBody::new(stream))
            });
            Response::try_from(response)
                .map_err(|e| failure(TransportError::after_sending(e.to_string())))
        })
    }
}
