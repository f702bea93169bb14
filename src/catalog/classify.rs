//! Auto-classification: which columns hold personal data, judged from sampled values (and,
//! for person names and dates of birth, from the attribute's name too). Each detector is a
//! strict check (a checksum where the format has one), so a column is tagged only when
//! most of its values pass. Values are never kept or returned: only counts.

use crate::catalog::columns::{share, Gather};
use crate::model::shape::Obj;
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::Value;
use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};

/// The least share of matching values, in percent, when none is given (`OpenMetadata`'s).
pub const DEFAULT_MIN_CONFIDENCE: u32 = 80;

/// What a value can look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// E-mail addresses.
    Email,
    /// Phone numbers.
    Phone,
    /// Card numbers that pass the Luhn check.
    CreditCard,
    /// IBANs that pass the mod-97 check.
    Iban,
    /// `ipv4`.
    Ipv4,
    /// `ipv6`.
    Ipv6,
    /// US social security numbers.
    UsSsn,
    /// AWS access key IDs.
    AwsAccessKey,
    /// Person names (by the attribute's name).
    PersonName,
    /// Dates of birth (by the attribute's name).
    DateOfBirth,
}

/// Every kind, in output order.
pub const KINDS: [Kind; 10] = [
    Kind::Email,
    Kind::Phone,
    Kind::CreditCard,
    Kind::Iban,
    Kind::Ipv4,
    Kind::Ipv6,
    Kind::UsSsn,
    Kind::AwsAccessKey,
    Kind::PersonName,
    Kind::DateOfBirth,
];

impl Kind {
    /// The kind's name in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Email => "email-address",
            Kind::Phone => "phone-number",
            Kind::CreditCard => "credit-card-number",
            Kind::Iban => "iban",
            Kind::Ipv4 => "ipv4-address",
            Kind::Ipv6 => "ipv6-address",
            Kind::UsSsn => "us-social-security-number",
            Kind::AwsAccessKey => "aws-access-key-id",
            Kind::PersonName => "person-name",
            Kind::DateOfBirth => "date-of-birth",
        }
    }

    /// The `OpenMetadata` tag: `PII.Sensitive` for what identifies a person directly or
    /// opens an account, `PII.NonSensitive` for what identifies only with other data.
    pub fn tag(self) -> &'static str {
        match self {
            Kind::PersonName | Kind::Ipv4 | Kind::Ipv6 => "PII.NonSensitive",
            _ => "PII.Sensitive",
        }
    }

    /// What the values are, for the reason text.
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Email => "e-mail addresses",
            Kind::Phone => "phone numbers",
            Kind::CreditCard => "credit card numbers (Luhn-checked)",
            Kind::Iban => "IBANs (mod-97-checked)",
            Kind::Ipv4 => "IPv4 addresses",
            Kind::Ipv6 => "IPv6 addresses",
            Kind::UsSsn => "US social security numbers",
            Kind::AwsAccessKey => "AWS access key IDs",
            Kind::PersonName => "person names (the attribute's name says so)",
            Kind::DateOfBirth => "dates of birth (the attribute's name says so)",
        }
    }

    fn matches(self, hint: Hint, text: &str) -> bool {
        match self {
            Kind::Email => email(text),
            Kind::Phone => phone(text, hint == Hint::Phone),
            Kind::CreditCard => credit_card(text),
            Kind::Iban => iban(text),
            Kind::Ipv4 => text.parse::<Ipv4Addr>().is_ok(),
            Kind::Ipv6 => text.contains(':') && text.parse::<Ipv6Addr>().is_ok(),
            Kind::UsSsn => ssn(text, hint == Hint::Ssn),
            Kind::AwsAccessKey => aws_access_key(text),
            Kind::PersonName => hint == Hint::Name && person_name(text),
            Kind::DateOfBirth => hint == Hint::Birth && date(text),
        }
    }
}

/// What an attribute's name says about its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// The name says nothing.
    None,
    /// A person's name (`name`, `firstName`, ...).
    Name,
    /// A date of birth (`dob`, `birthDate`, ...).
    Birth,
    /// A phone number (`phone`, `mobile`, ...).
    Phone,
    /// A social security number (`ssn`, ...).
    Ssn,
}

