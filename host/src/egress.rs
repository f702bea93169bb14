//! The operator's egress policy: where steps may connect beyond what the connector ships.
//!
//! Two checks, both the host operator's, never the step's:
//!
//! 1. **Names.** An endpoint a step's connection overrides (a connection field holding a
//!    URL) must name a host the connector's manifest lists as its service's public hosts
//!    (`[component] endpoint-hosts`, e.g. `*.amazonaws.com`) or one the operator allows.
//! 2. **Addresses.** Every address a host name resolves to must be a public address, or one
//!    the operator allows: loopback, private, link-local (cloud metadata, 169.254.169.254),
//!    shared, unique-local and unspecified addresses are refused otherwise. The check is
//!    on the resolved address, so a public-looking name that resolves to a private address
//!    is refused too.
//!
//! An allowance is a host name (`localhost`), a wildcard suffix (`*.internal.example`), an
//! IP address (`127.0.0.1`, `::1`) or a network (`10.0.0.0/8`); `allow_any` lifts both
//! checks (for development only).

use ipnet::IpNet;
use std::net::IpAddr;

/// The operator's egress policy.
#[derive(Debug, Clone, Default)]
pub struct Egress {
    /// Hosts, wildcard suffixes, addresses and networks steps may reach.
    pub allow: Vec<String>,
    /// Allow every destination (development only).
    pub allow_any: bool,
}

impl Egress {
    /// Whether an endpoint override may name `host`, given the connector's public
    /// `service_hosts` patterns.
    pub fn permits_name(&self, host: &str, service_hosts: &[String]) -> bool {
        let host = bare(host);
        self.allow_any
            || service_hosts.iter().any(|p| name_matches(p, host))
            || self.allow.iter().any(|a| allowance_matches(a, host, None))
    }

    /// Whether a connection to `addr`, resolved from `host`, is permitted.
    pub fn permits_address(&self, host: &str, addr: IpAddr) -> bool {
        let host = bare(host);
        self.allow_any
            || is_public(addr)
            || self
                .allow
                .iter()
                .any(|a| allowance_matches(a, host, Some(addr)))
    }
}

/// A host without the brackets of an IPv6 literal, in lower case.
fn bare(host: &str) -> &str {
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

/// `pattern` is a host name or `*.suffix` (matching names below the suffix).
fn name_matches(pattern: &str, host: &str) -> bool {
    match pattern.strip_prefix("*.") {
        Some(suffix) => host
            .strip_suffix(suffix)
            .is_some_and(|rest| rest.len() > 1 && rest.ends_with('.')),
        None => pattern.eq_ignore_ascii_case(host),
    }
}

fn allowance_matches(allowance: &str, host: &str, addr: Option<IpAddr>) -> bool {
    let allowance = bare(allowance.trim());
    if let Ok(net) = allowance.parse::<IpNet>() {
        return addr.is_some_and(|a| net.contains(&a))
            || host.parse::<IpAddr>().is_ok_and(|h| net.contains(&h));
    }
    if let Ok(ip) = allowance.parse::<IpAddr>() {
        return addr == Some(ip) || host.parse::<IpAddr>() == Ok(ip);
    }
    name_matches(&allowance.to_ascii_lowercase(), &host.to_ascii_lowercase())
}

/// A globally routable unicast address: not loopback, private, link-local, shared (CGNAT),
/// documentation, benchmarking, unique-local, multicast, broadcast or unspecified.
pub fn is_public(addr: IpAddr) -> bool {
    match addr {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (b == 18 || b == 19))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || first == 0x2001 && v6.segments()[1] == 0x0db8
                || first == 0x0064 && v6.segments()[1] == 0xff9b)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "224.0.0.1",
        ] {
            assert!(!is_public(ip(private)), "{private}");
        }
        for public in ["52.94.0.1", "8.8.8.8", "2600:1f18::1", "::ffff:52.94.0.1"] {
            assert!(is_public(ip(public)), "{public}");
        }
    }

    #[test]
    fn names_follow_the_service_hosts_and_the_operator() {
        let service = vec!["*.amazonaws.com".to_string()];
        let strict = Egress::default();
        assert!(strict.permits_name("dynamodb.us-east-1.amazonaws.com", &service));
        assert!(!strict.permits_name("amazonaws.com.evil.net", &service));
        assert!(!strict.permits_name("evilamazonaws.com", &service));
        assert!(!strict.permits_name("127.0.0.1", &service));
        assert!(!strict.permits_name("169.254.169.254", &service));
        let loopback = Egress {
            allow: vec!["127.0.0.1".into(), "*.internal.example".into()],
            allow_any: false,
        };
        assert!(loopback.permits_name("127.0.0.1", &service));
        assert!(loopback.permits_name("db.internal.example", &service));
        assert!(!loopback.permits_name("localhost", &service));
        let any = Egress {
            allow: vec![],
            allow_any: true,
        };
        assert!(any.permits_name("10.0.0.1", &service));
    }

    #[test]
    fn addresses_need_an_allowance_unless_public() {
        let strict = Egress::default();
        assert!(strict.permits_address("dynamodb.us-east-1.amazonaws.com", ip("52.94.0.1")));
        assert!(!strict.permits_address("looks-public.example", ip("169.254.169.254")));
        assert!(!strict.permits_address("127.0.0.1", ip("127.0.0.1")));
        let allowed = Egress {
            allow: vec![
                "127.0.0.1".into(),
                "[::1]".into(),
                "localhost".into(),
                "10.0.0.0/8".into(),
            ],
            allow_any: false,
        };
        assert!(allowed.permits_address("127.0.0.1", ip("127.0.0.1")));
        assert!(allowed.permits_address("[::1]", ip("::1")));
        assert!(allowed.permits_address("localhost", ip("127.0.0.1")));
        assert!(allowed.permits_address("db", ip("10.9.9.9")));
        assert!(!allowed.permits_address("other", ip("192.168.0.1")));
        assert!(!allowed.permits_address("other", ip("169.254.169.254")));
    }
}
