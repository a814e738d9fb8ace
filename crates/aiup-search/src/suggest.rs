//! Search-as-you-type suggestions: course keywords, occupations and title words, matched by
//! prefix (spaces ignored, 초성 accepted) and ranked by how many courses hold them.
//!
//! Each document indexes its suggestion terms in a raw field; the in-memory list is rebuilt from
//! that field's term dictionary after every commit, so it always agrees with the index.

use std::collections::{BTreeMap, HashMap};

use aiup_catalogue::Course;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocSet, Searcher, TERMINATED};

use crate::analysis::{choseong, compact_key, has_choseong, strip_josa, EnglishStemmer};
use crate::loansound::SoundIndex;
use crate::Suggestion;

/// Words too common in course titles to be worth suggesting.
const STOP_WORDS: &[&str] = &[
    "및",
    "등",
    "위한",
    "통한",
    "과정",
    "교육",
    "기반",
    "활용한",
    "for",
    "and",
    "the",
    "of",
    "with",
    "in",
    "to",
];

/// Most suggestions returned by one call.
pub const MAX_SUGGESTIONS: usize = 50;

/// The suggestion terms of one course, as displayed.
pub(crate) fn suggestion_terms(course: &Course, _stemmer: &mut EnglishStemmer) -> Vec<String> {
    let mut by_key: BTreeMap<String, String> = BTreeMap::new();
    let mut add = |text: &str| {
        let text = text.trim();
        let key = compact_key(text);
        if key.chars().count() < 2 || key.chars().all(|c| c.is_ascii_digit()) || text.chars().count() > 40 {
            return;
        }
        by_key.entry(key).or_insert_with(|| text.to_owned());
    };
    for keyword in &course.keywords {
        add(keyword);
    }
    add(&course.occupation);
    for word in course
        .title
        .split(|c: char| c.is_whitespace() || matches!(c, '·' | ',' | '/' | '(' | ')' | '[' | ']'))
    {
        let word = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '+' && c != '#');
        let word = strip_josa(word);
        if STOP_WORDS.contains(&word.to_lowercase().as_str()) {
            continue;
        }
        add(word);
    }
    by_key.into_values().collect()
}

#[derive(Debug, Clone)]
struct Entry {
    key: String,
    text: String,
    count: u64,
}

/// The sorted in-memory suggestion list.
#[derive(Debug, Default)]
pub(crate) struct SuggestIndex {
    /// Sorted by key.
    entries: Vec<Entry>,
    /// (초성 of key, entry), sorted.
    choseong: Vec<(String, u32)>,
    /// The Hangul words of the suggestion terms by sound, for Latin query words no list knows.
    sound: SoundIndex,
}