/// The hint of the last segment of a column path (`customer.firstName` → name).
pub fn hint(path: &str) -> Hint {
    const PHONE: [&str; 8] = [
        "phone",
        "phonenumber",
        "mobile",
        "mobilenumber",
        "tel",
        "telephone",
        "cell",
        "fax",
    ];
    const BIRTH: [&str; 5] = ["dob", "dateofbirth", "birthdate", "birthday", "birthdt"];
    const NAMES: [&str; 11] = [
        "name",
        "firstname",
        "lastname",
        "fullname",
        "givenname",
        "surname",
        "familyname",
        "middlename",
        "customername",
        "contactname",
        "personname",
    ];
    let last = path.rsplit(['.', '[']).next().unwrap_or(path);
    let word: String = last
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    match word.as_str() {
        w if NAMES.contains(&w) => Hint::Name,
        w if BIRTH.contains(&w) => Hint::Birth,
        w if PHONE.contains(&w) => Hint::Phone,
        "ssn" | "socialsecuritynumber" => Hint::Ssn,
        _ => Hint::None,
    }
}

/// The text a detector looks at: a string, or a number's digits.
pub fn text(value: &AttributeValue) -> Option<&str> {
    match value {
        AttributeValue::S(s) | AttributeValue::N(s) => Some(s.trim()),
        _ => None,
    }
}

/// The kinds `text`, a value of a column with `hint`, looks like.
pub fn kinds(hint: Hint, text: &str) -> impl Iterator<Item = Kind> + '_ {
    KINDS.into_iter().filter(move |k| k.matches(hint, text))
}

fn email(text: &str) -> bool {
    const LOCAL: &str = ".!#$%&'*+/=?^_`{|}~-";
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    let local_ok = (1..=64).contains(&local.len())
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || LOCAL.contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let tld = labels.last().copied().unwrap_or("");
    local_ok
        && labels.len() >= 2
        && labels.iter().all(|l| dns_label(l))
        && tld.len() >= 2
        && tld.chars().all(|c| c.is_ascii_alphabetic())
}

fn dns_label(label: &str) -> bool {
    (1..=63).contains(&label.len())
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// The digits of `text` when it holds only digits and the `separators`.
fn digits(text: &str, separators: &str) -> Option<String> {
    text.chars()
        .all(|c| c.is_ascii_digit() || separators.contains(c))
        .then(|| text.chars().filter(char::is_ascii_digit).collect())
}

/// 7 to 15 digits (E.164) written as a phone number: with an international `+`, an area
/// code in parentheses, the North American `555-123-4567` grouping, or plain digits in a
/// column named like a phone number; never what another detector claims (an IPv4 address,
/// a social security number, a date, a card number).
fn phone(text: &str, named: bool) -> bool {
    let body = text.strip_prefix('+').unwrap_or(text);
    let Some(digits) = digits(body, " -().") else {
        return false;
    };
    let groups: Vec<&str> = body.split(['-', '.', ' ']).collect();
    let north_american = groups.iter().map(|g| g.len()).eq([3, 3, 4])
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()));
    let written = text.starts_with('+') || text.contains('(') || north_american;
    (7..=15).contains(&digits.len())
        && (written || named)
        && !credit_card(text)
        && !ssn(text, false)
        && !date(text)
        && text.parse::<Ipv4Addr>().is_err()
}

fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            match (i % 2, d * 2) {
                (1, doubled) if doubled > 9 => doubled - 9,
                (1, doubled) => doubled,
                _ => d,
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// 13 to 19 digits (spaces or hyphens between groups) of a card network's prefix that
/// pass the Luhn check.
fn credit_card(text: &str) -> bool {
    let Some(digits) = digits(text, " -") else {
        return false;
    };
    let prefix = |n: usize| digits.get(..n).and_then(|p| p.parse::<u32>().ok());
    let network = digits.starts_with('4')
        || prefix(2)
            .is_some_and(|p| (51..=55).contains(&p) || [34, 37, 36, 38, 65, 35].contains(&p))
        || prefix(4).is_some_and(|p| (2221..=2720).contains(&p) || p == 6011);
    (13..=19).contains(&digits.len()) && network && luhn(&digits)
}

/// A country code, two check digits and 11 to 30 letters or digits (groups of four may be
/// separated by spaces), whose mod-97 check is 1.
fn iban(text: &str) -> bool {
    let compact: String = text.chars().filter(|c| *c != ' ').collect();
    let bytes = compact.as_bytes();
    if !(15..=34).contains(&bytes.len())
        || !bytes[..2].iter().all(u8::is_ascii_uppercase)
        || !bytes[2..4].iter().all(u8::is_ascii_digit)
        || !bytes
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return false;
    }
    let rearranged = compact[4..].bytes().chain(compact[..4].bytes());
    let remainder = rearranged.fold(0u32, |acc, b| {
        let value = if b.is_ascii_digit() {
            u32::from(b - b'0')
        } else {
            u32::from(b - b'A') + 10
        };
        let shift = if value >= 10 { 100 } else { 10 };
        (acc * shift + value) % 97
    });
    remainder == 1
}

