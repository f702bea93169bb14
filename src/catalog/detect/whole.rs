//! The whole-value detectors: each a strict check of one format.

use std::net::Ipv4Addr;

/// The characters an e-mail address's local part may hold besides letters and digits.
pub(super) const EMAIL_LOCAL: &str = ".!#$%&'*+/=?^_`{|}~-";

/// An e-mail address, internationalised ones included (letters and digits of any script).
pub(super) fn email(text: &str) -> bool {
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

pub(super) fn dns_label(label: &str) -> bool {
    (1..=63).contains(&label.chars().count())
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label.chars().all(|c| c.is_alphanumeric() || c == '-')
}

/// The digits of `text` when it holds only digits and the `separators`.
pub(super) fn digits(text: &str, separators: &str) -> Option<String> {
    text.chars()
        .all(|c| c.is_ascii_digit() || separators.contains(c))
        .then(|| text.chars().filter(char::is_ascii_digit).collect())
}

/// 7 to 15 digits (E.164) written as a phone number: with an international `+`, an area
/// code in parentheses, the North American `555-123-4567` grouping, or plain digits in a
/// column named like a phone number; never what another detector claims (an IPv4 address,
/// a social security number, a date, a card number).
pub(super) fn phone(text: &str, named: bool) -> bool {
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

pub(super) fn luhn(digits: &str) -> bool {
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
pub(super) fn credit_card(text: &str) -> bool {
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
pub(super) fn iban(text: &str) -> bool {
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
pub(super) fn ssn(text: &str, named: bool) -> bool {
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
pub(super) fn aws_access_key(text: &str) -> bool {
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
pub(super) fn aws_secret_key(text: &str) -> bool {
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
pub(super) fn person_name(text: &str) -> bool {
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
pub(super) fn date(text: &str) -> bool {
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
