//! The lean request path of the hot operations (`GetItem`, `PutItem`, `Query`, `Scan`,
//! `ListTables`, `BatchGetItem`, `BatchWriteItem`): a request built, signed, sent and read
//! with the SDK's own building blocks — the operation's serialiser, deserialiser and retry
//! classifiers, the endpoint rules, `aws-sigv4`, the step's `wasi:http` transport — without
//! the SDK's orchestrator, whose runtime plugins, interceptors and config bags cost more
//! per request in WebAssembly than the request itself (docs/performance.md).
//!
//! It keeps the orchestrator's contract: the same phases of an `InterceptorContext`, so a
//! failure becomes the same [`SdkError`] the SDK returns; the client's retry settings, its
//! classifiers (the host's refusal, a write's at-most-once rule) and the operation's; the
//! standard strategy's backoff and retry quota; the attempt timeout; a stalled answer
//! ended; the clock skew corrected; an empty `200` refused as the SDK client's interceptor
//! does ([`crate::aws::sdk`]). [`requests`] lists the operations, [`exchange`] is one
//! attempt on the wire, [`sign`] signs it and [`retry`] keeps the retries' bookkeeping.

mod exchange;
mod requests;
mod retry;
mod sign;

pub use requests::Request;

use crate::aws::sdk::{self, Clients};
use crate::model::Access;
use aws_credential_types::Credentials;
use aws_runtime::auth::SigV4OperationSigningConfig;
use aws_runtime::user_agent::{ApiMetadata, AwsUserAgent};
use aws_sdk_dynamodb::config::endpoint::{DefaultResolver, Params, ResolveEndpoint};
use aws_sdk_dynamodb::error::SdkError;
use aws_sigv4::http_request::SigningSettings;
use aws_smithy_runtime::client::retries::classifiers::{
    run_classifiers_on_ctx, HttpStatusCodeClassifier,
};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::http::{HttpConnectorSettings, SharedHttpConnector};
use aws_smithy_runtime_api::client::identity::Identity;
use aws_smithy_runtime_api::client::interceptors::context::{Error, Input, InterceptorContext};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse, OrchestratorError};
use aws_smithy_runtime_api::client::retries::classifiers::SharedRetryClassifier;
use aws_smithy_runtime_api::client::retries::classifiers::{ClassifyRetry, RetryAction};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponentsBuilder;
use aws_smithy_runtime_api::client::runtime_plugin::RuntimePlugin;
use aws_smithy_runtime_api::client::ser_de::{SerializeRequest, SharedRequestSerializer};
use aws_smithy_types::config_bag::{ConfigBag, FrozenLayer, Layer};
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_smithy_types::retry::{ErrorKind, RetryConfig};
use aws_types::endpoint_config::AccountIdEndpointMode;
use aws_types::os_shim_internal::Env;
use std::any::TypeId;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

/// What a session's requests on the lean path share: the region, the signing identity,
/// the endpoint override and the rules that resolve it, the transport, the user agent and
/// the clock skew measured last.
#[derive(Debug)]
pub struct Lean {
    region: String,
    identity: Identity,
    endpoint: Option<String>,
    resolver: DefaultResolver,
    connector: SharedHttpConnector,
    user_agent: (String, String),
    retry_config: RetryConfig,
    skew: AtomicI64,
}

impl Lean {
    /// The lean path of a session in `region`, signing with `credentials`, at `endpoint`
    /// (else where the endpoint rules say), connecting within `connect`.
    pub fn new(
        region: &str,
        credentials: Credentials,
        endpoint: Option<String>,
        connect: Duration,
    ) -> Self {
        let agent = AwsUserAgent::new_from_environment(
            Env::real(),
            ApiMetadata::new("dynamodb", aws_sdk_dynamodb::meta::PKG_VERSION),
        );
        let settings = HttpConnectorSettings::builder()
            .connect_timeout(connect)
            .build();
        Lean {
            region: region.to_string(),
            identity: credentials.into(),
            endpoint,
            resolver: DefaultResolver::new(),
            connector: crate::aws::transport::connector(&settings),
            user_agent: (agent.ua_header(), agent.aws_ua_header()),
            retry_config: sdk::retry_config(),
            skew: AtomicI64::new(0),
        }
    }
}