/// `AAA-GG-SSSS` (or nine digits in a column named like one) with a valid area, group and
/// serial.
fn ssn(text: &str, named: bool) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let (area, group, serial) = match parts[..] {
        [a, g, s] if a.len() == 3 && g.len() == 2 && s.len() == 4 => (a, g, s),
        [all] if named && all.len() == 9 => (&all[..3], &all[3..5], &all[5..]),
        _ => return false,
    };
    let number = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    match (number(area), number(group), number(serial)) {
        (Some(a), Some(g), Some(s)) => a != 0 && a != 666 && a < 900 && g != 0 && s != 0,
        _ => false,
    }
}

/// A 20-character key ID of an IAM prefix, in base32 capitals.
fn aws_access_key(text: &str) -> bool {
    const PREFIXES: [&str; 8] = [
        "AKIA", "ASIA", "AIDA", "AROA", "AGPA", "ANPA", "ANVA", "AIPA",
    ];
    text.len() == 20
        && PREFIXES.iter().any(|p| text.starts_with(p))
        && text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
}

/// One to four capitalised words of letters (with `-`, `'` or `.` inside).
fn person_name(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    (1..=4).contains(&words.len())
        && text.len() <= 80
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars().all(|c| c.is_alphabetic() || "-'.".contains(c))
        })
}

/// A calendar date from 1900 to 2100: `YYYY-MM-DD` (optionally with a time after `T`),
/// `DD/MM/YYYY` or `MM/DD/YYYY`.
fn date(text: &str) -> bool {
    let day_part = text.split('T').next().unwrap_or(text);
    let numbers: Vec<u32> = day_part
        .split(['-', '/', '.'])
        .map(|p| p.parse::<u32>().ok())
        .collect::<Option<_>>()
        .unwrap_or_default();
    let valid = |y: u32, m: u32, d: u32| {
        let leap = y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400));
        let days = match m {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            1..=12 => 31,
            _ => 0,
        };
        (1900..=2100).contains(&y) && (1..=days).contains(&d)
    };
    match numbers[..] {
        [y, m, d] if day_part.contains('-') && y >= 1000 => valid(y, m, d),
        [a, b, y] if day_part.contains('/') || day_part.contains('.') => {
            valid(y, b, a) || valid(y, a, b)
        }
        _ => false,
    }
}

/// What a column's values matched, kind by kind (counts only, never values).
#[derive(Debug, Default)]
pub struct Matches {
    hint: Option<Hint>,
    /// Values that have a text (strings and numbers).
    texts: u64,
    counts: BTreeMap<Kind, u64>,
}

impl Gather for Matches {
    fn add(&mut self, path: &str, value: &AttributeValue) {
        let hint = *self.hint.get_or_insert_with(|| hint(path));
        if let Some(text) = text(value) {
            self.texts += 1;
            for kind in kinds(hint, text) {
                *self.counts.entry(kind).or_default() += 1;
            }
        }
    }
}

impl Matches {
    /// Whether any value looked like personal data, whatever the share.
    pub fn any(&self) -> bool {
        !self.counts.is_empty()
    }

