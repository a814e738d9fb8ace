//! Korean-first text analysis without a dictionary.
//!
//! Text is normalised (fullwidth ASCII folded, lowercased) and cut into *eojeol* (words between
//! spaces and punctuation). Each eojeol is cut again where the script changes, into *runs*:
//! a Hangul run ("생성형") or an alphanumeric run ("ai", "gpt-4o", "c++"). Latin letters and
//! digits stay together in one run, because model and product names mix them (`gpt4o`,
//! `yolov8`, `s3`); hyphens and dots inside such a run split it into *parts*.
//!
//! Two token streams are produced for every text field:
//! - the **bigram** stream: Hangul runs as overlapping character bigrams (a one-syllable run
//!   as its unigram) and trigrams, alphanumeric runs as their lowercased parts (plus the parts
//!   joined);
//! - the **stem** stream: one token per run, Hangul runs with particles and endings stripped
//!   ([`JOSA`]; the unstripped form is indexed too), alphanumeric runs stemmed with tantivy's
//!   English stemmer; plus every pair of adjacent words as one token (see [`FieldTokens`]).
//!
//! A Hangul run that follows an alphanumeric run in the same eojeol and is only particles
//! ("AI**를**", "Python**으로**") is dropped.

use tantivy::tokenizer::{Language, PreTokenizedString, RawTokenizer, Stemmer, TextAnalyzer, Token, TokenStream};

/// Particles (josa) and common verb/adjective endings stripped from the end of a Hangul run,
/// so that "데이터를", "데이터의" and "데이터" share a stem. Longest match first; a suffix is
/// stripped only when at least [`MIN_STEM_SYLLABLES`] syllables remain, at most twice
/// ("데이터들을" → "데이터").
pub const JOSA: &[&str] = &[
    // four and three syllables
    "으로부터",
    "에서부터",
    "이라는",
    "이라고",
    "에게서",
    "에서의",
    "에서는",
    "에서도",
    "으로서",
    "으로써",
    "으로의",
    "으로는",
    "으로도",
    "합니다",
    "적으로",
    // two syllables
    "에서",
    "에게",
    "까지",
    "부터",
    "으로",
    "처럼",
    "보다",
    "라는",
    "이나",
    "이며",
    "과의",
    "와의",
    "에의",
    "로서",
    "로써",
    "로의",
    "하는",
    "하기",
    "하여",
    "해서",
    "하고",
    "하며",
    "하다",
    "되는",
    "되어",
    "적인",
    "들의",
    "들을",
    "들이",
    "들은",
    // one syllable
    "의",
    "을",
    "를",
    "이",
    "가",
    "은",
    "는",
    "에",
    "로",
    "와",
    "과",
    "한",
    "할",
    "된",
    "적",
    "들",
];

/// A particle is stripped only if the stem left is at least this many syllables.
pub const MIN_STEM_SYLLABLES: usize = 2;

/// How many times particles are stripped from one run.
const MAX_STRIPS: usize = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    Hangul,
    Alnum,
}

/// A run of one script inside an eojeol, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub kind: RunKind,
    /// The run as written (normalised), e.g. "데이터를", "gpt-4o".
    pub text: String,
    /// Alphanumeric runs: the parts between `-`, `.`, `_` ("gpt", "4o"). Hangul runs: the text.
    pub parts: Vec<String>,
}

impl Run {
    /// The run with connectors removed: "gpt4o", "finetuning"; Hangul runs as they are.
    pub fn joined(&self) -> String {
        self.parts.concat()
    }
}

/// Folds fullwidth ASCII and the ideographic space, and lowercases.
pub fn normalize_char(c: char, out: &mut String) {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else {
        out.extend(c.to_lowercase());
    }
}

pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        normalize_char(c, &mut out);
    }
    out
}

/// Hangul syllables, compatibility jamo and Han characters: analysed with bigrams.
pub fn is_hangul_like(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{3131}'..='\u{318E}' | '\u{1100}'..='\u{11FF}' | '\u{4E00}'..='\u{9FFF}')
}

fn is_alnum(c: char) -> bool {
    c.is_alphanumeric() && !is_hangul_like(c)
}

fn is_connector(c: char) -> bool {
    matches!(c, '-' | '.' | '_')
}

