//! A dashboard table: one model rendered as an HTML table, a CSV file and an XLSX workbook, so
//! the page, the download and the spreadsheet always hold the same numbers. Every dashboard
//! table is a [`DataTable`]; a page answers `?format=csv|xlsx&table=<id>` with
//! [`export_response`] and offers the files with [`download_links`].
//!
//! XLSX is written by `rust_xlsxwriter` (ARCHITECTURE.md says why): numbers are stored as
//! numbers (won and counts as integers, shares as fractions with a percent format), so a
//! spreadsheet sums them without re-typing.

use super::super::widgets::href;
use crate::i18n::Lang;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};

/// What a column holds, which decides how a cell is shown and exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// A count (people, firms, sites).
    Count,
    /// Integer won.
    Won,
    /// A share in basis points (10,000 = 100%).
    Percent,
    /// A calendar date.
    Date,
}

/// One cell. `Missing` is shown as "–" and exported empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// Basis points.
    Bp(i64),
    Date(chrono::NaiveDate),
    Missing,
}

/// A column: its header in Korean and English, and what it holds.
#[derive(Debug, Clone)]
pub struct Column {
    pub ko: String,
    pub en: String,
    pub kind: Kind,
}

impl Column {
    pub fn new(ko: &str, en: &str, kind: Kind) -> Column {
        Column {
            ko: ko.to_owned(),
            en: en.to_owned(),
            kind,
        }
    }
}

/// A table of a dashboard page.
#[derive(Debug, Clone)]
pub struct DataTable {
    /// Unique on the page and stable: the `table=` of its downloads and the file's name.
    pub id: String,
    pub caption_ko: String,
    pub caption_en: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// A last row of totals, shown in `tfoot` and exported last.
    pub footer: Option<Vec<Cell>>,
}

/// A count with thousands separators (won: `Won`'s own display, "₩1,234,567").
pub use aiup_core::money::grouped;

/// Basis points as a percentage with one decimal: 6780 → "67.8%" (rounded half away from zero).
pub fn percent(bp: i64) -> String {
    let tenths = (bp.abs() + 5) / 10;
    let sign = if bp < 0 && tenths > 0 { "-" } else { "" };
    format!("{sign}{}.{}%", tenths / 10, tenths % 10)
}

impl Cell {
    /// The cell as the page shows it.
    pub fn shown(&self, kind: Kind) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Int(n) if kind == Kind::Won => aiup_core::money::Won(*n).to_string(),
            Cell::Int(n) => grouped(*n),
            Cell::Bp(bp) => percent(*bp),
            Cell::Date(d) => d.to_string(),
            Cell::Missing => "–".to_owned(),
        }
    }

    /// The cell in a CSV file: plain numbers (no separators, no unit), shares as percentages
    /// with one decimal.
    fn csv(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Bp(bp) => percent(*bp).trim_end_matches('%').to_owned(),
            Cell::Date(d) => d.to_string(),
            Cell::Missing => String::new(),
        }
    }
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

impl DataTable {
    pub fn caption(&self, lang: Lang) -> &str {
        lang.pick(&self.caption_ko, &self.caption_en)
    }

