//! Small facts about Korean script that pages and messages need.

/// A Hangul syllable (가–힣) or compatibility jamo (ㄱ–ㆎ).
pub fn is_hangul(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c) || ('\u{3131}'..='\u{318E}').contains(&c)
}

/// A Korean noun with its topic particle: 은 after a final consonant, 는 after a vowel (or a
/// last character that is not a Hangul syllable, as in "AI는").
pub fn with_topic_particle(noun: &str) -> String {
    let ends_in_consonant = noun
        .chars()
        .last()
        .filter(|c| ('\u{AC00}'..='\u{D7A3}').contains(c))
        .is_some_and(|c| !(c as u32 - 0xAC00).is_multiple_of(28));
    format!("{noun}{}", if ends_in_consonant { "은" } else { "는" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_topic_particle_follows_the_last_syllable() {
        assert_eq!(with_topic_particle("재직자"), "재직자는");
        assert_eq!(with_topic_particle("자영업자"), "자영업자는");
        assert_eq!(with_topic_particle("학생"), "학생은");
        assert_eq!(with_topic_particle("AI"), "AI는");
    }

    #[test]
    fn hangul_is_syllables_and_jamo_only() {
        assert!(is_hangul('가') && is_hangul('ㄱ'));
        assert!(!is_hangul('A') && !is_hangul('漢') && !is_hangul('1'));
    }
}