/// What the lean path takes from an operation's runtime plugin, once per instance.
struct Parts {
    /// The operation's settings: its serialiser and deserialiser among them.
    layer: FrozenLayer,
    classifiers: Vec<SharedRetryClassifier>,
    signing: SigningSettings,
}

thread_local! {
    static PARTS: RefCell<HashMap<(TypeId, Access), Rc<Parts>>> = RefCell::default();
}

/// The parts of `R`'s operation for a read or a write (`access`: the client's retry
/// classifiers differ), its classifiers in the order the SDK runs them.
fn parts<R: Request>(access: Access) -> Rc<Parts> {
    let key = (TypeId::of::<R::Operation>(), access);
    if let Some(parts) = PARTS.with_borrow(|all| all.get(&key).cloned()) {
        return parts;
    }
    let operation = R::Operation::default();
    let layer = operation
        .config()
        .unwrap_or_else(|| Layer::new("lean").freeze());
    let components = operation.runtime_components(&RuntimeComponentsBuilder::new("lean"));
    // The service's own classifier (its runtime plugin's: 500, 502, 503 and 504 retried),
    // the client's and the operation's.
    let service = SharedRetryClassifier::new(HttpStatusCodeClassifier::default());
    let mut classifiers = vec![service];
    classifiers.extend(sdk::classifiers(access));
    classifiers.extend(components.retry_classifiers());
    classifiers.sort_by_key(ClassifyRetry::priority);
    let parts = Rc::new(Parts {
        signing: sign::settings(layer.load::<SigV4OperationSigningConfig>()),
        layer,
        classifiers,
    });
    PARTS.with_borrow_mut(|all| all.insert(key, parts.clone()));
    parts
}

/// Send `request` on `clients`' session, as a read or a write (`access`: whether a possibly
/// applied attempt may be retried), with what the SDK's `send` would return.
pub async fn send<R: Request>(
    clients: &Clients,
    access: Access,
    request: R,
) -> Result<R::Output, SdkError<R::Error, HttpResponse>> {
    let input = request.build().map_err(SdkError::construction_failure)?;
    let lean = clients.lean();
    let parts = parts::<R>(access);
    let params = R::resources(&input, Params::builder())
        .region(lean.region.clone())
        .set_endpoint(lean.endpoint.clone())
        .account_id_endpoint_mode(AccountIdEndpointMode::default().to_string())
        .build()
        .map_err(SdkError::construction_failure)?;
    let sent = Sent {
        lean,
        parts: &parts,
        params: &params,
        code: code_of::<R::Error>,
    };
    finish::<R>(sent.run(Input::erase(input)).await)
}

/// The code of an operation error of type `E`.
fn code_of<E>(error: &Error) -> Option<&str>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + std::fmt::Debug + 'static,
{
    error
        .downcast_ref::<E>()
        .and_then(ProvideErrorMetadata::code)
}

/// What a request's attempts need, its types erased (one copy of the attempt loop for
/// every operation).
struct Sent<'a> {
    lean: &'a Lean,
    parts: &'a Parts,
    params: &'a Params,
    /// The code of the operation's error.
    code: fn(&Error) -> Option<&str>,
}

