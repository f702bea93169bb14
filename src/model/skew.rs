//! How far behind a cursor `poll-new-items` looks again (`cursor-skew-seconds`): the lowest
//! cursor value a poll reads from, when the cursor's values are timestamps. An eventually
//! consistent global index shows an item late, and a writer with a slow clock stamps it
//! early: either way the item's value may lie below the cursor already passed.
//!
//! Timestamps it recognises: numbers of epoch seconds (at most 11 integer digits),
//! milliseconds (12 to 14), microseconds (15 to 17) or nanoseconds (18 to 20); and text that
//! begins `YYYY-MM-DDTHH:MM:SS` (or with a space for `T`), ISO 8601 as most writers emit it,
//! compared as text (so in the zone the writers use). Other values have no window.

use crate::error::{Error, Result};
use crate::model::poll_cursor::PollCursor;

/// `cursor-skew-seconds` for a global index when absent, and its most.
const DEFAULT: u32 = 5;
const MOST: u32 = 3600;

/// `cursor-skew-seconds`: 0 to 3600; 5 for a global index, 0 for a local one (`local`)
/// when absent.
pub fn seconds(given: Option<u32>, local: bool) -> Result<u32> {
    match given.unwrap_or(if local { 0 } else { DEFAULT }) {
        n @ 0..=MOST => Ok(n),
        _ => Err(Error::invalid(
            "cursor-skew-seconds",
            format!("must be from 0 to {MOST}"),
        )),
    }
}

/// The lower end of the skew window behind the cursor's mark (`None`: no window: no skew,
/// no mark yet, `start-after` still exclusive, or values that are not timestamps).
pub fn low(cursor: &PollCursor, skew: u32) -> Option<String> {
    let mark = cursor
        .mark
        .as_deref()
        .filter(|_| skew > 0 && !cursor.strict)?;
    lower(&cursor.kind, mark, skew)
}

/// The value `seconds` before `mark` (an `N` or `S` cursor value of `kind`), as the text
/// of a value no greater than every value at or after that time; `None` when `mark` is not
/// a timestamp this recognises.
pub fn lower(kind: &str, mark: &str, seconds: u32) -> Option<String> {
    match kind {
        "N" => lower_number(mark, seconds),
        _ => lower_text(mark, seconds),
    }
}

fn lower_number(mark: &str, seconds: u32) -> Option<String> {
    let whole = mark.split_once('.').map_or(mark, |(whole, _)| whole);
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let unit: i128 = match whole.len() {
        0..=11 => 1,
        12..=14 => 1_000,
        15..=17 => 1_000_000,
        18..=20 => 1_000_000_000,
        _ => return None,
    };
    let value: i128 = whole.parse().ok()?;
    Some((value - i128::from(seconds) * unit).to_string())
}

fn lower_text(mark: &str, seconds: u32) -> Option<String> {
    let b = mark.as_bytes();
    let shape = b.len() >= 19
        && [4, 7].iter().all(|&i| b[i] == b'-')
        && (b[10] == b'T' || b[10] == b' ')
        && [13, 16].iter().all(|&i| b[i] == b':');
    if !shape {
        return None;
    }
    let number = |from: usize, to: usize| -> Option<i64> {
        let part = mark.get(from..to)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (year, month, day) = (number(0, 4)?, number(5, 7)?, number(8, 10)?);
    let (hour, minute, second) = (number(11, 13)?, number(14, 16)?, number(17, 19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    let at = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
        - i64::from(seconds);
    let (days, time) = (at.div_euclid(86_400), at.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    if !(0..=9999).contains(&year) {
        return None;
    }
    let separator = char::from(b[10]);
    Some(format!(
        "{year:04}-{month:02}-{day:02}{separator}{:02}:{:02}:{:02}",
        time / 3600,
        time % 3600 / 60,
        time % 60
    ))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (the civil calendar algorithm
/// published by Howard Hinnant).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a number of days since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn epoch_numbers_go_back_in_their_own_unit() {
        assert_eq!(lower("N", "1765123456", 5).as_deref(), Some("1765123451"));
        assert_eq!(
            lower("N", "1765123456.75", 5).as_deref(),
            Some("1765123451")
        );
        assert_eq!(
            lower("N", "1765123456789", 5).as_deref(),
            Some("1765123451789")
        );
        assert_eq!(lower("N", "-3", 5), None);
        assert_eq!(lower("N", "1e9", 5), None);
    }

    #[test]
    fn iso_text_goes_back_across_days_months_and_years_as_a_prefix_of_its_second() {
        let low = lower("S", "2027-01-01T00:00:02.5Z", 5).unwrap();
        assert_eq!(low, "2026-12-31T23:59:57");
        assert!(low.as_str() < "2026-12-31T23:59:57.000Z");
        assert!(low.as_str() > "2026-12-31T23:59:56.999Z");
        assert_eq!(
            lower("S", "2024-03-01 00:00:00+02:00", 1).as_deref(),
            Some("2024-02-29 23:59:59")
        );
        assert_eq!(lower("S", "order-17", 5), None);
    }

    proptest! {
        #[test]
        fn days_and_dates_convert_both_ways(days in -719_468i64..2_932_896) {
            let (year, month, day) = civil_from_days(days);
            prop_assert_eq!(days_from_civil(year, month, day), days);
        }
    }
}