    /// `[{"Tag", "Kind", "Confidence", "Matches", "Reason"}]` for each kind matched by at
    /// least `min_confidence` (0 to 1) of the column's text values, most confident first.
    pub fn tags(&self, min_confidence: f64) -> Vec<Value> {
        let mut tagged: Vec<(Kind, u64)> = self
            .counts
            .iter()
            .map(|(k, n)| (*k, *n))
            .filter(|(_, n)| *n as f64 >= min_confidence * self.texts as f64)
            .collect();
        tagged.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        tagged
            .into_iter()
            .map(|(kind, n)| {
                Obj::new()
                    .set("Tag", kind.tag())
                    .set("Kind", kind.name())
                    .set("Confidence", share(n, self.texts))
                    .set("Matches", n)
                    .set(
                        "Reason",
                        format!("{n} of {} sampled values are {}", self.texts, kind.plural()),
                    )
                    .build()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds_of(hint: Hint, text: &str) -> Vec<Kind> {
        kinds(hint, text).collect()
    }

    #[test]
    fn each_detector_accepts_its_format_and_rejects_near_misses() {
        let none = Hint::None;
        assert_eq!(
            kinds_of(none, "rose.smith+tag@example.co.uk"),
            [Kind::Email]
        );
        assert!(kinds_of(none, "rose@localhost").is_empty());
        assert!(kinds_of(none, "rose..smith@example.com").is_empty());
        assert_eq!(kinds_of(none, "+44 20 7946 0958"), [Kind::Phone]);
        assert_eq!(kinds_of(none, "(212) 555-0100"), [Kind::Phone]);
        assert!(
            kinds_of(none, "2125550100").is_empty(),
            "digits alone need a name"
        );
        assert_eq!(kinds_of(Hint::Phone, "2125550100"), [Kind::Phone]);
        assert_eq!(kinds_of(none, "4111 1111 1111 1111"), [Kind::CreditCard]);
        assert!(
            kinds_of(none, "4111 1111 1111 1112").is_empty(),
            "Luhn fails"
        );
        assert_eq!(kinds_of(none, "GB82 WEST 1234 5698 7654 32"), [Kind::Iban]);
        assert!(kinds_of(none, "GB82 WEST 1234 5698 7654 33").is_empty());
        assert_eq!(kinds_of(none, "192.168.0.10"), [Kind::Ipv4]);
        assert!(kinds_of(none, "192.168.0.256").is_empty());
        assert_eq!(kinds_of(none, "2001:db8::8a2e:370:7334"), [Kind::Ipv6]);
        assert_eq!(kinds_of(none, "123-45-6789"), [Kind::UsSsn]);
        assert!(kinds_of(none, "666-45-6789").is_empty());
        assert!(kinds_of(none, "123456789").is_empty());
        assert_eq!(kinds_of(Hint::Ssn, "123456789"), [Kind::UsSsn]);
        assert_eq!(kinds_of(none, "AKIAIOSFODNN7EXAMPLE"), [Kind::AwsAccessKey]);
        assert!(kinds_of(none, "AKIAIOSFODNN7EXAMPL1").is_empty());
        assert!(
            kinds_of(none, "Rose Smith").is_empty(),
            "names need a name hint"
        );
        assert_eq!(
            kinds_of(Hint::Name, "Anne-Marie O'Neil"),
            [Kind::PersonName]
        );
        assert!(kinds_of(Hint::Name, "widget 42").is_empty());
        assert_eq!(kinds_of(Hint::Birth, "1990-02-28"), [Kind::DateOfBirth]);
        assert!(kinds_of(Hint::Birth, "1990-02-30").is_empty());
        assert_eq!(kinds_of(Hint::Birth, "29/02/2000"), [Kind::DateOfBirth]);
        assert!(kinds_of(none, "1990-02-28").is_empty());
    }

    #[test]
    fn hints_come_from_the_last_path_segment() {
        assert_eq!(hint("customer.firstName"), Hint::Name);
        assert_eq!(hint("people[].last_name"), Hint::Name);
        assert_eq!(hint("date_of_birth"), Hint::Birth);
        assert_eq!(hint("mobile"), Hint::Phone);
        assert_eq!(hint("SSN"), Hint::Ssn);
        assert_eq!(hint("username"), Hint::None);
        assert_eq!(hint("name.first"), Hint::None);
    }

    #[test]
    fn published_test_card_numbers_pass_and_their_neighbours_fail() {
        for number in [
            "4012888888881881",
            "5105105105105100",
            "378282246310005",
            "6011111111111117",
        ] {
            assert!(credit_card(number), "{number}");
            let last = number.len() - 1;
            let digit = (number.as_bytes()[last] - b'0' + 1) % 10;
            assert!(
                !credit_card(&format!("{}{digit}", &number[..last])),
                "{number}"
            );
        }
    }
}
