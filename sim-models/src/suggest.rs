//! "Did you mean ...?" for misspelled names.
//!
//! [`closest`] compares names case-insensitively with the optimal-string-alignment
//! Damerau–Levenshtein distance (insertions, deletions, substitutions and swaps of two
//! neighbouring characters each cost 1), and also after dropping separators (`-`, `_`,
//! `.`, spaces), so `H100` finds `h100` and `tpu-v5-p` or `TPU_v5p` find `tpu-v5p`.
//! A candidate is only suggested when it is close relative to the length of the name:
//! distance at most `max(1, chars / 3)`.
//!
//! ```
//! use sim_models::suggest::closest;
//! assert_eq!(closest("h10", ["a100", "h100", "h200"]).as_deref(), Some("h100"));
//! assert_eq!(closest("awz", ["aws", "azure", "gcp"]).as_deref(), Some("aws"));
//! assert_eq!(closest("tpu-v5-p", ["tpu-v5e", "tpu-v5p"]).as_deref(), Some("tpu-v5p"));
//! assert_eq!(closest("mi300x", ["aws", "gcp"]), None);
//! ```

/// The candidate nearest to `name`, if one is close enough to be a likely misspelling.
///
/// Ties go to the earliest candidate, so the answer is deterministic for a given order.
/// A candidate equal to `name` (ignoring case and separators) wins outright.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let lower = name.to_lowercase();
    let squashed = squash(&lower);
    if squashed.is_empty() {
        return None;
    }
    let limit = (lower.chars().count() / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let c_lower = candidate.to_lowercase();
        let c_squashed = squash(&c_lower);
        let distance = if c_squashed == squashed {
            0
        } else {
            osa_distance(&lower, &c_lower).min(osa_distance(&squashed, &c_squashed))
        };
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c.to_owned())
}

/// `s` without separator characters.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '-' | '_' | '.' | ' '))
        .collect()
}

/// Optimal-string-alignment distance (Damerau–Levenshtein where no substring is edited
/// twice), over chars. O(|a| |b|) time, three rows of memory.
fn osa_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            current[j] = d;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCELS: [&str; 6] = ["a100", "h100", "h200", "tpu-v5e", "tpu-v5p", "trn2"];

    #[test]
    fn distance_counts_edits_and_swaps() {
        assert_eq!(osa_distance("", ""), 0);
        assert_eq!(osa_distance("abc", ""), 3);
        assert_eq!(osa_distance("", "abc"), 3);
        assert_eq!(osa_distance("kitten", "sitting"), 3);
        assert_eq!(osa_distance("h100", "h001"), 2);
        assert_eq!(
            osa_distance("aws", "asw"),
            1,
            "a swap of neighbours costs 1"
        );
        assert_eq!(
            osa_distance("ca", "abc"),
            3,
            "OSA, not unrestricted Damerau"
        );
    }

    #[test]
    fn common_confusions() {
        assert_eq!(closest("h10", ACCELS).as_deref(), Some("h100"));
        assert_eq!(closest("H100", ACCELS).as_deref(), Some("h100"));
        assert_eq!(closest("tpu-v5-p", ACCELS).as_deref(), Some("tpu-v5p"));
        assert_eq!(closest("TPU_V5E", ACCELS).as_deref(), Some("tpu-v5e"));
        assert_eq!(closest("tpuv5p", ACCELS).as_deref(), Some("tpu-v5p"));
        assert_eq!(closest("trn-2", ACCELS).as_deref(), Some("trn2"));
        assert_eq!(
            closest("awz", ["aws", "azure", "gcp", "oci"]).as_deref(),
            Some("aws")
        );
        assert_eq!(
            closest("gpc", ["aws", "azure", "gcp", "oci"]).as_deref(),
            Some("gcp")
        );
        assert_eq!(
            closest("us-east1", ["us-east-1", "us-west-2"]).as_deref(),
            Some("us-east-1")
        );
    }

    #[test]
    fn far_names_get_no_suggestion() {
        assert_eq!(closest("mi300x", ACCELS), None);
        assert_eq!(closest("b", ACCELS), None);
        assert_eq!(closest("", ACCELS), None);
        assert_eq!(closest("---", ACCELS), None);
        assert_eq!(closest("h100", std::iter::empty()), None);
    }

    #[test]
    fn ties_go_to_the_first_candidate_and_exact_wins() {
        // "h300" is one edit from both h100 and h200.
        assert_eq!(closest("h300", ACCELS).as_deref(), Some("h100"));
        assert_eq!(closest("h200", ACCELS).as_deref(), Some("h200"));
    }

    #[test]
    fn limit_grows_with_length() {
        // 12 chars allow 4 edits (5 is too many); 3 chars allow 1.
        assert_eq!(
            closest("tpu-ironwod", ["tpu-ironwood"]).as_deref(),
            Some("tpu-ironwood")
        );
        assert_eq!(closest("abc", ["xyz"]), None);
        assert_eq!(closest("abcdefghijkl", ["abcdefgvwxyz"]), None);
    }
}
