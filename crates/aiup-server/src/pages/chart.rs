//! Server-drawn SVG charts, reusable by every page: horizontal bars, grouped by series
//! ([`bar_chart`]), and lines over ordered categories such as the months of a year
//! ([`line_chart`]); the province map is in `chart_map.rs`. Drawn with maud rather than a plotting crate: the pages' CSP forbids inline
//! `style` and scripts, the chart must carry `role="img"` with its `<title>` and `<desc>`, and
//! colours come from the stylesheet (classes `chart-bar--N`, which print and follow forced
//! colours) instead of fixed presentation attributes. Every chart is meant to stand beside a
//! data table holding the same numbers; the SVG itself is an image to screen readers.
//!
//! Geometry is integer arithmetic on a fixed `viewBox`; the SVG scales to the page's width.

use maud::{html, Markup};

/// One series of a chart: a value per category (`None`: no value, no bar).
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    /// Values in tenths of the unit (per-mille for percentages): 228 is 22.8.
    pub values: Vec<Option<u32>>,
}

/// A bar chart: one row per category, one bar per series in each row.
#[derive(Debug, Clone)]
pub struct BarChart {
    /// Unique on the page: the ids of the title and description derive from it.
    pub id: String,
    pub title: String,
    /// What the chart shows, for screen readers (say where the same numbers are in a table).
    pub description: String,
    /// The unit after each value ("%").
    pub unit: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
}

const WIDTH: u32 = 720;
const LABEL_W: u32 = 250;
const VALUE_W: u32 = 56;
const BAR_H: u32 = 14;
const GAP: u32 = 10;
const TOP: u32 = 8;

/// Tenths as text: 228 → "22.8".
fn tenths(v: u32) -> String {
    format!("{}.{}", v / 10, v % 10)
}