impl Sent<'_> {
    /// Serialise `input` and send it until it succeeds, fails for good or runs out of
    /// attempts; the context holds the outcome.
    async fn run(&self, input: Input) -> InterceptorContext {
        let (lean, parts) = (self.lean, self.parts);
        let retry_config = &lean.retry_config;
        let mut cfg = ConfigBag::base();
        let mut ctx = InterceptorContext::new(input);
        ctx.enter_serialization_phase();
        let input = ctx.take_input().expect("the input, set above");
        let serializer = parts.layer.load::<SharedRequestSerializer>();
        let built = serializer.map_or_else(
            || Err("the operation has no serialiser".into()),
            |s| s.serialize_input(input, &mut cfg),
        );
        match built {
            Ok(request) => ctx.set_request(request),
            Err(error) => {
                ctx.fail(OrchestratorError::other(error));
                return ctx;
            }
        }
        ctx.enter_before_transmit_phase();
        let invocation = invocation_id();
        let mut attempt = 1;
        let mut quota = retry::Permit::default();
        loop {
            ctx.rewind(&mut cfg);
            let headers = Attempt {
                invocation: &invocation,
                number: attempt,
                max: retry_config.max_attempts(),
            };
            let request = ctx.request_mut().expect("the request, set above");
            if let Err(error) = prepare(lean, self.params, &parts.signing, &headers, request).await
            {
                ctx.fail(OrchestratorError::other(error));
                break;
            }
            ctx.enter_transmit_phase();
            let request = ctx.take_request().expect("the request, set above");
            exchange::exchange(lean, &parts.layer, request, &mut ctx, &cfg).await;
            let action = self.classify(&ctx, lean.skew.load(Ordering::Relaxed));
            if !ctx.is_failed() {
                quota.succeeded();
                break;
            }
            if attempt >= retry_config.max_attempts() {
                break;
            }
            let Some((wait, kind)) = retry::backoff(retry_config, &action, attempt) else {
                break;
            };
            if !quota.renew(retry_config, kind) {
                break;
            }
            wstd::task::sleep(wait.into()).await;
            attempt += 1;
        }
        ctx
    }

    /// What the classifiers say of the attempt in `ctx`; a clock-skew error is retried
    /// when the measured `skew` is over the SDK's threshold.
    fn classify(&self, ctx: &InterceptorContext, skew: i64) -> RetryAction {
        let action = run_classifiers_on_ctx(self.parts.classifiers.iter().cloned(), ctx);
        if action != RetryAction::NoActionIndicated {
            return action;
        }
        let code = match ctx.output_or_error() {
            Some(Err(error)) => error.as_operation_error().and_then(self.code),
            _ => None,
        };
        if retry::skewed(code, Some(skew)) {
            RetryAction::retryable_error(ErrorKind::ServerError)
        } else {
            action
        }
    }
}

/// The headers an attempt carries for the service's own accounting.
struct Attempt<'a> {
    invocation: &'a str,
    number: u32,
    max: u32,
}

/// A random invocation ID (a version 4 UUID), the same for every attempt of a request.
fn invocation_id() -> String {
    let bits = fastrand::u128(..) & !(0xf000 << 64) | (0x4000 << 64);
    let bits = bits & !(0xc000 << 48) | (0x8000 << 48);
    let hex = format!("{bits:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Address, label and sign `request` for an attempt.
async fn prepare(
    lean: &Lean,
    params: &Params,
    signing: &SigningSettings,
    attempt: &Attempt<'_>,
    request: &mut HttpRequest,
) -> Result<(), BoxError> {
    let endpoint = lean.resolver.resolve_endpoint(params).await?;
    request.uri_mut().set_endpoint(endpoint.url())?;
    for (name, values) in endpoint.headers() {
        request.headers_mut().remove(name);
        for value in values {
            request
                .headers_mut()
                .append(name.to_string(), value.to_string());
        }
    }
    let headers = request.headers_mut();
    headers.insert("user-agent", lean.user_agent.0.clone());
    headers.insert("x-amz-user-agent", lean.user_agent.1.clone());
    headers.insert("amz-sdk-invocation-id", attempt.invocation.to_string());
    let counted = format!("attempt={}; max={}", attempt.number, attempt.max);
    headers.insert("amz-sdk-request", counted);
    let now = retry::corrected(SystemTime::now(), lean.skew.load(Ordering::Relaxed));
    sign::sign(&lean.identity, &lean.region, signing, request, now)
}

/// The output or error of `ctx`, typed as the operation's.
fn finish<R: Request>(
    ctx: InterceptorContext,
) -> Result<R::Output, SdkError<R::Error, HttpResponse>> {
    match ctx.finalize() {
        Ok(output) => Ok(output
            .downcast::<R::Output>()
            .expect("the operation's output")),
        Err(error) => {
            Err(error
                .map_service_error(|e| e.downcast::<R::Error>().expect("the operation's error")))
        }
    }
}
