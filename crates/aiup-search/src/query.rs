//! From the text a user typed to a tantivy query.
//!
//! The query is cut into *concepts*: a span of words found in the synonym list, or else one run
//! (a Hangul or alphanumeric piece of a word). Each concept is searched as several *variants*
//! (its own stem, its synonyms, a split of a compound into two known words), each variant as
//! a word or run of words on the stem fields (several words: their indexed adjacent pairs) and
//! as a substring on the bigram fields (its bigram, trigram, or all its trigrams), so that no
//! query reads positions.
//!
//! Scoring per concept, summed over concepts:
//! - for each zone group (title; keywords and occupation; summary and institution), a fixed
//!   **coverage bonus** when any variant matches there, plus that group's BM25 squashed into
//!   a bounded range (`scale · s / (s + k)`), so that a course matching more of the query's
//!   concepts outranks one matching a single concept many times, whatever the corpus size;
//! - partial credit for single bigrams and adjacent bigram pairs of long words (no bonus);
//! - a fixed, smaller credit for a fuzzy match (one edit) of a long word, when the word itself
//!   is rare in the index (a likely typo).

use std::collections::HashSet;

use tantivy::query::{
    BooleanQuery, BoostQuery, EnableScoring, Explanation, FuzzyTermQuery, Occur, Query, Scorer, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, Term};

use aiup_catalogue::Audience;

use crate::analysis::{
    bigrams, compact_key, eojeols, pair, run_stem, strip_josa, trigrams, EnglishStemmer, Run, RunKind,
};
use crate::audience::{AudienceQuery, AUDIENCE_BONUS};
use crate::coord::CoordQuery;
use crate::loansound::SoundIndex;
use crate::schema::{audience_bit, Fields, Zone, ZoneFields};
use crate::synonyms::Synonyms;

/// Most concepts taken from one query.
const MAX_CONCEPTS: usize = 10;
/// Weight of the substring clause against the stem clause (a substring also matches inside
/// compounds, so it is the weaker evidence).
const BIGRAM_PHRASE_WEIGHT: f32 = 0.7;
/// Weight of the unstripped surface form ("전문가" when the stem is "전문").
const SURFACE_WEIGHT: f32 = 0.5;
/// Weight of a compound split into two known words.
const SPLIT_WEIGHT: f32 = 0.9;
/// Weight of the single words of a phrase found in the synonym list.
const PHRASE_WORD_WEIGHT: f32 = 0.4;
/// How strongly a course is scaled by the share of the query's concepts it matches
/// (`(matched / all)^COORD_EXPONENT`).
const COORD_EXPONENT: f32 = 1.0;
/// Weight of a generic word ("업무", "실무") beside the query's other words.
const GENERIC_WEIGHT: f32 = 0.5;
/// Weight of a word naming an audience ("어르신") as text: weaker evidence, since the course's
/// audiences field carries the word's meaning.
const AUDIENCE_WORD_WEIGHT: f32 = 0.4;
/// Weight of a Hangul word found for a Latin word by sound ([`SoundIndex`]): a guess.
const SOUND_WEIGHT: f32 = 0.8;
/// Most Hangul words taken for one Latin word by sound.
const MAX_SOUND_MATCHES: usize = 4;
/// Weight of an unspaced compound cut into words, searched whole beside its words ("마케팅자동화"
/// also as the adjacent "마케팅 자동화").
const COMPOUND_WEIGHT: f32 = 0.6;
/// Longest unspaced Hangul run cut into words ([`Builder::segment`]).
const MAX_SEGMENTED_SYLLABLES: usize = 16;
/// BM25 saturation constant.
const SATURATION: f32 = 6.0;