/// The chart as a `<figure>`: a caption (the title, shown, and for several series a legend), then
/// the SVG, an image titled and described for assistive technology.
pub fn bar_chart(chart: &BarChart) -> Markup {
    let per_row = u32::try_from(chart.series.len()).unwrap_or(1).max(1);
    let row_h = per_row * BAR_H + GAP;
    let rows = u32::try_from(chart.categories.len()).unwrap_or(0);
    let height = TOP * 2 + rows * row_h;
    let max = chart
        .series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    // Round the scale up to a whole ten of the unit, so bars of different charts compare.
    let scale = max.div_ceil(100) * 100;
    let bar_w = WIDTH - LABEL_W - VALUE_W;
    let title_id = format!("{}-title", chart.id);
    let desc_id = format!("{}-desc", chart.id);
    html! {
        figure.chart #(chart.id) {
            figcaption {
                p.chart-title aria-hidden="true" { (chart.title) }
                @if chart.series.len() > 1 {
                    ul.legend {
                        @for (s, series) in chart.series.iter().enumerate() {
                            li {
                                svg aria-hidden="true" width="14" height="14" viewBox="0 0 14 14" {
                                    rect class=(format!("chart-bar chart-bar--{}", s % 8)) x="0" y="0" width="14" height="14" {}
                                }
                                " " (series.name)
                            }
                        }
                    }
                }
            }
            // On a narrow screen the chart keeps a readable size and scrolls sideways.
            div.chart-scroll tabindex="0" role="group" aria-labelledby=(title_id) {
                svg role="img" aria-labelledby=(format!("{title_id} {desc_id}")) viewBox=(format!("0 0 {WIDTH} {height}"))
                    width="100%" xmlns="http://www.w3.org/2000/svg" class="chart-svg" {
                    title #(title_id) { (chart.title) }
                    desc #(desc_id) { (chart.description) }
                    line.chart-axis x1=(LABEL_W) y1=(TOP) x2=(LABEL_W) y2=(height - TOP) {}
                    @for (c, category) in chart.categories.iter().enumerate() {
                        @let c = u32::try_from(c).unwrap_or(0);
                        @let y0 = TOP + c * row_h;
                        text.chart-label x=(LABEL_W - 6) y=(y0 + per_row * BAR_H / 2 + 4) text-anchor="end" { (category) }
                        @for (s, series) in chart.series.iter().enumerate() {
                            @if let Some(Some(v)) = series.values.get(usize::try_from(c).unwrap_or(0)) {
                                @let s32 = u32::try_from(s).unwrap_or(0);
                                @let y = y0 + s32 * BAR_H;
                                @let w = u64::from(*v) * u64::from(bar_w) / u64::from(scale);
                                rect class=(format!("chart-bar chart-bar--{}", s % 8)) x=(LABEL_W) y=(y + 1) width=(w) height=(BAR_H - 2) {}
                                text.chart-value x=(u64::from(LABEL_W) + w + 4) y=(y + BAR_H - 3) { (tenths(*v)) (chart.unit) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A line chart: the categories in order along the horizontal axis (months), one line per
/// series, each point marked and labelled with its value.
pub type LineChart = BarChart;

const LINE_LEFT: u32 = 64;
const LINE_RIGHT: u32 = 24;
const LINE_TOP: u32 = 24;
const LINE_PLOT_H: u32 = 200;
const LINE_BOTTOM: u32 = 28;
/// Horizontal gridlines (and their labels) dividing the scale.
const GRID_STEPS: u32 = 4;

/// The top of a line chart's scale: the largest value rounded up to a "round" number (1, 2 or
/// 5 times a power of ten, in tenths), so the gridline labels are easy to read.
fn round_scale(max: u32) -> u32 {
    let max = max.max(1);
    let mut step: u64 = 1;
    loop {
        for m in [1u64, 2, 5] {
            let top = m * step * u64::from(GRID_STEPS);
            if top >= u64::from(max) {
                return u32::try_from(top).unwrap_or(u32::MAX);
            }
        }
        step *= 10;
    }
}

/// The chart as a `<figure>`: the title and a legend (always: the lines differ by colour and by
/// dash pattern, and the legend names both), then the SVG, titled and described for assistive
/// technology. Every point carries its value as text, so no number depends on colour.
pub fn line_chart(chart: &LineChart) -> Markup {
    let n = u32::try_from(chart.categories.len()).unwrap_or(0).max(1);
    let plot_w = WIDTH - LINE_LEFT - LINE_RIGHT;
    let step_x = plot_w / n;
    let height = LINE_TOP + LINE_PLOT_H + LINE_BOTTOM;
    let max = chart
        .series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .copied()
        .max()
        .unwrap_or(0);
    let scale = round_scale(max);
    let x_of = |i: u32| LINE_LEFT + step_x * i + step_x / 2;
    let y_of = |v: u32| {
        LINE_TOP + LINE_PLOT_H - u32::try_from(u64::from(v) * u64::from(LINE_PLOT_H) / u64::from(scale)).unwrap_or(0)
    };
    let title_id = format!("{}-title", chart.id);
    let desc_id = format!("{}-desc", chart.id);
    html! {
        figure.chart.chart--line #(chart.id) {
            figcaption {
                p.chart-title aria-hidden="true" { (chart.title) }
                ul.legend {
                    @for (s, series) in chart.series.iter().enumerate() {
                        li {
                            svg aria-hidden="true" width="28" height="14" viewBox="0 0 28 14" {
                                line class=(format!("chart-line chart-line--{}", s % 8)) x1="1" y1="7" x2="27" y2="7" {}
                                circle class=(format!("chart-point chart-line--{}", s % 8)) cx="14" cy="7" r="4" {}
                            }
                            " " (series.name)
                        }
                    }
                }
            }
            div.chart-scroll tabindex="0" role="group" aria-labelledby=(title_id) {
                svg role="img" aria-labelledby=(format!("{title_id} {desc_id}")) viewBox=(format!("0 0 {WIDTH} {height}"))
                    width="100%" xmlns="http://www.w3.org/2000/svg" class="chart-svg" {
                    title #(title_id) { (chart.title) }
                    desc #(desc_id) { (chart.description) }
                    @for g in 0..=GRID_STEPS {
                        @let v = scale / GRID_STEPS * g;
                        @let y = y_of(v);
                        line.chart-grid x1=(LINE_LEFT) y1=(y) x2=(WIDTH - LINE_RIGHT) y2=(y) {}
                        text.chart-label x=(LINE_LEFT - 6) y=(y + 4) text-anchor="end" { (tenths(v)) }
                    }
                    line.chart-axis x1=(LINE_LEFT) y1=(LINE_TOP + LINE_PLOT_H) x2=(WIDTH - LINE_RIGHT) y2=(LINE_TOP + LINE_PLOT_H) {}
                    @for (c, category) in chart.categories.iter().enumerate() {
                        @let c = u32::try_from(c).unwrap_or(0);
                        text.chart-label x=(x_of(c)) y=(height - 8) text-anchor="middle" { (category) }
                    }
                    @for (s, series) in chart.series.iter().enumerate() {
                        @let class = format!("chart-line--{}", s % 8);
                        @let points: Vec<String> = series.values.iter().enumerate()
                            .filter_map(|(c, v)| v.map(|v| format!("{},{}", x_of(u32::try_from(c).unwrap_or(0)), y_of(v))))
                            .collect();
                        polyline class=(format!("chart-line {class}")) points=(points.join(" ")) {}
                        @for (c, v) in series.values.iter().enumerate() {
                            @if let Some(v) = v {
                                @let x = x_of(u32::try_from(c).unwrap_or(0));
                                @let y = y_of(*v);
                                circle class=(format!("chart-point {class}")) cx=(x) cy=(y) r="4" {}
                                // Series alternate above and below their points so labels of
                                // two lines at one month do not sit on each other; never below
                                // the axis, where the month names are.
                                @let below = s % 2 == 1 && y + 16 < LINE_TOP + LINE_PLOT_H;
                                text.chart-value x=(x) y=(if below { y + 16 } else { y.saturating_sub(8) }) text-anchor="middle" {
                                    (tenths(*v)) (chart.unit)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_value_and_carry_their_numbers() {
        let chart = BarChart {
            id: "c".into(),
            title: "제목".into(),
            description: "설명".into(),
            unit: "%".into(),
            categories: vec!["A".into(), "B".into()],
            series: vec![
                Series {
                    name: "done".into(),
                    values: vec![Some(500), Some(250)],
                },
                Series {
                    name: "needed".into(),
                    values: vec![None, Some(1000)],
                },
            ],
        }
        .clone();
        let svg = bar_chart(&chart).into_string();
        assert!(svg.contains(r#"role="img""#) && svg.contains(r#"aria-labelledby="c-title c-desc""#));
        assert!(svg.contains("<title id=\"c-title\">제목</title>"));
        assert!(!svg.contains("style="), "the CSP forbids inline styles");
        // The scale is 100.0%: 50.0% is half the bar area, 100.0% all of it, no bar for None.
        let bar_w = WIDTH - LABEL_W - VALUE_W;
        assert!(svg.contains(&format!(r#"width="{}""#, bar_w / 2)));
        assert!(svg.contains(&format!(r#"width="{bar_w}""#)));
        assert_eq!(
            svg.matches("class=\"chart-bar chart-bar--").count(),
            3 + 2,
            "three bars and two legend keys"
        );
        assert!(svg.contains("50.0%") && svg.contains("25.0%") && svg.contains("100.0%"));
    }

    #[test]
    fn a_line_chart_marks_every_point_with_its_value_and_has_a_legend() {
        let chart = LineChart {
            id: "m".into(),
            title: "월별".into(),
            description: "표와 같은 수".into(),
            unit: String::new(),
            categories: (1..=12).map(|m| format!("{m}월")).collect(),
            series: vec![
                Series {
                    name: "시작".into(),
                    values: (1..=12).map(|m| Some(m * 10)).collect(),
                },
                Series {
                    name: "수료".into(),
                    values: vec![None; 12],
                },
            ],
        };
        let svg = line_chart(&chart).into_string();
        assert!(svg.contains(r#"role="img""#) && svg.contains("<desc id=\"m-desc\">"));
        assert!(!svg.contains("style="));
        assert_eq!(
            svg.matches("<circle class=\"chart-point chart-line--0\"").count(),
            12 + 1,
            "12 points and a legend key"
        );
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains(">12.0</text>") && svg.contains(">1.0</text>"));
        assert!(svg.contains("시작") && svg.contains("수료") && svg.contains("12월"));
        // The largest value sits on the top gridline: 12.0 → a scale of 20.0 (4 × 5.0).
        assert_eq!(round_scale(120), 200);
        assert_eq!(round_scale(0), 4);
        assert_eq!(round_scale(4_000), 4_000);
    }
}
