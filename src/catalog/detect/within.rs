//! Finding personal data inside free text (`"mail rose@example.com today"`): candidates cut
//! out of the text and checked by the whole-value detectors.

use super::whole::{email, iban, phone, EMAIL_LOCAL};

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
