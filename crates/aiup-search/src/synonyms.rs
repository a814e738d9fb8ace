//! Query-time synonyms, kept as data: `data/search/synonyms.toml` (groups of equivalent terms),
//! `data/search/loanwords.toml` (Latin spellings and their Hangul forms, merged into the groups)
//! and `data/search/audiences.toml` (query words that name who a course is for). Each file
//! describes its format at its top.

use std::collections::HashMap;

use aiup_catalogue::Audience;
use serde::Deserialize;
use toml::Spanned;

use crate::analysis::compact_key;
use crate::SearchError;

/// Weight of a `related` term against a real synonym.
pub(crate) const RELATED_WEIGHT: f32 = 0.35;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRaw {
    #[serde(default)]
    generic: Vec<Spanned<String>>,
    #[serde(default)]
    group: Vec<GroupRaw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupRaw {
    terms: Vec<Spanned<String>>,
    #[serde(default)]
    related: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LoanFileRaw {
    #[serde(default)]
    word: Vec<LoanRaw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LoanRaw {
    latin: Vec<Spanned<String>>,
    hangul: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AudienceFileRaw {
    #[serde(default)]
    audience: Vec<AudienceRaw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AudienceRaw {
    value: Spanned<String>,
    words: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, PartialEq)]
struct Group {
    terms: Vec<String>,
    related: Vec<String>,
}

/// One expansion of a query term: the text to search for and its weight (1 for a synonym).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Expansion {
    pub text: String,
    pub weight: f32,
}

/// Groups of equivalent terms, looked up by [`compact_key`] (case, spaces and hyphens do not
/// matter: "machine learning" = "Machine-Learning" = "machinelearning").
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    groups: Vec<Group>,
    by_key: HashMap<String, usize>,
    /// Most eojeol in any term, so the query matcher knows how far to look.
    max_words: usize,
    /// Words too common in course titles to carry a query (`generic` in the file), by key.
    generic: std::collections::HashSet<String>,
    /// Query words naming an audience (audiences.toml), by key.
    audiences: HashMap<String, Vec<Audience>>,
    /// Most eojeol in any audience word.
    max_audience_words: usize,
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].bytes().filter(|&b| b == b'\n').count() + 1
}

impl Synonyms {
    /// The lists shipped with aiup.
    pub fn embedded() -> Synonyms {
        // Compiled in and checked by a test: a broken file is a build defect, not a runtime state.
        Synonyms::parse(include_str!("../../../data/search/synonyms.toml"))
            .expect("data/search/synonyms.toml, embedded at build time, parses")
            .with_loanwords(include_str!("../../../data/search/loanwords.toml"))
            .expect("data/search/loanwords.toml, embedded at build time, parses")
            .with_audiences(include_str!("../../../data/search/audiences.toml"))
            .expect("data/search/audiences.toml, embedded at build time, parses")
    }

    /// Merges a loanword table (the format of `data/search/loanwords.toml`): each word's
    /// spellings become one group, or join the group one of them is already in.
    pub fn with_loanwords(mut self, text: &str) -> Result<Synonyms, SearchError> {
        const FILE: &str = "loanwords";
        let error = |line, message| SearchError::Data {
            file: FILE,
            line,
            message,
        };
        let raw: LoanFileRaw = toml::from_str(text)
            .map_err(|e| error(e.span().map_or(0, |s| line_of(text, s.start)), e.message().to_owned()))?;
        let mut first_line: HashMap<String, usize> = HashMap::new();
        for word in raw.word {
            let line = word.latin.first().map_or(0, |t| line_of(text, t.span().start));
            if word.latin.is_empty() || word.hangul.is_empty() {
                return Err(error(
                    line,
                    "a word needs at least one `latin` and one `hangul` spelling".to_owned(),
                ));
            }
            let mut spellings = Vec::new();
            for term in word.latin.iter().chain(&word.hangul) {
                let line = line_of(text, term.span().start);
                let value = term.get_ref().trim();
                let key = compact_key(value);
                if key.is_empty() {
                    return Err(error(line, format!("`{value}` has no letters or digits")));
                }
                match first_line.get(&key) {
                    Some(&previous) if !spellings.iter().any(|(k, _): &(String, String)| *k == key) => {
                        return Err(error(
                            line,
                            format!("`{value}` is already listed (line {previous}); a spelling belongs to one word"),
                        ));
                    }
                    Some(_) => {
                        // another spacing of a spelling of this word ("boot camp"): the query
                        // matcher must still look that many words ahead
                        self.max_words = self.max_words.max(value.split_whitespace().count());
                        continue;
                    }
                    None => {}
                }
                first_line.insert(key.clone(), line);
                spellings.push((key, value.to_owned()));
            }
            let mut groups: Vec<usize> = spellings
                .iter()
                .filter_map(|(k, _)| self.by_key.get(k).copied())
                .collect();
            groups.sort_unstable();
            groups.dedup();
            let index = match groups[..] {
                [] => {
                    self.groups.push(Group {
                        terms: Vec::new(),
                        related: Vec::new(),
                    });
                    self.groups.len() - 1
                }
                [one] => one,
                _ => {
                    let names: Vec<&str> = groups.iter().map(|g| self.groups[*g].terms[0].as_str()).collect();
                    return Err(error(
                        line,
                        format!("its spellings are in different synonym groups ({})", names.join(", ")),
                    ));
                }
            };
            for (key, value) in spellings {
                if self.by_key.contains_key(&key) {
                    continue;
                }
                self.by_key.insert(key, index);
                self.max_words = self.max_words.max(value.split_whitespace().count());
                self.groups[index].terms.push(value);
            }
        }
        Ok(self)
    }

    /// Adds the query words that name an audience (the format of `data/search/audiences.toml`).
    pub fn with_audiences(mut self, text: &str) -> Result<Synonyms, SearchError> {
        const FILE: &str = "audiences";
        let error = |line, message| SearchError::Data {
            file: FILE,
            line,
            message,
        };
        let raw: AudienceFileRaw = toml::from_str(text)
            .map_err(|e| error(e.span().map_or(0, |s| line_of(text, s.start)), e.message().to_owned()))?;
        for entry in raw.audience {
            let line = line_of(text, entry.value.span().start);
            let audience = Audience::parse(entry.value.get_ref()).ok_or_else(|| {
                error(
                    line,
                    format!(
                        "audience `{}` is not one of {}",
                        entry.value.get_ref(),
                        Audience::expected()
                    ),
                )
            })?;
            if entry.words.is_empty() {
                return Err(error(line, "an audience needs at least one word".to_owned()));
            }
            for word in &entry.words {
                let value = word.get_ref().trim();
                let key = compact_key(value);
                if key.is_empty() {
                    return Err(error(
                        line_of(text, word.span().start),
                        format!("`{value}` has no letters or digits"),
                    ));
                }
                let audiences = self.audiences.entry(key).or_default();
                if !audiences.contains(&audience) {
                    audiences.push(audience);
                }
                self.max_audience_words = self.max_audience_words.max(value.split_whitespace().count());
            }
        }
        Ok(self)
    }

    /// The audiences a query word (by [`compact_key`]) names, if any.
    pub(crate) fn audiences(&self, key: &str) -> Option<&[Audience]> {
        self.audiences.get(key).map(Vec::as_slice)
    }

    pub(crate) fn max_audience_words(&self) -> usize {
        self.max_audience_words.max(1)
    }

    pub fn parse(text: &str) -> Result<Synonyms, SearchError> {
        let raw: FileRaw = toml::from_str(text).map_err(|e| SearchError::Synonyms {
            line: e.span().map_or(0, |s| line_of(text, s.start)),
            message: e.message().to_owned(),
        })?;
        let mut synonyms = Synonyms::default();
        for word in &raw.generic {
            let value = word.get_ref().trim();
            if value.split_whitespace().count() != 1 || compact_key(value).is_empty() {
                return Err(SearchError::Synonyms {
                    line: line_of(text, word.span().start),
                    message: format!("generic word `{value}` must be one word"),
                });
            }
            synonyms.generic.insert(compact_key(value));
        }
        let mut first_line: HashMap<String, usize> = HashMap::new();
        for group in raw.group {
            let index = synonyms.groups.len();
            let mut terms = Vec::new();
            let mut related = Vec::new();
            for (term, is_related) in group
                .terms
                .iter()
                .map(|t| (t, false))
                .chain(group.related.iter().map(|t| (t, true)))
            {
                let line = line_of(text, term.span().start);
                let value = term.get_ref().trim();
                let key = compact_key(value);
                if key.is_empty() {
                    return Err(SearchError::Synonyms {
                        line,
                        message: format!("`{value}` has no letters or digits"),
                    });
                }
                if is_related {
                    related.push(value.to_owned());
                    continue;
                }
                if let Some(previous) = first_line.get(&key) {
                    if synonyms.by_key.get(&key) == Some(&index) {
                        // another spelling of a term of this group ("머신 러닝", "머신러닝"),
                        // which the query matcher must still look far enough ahead for
                        synonyms.max_words = synonyms.max_words.max(value.split_whitespace().count());
                        continue;
                    }
                    return Err(SearchError::Synonyms {
                        line,
                        message: format!("`{value}` is already listed (line {previous}); a term belongs to one group"),
                    });
                }
                first_line.insert(key.clone(), line);
                synonyms.by_key.insert(key, index);
                synonyms.max_words = synonyms.max_words.max(value.split_whitespace().count());
                terms.push(value.to_owned());
            }
            if terms.len() < 2 && related.is_empty() {
                let line = group.terms.first().map_or(0, |t| line_of(text, t.span().start));
                return Err(SearchError::Synonyms {
                    line,
                    message: "a group needs at least two terms, or a `related` list".to_owned(),
                });
            }
            synonyms.groups.push(Group { terms, related });
        }
        Ok(synonyms)
    }

    pub fn len(&self) -> usize {
        self.groups.len()
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Whether a query word is one of the generic words (by its stem or as typed).
    pub(crate) fn is_generic(&self, word: &str) -> bool {
        self.generic.contains(&compact_key(word))
    }

    pub(crate) fn max_words(&self) -> usize {
        self.max_words.max(1)
    }

    /// The expansions of a term typed in a query, if it is in a group: every term of the group
    /// (weight 1) and the group's related terms.
    pub(crate) fn expand(&self, key: &str) -> Option<Vec<Expansion>> {
        let group = &self.groups[*self.by_key.get(key)?];
        let mut out: Vec<Expansion> = group
            .terms
            .iter()
            .map(|t| Expansion {
                text: t.clone(),
                weight: 1.0,
            })
            .collect();
        out.extend(group.related.iter().map(|t| Expansion {
            text: t.clone(),
            weight: RELATED_WEIGHT,
        }));
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_words_are_single_words() {
        let synonyms = Synonyms::parse("generic = [\"업무\", \"실무\"]\n").expect("parses");
        assert!(synonyms.is_generic("업무"));
        assert!(!synonyms.is_generic("엑셀"));
        let error = Synonyms::parse("generic = [\"업무\",\n  \"업무 자동화\"]\n").expect_err("two words");
        assert!(matches!(error, SearchError::Synonyms { line: 2, .. }), "{error}");
    }

    #[test]
    fn the_embedded_list_parses() {
        let text = include_str!("../../../data/search/synonyms.toml");
        let synonyms = Synonyms::parse(text).unwrap();
        assert!(synonyms.len() >= 30, "{} groups", synonyms.len());
        let ml = synonyms.expand(&compact_key("Machine Learning")).unwrap();
        assert!(ml.iter().any(|e| e.text == "머신러닝" && e.weight == 1.0));
        assert!(synonyms.expand(&compact_key("기계학습")).is_some());
        assert!(synonyms.max_words() >= 2);
    }

    #[test]
    fn groups_expand_both_ways_and_related_one_way() {
        let s = Synonyms::parse(
            "[[group]]\nterms = [\"챗GPT\", \"ChatGPT\"]\nrelated = [\"생성형 AI\"]\n[[group]]\nterms = [\"생성형 AI\", \"generative AI\"]\n",
        )
        .unwrap();
        let chat = s.expand("chatgpt").unwrap();
        assert_eq!(chat.len(), 3);
        assert_eq!(chat[2].weight, RELATED_WEIGHT);
        let generative = s.expand("생성형ai").unwrap();
        assert!(generative.iter().all(|e| e.text != "챗GPT"));
        assert!(s.expand("gpt").is_none());
    }

    #[test]
    fn errors_name_the_line() {
        let err =
            Synonyms::parse("[[group]]\nterms = [\"a\", \"b\"]\n\n[[group]]\nterms = [\"c\", \"A\"]\n").unwrap_err();
        match err {
            SearchError::Synonyms { line, message } => {
                assert_eq!(line, 5);
                assert!(message.contains("line 2"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        let err = Synonyms::parse("[[group]]\nterms = [\"only\"]\n").unwrap_err();
        assert!(matches!(err, SearchError::Synonyms { line: 2, .. }), "{err:?}");
        let err = Synonyms::parse("[[group]]\nterms = [\"x\", \"--\"]\n").unwrap_err();
        assert!(matches!(err, SearchError::Synonyms { line: 2, .. }), "{err:?}");
        let err = Synonyms::parse("[[group]]\n\nterms = [\"x\", \"y\"\n").unwrap_err();
        assert!(matches!(err, SearchError::Synonyms { line: 3.., .. }), "{err:?}");
        let err = Synonyms::parse("[[group]]\nterms = [\"x\", \"y\"]\nweight = 2\n").unwrap_err();
        assert!(err.to_string().contains("line"), "{err}");
    }

    #[test]
    fn loanwords_make_groups_or_join_the_group_a_spelling_is_in() {
        let base = Synonyms::parse("[[group]]\nterms = [\"영업\", \"sales\"]\n").unwrap();
        let s = base
            .with_loanwords(
                "[[word]]\nlatin = [\"bootcamp\", \"boot camp\"]\nhangul = [\"부트캠프\"]\n\
                 [[word]]\nlatin = [\"sales\"]\nhangul = [\"세일즈\"]\n",
            )
            .unwrap();
        let boot = s.expand(&compact_key("Boot-Camp")).unwrap();
        assert!(boot.iter().any(|e| e.text == "부트캠프" && e.weight == 1.0), "{boot:?}");
        assert!(s
            .expand(&compact_key("부트캠프"))
            .unwrap()
            .iter()
            .any(|e| e.text == "bootcamp"));
        // 세일즈 joined the group of 영업 and sales
        let sales = s.expand(&compact_key("세일즈")).unwrap();
        assert!(sales.iter().any(|e| e.text == "영업"), "{sales:?}");
        assert_eq!(s.len(), 2);
        assert!(s.max_words() >= 2);
    }

    #[test]
    fn loanword_errors_name_the_file_and_line() {
        let base =
            || Synonyms::parse("[[group]]\nterms = [\"a\", \"b\"]\n[[group]]\nterms = [\"c\", \"d\"]\n").unwrap();
        let line = |e: SearchError| match e {
            SearchError::Data { file, line, message } => {
                assert_eq!(file, "loanwords");
                (line, message)
            }
            other => panic!("{other:?}"),
        };
        let (l, m) = line(
            base()
                .with_loanwords("\n[[word]]\nlatin = [\"a\"]\nhangul = [\"c\"]\n")
                .unwrap_err(),
        );
        assert_eq!(l, 3);
        assert!(m.contains("different synonym groups"), "{m}");
        let (l, _) = line(
            base()
                .with_loanwords("[[word]]\nlatin = [\"x\"]\nhangul = []\n")
                .unwrap_err(),
        );
        assert_eq!(l, 2);
        let (l, m) = line(
            base()
                .with_loanwords(
                    "[[word]]\nlatin = [\"x\"]\nhangul = [\"엑스\"]\n[[word]]\nlatin = [\"X\"]\nhangul = [\"익스\"]\n",
                )
                .unwrap_err(),
        );
        assert_eq!(l, 5);
        assert!(m.contains("line 2"), "{m}");
        assert!(base()
            .with_loanwords("[[word]]\nlatin = [\"x\"]\nhangul = [\"y\"]\nnote = 1\n")
            .is_err());
    }

    #[test]
    fn audience_words_map_to_audience_values() {
        let s = Synonyms::default()
            .with_audiences(
                "[[audience]]\nvalue = \"senior\"\nwords = [\"어르신\", \"신중년\"]\n\
                 [[audience]]\nvalue = \"middle_aged\"\nwords = [\"중장년\", \"신중년\", \"middle aged\"]\n",
            )
            .unwrap();
        assert_eq!(s.audiences("어르신"), Some(&[Audience::Senior][..]));
        assert_eq!(
            s.audiences("신중년"),
            Some(&[Audience::Senior, Audience::MiddleAged][..])
        );
        assert_eq!(
            s.audiences(&compact_key("Middle-Aged")),
            Some(&[Audience::MiddleAged][..])
        );
        assert_eq!(s.audiences("청년"), None);
        assert_eq!(s.max_audience_words(), 2);
        let error = Synonyms::default()
            .with_audiences("[[audience]]\nvalue = \"senior\"\nwords = [\"a\"]\n\n[[audience]]\nvalue = \"elderly\"\nwords = [\"b\"]\n")
            .unwrap_err();
        match error {
            SearchError::Data { file, line, message } => {
                assert_eq!((file, line), ("audiences", 6));
                assert!(message.contains("senior"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_embedded_lists_know_loanwords_and_audiences() {
        let s = Synonyms::embedded();
        for (latin, hangul) in [
            ("bootcamp", "부트캠프"),
            ("data", "데이터"),
            ("RAG", "검색증강생성"),
            ("DX", "디지털 전환"),
        ] {
            let expansions = s.expand(&compact_key(latin)).unwrap_or_default();
            assert!(expansions.iter().any(|e| e.text == hangul), "{latin}: {expansions:?}");
        }
        assert_eq!(s.audiences("어르신"), Some(&[Audience::Senior][..]));
        assert!(s.audiences("재직자").is_some_and(|a| a.contains(&Audience::Employee)));
    }
}
