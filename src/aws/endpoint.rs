//! Checks of connection fields before anything is built from them: endpoint URLs
//! (`http(s)://host[:port][/path]`, nothing else) and credential texts (printable ASCII).
//! A bad value is `invalid-input` naming the field; a credential's value is never echoed.

use crate::error::{Error, Result};
use crate::model::input;

/// An optional endpoint URL: scheme `http` or `https` in any case (returned in lower case),
/// a host name, IPv4 address or bracketed IPv6 address, an optional port from 1 to 65535
/// written in digits, an optional path; no user name or password, no query or fragment, no
/// spaces or control characters.
pub fn url(field: &str, url: Option<&str>) -> Result<Option<String>> {
    let Some(url) = input::optional(url) else {
        return Ok(None);
    };
    let bad = |why: &str| Error::invalid(field, format!("{why} (e.g. https://host:port)"));
    if url.len() > 2048 || url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(bad("is not a URL"));
    }
    let (scheme, rest) = url.split_once("://").ok_or_else(|| bad("is not a URL"))?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(bad("must be an http:// or https:// URL"));
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    if path.contains(['?', '#']) {
        return Err(bad("must not have a query or fragment"));
    }
    if authority.contains('@') {
        return Err(bad("must not contain a user name or password"));
    }
    let (host, port) = split_port(authority).ok_or_else(|| bad("has no valid host"))?;
    if !valid_host(host) {
        return Err(bad("has no valid host"));
    }
    if let Some(port) = port {
        let valid = !port.is_empty()
            && port.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u32>().is_ok_and(|p| (1..=65535).contains(&p));
        if !valid {
            return Err(bad("has a port that is not a number from 1 to 65535"));
        }
    }
    Ok(Some(format!("{scheme}://{rest}")))
}

/// `host` and the text after its `:` (if any); the host of an IPv6 literal keeps its
/// brackets.
fn split_port(authority: &str) -> Option<(&str, Option<&str>)> {
    if authority.starts_with('[') {
        let close = authority.find(']')?;
        let (host, rest) = authority.split_at(close + 1);
        match rest {
            "" => Some((host, None)),
            _ => Some((host, Some(rest.strip_prefix(':')?))),
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => Some((host, Some(port))),
            None => Some((authority, None)),
        }
    }
}

fn valid_host(host: &str) -> bool {
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return inner.parse::<std::net::Ipv6Addr>().is_ok();
    }
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// A required credential text (key id, secret, ARN, names): printable ASCII without spaces.
pub fn credential<'a>(field: &str, text: &'a str) -> Result<&'a str> {
    let text = input::required(field, text)?;
    printable(field, text)
}

/// An optional credential text; empty counts as absent.
pub fn optional_credential<'a>(field: &str, text: Option<&'a str>) -> Result<Option<&'a str>> {
    input::optional(text)
        .map(|t| printable(field, t))
        .transpose()
}

fn printable<'a>(field: &str, text: &'a str) -> Result<&'a str> {
    if text.len() <= 4096 && text.bytes().all(|b| b.is_ascii_graphic()) {
        Ok(text)
    } else {
        Err(Error::invalid(
            field,
            "must be printable ASCII without spaces or control characters (its value is not shown)",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> std::result::Result<Option<String>, String> {
        url("connection.endpoint-url", Some(text)).map_err(|e| e.message)
    }

    #[test]
    fn good_urls_pass_with_a_lower_case_scheme() {
        for (given, kept) in [
            ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
            ("HTTP://LOCALHOST:8000/", "http://LOCALHOST:8000/"),
            (
                "https://dynamodb.us-east-1.amazonaws.com",
                "https://dynamodb.us-east-1.amazonaws.com",
            ),
            ("http://[::1]:8000", "http://[::1]:8000"),
            ("https://[2001:db8::1]", "https://[2001:db8::1]"),
            ("http://host:65535/prefix", "http://host:65535/prefix"),
        ] {
            assert_eq!(check(given), Ok(Some(kept.to_string())), "{given}");
        }
        assert_eq!(check("  "), Ok(None));
    }

    #[test]
    fn bad_ports_userinfo_and_junk_are_refused() {
        for bad in [
            "http://127.0.0.1:99999",
            "http://127.0.0.1:65536",
            "http://127.0.0.1:-1",
            "http://127.0.0.1:+80",
            "http://127.0.0.1:0",
            "http://127.0.0.1:",
            "http://user:pass@127.0.0.1:8000",
            "http://user@host",
            "ftp://host",
            "host:8000",
            "http://",
            "http://ho st",
            "http://host\n.evil",
            "http://host/path?query",
            "http://[::1",
            "http://[zz::1]:80",
        ] {
            let error = check(bad).expect_err(bad);
            assert!(
                error.starts_with("connection.endpoint-url: "),
                "{bad}: {error}"
            );
        }
    }

    #[test]
    fn credentials_must_be_printable_and_are_never_echoed() {
        assert_eq!(
            credential("connection.access-key-id", " AKIA1 "),
            Ok("AKIA1")
        );
        for bad in ["AKIA\u{0}X", "AK IA", "AKIA\u{7f}", "ÄKIA"] {
            let error = credential("connection.access-key-id", bad).unwrap_err();
            assert_eq!(error.field.as_deref(), Some("connection.access-key-id"));
            assert!(!error.message.contains("AK"), "{}", error.message);
        }
        assert_eq!(optional_credential("x", Some("")), Ok(None));
    }
}