/// (zones, coverage bonus, BM25 scale) per zone group.
const GROUPS: [(&[Zone], f32, f32); 3] = [
    (&[Zone::Title], 4.0, 2.0),
    (&[Zone::Keywords, Zone::Occupation], 2.5, 1.5),
    (&[Zone::Summary, Zone::Institution], 1.2, 1.0),
];
/// Partial credit for single bigrams (zone, weight) and its BM25 scale.
const WEAK_ZONES: [Zone; 2] = [Zone::Title, Zone::Keywords];
const WEAK_SCALE: f32 = 1.2;
const TRIGRAM_WEIGHT: f32 = 2.0;
/// Fixed credit for a fuzzy match, per zone.
const FUZZY: [(Zone, f32); 3] = [(Zone::Title, 1.5), (Zone::Keywords, 1.0), (Zone::Occupation, 0.6)];

/// One way of writing a concept.
#[derive(Debug, Clone, PartialEq)]
struct Variant {
    /// Stem tokens, searched as a term or phrase on the stem fields.
    st: Vec<String>,
    /// The unstripped surface form, where it differs.
    surface: Option<Vec<String>>,
    /// Per run, the text searched as a substring on the bigram fields (Hangul stem or the
    /// alphanumeric run joined).
    bi: Vec<String>,
    /// Only alphanumeric runs: the bigram field adds nothing.
    alnum_only: bool,
    weight: f32,
}

#[derive(Debug, Clone, Default)]
struct Concept {
    /// 1, or less for the single words of a phrase found in the synonym list and generic words.
    weight: f32,
    /// One word of a phrase found in the synonym list, searched on its own as weaker evidence.
    phrase_word: bool,
    /// A generic word (`generic` in the synonym file): weaker, and outside the coordination factor.
    generic: bool,
    /// The audiences the concept names (audiences.toml); such a concept is weaker text, and
    /// outside the coordination factor.
    audiences: Vec<Audience>,
    variants: Vec<Variant>,
    weak: Vec<String>,
    trigrams: Vec<String>,
    fuzzy: Option<String>,
}

impl Concept {
    fn push(&mut self, variant: Variant) {
        if let Some(existing) = self
            .variants
            .iter_mut()
            .find(|v| v.st == variant.st && v.bi == variant.bi)
        {
            existing.weight = existing.weight.max(variant.weight);
        } else {
            self.variants.push(variant);
        }
    }
}

fn variant_from_runs(runs: &[&Run], weight: f32, stemmer: &mut EnglishStemmer) -> Option<Variant> {
    if runs.is_empty() {
        return None;
    }
    let st: Vec<String> = runs.iter().map(|r| run_stem(r, stemmer)).collect();
    let surface: Vec<String> = runs
        .iter()
        .zip(&st)
        .map(|(r, s)| match r.kind {
            RunKind::Hangul => r.text.clone(),
            RunKind::Alnum => s.clone(),
        })
        .collect();
    let bi = runs
        .iter()
        .zip(&st)
        .map(|(r, s)| match r.kind {
            RunKind::Hangul => s.clone(),
            RunKind::Alnum => r.joined(),
        })
        .collect();
    Some(Variant {
        surface: (surface != st).then_some(surface),
        st,
        bi,
        alnum_only: runs.iter().all(|r| r.kind == RunKind::Alnum),
        weight,
    })
}

fn variant_from_text(text: &str, weight: f32, stemmer: &mut EnglishStemmer) -> Option<Variant> {
    let eojeols = eojeols(text);
    let runs: Vec<&Run> = eojeols.iter().flatten().collect();
    variant_from_runs(&runs, weight, stemmer)
}

