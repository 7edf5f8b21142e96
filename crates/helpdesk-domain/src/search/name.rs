//! Names: how typed words match a customer's or a user's name, and how a
//! typo is forgiven.
//!
//! Agents type names the way they heard them: "smith jo" for John Smith,
//! "nova d" for Nova Dental Group, "Zimmeramnn" for Zimmermann. The store
//! keeps every name as folded keys ("john smith", "smith john", and for a
//! customer every tail of its name: "nova dental group", "dental group",
//! "group"), so one index range finds the names that start with what was
//! typed, however many names there are.
//!
//! Typos follow Meilisearch's rules: a word of 5 to 8 letters may have one
//! edit (a letter inserted, deleted, changed, or two neighbours swapped), a
//! word of 9 or more two, a shorter word none, and the first letter is never
//! wrong. Rather than comparing the typed word with a million names, it is
//! compared with the partner's [`Dictionary`]: the few thousand distinct words
//! its names are made of. Each correction becomes a [`Spelling`] the store
//! looks up like any other, and its matches rank below exact and prefix ones.

use std::collections::BTreeSet;

use super::{MatchRank, MatchedField};
use crate::text;

/// Name words as typed, folded (see [`text::fold`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameQuery {
    folded: String,
    words: Vec<String>,
}

impl NameQuery {
    /// A query of already folded, non-empty words.
    pub(super) fn new(words: Vec<String>) -> Self {
        NameQuery { folded: words.join(" "), words }
    }

    /// The folded words, in the order typed.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// The folded text, words separated by one space.
    pub fn folded(&self) -> &str {
        &self.folded
    }

    /// How well a name matches: the whole name (exact), the start of each of
    /// its words in order (prefix: `jo sm` → `John Smith`), or some of its
    /// words in order (word: `pizza` → `Nan Pizza Group`).
    pub fn rank(&self, name: &str) -> Option<MatchRank> {
        let key = text::words(name);
        if key == self.words {
            return Some(MatchRank::Exact);
        }
        let aligned =
            self.words.len() <= key.len() && self.words.iter().zip(&key).all(|(q, k)| k.starts_with(q.as_str()));
        if aligned {
            return Some(MatchRank::Prefix);
        }
        let mut rest = key.iter();
        let in_order = self.words.iter().all(|q| rest.by_ref().any(|k| k.starts_with(q.as_str())));
        in_order.then_some(MatchRank::Word)
    }

    /// The best match of a user: by "first last", by "last first", or by display name.
    pub fn rank_user(&self, first: &str, last: &str, display: &str) -> Option<(MatchedField, MatchRank)> {
        let by_name = [format!("{first} {last}"), format!("{last} {first}")]
            .iter()
            .filter_map(|n| self.rank(n))
            .max()
            .map(|r| (MatchedField::UserName, r));
        let by_display = self.rank(display).map(|r| (MatchedField::DisplayName, r));
        match (by_name, by_display) {
            (Some(a), Some(b)) => Some(if b.1 > a.1 { b } else { a }),
            (a, b) => a.or(b),
        }
    }

    /// The ways to read the typed words as words of the partner's names, the
    /// typed ones first, then corrections with the fewest typos. At most
    /// [`MAX_SPELLINGS`].
    ///
    /// Every word but the last is a whole word: the word itself if some name
    /// has it, else the dictionary's words that start with it ("jo" → "john",
    /// "josé"), and its corrections. The last word is still being typed, so it
    /// stays a prefix (if some word of a name starts with it), or is one of its
    /// corrections. A spelling no name can start with is not looked up.
    pub fn spellings(&self, dictionary: &Dictionary) -> Vec<Spelling> {
        let mut spellings = vec![Spelling { words: Vec::new(), typos: 0 }];
        let last = self.words.len() - 1;
        for (i, typed) in self.words.iter().enumerate() {
            let mut choices: Vec<(&str, usize)> = Vec::new();
            if dictionary.contains(typed) || (i == last && dictionary.completions(typed).next().is_some()) {
                choices.push((typed, 0));
            } else if i != last {
                choices.extend(dictionary.completions(typed).map(|w| (w, 0)));
            }
            choices.extend(dictionary.near(typed).into_iter().map(|w| (w, 1)));
            let mut next = Vec::with_capacity(spellings.len() * choices.len());
            for s in &spellings {
                for (word, typos) in &choices {
                    let mut words = s.words.clone();
                    words.push((*word).to_string());
                    next.push(Spelling { words, typos: s.typos + typos });
                }
            }
            next.sort_by_key(|s| s.typos);
            next.truncate(MAX_SPELLINGS);
            spellings = next;
        }
        spellings
    }
}

