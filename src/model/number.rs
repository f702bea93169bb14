//! `DynamoDB` numbers: decimal text of up to 38 significant digits between 1E-130 and
//! 9.99…E+125, checked, compared and rendered without ever passing through `f64`.

use crate::error::{Error, Result};
use serde_json::{Number, Value};

/// Most significant digits a `DynamoDB` number may have.
const MAX_DIGITS: usize = 38;
/// Decimal exponent range of `DynamoDB` numbers (1E-130 to 9.99…E+125).
const MIN_EXPONENT: i64 = -130;
const MAX_EXPONENT: i64 = 125;

/// A number's canonical form: sign, significant digits (no leading or trailing zeros)
/// and the exponent of the first digit. Zero is `(false, "", 0)`. Two spellings of the
/// same number (`1E+2`, `100`, `100.0`) have the same canonical form.
pub fn canonical(text: &str) -> Option<(bool, String, i64)> {
    let (negative, rest) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], rest[i + 1..].parse::<i64>().ok()?),
        None => (rest, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !all_digits(int) || !all_digits(frac) {
        return None;
    }
    let digits = format!("{int}{frac}");
    let leading = digits.len() - digits.trim_start_matches('0').len();
    let significant = digits.trim_matches('0').to_string();
    if significant.is_empty() {
        return Some((false, String::new(), 0));
    }
    // Value = 0.<digits> × 10^(len(int) + exponent); first significant digit's exponent:
    let first = i64::try_from(int.len()).ok()? + exponent - i64::try_from(leading).ok()? - 1;
    Some((negative, significant, first))
}

/// Compare two `DynamoDB` numbers given as text exactly, digit by digit (no `f64`); text
/// that is not a number sorts before every number.
pub fn compare(a: &str, b: &str) -> std::cmp::Ordering {
    let (Some(a), Some(b)) = (canonical(a), canonical(b)) else {
        return canonical(a).is_some().cmp(&canonical(b).is_some());
    };
    // -1 for negatives, 0 for zero, 1 for positives.
    let sign = |(negative, digits, _): &(bool, String, i64)| match (digits.is_empty(), negative) {
        (true, _) => 0,
        (false, true) => -1,
        (false, false) => 1,
    };
    let (sa, sb) = (sign(&a), sign(&b));
    if sa != sb || sa == 0 {
        return sa.cmp(&sb);
    }
    let magnitude = a.2.cmp(&b.2).then_with(|| a.1.cmp(&b.1));
    if sa < 0 {
        magnitude.reverse()
    } else {
        magnitude
    }
}

/// Check a `DynamoDB` number given as text; returns the text unchanged (every digit kept).
pub fn checked(field: &str, text: &str) -> Result<String> {
    let text = text.trim();
    // Up to 38 digits (with a `-`) are always a number DynamoDB keeps: no need to look closer.
    let digits = text.strip_prefix('-').unwrap_or(text);
    if (1..=MAX_DIGITS).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(text.to_string());
    }
    let (_, digits, exponent) = canonical(text).ok_or_else(|| {
        Error::invalid(
            field,
            "is not a number (digits, an optional sign, point and exponent)",
        )
    })?;
    if digits.len() > MAX_DIGITS {
        return Err(Error::invalid(
            field,
            format!(
                "has {} significant digits; DynamoDB keeps at most {MAX_DIGITS}",
                digits.len()
            ),
        ));
    }
    if !digits.is_empty() && !(MIN_EXPONENT..=MAX_EXPONENT).contains(&exponent) {
        return Err(Error::invalid(
            field,
            "is outside DynamoDB's range (1E-130 to 9.9999999999999999999999999999999999999E+125)",
        ));
    }
    Ok(text.to_string())
}