/// Keys under which a span of eojeol may be in the synonym list: as typed, and with the
/// particles of its last Hangul run stripped.
fn span_keys(span: &[Vec<Run>]) -> Vec<String> {
    let runs: Vec<&Run> = span.iter().flatten().collect();
    let mut plain = String::new();
    let mut stripped = String::new();
    for (i, run) in runs.iter().enumerate() {
        plain.push_str(&run.joined());
        if i + 1 == runs.len() && run.kind == RunKind::Hangul {
            stripped.push_str(strip_josa(&run.text));
        } else {
            stripped.push_str(&run.joined());
        }
    }
    let mut keys = vec![plain];
    if stripped != keys[0] {
        keys.push(stripped);
    }
    // an English plural ("chatbots", "data analysts") is also looked up as the singular
    if let Some(last) = runs.last().filter(|r| r.kind == RunKind::Alnum) {
        let word = last.joined();
        let head = keys[0][..keys[0].len() - word.len()].to_owned();
        for singular in singulars(&word) {
            let key = format!("{head}{singular}");
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    keys
}

/// The singular forms an English plural may have ("analysts" → "analyst", "libraries" →
/// "library", "coaches" → "coach"); none for a word that does not look plural.
fn singulars(word: &str) -> Vec<String> {
    if word.len() < 4 || !word.ends_with('s') || !word.chars().all(|c| c.is_ascii_lowercase()) {
        return Vec::new();
    }
    if ["ss", "us", "is"].iter().any(|e| word.ends_with(e)) {
        return Vec::new();
    }
    let mut out = Vec::new();
    if let Some(stem) = word.strip_suffix("ies") {
        out.push(format!("{stem}y"));
    }
    if ["ches", "shes", "xes", "sses"].iter().any(|e| word.ends_with(e)) {
        out.push(word[..word.len() - 2].to_owned());
    }
    out.push(word[..word.len() - 1].to_owned());
    out
}

/// Context for building a query: what the index already holds decides compound splits and
/// whether a word is rare enough to be a typo.
pub(crate) struct Builder<'a> {
    pub fields: &'a Fields,
    pub searcher: &'a Searcher,
    pub synonyms: &'a Synonyms,
    /// Hangul words of the index by sound, for Latin words no list knows.
    pub sound: &'a SoundIndex,
    pub stemmer: EnglishStemmer,
}

impl Builder<'_> {
    fn zone(&self, zone: Zone) -> &ZoneFields {
        &self.fields.zones[Zone::ALL.iter().position(|z| *z == zone).unwrap_or(0)]
    }

    fn doc_freq(&self, zones: &[Zone], text: &str) -> u64 {
        zones
            .iter()
            .map(|z| {
                self.searcher
                    .doc_freq(&Term::from_field_text(self.zone(*z).st, text))
                    .unwrap_or(0)
            })
            .sum()
    }

    /// How well the index or the lists know a word: its document frequency in the stem fields,
    /// else 1 if a list holds it, else 0.
    fn known(&self, word: &str) -> u64 {
        let df = self.doc_freq(&[Zone::Title, Zone::Keywords, Zone::Occupation, Zone::Summary], word);
        if df > 0 {
            df
        } else {
            let key = compact_key(word);
            u64::from(self.synonyms.expand(&key).is_some() || self.synonyms.audiences(&key).is_some())
        }
    }

    /// Cuts a Hangul run typed without spaces that neither the index nor the lists know as one
    /// word ("엑셀데이터분석", "보안관제요원") into the fewest words they do know, preferring the cut
    /// whose rarest word is most common.
    fn segment(&self, run: &str) -> Option<Vec<String>> {
        let chars: Vec<char> = strip_josa(run).chars().collect();
        let n = chars.len();
        if !(4..=MAX_SEGMENTED_SYLLABLES).contains(&n) || self.known(&chars.iter().collect::<String>()) > 0 {
            return None;
        }
        // best[end]: (words, rarest word's frequency, where the last word starts) for chars[..end]
        let mut best: Vec<Option<(usize, u64, usize)>> = vec![None; n + 1];
        best[0] = Some((0, u64::MAX, 0));
        for end in 2..=n {
            for start in 0..=end - 2 {
                let Some((words, rarest, _)) = best[start] else {
                    continue;
                };
                let df = self.known(&chars[start..end].iter().collect::<String>());
                if df == 0 {
                    continue;
                }
                let candidate = (words + 1, rarest.min(df), start);
                if best[end].is_none_or(|b| candidate.0 < b.0 || (candidate.0 == b.0 && candidate.1 > b.1)) {
                    best[end] = Some(candidate);
                }
            }
        }
        let mut words = Vec::new();
        let mut end = n;
        while end > 0 {
            let (_, _, start) = best[end]?;
            words.push(chars[start..end].iter().collect::<String>());
            end = start;
        }
        words.reverse();
        (words.len() >= 2).then_some(words)
    }

    /// The query's eojeol, with unknown unspaced compounds cut as if typed with spaces, so that
    /// each word is looked up in the lists and counts as a concept of its own; and the
    /// compounds cut.
    fn segmented_eojeols(&self, text: &str) -> (Vec<Vec<Run>>, Vec<Run>) {
        let mut out = Vec::new();
        let mut compounds = Vec::new();
        for eojeol in eojeols(text) {
            let mut current = Vec::new();
            for run in eojeol {
                let words = if run.kind == RunKind::Hangul {
                    self.segment(&run.text)
                } else {
                    None
                };
                match words {
                    Some(words) => {
                        if !current.is_empty() {
                            out.push(std::mem::take(&mut current));
                        }
                        compounds.push(run.clone());
                        out.extend(words.into_iter().map(|w| {
                            vec![Run {
                                kind: RunKind::Hangul,
                                parts: vec![w.clone()],
                                text: w,
                            }]
                        }));
                    }
                    None => current.push(run),
                }
            }
            if !current.is_empty() {
                out.push(current);
            }
        }
        (out, compounds)
    }

    /// Cuts the text into concepts.
    fn concepts(&mut self, text: &str) -> Vec<Concept> {
        let (eojeols, compounds) = self.segmented_eojeols(text);
        let mut concepts = Vec::new();
        let mut seen = HashSet::new();
        let max_words = self.synonyms.max_words();
        let mut i = 0;
        while i < eojeols.len() && concepts.len() < MAX_CONCEPTS {
            if let Some(len) = self.audience_span(&eojeols[i..], &mut seen, &mut concepts) {
                i += len;
                continue;
            }
            let mut matched = 0;
            for len in (1..=max_words.min(eojeols.len() - i)).rev() {
                let span = &eojeols[i..i + len];
                for key in span_keys(span) {
                    if let Some(expansions) = self.synonyms.expand(&key) {
                        if seen.insert(key.clone()) {
                            let runs: Vec<&Run> = span.iter().flatten().collect();
                            let mut concept = if runs.len() == 1 {
                                self.concept_of_run(runs[0])
                            } else {
                                let mut c = Concept {
                                    weight: 1.0,
                                    ..Concept::default()
                                };
                                if let Some(v) = variant_from_runs(&runs, 1.0, &mut self.stemmer) {
                                    c.push(v);
                                }
                                c
                            };
                            for e in expansions {
                                if let Some(v) = variant_from_text(&e.text, e.weight, &mut self.stemmer) {
                                    concept.push(v);
                                }
                            }
                            concepts.push(concept);
                            if runs.len() > 1 {
                                // The words of the phrase on their own, for courses that use
                                // them apart ("영상 콘텐츠 편집" for "영상 편집"), as weaker evidence.
                                for run in runs {
                                    let key = run_stem(run, &mut self.stemmer);
                                    if concepts.len() < MAX_CONCEPTS && seen.insert(key) {
                                        // no sound match: the phrase's own expansions carry its meaning
                                        let mut part = self.concept_of_run_by(run, false);
                                        part.weight = PHRASE_WORD_WEIGHT;
                                        part.phrase_word = true;
                                        concepts.push(part);
                                    }
                                }
                            }
                        }
                        matched = len;
                        break;
                    }
                }
                if matched > 0 {
                    break;
                }
            }
            if matched > 0 {
                i += matched;
                continue;
            }
            for run in &eojeols[i] {
                let key = run_stem(run, &mut self.stemmer);
                if concepts.len() < MAX_CONCEPTS && seen.insert(key) {
                    let concept = self.concept_of_run(run);
                    concepts.push(concept);
                }
            }
            i += 1;
        }
        for compound in compounds {
            if concepts.len() < MAX_CONCEPTS {
                let mut whole = self.concept_of_run(&compound);
                whole.weight = COMPOUND_WEIGHT;
                whole.phrase_word = true;
                whole.generic = false;
                concepts.push(whole);
            }
        }
        concepts
    }

    /// A word (or words) at the start of `eojeols` that names an audience ("어르신", "경력 단절
    /// 여성"), as one concept; the number of eojeol taken.
    fn audience_span(
        &mut self,
        eojeols: &[Vec<Run>],
        seen: &mut HashSet<String>,
        concepts: &mut Vec<Concept>,
    ) -> Option<usize> {
        for len in (1..=self.synonyms.max_audience_words().min(eojeols.len())).rev() {
            let span = &eojeols[..len];
            for key in span_keys(span) {
                let Some(audiences) = self.synonyms.audiences(&key) else {
                    continue;
                };
                let audiences = audiences.to_vec();
                let runs: Vec<&Run> = span.iter().flatten().collect();
                if seen.insert(key) {
                    let mut concept = if let [run] = runs[..] {
                        self.concept_of_run(run)
                    } else {
                        let mut c = Concept {
                            weight: 1.0,
                            ..Concept::default()
                        };
                        if let Some(v) = variant_from_runs(&runs, 1.0, &mut self.stemmer) {
                            c.push(v);
                        }
                        c
                    };
                    concept.audiences = audiences;
                    concepts.push(concept);
                }
                return Some(len);
            }
        }
        None
    }

    fn concept_of_run(&mut self, run: &Run) -> Concept {
        self.concept_of_run_by(run, true)
    }

    /// The concept of one run; `by_sound`: a Latin word no list knows is also searched as the
    /// Hangul words that sound like it.
    fn concept_of_run_by(&mut self, run: &Run, by_sound: bool) -> Concept {
        let mut concept = Concept {
            weight: 1.0,
            ..Concept::default()
        };
        if let Some(audiences) = span_keys(std::slice::from_ref(&vec![run.clone()]))
            .iter()
            .find_map(|k| self.synonyms.audiences(k))
        {
            // an audience word inside a compound ("중장년AI")
            concept.audiences = audiences.to_vec();
        }
        let keys = span_keys(std::slice::from_ref(&vec![run.clone()]));
        let generic_synonym = keys.iter().any(|k| {
            self.synonyms
                .expand(k)
                .is_some_and(|e| e.iter().any(|e| e.weight == 1.0 && self.synonyms.is_generic(&e.text)))
        });
        if generic_synonym
            || self.synonyms.is_generic(&run_stem(run, &mut self.stemmer))
            || keys.iter().any(|k| self.synonyms.is_generic(k))
        {
            concept.generic = true;
            concept.weight = GENERIC_WEIGHT;
        }
        if let Some(v) = variant_from_runs(&[run], 1.0, &mut self.stemmer) {
            concept.push(v);
        }
        // A word alone may be in the synonym list ("머신러닝" inside "머신러닝기초" is not, but
        // "AI" in "생성형AI" is).
        let mut listed = false;
        for key in span_keys(std::slice::from_ref(&vec![run.clone()])) {
            if let Some(expansions) = self.synonyms.expand(&key) {
                for e in expansions {
                    if let Some(v) = variant_from_text(&e.text, e.weight, &mut self.stemmer) {
                        concept.push(v);
                    }
                }
                listed = true;
                break;
            }
        }
        if by_sound && !listed && run.kind == RunKind::Alnum {
            // a Latin word no list knows: the Hangul words of the index that sound like it
            // ("physical" → 피지컬), as typed and as a singular
            let word = run.joined();
            let mut found: Vec<String> = Vec::new();
            for form in std::iter::once(word.clone()).chain(singulars(&word)) {
                for hangul in self.sound.lookup(&form) {
                    if found.len() < MAX_SOUND_MATCHES && !found.contains(hangul) {
                        found.push(hangul.clone());
                    }
                }
            }
            for hangul in found {
                if let Some(v) = variant_from_text(&hangul, SOUND_WEIGHT, &mut self.stemmer) {
                    concept.push(v);
                }
            }
        }
        let stem = run_stem(run, &mut self.stemmer);
        let n = stem.chars().count();
        match run.kind {
            RunKind::Hangul => {
                if n >= 3 {
                    concept.weak = bigrams(&stem);
                }
                if n >= 4 {
                    concept.trigrams = trigrams(&stem);
                    if let Some(v) = self.split(&stem) {
                        concept.push(v);
                    }
                }
                if n >= 3 {
                    concept.fuzzy = Some(stem.clone());
                }
            }
            RunKind::Alnum => {
                if run.parts.len() > 1 {
                    // "fine-tuning" also as the phrase "fine tuning"
                    let parts: Vec<String> = run.parts.iter().map(|p| self.stemmer.stem(p)).collect();
                    concept.push(Variant {
                        bi: vec![run.joined()],
                        st: parts,
                        surface: None,
                        alnum_only: true,
                        weight: 1.0,
                    });
                }
                if run.joined().chars().count() >= 5 {
                    concept.fuzzy = Some(stem.clone());
                }
            }
        }
        if let Some(word) = &concept.fuzzy {
            // Only a rare word is taken for a typo.
            let threshold = (self.searcher.num_docs() / 2000).max(2);
            if self.doc_freq(&[Zone::Title, Zone::Keywords, Zone::Occupation], word) >= threshold {
                concept.fuzzy = None;
            }
        }
        concept
    }

    /// Splits a compound typed without spaces into two words the index knows
    /// ("데이터분석" → "데이터" + "분석"), preferring the split whose rarer half is most common.
    fn split(&self, stem: &str) -> Option<Variant> {
        let chars: Vec<char> = stem.chars().collect();
        if chars.len() > 12 {
            return None;
        }
        let zones = [Zone::Title, Zone::Keywords, Zone::Summary];
        let mut best: Option<(u64, String, String)> = None;
        for cut in 2..=chars.len() - 2 {
            let left: String = chars[..cut].iter().collect();
            let right: String = chars[cut..].iter().collect();
            let df = self.doc_freq(&zones, &left).min(self.doc_freq(&zones, &right));
            if df > 0 && best.as_ref().is_none_or(|b| df > b.0) {
                best = Some((df, left, right));
            }
        }
        let (_, left, right) = best?;
        Some(Variant {
            bi: vec![left.clone(), right.clone()],
            st: vec![left, right],
            surface: None,
            alnum_only: false,
            weight: SPLIT_WEIGHT,
        })
    }

    /// The query for the text, or `None` if it holds no words.
    pub fn build(&mut self, text: &str) -> Option<Box<dyn Query>> {
        let mut concepts = self.concepts(text);
        if concepts.is_empty() {
            return None;
        }
        let all_generic = concepts
            .iter()
            .all(|c| c.generic || c.phrase_word || !c.audiences.is_empty());
        if all_generic {
            // nothing but generic and audience words ("시니어"): searched as plain text
            for concept in concepts.iter_mut().filter(|c| c.generic || !c.audiences.is_empty()) {
                concept.weight = 1.0;
                concept.audiences.clear();
            }
        }
        let mask = concepts
            .iter()
            .flat_map(|c| &c.audiences)
            .fold(0, |mask, a| mask | audience_bit(*a));
        let mut primary: Vec<Box<dyn Query>> = Vec::new();
        // generic words: counted only beside the query's other words (see `CoordQuery::extras`)
        let mut extras: Vec<Box<dyn Query>> = Vec::new();
        let mut top = Vec::new();
        for concept in &concepts {
            let clauses = self.concept_query(concept);
            if !clauses.is_empty() {
                let query: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
                let audience = !concept.audiences.is_empty();
                let weight = if audience { AUDIENCE_WORD_WEIGHT } else { concept.weight };
                let query = if weight == 1.0 {
                    query
                } else {
                    Box::new(BoostQuery::new(query, weight))
                };
                if concept.generic && !all_generic {
                    extras.push(query);
                } else if concept.phrase_word || audience {
                    top.push((Occur::Should, query));
                } else {
                    primary.push(query);
                }
            }
        }
        let main: Option<Box<dyn Query>> = if primary.len() > 1 || (!primary.is_empty() && !extras.is_empty()) {
            Some(Box::new(CoordQuery {
                clauses: primary,
                extras,
                exponent: COORD_EXPONENT,
            }))
        } else {
            primary.pop()
        };
        if let Some(main) = main {
            let main = if mask == 0 {
                main
            } else {
                Box::new(AudienceQuery {
                    inner: main,
                    mask,
                    bonus: AUDIENCE_BONUS,
                })
            };
            top.push((Occur::Should, main));
        }
        Some(Box::new(BooleanQuery::new(top)))
    }

    fn concept_query(&self, concept: &Concept) -> Vec<(Occur, Box<dyn Query>)> {
        let mut out: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut weights: Vec<f32> = concept.variants.iter().map(|v| v.weight).collect();
        weights.sort_by(|a, b| b.total_cmp(a));
        weights.dedup();
        for (zones, bonus, scale) in GROUPS {
            let body = zones.contains(&Zone::Summary);
            if body && concept.phrase_word {
                // the single words of a synonym phrase: title, keywords and occupation only
                continue;
            }
            for &weight in &weights {
                let mut clauses = Vec::new();
                for variant in concept.variants.iter().filter(|v| v.weight == weight) {
                    for &zone in zones {
                        self.variant_clauses(variant, self.zone(zone), &mut clauses);
                    }
                }
                if !clauses.is_empty() {
                    out.push((
                        Occur::Should,
                        Box::new(ShapedQuery {
                            inner: Box::new(BooleanQuery::new(clauses)),
                            bonus: bonus * weight,
                            scale: scale * weight,
                        }),
                    ));
                }
            }
        }
        let mut weak: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for zone in WEAK_ZONES {
            let field = self.zone(zone).bi;
            for bigram in &concept.weak {
                weak.push(boosted(term(field, bigram), zone.boost()));
            }
            for trigram in &concept.trigrams {
                weak.push(boosted(term(field, trigram), zone.boost() * TRIGRAM_WEIGHT));
            }
        }
        if !weak.is_empty() {
            out.push((
                Occur::Should,
                Box::new(ShapedQuery {
                    inner: Box::new(BooleanQuery::new(weak)),
                    bonus: 0.0,
                    scale: WEAK_SCALE,
                }),
            ));
        }
        if let Some(word) = &concept.fuzzy {
            for (zone, credit) in FUZZY {
                let fuzzy = FuzzyTermQuery::new(Term::from_field_text(self.zone(zone).st, word), 1, true);
                out.push(boosted(Box::new(fuzzy), credit));
            }
        }
        out
    }

    fn variant_clauses(&self, v: &Variant, zone: &ZoneFields, out: &mut Vec<(Occur, Box<dyn Query>)>) {
        let boost = zone.zone.boost();
        if matches!(zone.zone, Zone::Summary | Zone::Institution) {
            // Long text: words only.
            out.push(boosted(words(zone.st, &v.st), boost));
            return;
        }
        out.push(boosted(words(zone.st, &v.st), boost));
        if let Some([surface]) = v.surface.as_deref() {
            out.push(boosted(term(zone.st, surface), boost * SURFACE_WEIGHT));
        }
        if !v.alnum_only {
            let mut terms: Vec<String> = Vec::new();
            for text in &v.bi {
                for t in substring_terms(text) {
                    if !terms.contains(&t) {
                        terms.push(t);
                    }
                }
            }
            if !terms.is_empty() {
                let weight = BIGRAM_PHRASE_WEIGHT / (terms.len() as f32).sqrt();
                out.push(boosted(all_of(zone.bi, &terms), boost * weight));
            }
        }
    }
}

