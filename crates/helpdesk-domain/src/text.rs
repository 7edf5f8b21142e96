//! Folding names so that `Zoë`, `ZOE` and `zoe` are the same word.
//!
//! The store keeps a folded copy of every name beside the original; the
//! search folds what the agent typed the same way, so a plain comparison in
//! the database is case- and accent-insensitive on SQLite and PostgreSQL alike.

use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

/// Lower-cases, strips accents (`é` → `e`), turns punctuation into spaces and
/// collapses runs of spaces: `"  Zoë  O'Brien-Smith "` → `"zoe o brien smith"`.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    // Compatibility decomposition: full-width `Ｎａｎ` and ligatures fold
    // like `Nan`; accents come off as combining marks.
    for c in s.nfkd().filter(|c| !is_combining_mark(*c)) {
        let mapped: &str = match c {
            'ß' => "ss",
            'æ' | 'Æ' => "ae",
            'œ' | 'Œ' => "oe",
            'ø' | 'Ø' => "o",
            'ł' | 'Ł' => "l",
            'đ' | 'Đ' => "d",
            _ => "",
        };
        if !mapped.is_empty() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push_str(mapped);
        } else if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

/// The folded words of `s`.
pub fn words(s: &str) -> Vec<String> {
    fold(s).split(' ').filter(|w| !w.is_empty()).map(str::to_string).collect()
}

/// The tails of a folded name, one per word: `"nova dental group"` →
/// `"nova dental group"`, `"dental group"`, `"group"`. A customer's name is
/// kept under each, so a word anywhere in it is found by where a key starts.
pub fn tails(key: &str) -> Vec<String> {
    let words: Vec<&str> = key.split(' ').filter(|w| !w.is_empty()).collect();
    (0..words.len()).map(|i| words[i..].join(" ")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accents_case_and_punctuation_fold_away() {
        assert_eq!(fold("  Zoë  O'Brien-Smith "), "zoe o brien smith");
        assert_eq!(fold("ÉLODIE Straße"), "elodie strasse");
        assert_eq!(words("Nan Pizza, Inc."), vec!["nan", "pizza", "inc"]);
        assert_eq!(fold("Ｎａｎ Ｐｉｚｚａ"), "nan pizza", "full-width letters");
        assert_eq!(fold("ﬁnance"), "finance", "ligatures");
    }

    #[test]
    fn a_name_has_one_tail_per_word() {
        assert_eq!(tails("nova dental group"), vec!["nova dental group", "dental group", "group"]);
        assert!(tails("").is_empty());
    }

    proptest! {
        #[test]
        fn folding_is_idempotent(s in "\\PC{0,30}") {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once);
        }
    }
}