/// Splits normalised or raw text into eojeol, each a list of runs.
pub fn eojeols(text: &str) -> Vec<Vec<Run>> {
    let text = normalize(text);
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut current: Vec<Run> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_hangul_like(c) {
            let start = i;
            while i < chars.len() && is_hangul_like(chars[i]) {
                i += 1;
            }
            let run: String = chars[start..i].iter().collect();
            let after_alnum = current.last().is_some_and(|r| r.kind == RunKind::Alnum);
            if after_alnum && is_particle(&run) {
                continue;
            }
            current.push(Run {
                kind: RunKind::Hangul,
                parts: vec![run.clone()],
                text: run,
            });
        } else if is_alnum(c) {
            let start = i;
            let mut parts = Vec::new();
            let mut part = String::new();
            while i < chars.len() {
                let c = chars[i];
                if is_alnum(c) {
                    part.push(c);
                    i += 1;
                } else if is_connector(c) && !part.is_empty() && chars.get(i + 1).is_some_and(|&n| is_alnum(n)) {
                    parts.push(std::mem::take(&mut part));
                    i += 1;
                } else if matches!(c, '+' | '#') && part.chars().any(char::is_alphabetic) {
                    // c++, c#, f#: keep the sign as part of the name.
                    while i < chars.len() && matches!(chars[i], '+' | '#') {
                        part.push(chars[i]);
                        i += 1;
                    }
                    break;
                } else {
                    break;
                }
            }
            if !part.is_empty() {
                parts.push(part);
            }
            let text: String = chars[start..i].iter().collect();
            current.push(Run {
                kind: RunKind::Alnum,
                text,
                parts,
            });
        } else {
            // whitespace or punctuation ends the eojeol
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            i += 1;
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn syllables(text: &str) -> usize {
    text.chars().count()
}

/// Strips particles and endings ([`JOSA`]) from a Hangul run, keeping at least
/// [`MIN_STEM_SYLLABLES`] syllables.
pub fn strip_josa(run: &str) -> &str {
    strip_josa_min(run, MIN_STEM_SYLLABLES)
}

fn strip_josa_min(run: &str, min: usize) -> &str {
    let mut stem = run;
    for _ in 0..MAX_STRIPS {
        let n = syllables(stem);
        let found = JOSA
            .iter()
            .filter(|j| stem.ends_with(**j) && n - syllables(j) >= min)
            .max_by_key(|j| j.len());
        match found {
            Some(j) => stem = &stem[..stem.len() - j.len()],
            None => break,
        }
    }
    stem
}

/// Whether a run is nothing but particles ("를", "으로", "에서는").
pub fn is_particle(run: &str) -> bool {
    !run.is_empty() && strip_josa_min(run, 0).is_empty()
}

/// Character bigrams of a Hangul run; a one-syllable run gives its unigram.
pub fn bigrams(run: &str) -> Vec<String> {
    let chars: Vec<char> = run.chars().collect();
    match chars.len() {
        0 => Vec::new(),
        1 => vec![chars[0].to_string()],
        _ => chars.windows(2).map(|w| w.iter().collect()).collect(),
    }
}

/// tantivy's English stemmer over single lowercased words.
pub struct EnglishStemmer {
    analyzer: TextAnalyzer,
}

impl std::fmt::Debug for EnglishStemmer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EnglishStemmer")
    }
}

impl Default for EnglishStemmer {
    fn default() -> Self {
        EnglishStemmer {
            analyzer: TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::English))
                .build(),
        }
    }
}

impl EnglishStemmer {
    /// Stems words that have letters; numbers and short words pass through.
    pub fn stem(&mut self, word: &str) -> String {
        if word.chars().count() < 3 || !word.chars().any(|c| c.is_ascii_alphabetic()) {
            return word.to_owned();
        }
        let mut stream = self.analyzer.token_stream(word);
        if stream.advance() {
            stream.token().text.clone()
        } else {
            word.to_owned()
        }
    }
}

/// The stem token of a run: a Hangul run with particles stripped, an alphanumeric run joined
/// and stemmed.
pub fn run_stem(run: &Run, stemmer: &mut EnglishStemmer) -> String {
    match run.kind {
        RunKind::Hangul => strip_josa(&run.text).to_owned(),
        RunKind::Alnum => stemmer.stem(&run.joined()),
    }
}

/// One analysed field value: the tokens of the bigram and the stem streams.
///
/// No positions are indexed. Instead of phrase queries (which read positions and were the
/// main cost of a query), adjacency is indexed as tokens of its own:
/// - the stem stream holds every pair of adjacent words as one token `"데이터 분석"`
///   (words never contain a space, so pairs cannot collide with words);
/// - the bigram stream holds character trigrams besides bigrams, so a three-syllable
///   substring ("데이터" inside "빅데이터분석") is one term, and a longer one the conjunction of
///   its trigrams.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldTokens {
    pub bi: Vec<String>,
    pub st: Vec<String>,
    /// The word(s) the next word pairs with.
    previous: Vec<String>,
}