impl SuggestIndex {
    /// Reads the suggestion field of every segment, counting live documents only.
    pub fn scan(searcher: &Searcher, field: Field) -> tantivy::Result<SuggestIndex> {
        let mut counts: HashMap<String, u64> = HashMap::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted.terms().stream()?;
            while stream.advance() {
                let Ok(text) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                let info = stream.value();
                let count = match segment.alive_bitset() {
                    None => u64::from(info.doc_freq),
                    Some(alive) => {
                        let mut postings = inverted.read_postings_from_terminfo(info, IndexRecordOption::Basic)?;
                        let mut n = 0;
                        let mut doc = postings.doc();
                        while doc != TERMINATED {
                            if alive.is_alive(doc) {
                                n += 1;
                            }
                            doc = postings.advance();
                        }
                        n
                    }
                };
                if count > 0 {
                    *counts.entry(text.to_owned()).or_default() += count;
                }
            }
        }
        Ok(SuggestIndex::from_counts(counts))
    }

    fn from_counts(counts: HashMap<String, u64>) -> SuggestIndex {
        // Several spellings may share a key ("AI 윤리", "ai윤리"): count them together and show
        // the most common spelling.
        let mut by_key: HashMap<String, (u64, String, u64)> = HashMap::new();
        for (text, count) in counts {
            let key = compact_key(&text);
            let entry = by_key.entry(key).or_insert((0, String::new(), 0));
            entry.0 += count;
            if count > entry.2 || (count == entry.2 && (entry.1.is_empty() || text < entry.1)) {
                entry.1 = text;
                entry.2 = count;
            }
        }
        let mut entries: Vec<Entry> = by_key
            .into_iter()
            .map(|(key, (count, text, _))| Entry { key, text, count })
            .collect();
        entries.sort_by(|a, b| a.key.cmp(&b.key));
        let mut choseong: Vec<(String, u32)> = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (choseong(&e.key), i as u32))
            .collect();
        choseong.sort();
        let mut sound = SoundIndex::default();
        for entry in &entries {
            sound.add(&entry.text);
        }
        SuggestIndex {
            entries,
            choseong,
            sound,
        }
    }

    pub fn sound(&self) -> &SoundIndex {
        &self.sound
    }

    pub fn lookup(&self, prefix: &str, limit: usize) -> Vec<Suggestion> {
        let limit = limit.min(MAX_SUGGESTIONS);
        let key = compact_key(prefix);
        if key.is_empty() || limit == 0 {
            return Vec::new();
        }
        let mut candidates: Vec<&Entry> = if has_choseong(&key) {
            let wanted = choseong(&key);
            let start = self.choseong.partition_point(|(k, _)| k.as_str() < wanted.as_str());
            self.choseong[start..]
                .iter()
                .take_while(|(k, _)| k.starts_with(&wanted))
                .map(|&(_, i)| &self.entries[i as usize])
                .collect()
        } else {
            let start = self.entries.partition_point(|e| e.key.as_str() < key.as_str());
            self.entries[start..]
                .iter()
                .take_while(|e| e.key.starts_with(&key))
                .collect()
        };
        let order = |a: &&Entry, b: &&Entry| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key));
        if candidates.len() > limit {
            candidates.select_nth_unstable_by(limit - 1, order);
            candidates.truncate(limit);
        }
        candidates.sort_by(order);
        candidates
            .into_iter()
            .map(|e| Suggestion {
                text: e.text.clone(),
                count: e.count,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(pairs: &[(&str, u64)]) -> SuggestIndex {
        SuggestIndex::from_counts(pairs.iter().map(|(t, c)| ((*t).to_owned(), *c)).collect())
    }

    #[test]
    fn prefix_by_count_ignoring_spaces() {
        let s = index(&[
            ("데이터", 10),
            ("데이터 분석", 7),
            ("데이터분석", 2),
            ("데이터베이스", 3),
            ("딥러닝", 5),
        ]);
        let got = s.lookup("데이터", 10);
        assert_eq!(
            got[0],
            Suggestion {
                text: "데이터".into(),
                count: 10
            }
        );
        assert_eq!(
            got[1],
            Suggestion {
                text: "데이터 분석".into(),
                count: 9
            },
            "spellings merge"
        );
        assert_eq!(got.len(), 3);
        let got = s.lookup("데이터분", 10);
        assert_eq!(got[0].text, "데이터 분석");
        assert_eq!(s.lookup("데이터 분", 1).len(), 1);
        assert!(s.lookup("없음", 5).is_empty());
        assert_eq!(s.lookup("데", 2).len(), 2);
    }

    #[test]
    fn choseong_prefixes() {
        let s = index(&[("데이터", 10), ("디자인", 4), ("딥러닝", 5)]);
        let got: Vec<String> = s.lookup("ㄷㅇㅌ", 5).into_iter().map(|s| s.text).collect();
        assert_eq!(got, vec!["데이터"]);
        let got: Vec<String> = s.lookup("ㄷ", 5).into_iter().map(|s| s.text).collect();
        assert_eq!(got, vec!["데이터", "딥러닝", "디자인"]);
    }
}
