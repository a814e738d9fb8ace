//! Matching a Latin word nobody listed with the Hangul spelling courses use for it
//! ("physical" → 피지컬, "macro" → 매크로, "humanoid" → 휴머노이드).
//!
//! Korean writes English loanwords by sound, so the consonants survive and the vowels do not
//! reliably. Both spellings are reduced to a *consonant key*: each consonant sound to one of
//! a few classes (P for b/p/f/v and ㅂ/ㅍ, T for d/t and ㄷ/ㅌ or a final ㅅ, K, S for
//! s/z/j/ch/sh/soft c and g and ㅅ/ㅈ/ㅊ, L for l and r before a vowel, M, N, H, G for ng and a
//! final ㅇ), vowels dropped, repeats merged. A query word no list knows is searched as every
//! Hangul word of the index (course keywords, occupations, title words) with the same key of
//! at least [`MIN_KEY`] consonants.

use std::collections::HashMap;

/// Shortest key matched: two consonants match far too many unrelated words.
pub const MIN_KEY: usize = 3;

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u' | b'y' | b'w')
}

fn push(key: &mut String, class: char) {
    if !key.ends_with(class) {
        key.push(class);
    }
}

/// The consonant key of a lowercase Latin word, or `None` if it holds anything but letters.
pub fn latin_key(word: &str) -> Option<String> {
    let w = word.as_bytes();
    if w.is_empty() || !w.iter().all(u8::is_ascii_lowercase) {
        return None;
    }
    let at = |i: usize| w.get(i).copied().unwrap_or(0);
    let mut key = String::new();
    let mut i = 0;
    while i < w.len() {
        let c = w[i];
        let next = at(i + 1);
        let mut step = 1;
        match c {
            _ if is_vowel(c) => {}
            b'p' if next == b'h' => {
                push(&mut key, 'P');
                step = 2;
            }
            b't' | b's' if next == b'h' => {
                push(&mut key, 'S');
                step = 2;
            }
            b'c' if next == b'h' => {
                push(&mut key, 'S');
                step = 2;
            }
            b'g' if next == b'h' => step = 2,
            // -tion, -sion: 션
            b't' | b's' if next == b'i' && at(i + 2) == b'o' => push(&mut key, 'S'),
            b'c' if next == b'k' => {
                push(&mut key, 'K');
                step = 2;
            }
            b'c' | b'g' if matches!(next, b'e' | b'i' | b'y') => push(&mut key, 'S'),
            // "ng" before e, i, y is n + a soft g ("engineer" 엔지니어, "challenge" 챌린지)
            b'n' if next == b'g' && !matches!(at(i + 2), b'e' | b'i' | b'y') => {
                push(&mut key, 'G');
                step = 2;
                if is_vowel(at(i + 2)) {
                    push(&mut key, 'K');
                }
            }
            b'c' | b'k' | b'q' | b'g' => push(&mut key, 'K'),
            b'x' => {
                push(&mut key, 'K');
                push(&mut key, 'S');
            }
            b's' | b'z' | b'j' => push(&mut key, 'S'),
            b'b' | b'p' | b'f' | b'v' => push(&mut key, 'P'),
            b'd' | b't' => push(&mut key, 'T'),
            b'l' => push(&mut key, 'L'),
            // r is written only before a vowel (British-based 외래어 표기법: "marketing" 마케팅)
            b'r' if is_vowel(next) && next != b'w' => push(&mut key, 'L'),
            b'r' => {}
            b'm' => push(&mut key, 'M'),
            b'n' => push(&mut key, 'N'),
            b'h' if (i == 0 || is_vowel(at(i - 1))) && is_vowel(next) => push(&mut key, 'H'),
            _ => {}
        }
        i += step;
    }
    Some(key)
}

/// The consonant key of a Hangul word, or `None` if it holds anything but Hangul syllables.
pub fn hangul_key(word: &str) -> Option<String> {
    const INITIAL: [&str; 19] = [
        "K", "K", "N", "T", "T", "L", "M", "P", "P", "S", "S", "", "S", "S", "S", "K", "T", "P", "H",
    ];
    const FINAL: [&str; 28] = [
        "", "K", "K", "K", "N", "N", "N", "T", "L", "L", "L", "L", "L", "L", "L", "L", "M", "P", "P", "T", "T", "G",
        "T", "T", "K", "T", "P", "",
    ];
    let mut key = String::new();
    for c in word.chars() {
        let code = (c as u32).checked_sub(0xAC00).filter(|n| *n < 11172)?;
        let initial = (code / (21 * 28)) as usize;
        let last = (code % 28) as usize;
        for class in INITIAL[initial].chars().chain(FINAL[last].chars()) {
            push(&mut key, class);
        }
    }
    Some(key)
}

/// Hangul words of the index by consonant key.
#[derive(Debug, Default, Clone)]
pub struct SoundIndex {
    by_key: HashMap<String, Vec<String>>,
}

impl SoundIndex {
    /// Adds every Hangul run of `text` of two syllables or more.
    pub fn add(&mut self, text: &str) {
        for word in text.split(|c: char| !('\u{AC00}'..='\u{D7A3}').contains(&c)) {
            if word.chars().count() < 2 {
                continue;
            }
            if let Some(key) = hangul_key(word).filter(|k| k.len() >= MIN_KEY) {
                let words = self.by_key.entry(key).or_default();
                if !words.iter().any(|w| w == word) {
                    words.push(word.to_owned());
                }
            }
        }
    }

    /// The Hangul words that sound like the Latin `word`.
    pub fn lookup(&self, word: &str) -> &[String] {
        latin_key(word)
            .filter(|k| k.len() >= MIN_KEY)
            .and_then(|k| self.by_key.get(&k))
            .map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loanwords_and_their_hangul_spellings_share_a_key() {
        for (latin, hangul) in [
            ("physical", "피지컬"),
            ("humanoid", "휴머노이드"),
            ("macro", "매크로"),
            ("chatbot", "챗봇"),
            ("bootcamp", "부트캠프"),
            ("marketing", "마케팅"),
            ("platform", "플랫폼"),
            ("dashboard", "대시보드"),
            ("portfolio", "포트폴리오"),
            ("kiosk", "키오스크"),
            ("python", "파이썬"),
            ("engineer", "엔지니어"),
            ("streaming", "스트리밍"),
            ("metaverse", "메타버스"),
            ("coaching", "코칭"),
            ("insight", "인사이트"),
            ("animation", "애니메이션"),
            ("barista", "바리스타"),
        ] {
            assert_eq!(latin_key(latin), hangul_key(hangul), "{latin} / {hangul}");
        }
    }

    #[test]
    fn different_words_have_different_keys() {
        assert_ne!(latin_key("marketing"), hangul_key("마케터"));
        assert_ne!(latin_key("physical"), hangul_key("물리"));
        assert_eq!(latin_key("gpt-4"), None);
        assert_eq!(hangul_key("AI"), None);
    }

    #[test]
    fn lookup_needs_three_consonants() {
        let mut index = SoundIndex::default();
        index.add("피지컬 AI와 휴머노이드, 툴");
        assert_eq!(index.lookup("physical"), ["피지컬"]);
        assert_eq!(index.lookup("humanoid"), ["휴머노이드"]);
        assert!(index.lookup("tool").is_empty());
        assert!(index.lookup("unknown").is_empty());
    }
}