/// The token for two adjacent words.
pub fn pair(a: &str, b: &str) -> String {
    format!("{a} {b}")
}

/// Character trigrams of a Hangul run of three syllables or more.
pub fn trigrams(run: &str) -> Vec<String> {
    let chars: Vec<char> = run.chars().collect();
    if chars.len() < 3 {
        return Vec::new();
    }
    chars.windows(3).map(|w| w.iter().collect()).collect()
}

impl FieldTokens {
    /// Analyses one more value of the field (a keyword, say); pairs do not cross values.
    pub fn push_value(&mut self, text: &str, stemmer: &mut EnglishStemmer) {
        self.previous.clear();
        for eojeol in eojeols(text) {
            for run in &eojeol {
                self.push_run(run, stemmer);
            }
        }
    }

    fn push_word(&mut self, word: String, pairs_from: &[String]) {
        for previous in pairs_from {
            self.st.push(pair(previous, &word));
        }
        self.st.push(word);
    }

    fn push_run(&mut self, run: &Run, stemmer: &mut EnglishStemmer) {
        let before = std::mem::take(&mut self.previous);
        match run.kind {
            RunKind::Hangul => {
                let stem = strip_josa(&run.text).to_owned();
                if stem != run.text {
                    self.st.push(run.text.clone());
                }
                self.push_word(stem.clone(), &before);
                self.previous = vec![stem];
                self.bi.extend(bigrams(&run.text));
                self.bi.extend(trigrams(&run.text));
            }
            RunKind::Alnum => {
                let mut from = before.clone();
                for part in &run.parts {
                    let word = stemmer.stem(part);
                    self.push_word(word.clone(), &from);
                    from = vec![word];
                    self.bi.push(part.clone());
                }
                if run.parts.len() > 1 {
                    let joined = stemmer.stem(&run.joined());
                    self.push_word(joined.clone(), &before);
                    from.push(joined);
                    self.bi.push(run.joined());
                }
                self.previous = from;
            }
        }
    }
}

/// Analyses one text value.
pub fn analyze(text: &str, stemmer: &mut EnglishStemmer) -> FieldTokens {
    let mut tokens = FieldTokens::default();
    tokens.push_value(text, stemmer);
    tokens
}

/// A key for matching text typed in different ways: normalised, without spaces, hyphens or
/// other separators ("Machine-Learning" and "machine learning" → "machinelearning").
pub fn compact_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        normalize_char(c, &mut out);
    }
    out.retain(|c| c.is_alphanumeric() || matches!(c, '+' | '#'));
    out
}

const CHOSEONG: [char; 19] = [
    'ㄱ', 'ㄲ', 'ㄴ', 'ㄷ', 'ㄸ', 'ㄹ', 'ㅁ', 'ㅂ', 'ㅃ', 'ㅅ', 'ㅆ', 'ㅇ', 'ㅈ', 'ㅉ', 'ㅊ', 'ㅋ', 'ㅌ', 'ㅍ', 'ㅎ',
];

/// Replaces every Hangul syllable with its initial consonant (초성): "데이터" → "ㄷㅇㅌ".
pub fn choseong(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{AC00}'..='\u{D7A3}' => CHOSEONG[((c as u32 - 0xAC00) / 588) as usize],
            _ => c,
        })
        .collect()
}

/// Whether the text holds a lone consonant jamo, i.e. was typed as 초성.
pub fn has_choseong(text: &str) -> bool {
    text.chars().any(|c| CHOSEONG.contains(&c))
}