    /// The table as HTML: a caption, column headers, numbers right-aligned (class `num`).
    pub fn render(&self, lang: Lang) -> Markup {
        let num = |kind: Kind| matches!(kind, Kind::Count | Kind::Won | Kind::Percent);
        html! {
            div.table-scroll role="region" aria-labelledby=(format!("{}-caption", self.id)) tabindex="0" {
                table.data #(self.id) {
                    caption #(format!("{}-caption", self.id)) { (self.caption(lang)) }
                    thead { tr { @for c in &self.columns {
                        th scope="col" class=[num(c.kind).then_some("num")] { (lang.pick(&c.ko, &c.en)) }
                    } } }
                    tbody { @for row in &self.rows { tr {
                        @for (i, (cell, c)) in row.iter().zip(&self.columns).enumerate() {
                            @if i == 0 { th scope="row" { (cell.shown(c.kind)) } }
                            @else { td class=[num(c.kind).then_some("num")] { (cell.shown(c.kind)) } }
                        }
                    } } }
                    @if let Some(footer) = &self.footer {
                        tfoot { tr {
                            @for (i, (cell, c)) in footer.iter().zip(&self.columns).enumerate() {
                                @if i == 0 { th scope="row" { (cell.shown(c.kind)) } }
                                @else { td class=[num(c.kind).then_some("num")] { (cell.shown(c.kind)) } }
                            }
                        } }
                    }
                }
            }
        }
    }

    /// The table as CSV (UTF-8 with a byte-order mark, so spreadsheets read Korean): one header
    /// row in `lang`, the rows, then the footer.
    pub fn to_csv(&self, lang: Lang) -> String {
        let mut out = String::from("\u{feff}");
        let heads: Vec<String> = self
            .columns
            .iter()
            .map(|c| csv_field(lang.pick(&c.ko, &c.en)))
            .collect();
        out.push_str(&heads.join(","));
        out.push_str("\r\n");
        for row in self.rows.iter().chain(self.footer.iter()) {
            let cells: Vec<String> = row.iter().map(|c| csv_field(&c.csv())).collect();
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        }
        out
    }

    /// The table as an XLSX workbook of one sheet: the caption in the first row, the headers in
    /// the second, then the rows and the footer. Counts and won are integers, shares fractions
    /// formatted as percentages, dates dates.
    pub fn to_xlsx(&self, lang: Lang) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        use rust_xlsxwriter::{Format, Workbook};
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        let bold = Format::new().set_bold();
        let won = Format::new().set_num_format("#,##0");
        let share = Format::new().set_num_format("0.0%");
        let date = Format::new().set_num_format("yyyy-mm-dd");
        sheet.write_string_with_format(0, 0, self.caption(lang), &bold)?;
        for (col, c) in (0u16..).zip(&self.columns) {
            sheet.write_string_with_format(1, col, lang.pick(&c.ko, &c.en), &bold)?;
        }
        for (row, cells) in (2u32..).zip(self.rows.iter().chain(self.footer.iter())) {
            for (col, cell) in (0u16..).zip(cells) {
                match cell {
                    Cell::Text(t) => {
                        sheet.write_string(row, col, t)?;
                    }
                    #[allow(clippy::cast_precision_loss)] // counts and won far below 2^53
                    Cell::Int(n) => {
                        sheet.write_number_with_format(row, col, *n as f64, &won)?;
                    }
                    #[allow(clippy::cast_precision_loss)]
                    Cell::Bp(bp) => {
                        sheet.write_number_with_format(row, col, *bp as f64 / 10_000.0, &share)?;
                    }
                    Cell::Date(d) => {
                        let when = rust_xlsxwriter::ExcelDateTime::from_ymd(
                            u16::try_from(chrono::Datelike::year(d)).unwrap_or(1900),
                            u8::try_from(chrono::Datelike::month(d)).unwrap_or(1),
                            u8::try_from(chrono::Datelike::day(d)).unwrap_or(1),
                        )?;
                        sheet.write_datetime_with_format(row, col, &when, &date)?;
                    }
                    Cell::Missing => {}
                }
            }
        }
        sheet.autofit();
        workbook.save_to_buffer()
    }
}

/// Which file a page was asked for (`?format=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn parse(text: Option<&str>) -> Option<Format> {
        match text {
            Some("csv") => Some(Format::Csv),
            Some("xlsx") => Some(Format::Xlsx),
            _ => None,
        }
    }
}

/// The download of `table` in `format`, named after the table and the figures' date.
pub fn export_response(table: &DataTable, format: Format, lang: Lang, date: chrono::NaiveDate) -> Response {
    let (body, content_type, ext) = match format {
        Format::Csv => (table.to_csv(lang).into_bytes(), "text/csv; charset=utf-8", "csv"),
        Format::Xlsx => match table.to_xlsx(lang) {
            Ok(bytes) => (
                bytes,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
            ),
            Err(e) => {
                tracing::error!(error = %e, table = %table.id, "xlsx export failed");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        },
    };
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"aiup-{}-{date}.{ext}\"", table.id)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// The table with its caption's downloads below it. `page` is the page's path with its query
/// (without `format`/`table`), so a download keeps the page's filters.
pub fn table_with_downloads(table: &DataTable, lang: Lang, page: &str) -> Markup {
    html! {
        (table.render(lang))
        (download_links(table, lang, page))
    }
}

/// "CSV · XLSX" links for one table.
pub fn download_links(table: &DataTable, lang: Lang, page: &str) -> Markup {
    let sep = if page.contains('?') { '&' } else { '?' };
    let csv = href(&format!("{page}{sep}format=csv&table={}", table.id), lang);
    let xlsx = href(&format!("{page}{sep}format=xlsx&table={}", table.id), lang);
    let caption = table.caption(lang);
    html! {
        p.downloads {
            (lang.pick("내려받기: ", "Download: "))
            a href=(csv) download { "CSV" span.visually-hidden { " — " (caption) } }
            " · "
            a href=(xlsx) download { "XLSX" span.visually-hidden { " — " (caption) } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_and_shares_rounded() {
        assert_eq!(grouped(254_000_000_000), "254,000,000,000");
        assert_eq!(grouped(-1_234), "-1,234");
        assert_eq!(grouped(999), "999");
        assert_eq!(percent(6_780), "67.8%");
        assert_eq!(percent(6_785), "67.9%");
        assert_eq!(percent(-250), "-2.5%");
        assert_eq!(percent(0), "0.0%");
    }

    #[test]
    fn csv_quotes_what_needs_it_and_keeps_plain_numbers() {
        let table = DataTable {
            id: "t".into(),
            caption_ko: "표".into(),
            caption_en: "Table".into(),
            columns: vec![
                Column::new("이름", "Name", Kind::Text),
                Column::new("금액", "Amount", Kind::Won),
            ],
            rows: vec![vec![Cell::Text("a, \"b\"".into()), Cell::Int(1_000)]],
            footer: Some(vec![Cell::Text("합계".into()), Cell::Int(1_000)]),
        };
        assert_eq!(
            table.to_csv(Lang::Ko),
            "\u{feff}이름,금액\r\n\"a, \"\"b\"\"\",1000\r\n합계,1000\r\n"
        );
    }
}
