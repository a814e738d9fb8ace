//! Telling a catalogue file's text encoding before it is read: the catalogue is UTF-8, and a
//! file saved by Excel in Korean Windows (CP949, a superset of EUC-KR) or as "Unicode text"
//! (UTF-16) is refused naming its encoding and how to convert it, instead of a bare
//! "invalid UTF-8" or a wall of garbled-cell errors.

use std::fmt;

/// An encoding the catalogue does not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Foreign {
    /// UTF-16, little-endian (with a BOM, or told by the NUL after each ASCII byte).
    Utf16Le,
    /// UTF-16, big-endian.
    Utf16Be,
    /// Korean Windows code page 949, or EUC-KR (a subset of it).
    Cp949,
    /// Not UTF-8, and none of the above.
    Unknown,
}

/// Why bytes are not a UTF-8 catalogue file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct NotUtf8 {
    pub encoding: Foreign,
    /// The 1-based line of the first byte that is not UTF-8 (0 for UTF-16, told at once).
    pub line: usize,
}

impl Foreign {
    /// The name `iconv -f` knows the encoding by.
    pub fn iconv_name(self) -> Option<&'static str> {
        match self {
            Foreign::Utf16Le => Some("UTF-16LE"),
            Foreign::Utf16Be => Some("UTF-16BE"),
            Foreign::Cp949 => Some("CP949"),
            Foreign::Unknown => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Foreign::Utf16Le => "UTF-16 (little-endian)",
            Foreign::Utf16Be => "UTF-16 (big-endian)",
            Foreign::Cp949 => "CP949/EUC-KR (Korean Windows)",
            Foreign::Unknown => "not UTF-8",
        }
    }
}

impl fmt::Display for NotUtf8 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.encoding.iconv_name() {
            Some(name) => write!(
                f,
                "the file is encoded in {}, not UTF-8; convert it first, e.g. `iconv -f {name} -t UTF-8 FILE > FILE-utf8` (or save it from Excel as \"CSV UTF-8\")",
                self.encoding.label()
            ),
            None => write!(
                f,
                "the file is not UTF-8 (the first bad byte is on line {}); save it as UTF-8 (in Excel: \"CSV UTF-8\") and import again",
                self.line
            ),
        }
    }
}

/// The text of a catalogue file: UTF-8, with or without a BOM (the BOM is dropped).
pub fn decode(bytes: &[u8]) -> Result<&str, NotUtf8> {
    let utf16 = |encoding| Err(NotUtf8 { encoding, line: 0 });
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return utf16(Foreign::Utf16Le);
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return utf16(Foreign::Utf16Be);
    }
    if let Some(encoding) = utf16_by_nuls(bytes) {
        return utf16(encoding);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.strip_prefix('\u{feff}').unwrap_or(text)),
        Err(e) => {
            let line = 1 + bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count();
            let encoding = if is_cp949(bytes) {
                Foreign::Cp949
            } else {
                Foreign::Unknown
            };
            Err(NotUtf8 { encoding, line })
        }
    }
}

/// UTF-16 without a BOM: text files are mostly ASCII (digits, commas, ids), which UTF-16 writes
/// as the byte and a NUL. A NUL in most pairs at the same position tells the byte order.
fn utf16_by_nuls(bytes: &[u8]) -> Option<Foreign> {
    let head = &bytes[..bytes.len().min(4096) & !1];
    let pairs = head.len() / 2;
    if pairs < 2 {
        return None;
    }
    let (mut even, mut odd) = (0, 0);
    for pair in head.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    // Hangul in UTF-16 has no NULs, so a third of the pairs is already a strong sign.
    match (even * 3 >= pairs, odd * 3 >= pairs) {
        (false, true) => Some(Foreign::Utf16Le),
        (true, false) => Some(Foreign::Utf16Be),
        _ => None,
    }
}

/// Whether every non-ASCII byte is part of a CP949 double-byte character (lead 0x81–0xFE,
/// trail 0x41–0x5A, 0x61–0x7A or 0x81–0xFE): how EUC-KR and CP949 files read.
fn is_cp949(bytes: &[u8]) -> bool {
    let mut rest = bytes.iter();
    while let Some(&b) = rest.next() {
        if b < 0x80 {
            continue;
        }
        let lead = (0x81..=0xFE).contains(&b);
        let trail = rest
            .next()
            .is_some_and(|&t| matches!(t, 0x41..=0x5A | 0x61..=0x7A | 0x81..=0xFE));
        if !(lead && trail) {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "id,title\nA-1,데이터 분석\n" in EUC-KR: 데 B5A5, 이 C0CC, 터 C5CD, 분 BAD0, 석 BCAE.
    const EUC_KR: &[u8] = b"id,title\nA-1,\xB5\xA5\xC0\xCC\xC5\xCD \xBA\xD0\xBC\xAE\n";

    fn utf16le(text: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        out
    }

    #[test]
    fn utf8_is_read_with_or_without_a_bom() {
        assert_eq!(decode("id,제목\n".as_bytes()), Ok("id,제목\n"));
        assert_eq!(decode("\u{feff}id,제목\n".as_bytes()), Ok("id,제목\n"));
        assert_eq!(decode(b""), Ok(""));
    }

    #[test]
    fn euc_kr_is_named_with_an_iconv_hint() {
        let e = decode(EUC_KR).expect_err("EUC-KR");
        assert_eq!(e.encoding, Foreign::Cp949);
        assert_eq!(e.line, 2);
        let text = e.to_string();
        assert!(
            text.contains("CP949") && text.contains("iconv -f CP949 -t UTF-8"),
            "{text}"
        );
    }

    #[test]
    fn utf16_is_named_with_or_without_a_bom() {
        let text = "id,title\nA-1,데이터 분석\n";
        assert_eq!(
            decode(&utf16le(text, true)).map_err(|e| e.encoding),
            Err(Foreign::Utf16Le)
        );
        assert_eq!(
            decode(&utf16le(text, false)).map_err(|e| e.encoding),
            Err(Foreign::Utf16Le)
        );
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode(&be).map_err(|e| e.encoding), Err(Foreign::Utf16Be));
        assert!(decode(&utf16le(text, true))
            .expect_err("utf-16")
            .to_string()
            .contains("iconv -f UTF-16LE -t UTF-8"));
    }

    #[test]
    fn other_bytes_are_not_utf8_with_their_line() {
        let e = decode(b"id\n\xFF\xFF\xFF\n").expect_err("junk");
        assert_eq!((e.encoding, e.line), (Foreign::Unknown, 2));
        assert!(e.to_string().contains("line 2"), "{e}");
    }
}