/// Tokens made by hand, in order, as tantivy takes them for a field (no offsets).
pub fn pretokenized(tokens: Vec<String>) -> PreTokenizedString {
    PreTokenizedString {
        text: String::new(),
        tokens: tokens
            .into_iter()
            .enumerate()
            .map(|(position, text)| Token {
                offset_from: 0,
                offset_to: 0,
                position,
                text,
                position_length: 1,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(text: &str) -> Vec<Vec<String>> {
        eojeols(text)
            .into_iter()
            .map(|e| e.into_iter().map(|r| r.text).collect())
            .collect()
    }

    fn stems(text: &str) -> Vec<String> {
        let mut stemmer = EnglishStemmer::default();
        analyze(text, &mut stemmer).st
    }

    #[test]
    fn splits_at_script_boundaries() {
        assert_eq!(runs("생성형AI 활용"), vec![vec!["생성형", "ai"], vec!["활용"]]);
        assert_eq!(runs("챗GPT"), vec![vec!["챗", "gpt"]]);
        assert_eq!(runs("ＡＩ·데이터, LLM!"), vec![vec!["ai"], vec!["데이터"], vec!["llm"]]);
        // a particle after Latin is dropped, a real word is not
        assert_eq!(runs("AI를 Python으로"), vec![vec!["ai"], vec!["python"]]);
        assert_eq!(runs("AI활용"), vec![vec!["ai", "활용"]]);
        let gpt = &eojeols("GPT-4o와 c++")[..];
        assert_eq!(gpt[0][0].parts, vec!["gpt", "4o"]);
        assert_eq!(gpt[0][0].joined(), "gpt4o");
        assert_eq!(gpt[0].len(), 1, "와 after gpt-4o is a particle");
        assert_eq!(gpt[1][0].text, "c++");
        assert_eq!(runs("100시간"), vec![vec!["100", "시간"]]);
    }

    #[test]
    fn bigrams_and_unigrams() {
        assert_eq!(bigrams("데이터분석"), vec!["데이", "이터", "터분", "분석"]);
        assert_eq!(bigrams("챗"), vec!["챗"]);
        assert!(bigrams("").is_empty());
        assert_eq!(trigrams("데이터분석"), vec!["데이터", "이터분", "터분석"]);
        assert!(trigrams("분석").is_empty());
        let mut stemmer = EnglishStemmer::default();
        let tokens = analyze("데이터 분석", &mut stemmer);
        assert_eq!(tokens.bi, vec!["데이", "이터", "데이터", "분석"]);
    }

    #[test]
    fn josa_is_stripped_only_from_long_enough_stems() {
        assert_eq!(strip_josa("데이터를"), "데이터");
        assert_eq!(strip_josa("데이터의"), "데이터");
        assert_eq!(strip_josa("데이터들을"), "데이터");
        assert_eq!(strip_josa("파이썬으로"), "파이썬");
        assert_eq!(strip_josa("분석하는"), "분석");
        assert_eq!(strip_josa("현장에서"), "현장");
        assert_eq!(strip_josa("기초적인"), "기초");
        // the stem would be one syllable: left alone
        assert_eq!(strip_josa("파이"), "파이");
        assert_eq!(strip_josa("평가"), "평가");
        assert_eq!(strip_josa("역할"), "역할");
        assert_eq!(strip_josa("데이터"), "데이터");
        assert!(is_particle("를"));
        assert!(is_particle("에서는"));
        assert!(!is_particle("활용"));
        // every listed suffix strips from a two-syllable stem
        for josa in JOSA {
            let word = format!("학습{josa}");
            assert_eq!(strip_josa(&word), "학습", "{josa}");
        }
    }

    #[test]
    fn stem_stream_keeps_the_surface_form_and_adjacent_pairs() {
        assert_eq!(
            stems("데이터를 분석하는"),
            vec!["데이터를", "데이터", "분석하는", "데이터 분석", "분석"]
        );
        let mut stemmer = EnglishStemmer::default();
        let mut tokens = FieldTokens::default();
        tokens.push_value("머신 러닝", &mut stemmer);
        tokens.push_value("딥러닝", &mut stemmer);
        assert!(
            !tokens.st.contains(&"러닝 딥러닝".to_owned()),
            "pairs do not cross values"
        );
    }

    #[test]
    fn latin_is_stemmed_and_hyphenated_words_joined() {
        assert_eq!(stems("Fine-Tuning"), vec!["fine", "fine tune", "tune", "finetun"]);
        assert_eq!(stems("finetune"), vec!["finetun"]);
        assert_eq!(stems("learning models"), vec!["learn", "learn model", "model"]);
        assert_eq!(
            stems("LLM gpt-4o 활용"),
            vec![
                "llm",
                "llm gpt",
                "gpt",
                "gpt 4o",
                "4o",
                "llm gpt4o",
                "gpt4o",
                "4o 활용",
                "gpt4o 활용",
                "활용"
            ]
        );
        assert_eq!(stems("２０２６"), vec!["2026"]);
    }

    #[test]
    fn compact_keys_and_choseong() {
        assert_eq!(compact_key("Machine-Learning"), compact_key("machine learning"));
        assert_eq!(compact_key("챗 GPT"), "챗gpt");
        assert_eq!(choseong("데이터 분석"), "ㄷㅇㅌ ㅂㅅ");
        assert!(has_choseong("ㄷㅇㅌ"));
        assert!(!has_choseong("데이터"));
    }
}
