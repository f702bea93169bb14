//! Auto-classification: which columns hold personal data, judged from sampled values (and,
//! for person names and dates of birth, from the attribute's name too). Each detector is a
//! strict check (a checksum where the format has one), so a column is tagged only when
//! most of its values pass. Values are never kept or returned: only counts.

use crate::catalog::columns::{share, Gather};
use crate::model::shape::Obj;
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
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
    /// AWS secret access keys.
    AwsSecretKey,
    /// Street addresses (a house number and a street word).
    StreetAddress,
    /// Passwords, tokens and other secrets (by the attribute's name).
    Secret,
    /// Person names (by the attribute's name).
    PersonName,
    /// Dates of birth (by the attribute's name).
    DateOfBirth,
}

/// Every kind, in output order.
pub const KINDS: [Kind; 13] = [
    Kind::Email,
    Kind::Phone,
    Kind::CreditCard,
    Kind::Iban,
    Kind::Ipv4,
    Kind::Ipv6,
    Kind::UsSsn,
    Kind::AwsAccessKey,
    Kind::AwsSecretKey,
    Kind::StreetAddress,
    Kind::Secret,
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
            Kind::AwsSecretKey => "aws-secret-access-key",
            Kind::StreetAddress => "street-address",
            Kind::Secret => "secret",
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
            Kind::AwsSecretKey => "AWS secret access keys",
            Kind::StreetAddress => "street addresses",
            Kind::Secret => "passwords or other secrets (the attribute's name says so)",
            Kind::PersonName => "person names (the attribute's name says so)",
            Kind::DateOfBirth => "dates of birth (the attribute's name says so)",
        }
    }

    /// Whether `text` (a whole value, or somewhere inside it for the kinds that can sit in
    /// free text) is of this kind.
    fn matches(self, hint: Hint, text: &str) -> bool {
        match self {
            Kind::Email => email(text) || within::emails(text),
            Kind::Phone => phone(text, hint == Hint::Phone) || within::phones(text),
            Kind::CreditCard => credit_card(text) || within::digit_runs(text, credit_card),
            Kind::Iban => iban(text) || within::ibans(text),
            Kind::Ipv4 => text.parse::<Ipv4Addr>().is_ok(),
            Kind::Ipv6 => text.contains(':') && text.parse::<Ipv6Addr>().is_ok(),
            Kind::UsSsn => {
                ssn(text, hint == Hint::Ssn) || within::digit_runs(text, |run| ssn(run, false))
            }
            Kind::AwsAccessKey => within::words(text).any(aws_access_key),
            Kind::AwsSecretKey => within::words(text).any(aws_secret_key),
            Kind::StreetAddress => within::street_address(text),
            Kind::Secret => hint == Hint::Secret && !text.is_empty(),
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
    /// A password or another secret (`password`, `apiToken`, ...).
    Secret,
}

/// The hint of the last segment of a column path (`customer.firstName` → name): person
/// names and dates of birth by the whole word, phone numbers and secrets by a word inside
/// it (`contactPhone`, `api_token`).
pub fn hint(path: &str) -> Hint {
    const PHONE_WORDS: [&str; 4] = ["phone", "mobile", "fax", "msisdn"];
    const PHONE: [&str; 3] = ["tel", "cell", "cellnumber"];
    const SECRET_WORDS: [&str; 8] = [
        "password",
        "passwd",
        "secret",
        "token",
        "apikey",
        "privatekey",
        "credential",
        "passphrase",
    ];
    const BIRTH: [&str; 5] = ["dob", "dateofbirth", "birthdate", "birthday", "birthdt"];
    const NAMES: [&str; 21] = [
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
        "contact",
        "owner",
        "holder",
        "cardholder",
        "accountholder",
        "recipient",
        "sender",
        "author",
        "customer",
        "employee",
    ];
    let last = path.rsplit(['.', '[']).next().unwrap_or(path);
    let word: String = last
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| word.contains(w));
    match word.as_str() {
        w if NAMES.contains(&w) => Hint::Name,
        w if BIRTH.contains(&w) => Hint::Birth,
        w if PHONE.contains(&w) || has(&PHONE_WORDS) => Hint::Phone,
        "ssn" | "socialsecuritynumber" => Hint::Ssn,
        "pwd" | "pin" => Hint::Secret,
        _ if has(&SECRET_WORDS) => Hint::Secret,
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

/// The characters an e-mail address's local part may hold besides letters and digits.
const EMAIL_LOCAL: &str = ".!#$%&'*+/=?^_`{|}~-";

/// An e-mail address, internationalised ones included (letters and digits of any script).
fn email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    let local_ok = (1..=64).contains(&local.chars().count())
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || EMAIL_LOCAL.contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let tld = labels.last().copied().unwrap_or("");
    local_ok
        && labels.len() >= 2
        && labels.iter().all(|l| dns_label(l))
        && tld.chars().count() >= 2
        && tld.chars().all(char::is_alphabetic)
}

fn dns_label(label: &str) -> bool {
    (1..=63).contains(&label.chars().count())
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label.chars().all(|c| c.is_alphanumeric() || c == '-')
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

/// 13 to 19 digits (spaces, hyphens or dots between groups) of a card network's prefix
/// that pass the Luhn check.
fn credit_card(text: &str) -> bool {
    let Some(digits) = digits(text, " -.") else {
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
/// separated by spaces; either case), whose mod-97 check is 1.
fn iban(text: &str) -> bool {
    let compact: String = text
        .chars()
        .filter(|c| *c != ' ')
        .map(|c| c.to_ascii_uppercase())
        .collect();
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

/// `AAA-GG-SSSS` or `AAA GG SSSS` (or nine digits in a column named like one) with a
/// valid area, group and serial.
fn ssn(text: &str, named: bool) -> bool {
    let separator = if text.contains('-') { '-' } else { ' ' };
    let parts: Vec<&str> = text.split(separator).collect();
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

/// A 40-character secret access key: base64 letters with upper- and lower-case letters and
/// a digit or `/` `+` among them (which a hex digest, all one case, never has).
fn aws_secret_key(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 40
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'/' || *b == b'+')
        && bytes.iter().any(u8::is_ascii_uppercase)
        && bytes.iter().any(u8::is_ascii_lowercase)
        && bytes
            .iter()
            .any(|b| b.is_ascii_digit() || *b == b'/' || *b == b'+')
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

/// Finding personal data inside free text (`"mail rose@example.com today"`): candidates cut
/// out of the text and checked by the whole-value detectors above.
mod within {
    use super::{email, iban, phone, EMAIL_LOCAL};

    /// Street words that follow a house number and a name (`221B Baker Street`).
    const STREET_WORDS: [&str; 27] = [
        "street",
        "st",
        "avenue",
        "ave",
        "road",
        "rd",
        "boulevard",
        "blvd",
        "lane",
        "ln",
        "drive",
        "dr",
        "way",
        "court",
        "ct",
        "place",
        "pl",
        "terrace",
        "square",
        "sq",
        "highway",
        "hwy",
        "parkway",
        "pkwy",
        "crescent",
        "close",
        "alley",
    ];
    /// Endings of street names that a house number follows (`Hauptstraße 5`).
    const STREET_ENDINGS: [&str; 10] = [
        "straße", "strasse", "gasse", "weg", "allee", "platz", "straat", "laan", "gatan", "vej",
    ];

    /// The words of `text`, split at spaces and at punctuation no key or token holds.
    pub(super) fn words(text: &str) -> impl Iterator<Item = &str> {
        text.split(|c: char| c.is_whitespace() || ",;:()[]{}<>\"'".contains(c))
            .filter(|w| !w.is_empty())
    }

    /// Whether an e-mail address sits anywhere in `text`: around each `@`, the longest run
    /// of characters an address may hold.
    pub(super) fn emails(text: &str) -> bool {
        let local = |c: char| c.is_alphanumeric() || EMAIL_LOCAL.contains(c);
        let domain = |c: char| c.is_alphanumeric() || c == '-' || c == '.';
        text.match_indices('@').any(|(at, _)| {
            let before = &text[..at];
            let start = before
                .char_indices()
                .rev()
                .find(|(_, c)| !local(*c))
                .map_or(0, |(i, c)| i + c.len_utf8());
            let after = &text[at + 1..];
            let end = after.find(|c: char| !domain(c)).unwrap_or(after.len());
            let candidate = format!("{}@{}", &before[start..], &after[..end]);
            email(candidate.trim_matches('.'))
        })
    }

    /// Whether a written phone number (from a `+` or an opening parenthesis) sits in `text`.
    pub(super) fn phones(text: &str) -> bool {
        let phone_char = |c: char| c.is_ascii_digit() || " -().".contains(c);
        text.match_indices(['+', '(']).any(|(start, _)| {
            let rest = &text[start + 1..];
            let end = rest.find(|c: char| !phone_char(c)).unwrap_or(rest.len());
            let candidate = text[start..=start + end].trim_end_matches([' ', '-', '.', '(']);
            phone(candidate, false)
        })
    }

    /// Whether `check` accepts a run of `text`'s digits (single spaces, hyphens or dots
    /// between digits belong to the run).
    pub(super) fn digit_runs(text: &str, check: impl Fn(&str) -> bool) -> bool {
        let bytes = text.as_bytes();
        let mut start = None;
        let mut i = 0;
        while i <= bytes.len() {
            let digit = i < bytes.len() && bytes[i].is_ascii_digit();
            let joins = i + 1 < bytes.len()
                && start.is_some()
                && b" -.".contains(&bytes[i])
                && bytes[i + 1].is_ascii_digit();
            match (start, digit || joins) {
                (None, true) => start = Some(i),
                (Some(s), false) => {
                    if check(&text[s..i]) {
                        return true;
                    }
                    start = None;
                }
                _ => {}
            }
            i += 1;
        }
        false
    }

    /// Whether an IBAN, written compact or in groups, starts at one of `text`'s words.
    pub(super) fn ibans(text: &str) -> bool {
        let words: Vec<&str> = text
            .split_whitespace()
            .map(|w| w.trim_end_matches([',', '.', ';', ':', ')']))
            .collect();
        (0..words.len()).any(|start| {
            let mut joined = String::new();
            words[start..].iter().take(9).any(|word| {
                joined.push_str(word);
                iban(&joined)
            })
        })
    }

    /// Whether `text` holds a street address: a house number, one to three name words and
    /// a street word (`221B Baker Street`), or a street name ending and a house number
    /// (`Hauptstraße 5`).
    pub(super) fn street_address(text: &str) -> bool {
        let words: Vec<String> = text
            .split_whitespace()
            .map(|w| w.trim_end_matches([',', '.']).to_lowercase())
            .collect();
        let number = |w: &str| {
            w.len() <= 6
                && w.starts_with(|c: char| c.is_ascii_digit())
                && w.chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '/')
        };
        let ending = |w: &str| {
            STREET_ENDINGS
                .iter()
                .any(|e| w.len() > e.len() && w.ends_with(e))
        };
        (0..words.len()).any(|i| {
            let numbered = number(&words[i])
                && words[i + 1..]
                    .iter()
                    .take(4)
                    .skip(1)
                    .any(|w| STREET_WORDS.contains(&w.as_str()));
            numbered || (ending(&words[i]) && words.get(i + 1).is_some_and(|w| number(w)))
        })
    }
}

/// What a column's values matched, kind by kind: counts for outputs, and the matching
/// texts themselves, kept only so that no output ever shows one of them
/// ([`Matches::flagged`]).
#[derive(Debug, Default)]
pub struct Matches {
    hint: Option<Hint>,
    /// Values that have a text (strings and numbers).
    texts: u64,
    counts: BTreeMap<Kind, u64>,
    flagged: HashSet<String>,
}

impl Gather for Matches {
    fn add(&mut self, path: &str, value: &AttributeValue) {
        let hint = *self.hint.get_or_insert_with(|| hint(path));
        if let Some(text) = text(value) {
            self.texts += 1;
            let mut any = false;
            for kind in kinds(hint, text) {
                *self.counts.entry(kind).or_default() += 1;
                any = true;
            }
            if any {
                self.flagged.insert(text.to_string());
            }
        }
    }
}

impl Matches {
    /// Whether any value looked like personal data, whatever the share.
    pub fn any(&self) -> bool {
        !self.counts.is_empty()
    }

    /// The texts of this column that looked like personal data.
    pub fn flagged(&self) -> &HashSet<String> {
        &self.flagged
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

    #[test]
    fn personal_data_inside_text_and_in_other_spellings_is_found() {
        let none = Hint::None;
        let found = |text: &str, kind: Kind| kinds_of(none, text).contains(&kind);
        assert!(found("write to rose.smith@example.com today", Kind::Email));
        assert!(found("用户@例子.广告", Kind::Email), "internationalised");
        assert!(
            found("gb82 west 1234 5698 7654 32", Kind::Iban),
            "lower case"
        );
        assert!(found(
            "pay to GB82 WEST 1234 5698 7654 32 please",
            Kind::Iban
        ));
        assert!(found("4111.1111.1111.1111", Kind::CreditCard), "dots");
        assert!(found(
            "card 4111 1111 1111 1111 exp 12/29",
            Kind::CreditCard
        ));
        assert!(found("123 45 6789", Kind::UsSsn), "spaces");
        assert!(found("ssn is 123-45-6789.", Kind::UsSsn));
        assert!(found("call +44 20 7946 0958 after six", Kind::Phone));
        assert!(found("221B Baker Street, London", Kind::StreetAddress));
        assert!(found("Hauptstraße 5, Berlin", Kind::StreetAddress));
        assert!(found(
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            Kind::AwsSecretKey
        ));
        assert!(found(
            "key AKIAIOSFODNN7EXAMPLE in a log line",
            Kind::AwsAccessKey
        ));
        assert_eq!(kinds_of(Hint::Secret, "hunter2"), [Kind::Secret]);
        assert_eq!(hint("user.password"), Hint::Secret);
        assert_eq!(hint("contact"), Hint::Name);
        assert_eq!(hint("contactPhone"), Hint::Phone);
        assert_eq!(kinds_of(hint("contactPhone"), "4155550100"), [Kind::Phone]);
        for plain in [
            "order 12 shipped",
            "version 1.2.3",
            "12 apples",
            "SKU-4111",
            "2024-01-15",
        ] {
            assert!(kinds_of(none, plain).is_empty(), "{plain}");
        }
    }
}