/// The most spellings one name query is looked up as.
pub const MAX_SPELLINGS: usize = 8;

/// The most whole words one unfinished word stands for ("jo" → "john", "jonas" …).
const MAX_COMPLETIONS: usize = 4;

/// One reading of the typed words: the words a name must start with, in
/// order, the last one possibly unfinished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spelling {
    words: Vec<String>,
    typos: usize,
}

impl Spelling {
    /// What a folded name key starts with: the words joined by one space.
    pub fn key_prefix(&self) -> String {
        self.words.join(" ")
    }

    /// How many typed words were corrected.
    pub fn typos(&self) -> usize {
        self.typos
    }

    /// How well a name matches: as the typed words would rank it, or as a
    /// [`MatchRank::Typo`] when only the corrected words match.
    pub fn rank(&self, typed: &NameQuery, mut rank: impl FnMut(&NameQuery) -> Option<MatchRank>) -> Option<MatchRank> {
        rank(typed).or_else(|| {
            let corrected = NameQuery::new(self.words.clone());
            (self.typos > 0).then(|| rank(&corrected)).flatten().map(|_| MatchRank::Typo)
        })
    }
}

/// How many edits a typed word may have: none under 5 letters, one for 5 to
/// 8, two for 9 or more.
pub fn typo_budget(word: &str) -> usize {
    match word.chars().count() {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// The distinct folded words of a partner's names: small (thousands of
/// words for a million users), so a typed word is compared with each of them
/// rather than with every name.
#[derive(Debug, Clone, Default)]
pub struct Dictionary {
    words: BTreeSet<String>,
}

impl Dictionary {
    /// A dictionary of the words of these names (folded here).
    pub fn new<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> Self {
        Dictionary { words: names.into_iter().flat_map(|n| text::words(n.as_ref())).collect() }
    }

    /// How many distinct words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether there are no words.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Whether some name has this word.
    pub fn contains(&self, word: &str) -> bool {
        self.words.contains(word)
    }

    /// The first few words that start with `prefix` (and are longer).
    fn completions<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.words
            .range::<str, _>((std::ops::Bound::Excluded(prefix), std::ops::Bound::Unbounded))
            .take_while(move |w| w.starts_with(prefix))
            .take(MAX_COMPLETIONS)
            .map(String::as_str)
    }

    /// The words `typed` may be a typo of: same first letter, within its
    /// [`typo_budget`] of edits (a swap of two neighbours is one), not itself.
    pub fn near(&self, typed: &str) -> Vec<&str> {
        let budget = typo_budget(typed);
        let Some(first) = typed.chars().next() else { return Vec::new() };
        if budget == 0 {
            return Vec::new();
        }
        let start = first.to_string();
        let typed_len = typed.chars().count();
        self.words
            .range::<str, _>((std::ops::Bound::Included(start.as_str()), std::ops::Bound::Unbounded))
            .take_while(|w| w.starts_with(first))
            .filter(|w| w.as_str() != typed && w.chars().count().abs_diff(typed_len) <= budget)
            .filter(|w| strsim::osa_distance(typed, w) <= budget)
            .map(String::as_str)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Reading, recognise};
    use super::*;
    use proptest::prelude::*;

    fn name(q: &str) -> NameQuery {
        match recognise(q).unwrap().readings().last().unwrap() {
            Reading::Name(n) => n.clone(),
            other => panic!("not a name: {other:?}"),
        }
    }

    fn prefixes(q: &str, dictionary: &Dictionary) -> Vec<(String, usize)> {
        name(q).spellings(dictionary).iter().map(|s| (s.key_prefix(), s.typos())).collect()
    }

    #[test]
    fn names_rank_exact_then_prefix_then_word() {
        assert_eq!(name("nan pizza group").rank("Nan Pizza Group"), Some(MatchRank::Exact));
        assert_eq!(name("nan piz").rank("Nan Pizza Group"), Some(MatchRank::Prefix));
        assert_eq!(name("pizza").rank("Nan Pizza Group"), Some(MatchRank::Word));
        assert_eq!(name("pasta").rank("Nan Pizza Group"), None);
        assert_eq!(name("ZOE").rank("Zoë Durand"), Some(MatchRank::Prefix));
    }

    #[test]
    fn a_user_matches_first_last_last_first_or_display_name() {
        let q = name("smith jo");
        assert_eq!(q.rank_user("John", "Smith", "Johnny"), Some((MatchedField::UserName, MatchRank::Prefix)));
        assert_eq!(
            name("johnny").rank_user("John", "Smith", "Johnny"),
            Some((MatchedField::DisplayName, MatchRank::Exact))
        );
    }

    #[test]
    fn typo_budgets_follow_meilisearch() {
        assert_eq!(typo_budget("anna"), 0);
        assert_eq!(typo_budget("smith"), 1);
        assert_eq!(typo_budget("zimmerma"), 1);
        assert_eq!(typo_budget("zimmerman"), 2);
        assert_eq!(typo_budget("müller"), 1, "letters, not bytes");
    }

    #[test]
    fn one_edit_of_any_kind_is_forgiven_in_a_word_of_five_to_eight_letters() {
        let d = Dictionary::new(["Smith", "Martin", "Anna", "Zimmermann", "Smyth"]);
        assert_eq!(d.near("smiht"), vec!["smith"], "swapped neighbours");
        assert_eq!(d.near("smitth"), vec!["smith"], "a letter too many");
        assert_eq!(d.near("marin"), vec!["martin"], "a letter missing");
        assert_eq!(d.near("martyn"), vec!["martin"], "a letter changed");
        assert_eq!(d.near("smeth"), vec!["smith", "smyth"], "every word within reach");
        assert!(d.near("anne").is_empty(), "no typo under five letters");
        assert!(d.near("nartin").is_empty(), "the first letter is never a typo");
        assert!(d.near("mrtnn").is_empty(), "two edits are too many for five letters");
        assert_eq!(d.near("zimmeramnn"), vec!["zimmermann"], "two edits in ten letters");
        assert_eq!(d.near("smith"), vec!["smyth"], "a word is not its own typo");
    }

    #[test]
    fn spellings_keep_the_typed_words_first_then_complete_and_correct_them() {
        let d = Dictionary::new(["John Smith", "Jonas Smyth", "Nova Dental Group"]);
        assert_eq!(prefixes("john smi", &d), vec![("john smi".into(), 0)]);
        assert_eq!(prefixes("jo sm", &d), vec![("john sm".into(), 0), ("jonas sm".into(), 0)]);
        assert_eq!(prefixes("smi", &d), vec![("smi".into(), 0)], "an unfinished last word stays a prefix");
        assert_eq!(prefixes("smeth", &d), vec![("smith".into(), 1), ("smyth".into(), 1)], "no name starts with smeth");
        assert_eq!(prefixes("nova dentla gr", &d), vec![("nova dental gr".into(), 1)]);
        assert!(prefixes("xavier smith", &d).is_empty(), "a finished word no name has");
    }

    #[test]
    fn a_corrected_match_ranks_as_a_typo_and_a_typed_match_keeps_its_rank() {
        let d = Dictionary::new(["Karl Zimmermann"]);
        let typed = name("zimmeramnn karl");
        let spellings = typed.spellings(&d);
        let corrected = spellings.iter().find(|s| s.typos() == 1).unwrap();
        let rank = |q: &NameQuery| q.rank("Zimmermann Karl");
        assert_eq!(corrected.rank(&typed, rank), Some(MatchRank::Typo));
        let exact = name("zimmermann karl");
        assert_eq!(exact.spellings(&d)[0].rank(&exact, rank), Some(MatchRank::Exact));
    }

    proptest! {
        #[test]
        fn any_typed_name_matches_itself_exactly(first in "[A-Za-zéèüö]{1,10}", last in "[A-Za-zéèüö]{1,10}") {
            let q = name(&format!("{first} {last}"));
            prop_assert_eq!(q.rank_user(&first, &last, ""), Some((MatchedField::UserName, MatchRank::Exact)));
        }

        #[test]
        fn a_word_is_always_among_its_own_spellings(words in proptest::collection::vec("[a-z]{1,12}", 1..4)) {
            let d = Dictionary::new(&words);
            let q = name(&words.join(" "));
            let spellings = q.spellings(&d);
            prop_assert_eq!(spellings[0].key_prefix(), words.join(" "));
            prop_assert!(spellings.len() <= MAX_SPELLINGS);
        }
    }
}