/// The bigram-field terms that find `text` as a substring: itself up to three characters
/// (unigram, bigram, trigram), else all its trigrams.
fn substring_terms(text: &str) -> Vec<String> {
    if text.chars().count() <= 3 || !text.chars().all(crate::analysis::is_hangul_like) {
        vec![text.to_owned()]
    } else {
        trigrams(text)
    }
}

fn term(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

/// Documents holding every one of the terms.
fn all_of(field: Field, terms: &[String]) -> Box<dyn Query> {
    if let [one] = terms {
        return term(field, one);
    }
    Box::new(BooleanQuery::new(
        terms.iter().map(|t| (Occur::Must, term(field, t))).collect(),
    ))
}

/// A run of words on a stem field: one word, or its adjacent pairs (indexed as tokens).
fn words(field: Field, words: &[String]) -> Box<dyn Query> {
    if let [one] = words {
        return term(field, one);
    }
    let pairs: Vec<String> = words.windows(2).map(|w| pair(&w[0], &w[1])).collect();
    all_of(field, &pairs)
}

fn boosted(query: Box<dyn Query>, boost: f32) -> (Occur, Box<dyn Query>) {
    (Occur::Should, Box::new(BoostQuery::new(query, boost)))
}

/// Wraps a query: a matching document scores `bonus + scale · s / (s + k)` where `s` is the
/// inner score. The bonus rewards *that* it matched, the squashed score *how well*.
#[derive(Debug)]
struct ShapedQuery {
    inner: Box<dyn Query>,
    bonus: Score,
    scale: Score,
}

impl Clone for ShapedQuery {
    fn clone(&self) -> Self {
        ShapedQuery {
            inner: self.inner.box_clone(),
            bonus: self.bonus,
            scale: self.scale,
        }
    }
}

impl Query for ShapedQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let inner = self.inner.weight(enable_scoring)?;
        if !enable_scoring.is_scoring_enabled() {
            return Ok(inner);
        }
        Ok(Box::new(ShapedWeight {
            inner,
            bonus: self.bonus,
            scale: self.scale,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct ShapedWeight {
    inner: Box<dyn Weight>,
    bonus: Score,
    scale: Score,
}

fn shape(score: Score, bonus: Score, scale: Score) -> Score {
    let s = score.max(0.0);
    bonus + scale * s / (s + SATURATION)
}

impl Weight for ShapedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(ShapedScorer {
            inner: self.inner.scorer(reader, 1.0)?,
            bonus: self.bonus * boost,
            scale: self.scale * boost,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let inner = self.inner.explain(reader, doc)?;
        let mut explanation = Explanation::new_with_string(
            format!("{} + {} · s / (s + {SATURATION})", self.bonus, self.scale),
            shape(inner.value(), self.bonus, self.scale),
        );
        explanation.add_detail(inner);
        Ok(explanation)
    }
}

struct ShapedScorer {
    inner: Box<dyn Scorer>,
    bonus: Score,
    scale: Score,
}

impl DocSet for ShapedScorer {
    fn advance(&mut self) -> DocId {
        self.inner.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.inner.seek(target)
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }

    fn cost(&self) -> u64 {
        self.inner.cost()
    }
}

impl Scorer for ShapedScorer {
    fn score(&mut self) -> Score {
        shape(self.inner.score(), self.bonus, self.scale)
    }
}