/// A stored number as a JSON number with exactly its digits (a string if it cannot be one).
/// Plain integers (what most stored numbers are) and texts already in JSON's grammar take
/// the short ways; the others are repaired first (`+1`, `.5`, `1.`, `1.e3`).
pub fn to_json(text: &str) -> Value {
    if let Some(n) = plain_integer(text) {
        return Value::Number(n.into());
    }
    let parsed = if needs_repair(text) {
        serde_json::from_str::<Number>(&repaired(text))
    } else {
        serde_json::from_str::<Number>(text)
    };
    parsed.map_or_else(|_| Value::String(text.to_string()), Value::Number)
}

/// `text` as an `i64` when it is one written as JSON writes it (no sign but `-`, no leading
/// zero, not `-0`), so that the number's digits are exactly `text`'s.
fn plain_integer(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let first = *digits.as_bytes().first()?;
    let plain = digits.bytes().all(|b| b.is_ascii_digit()) && (b'1'..=b'9').contains(&first);
    if plain || text == "0" {
        text.parse().ok()
    } else {
        None
    }
}

/// Whether `text` needs [`repaired`] to be read as JSON (when it does not, repairing
/// leaves it as it is).
fn needs_repair(text: &str) -> bool {
    let edge = |c: char| c.is_whitespace() || c == '.' || c == '+';
    text.starts_with(edge)
        || text.ends_with(edge)
        || text
            .as_bytes()
            .windows(2)
            .any(|pair| matches!(pair, b"-." | b".e" | b".E"))
}

/// A number's text in JSON's grammar where it was only a little off: outer whitespace and
/// a leading `+` dropped, a missing zero before or after the point added, a trailing point
/// dropped.
fn repaired(text: &str) -> String {
    let candidate = text.trim().trim_start_matches('+');
    let candidate = match candidate.strip_prefix('.') {
        Some(rest) => format!("0.{rest}"),
        None => candidate
            .replace("-.", "-0.")
            .replace(".e", ".0e")
            .replace(".E", ".0E"),
    };
    candidate
        .strip_suffix('.')
        .map(str::to_string)
        .unwrap_or(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_limits() {
        assert!(
            checked("x", "123456789012345678901234567890123456789").is_err(),
            "39 digits"
        );
        assert!(
            checked("x", "1234567890123456789012345678901234567800000").is_ok(),
            "trailing zeros are not significant"
        );
        assert!(checked("x", "9.9999999999999999999999999999999999999E+125").is_ok());
        assert!(checked("x", "1E+126").is_err());
        assert!(checked("x", "1E-130").is_ok());
        assert!(checked("x", "1E-131").is_err());
        assert!(checked("x", "0").is_ok());
        assert!(checked("x", "0.000E-999").is_ok(), "zero has no magnitude");
        for bad in [
            "", "-", "1.2.3", "abc", "1e", "NaN", "Infinity", "0x10", "1 2",
        ] {
            assert!(checked("x", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn stored_numbers_in_any_spelling_become_json_numbers() {
        assert_eq!(to_json("1E+2").to_string(), "1e+2");
        assert_eq!(to_json(".5").to_string(), "0.5");
        assert_eq!(to_json("+5.").to_string(), "5");
    }

    proptest::proptest! {
        #[test]
        fn the_short_ways_give_what_repairing_gives(
            text in "[ +-]?[0-9]{0,4}(\\.[0-9]{0,2})?([eE][+-]?[0-9]{1,2})?[ .]?"
        ) {
            let repaired = serde_json::from_str::<Number>(&repaired(&text))
                .map_or_else(|_| Value::String(text.clone()), Value::Number);
            proptest::prop_assert_eq!(to_json(&text), repaired);
        }
    }

    proptest::proptest! {
        #[test]
        fn short_integers_are_checked_as_closely_as_any_number(
            text in "-?[0-9]{1,40}"
        ) {
            let close = canonical(&text).is_some_and(|(_, d, _)| d.len() <= MAX_DIGITS);
            proptest::prop_assert_eq!(checked("n", &text).is_ok(), close);
        }
    }
}
