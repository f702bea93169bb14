//! "Did you mean": the known name closest to a mistyped one (an action, an input, a step
//! field, an enum case), by Jaro-Winkler similarity as `clap` suggests flags.

/// How alike two names must be (0 to 1) for the one to be suggested for the other.
const SIMILAR: f64 = 0.8;

/// `"; did you mean NAME?"` for the candidate closest to `given`, when one is close
/// enough; empty otherwise.
pub(crate) fn did_you_mean<'a>(
    given: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> String {
    let given = given.to_ascii_lowercase();
    let best = candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&given, &c.to_ascii_lowercase()), c))
        .filter(|(score, _)| *score >= SIMILAR)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    best.map_or_else(String::new, |(_, name)| format!("; did you mean {name}?"))
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn the_closest_known_name_is_suggested_and_a_stranger_gets_none() {
        let actions = ["list-tables", "get-item", "query-items", "scan-items"];
        assert_eq!(
            did_you_mean("get-items", actions),
            "; did you mean get-item?"
        );
        assert_eq!(
            did_you_mean("query-item", actions),
            "; did you mean query-items?"
        );
        assert_eq!(
            did_you_mean("LIST-TABLES", actions),
            "; did you mean list-tables?"
        );
        assert_eq!(did_you_mean("delete-bucket", actions), "");
        assert_eq!(did_you_mean("x", actions), "");
    }
}
