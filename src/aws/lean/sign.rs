//! Signing a request of the lean path with `SigV4` (`aws-sigv4`, the SDK's signer), with the
//! settings the SDK's signer takes from the operation's signing options.

use aws_runtime::auth::SigV4OperationSigningConfig;
use aws_sigv4::http_request::{sign as sigv4, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::http_request::{PayloadChecksumKind, PercentEncodingMode, SessionTokenMode};
use aws_sigv4::http_request::{SignatureLocation, UriPathNormalizationMode};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::identity::Identity;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use std::time::SystemTime;

/// The `SigV4` settings of an operation's signing options (as the SDK's signer reads them).
pub(super) fn settings(config: Option<&SigV4OperationSigningConfig>) -> SigningSettings {
    let options = config
        .map(|c| c.signing_options.clone())
        .unwrap_or_default();
    let mut settings = SigningSettings::default();
    settings.percent_encoding_mode = if options.double_uri_encode {
        PercentEncodingMode::Double
    } else {
        PercentEncodingMode::Single
    };
    settings.payload_checksum_kind = if options.content_sha256_header {
        PayloadChecksumKind::XAmzSha256
    } else {
        PayloadChecksumKind::NoHeader
    };
    settings.uri_path_normalization_mode = if options.normalize_uri_path {
        UriPathNormalizationMode::Enabled
    } else {
        UriPathNormalizationMode::Disabled
    };
    settings.session_token_mode = if options.omit_session_token {
        SessionTokenMode::Exclude
    } else {
        SessionTokenMode::Include
    };
    // The operations of this path are signed in headers (their signature type).
    settings.signature_location = SignatureLocation::Headers;
    settings.expires_in = options.expires_in;
    settings
}

/// Sign `request` for `DynamoDB` in `region` as `identity` at `now`: the signature's headers
/// (`authorization`, `x-amz-date`, `x-amz-security-token`) added, secret ones marked so.
pub(super) fn sign(
    identity: &Identity,
    region: &str,
    settings: &SigningSettings,
    request: &mut HttpRequest,
    now: SystemTime,
) -> Result<(), BoxError> {
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(identity)
        .region(region)
        .name("dynamodb")
        .time(now)
        .settings(settings.clone())
        .build()?
        .into();
    let body = request
        .body()
        .bytes()
        .map_or(SignableBody::UnsignedPayload, SignableBody::Bytes);
    let signable = SignableRequest::new(
        request.method(),
        request.uri(),
        request.headers().iter(),
        body,
    )?;
    let (instructions, _) = sigv4(signable, &params)?.into_parts();
    for header in instructions.into_parts().0 {
        let mut value = http::HeaderValue::from_str(header.value())?;
        value.set_sensitive(header.sensitive());
        request.headers_mut().insert(header.name(), value);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_credential_types::Credentials;
    use aws_smithy_types::body::SdkBody;
    use sha2::{Digest, Sha256};
    use std::fmt::Write as _;
    use std::time::Duration;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().fold(String::new(), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
    }

    /// HMAC-SHA256 (RFC 2104), written out: the check below does not use the signer's code.
    fn hmac(key: &[u8], message: &[u8]) -> Vec<u8> {
        let mut block = [0u8; 64];
        if key.len() > 64 {
            block[..32].copy_from_slice(&Sha256::digest(key));
        } else {
            block[..key.len()].copy_from_slice(key);
        }
        let pad = |byte: u8| block.iter().map(|k| k ^ byte).collect::<Vec<u8>>();
        let inner = Sha256::new()
            .chain_update(pad(0x36))
            .chain_update(message)
            .finalize();
        Sha256::new()
            .chain_update(pad(0x5c))
            .chain_update(inner)
            .finalize()
            .to_vec()
    }

    /// The `SigV4` signature of `request` over the headers it names, by the algorithm as AWS
    /// documents it, for a `POST /` with no query.
    fn expected_signature(request: &HttpRequest, signed: &str, secret: &str) -> String {
        let value = |name: &str| -> String {
            match name {
                "host" => request
                    .uri()
                    .split('/')
                    .nth(2)
                    .unwrap_or_default()
                    .to_string(),
                _ => request
                    .headers()
                    .get(name)
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
            }
        };
        let canonical_headers = signed.split(';').fold(String::new(), |mut out, name| {
            let _ = writeln!(out, "{name}:{}", value(name));
            out
        });
        let body = request.body().bytes().unwrap_or_default();
        let canonical = format!(
            "POST\n/\n\n{canonical_headers}\n{signed}\n{}",
            hex(&Sha256::digest(body))
        );
        let amz_date = value("x-amz-date");
        let date = &amz_date[..8];
        let scope = format!("{date}/eu-west-1/dynamodb/aws4_request");
        let to_sign = format!(
            "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
            hex(&Sha256::digest(canonical.as_bytes()))
        );
        let key = [date, "eu-west-1", "dynamodb", "aws4_request"]
            .iter()
            .fold(format!("AWS4{secret}").into_bytes(), |key, part| {
                hmac(&key, part.as_bytes())
            });
        hex(&hmac(&key, to_sign.as_bytes()))
    }

    #[test]
    fn a_signed_request_carries_a_signature_over_what_it_sends() {
        let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        let credentials = Credentials::new("AKIDEXAMPLE", secret, Some("token".into()), None, "t");
        let body = r#"{"TableName":"orders","Key":{"id":{"S":"1"}}}"#;
        let mut request = HttpRequest::new(SdkBody::from(body));
        request.set_method("POST").expect("a method");
        request
            .set_uri("https://dynamodb.eu-west-1.amazonaws.com/")
            .expect("a URI");
        let headers = request.headers_mut();
        headers.insert("content-type", "application/x-amz-json-1.0");
        headers.insert("x-amz-target", "DynamoDB_20120810.GetItem");
        headers.insert("user-agent", "aws-sdk-rust/1");
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_765_000_000);
        let settings = settings(None);
        sign(
            &credentials.into(),
            "eu-west-1",
            &settings,
            &mut request,
            now,
        )
        .expect("signed");

        assert_eq!(
            request.headers().get("x-amz-date"),
            Some("20251206T054640Z")
        );
        assert_eq!(request.headers().get("x-amz-security-token"), Some("token"));
        let authorization = request.headers().get("authorization").expect("signed");
        let (head, signature) = authorization
            .split_once(", Signature=")
            .expect("a signature");
        let signed = head.split_once("SignedHeaders=").expect("signed headers").1;
        for name in [
            "content-type",
            "host",
            "x-amz-date",
            "x-amz-security-token",
            "x-amz-target",
        ] {
            assert!(
                signed.split(';').any(|s| s == name),
                "{name} signed: {signed}"
            );
        }
        assert!(head.starts_with(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20251206/eu-west-1/dynamodb/aws4_request"
        ));
        assert_eq!(signature, expected_signature(&request, signed, secret));
    }
}
