//! The map of the 17 provinces ([`province_map`]): a TILE CARTOGRAM, not a boundary map. Each
//! province is one equal tile placed at its approximate position (Seoul inside Gyeonggi's row,
//! Jeju below the peninsula). Why: there is no boundary data offline (the region table has codes
//! and names, no shapes), and for 17 units of very different areas (Seoul is 1% of Gyeonggi's
//! area) equal tiles read better: a small city is as visible as a large province, and every tile
//! has room for its name and value.
//!
//! Tiles are shaded in five classes of the value (CSS `chart-map--0`…`4`, equal intervals from
//! zero to the largest value, listed in the legend) and carry the value as text, so colour is
//! never the only carrier. Each tile is a link to the province's page; the links work without
//! JavaScript and each has an accessible name (the province, the value and the unit). Because
//! the map holds links, its SVG is a labelled group, not an image: an image's children are
//! hidden from assistive technology.

use maud::{html, Markup};

/// One province on the map.
#[derive(Debug, Clone)]
pub struct MapTile {
    /// The 2-digit province code (places the tile).
    pub code: String,
    /// The short name shown on the tile ("서울").
    pub label: String,
    /// The value in hundredths (1234 is 12.34); `None` shows "–" and the lightest class.
    pub value: Option<i64>,
    /// Where the tile links to.
    pub href: String,
}

/// A province map.
#[derive(Debug, Clone)]
pub struct ProvinceMap {
    /// Unique on the page.
    pub id: String,
    pub title: String,
    /// What is shown, for screen readers (say where the same numbers are in a table).
    pub description: String,
    /// Said after each value in the tiles' accessible names ("per 10,000 residents").
    pub unit: String,
    pub tiles: Vec<MapTile>,
    /// "Link to the province page" in the page's language, said after each tile's value.
    pub link_hint: String,
}

/// Column and row of each province's tile (4 × 6 grid).
const POSITIONS: [(&str, u32, u32); 17] = [
    ("41", 1, 0), // 경기
    ("51", 2, 0), // 강원
    ("28", 0, 1), // 인천
    ("11", 1, 1), // 서울
    ("43", 2, 1), // 충북
    ("47", 3, 1), // 경북
    ("44", 0, 2), // 충남
    ("36", 1, 2), // 세종
    ("30", 2, 2), // 대전
    ("27", 3, 2), // 대구
    ("52", 1, 3), // 전북
    ("48", 2, 3), // 경남
    ("31", 3, 3), // 울산
    ("29", 0, 4), // 광주
    ("46", 1, 4), // 전남
    ("26", 3, 4), // 부산
    ("50", 0, 5), // 제주
];

const TILE_W: u32 = 104;
const TILE_H: u32 = 64;
const GAP: u32 = 6;
const CLASSES: i64 = 5;

/// Hundredths as text with two decimals: 1234 → "12.34".
pub fn hundredths(v: i64) -> String {
    format!("{}{}.{:02}", if v < 0 { "-" } else { "" }, v.abs() / 100, v.abs() % 100)
}

/// The shading class (0–4) of `value` on a scale to `max`: five equal intervals.
pub fn class_of(value: Option<i64>, max: i64) -> i64 {
    match value {
        Some(v) if max > 0 && v > 0 => (v * CLASSES / max).min(CLASSES - 1),
        _ => 0,
    }
}

/// The value range of each class, for the legend: (from, to) in hundredths.
fn class_ranges(max: i64) -> Vec<(i64, i64)> {
    (0..CLASSES)
        .map(|c| (max * c / CLASSES, max * (c + 1) / CLASSES))
        .collect()
}

/// The map as a `<figure>`: the title and the legend of the five classes, then the SVG.
pub fn province_map(map: &ProvinceMap) -> Markup {
    let max = map.tiles.iter().filter_map(|t| t.value).max().unwrap_or(0);
    let width = 4 * (TILE_W + GAP) + GAP;
    let height = 6 * (TILE_H + GAP) + GAP;
    let title_id = format!("{}-title", map.id);
    let desc_id = format!("{}-desc", map.id);
    html! {
        figure.chart.chart--map #(map.id) {
            figcaption {
                p.chart-title aria-hidden="true" { (map.title) }
                ul.legend {
                    @for (c, (from, to)) in class_ranges(max).into_iter().enumerate() {
                        li {
                            svg aria-hidden="true" width="14" height="14" viewBox="0 0 14 14" {
                                rect class=(format!("chart-map chart-map--{c}")) x="0" y="0" width="14" height="14" {}
                            }
                            " " (hundredths(from)) "–" (hundredths(to))
                        }
                    }
                }
            }
            svg role="group" aria-labelledby=(format!("{title_id} {desc_id}")) viewBox=(format!("0 0 {width} {height}"))
                width="100%" xmlns="http://www.w3.org/2000/svg" class="chart-svg chart-map-svg" {
                title #(title_id) { (map.title) }
                desc #(desc_id) { (map.description) }
                @for tile in &map.tiles {
                    @if let Some((_, col, row)) = POSITIONS.iter().find(|(code, _, _)| *code == tile.code) {
                        @let x = GAP + col * (TILE_W + GAP);
                        @let y = GAP + row * (TILE_H + GAP);
                        @let class = class_of(tile.value, max);
                        @let shown = tile.value.map_or_else(|| "–".to_owned(), hundredths);
                        a href=(tile.href) aria-label=(format!("{} {} {}, {}", tile.label, shown, map.unit, map.link_hint)) {
                            rect class=(format!("chart-map chart-map--{class}")) x=(x) y=(y) width=(TILE_W) height=(TILE_H) rx="4" {}
                            // One text, so the tile's visible words ("서울 12.34") begin its
                            // accessible name as they read.
                            text class=(format!("chart-map-label chart-map-label--{class}")) text-anchor="middle" {
                                tspan x=(x + TILE_W / 2) y=(y + 26) { (tile.label) }
                                tspan.chart-map-value x=(x + TILE_W / 2) y=(y + 48) { " " (shown) }
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
    fn every_province_has_a_place_of_its_own() {
        let mut places: Vec<(u32, u32)> = POSITIONS.iter().map(|(_, c, r)| (*c, *r)).collect();
        places.sort_unstable();
        places.dedup();
        assert_eq!(places.len(), 17);
    }

    #[test]
    fn tiles_are_classed_labelled_and_linked() {
        assert_eq!(class_of(Some(1000), 1000), 4);
        assert_eq!(class_of(Some(199), 1000), 0);
        assert_eq!(class_of(Some(200), 1000), 1);
        assert_eq!(class_of(None, 1000), 0);
        assert_eq!(hundredths(1234), "12.34");
        assert_eq!(hundredths(5), "0.05");
        let map = ProvinceMap {
            id: "map".into(),
            title: "지도".into(),
            description: "표와 같은 수".into(),
            unit: "명/만 명".into(),
            link_hint: "시도 보기".into(),
            tiles: vec![
                MapTile {
                    code: "11".into(),
                    label: "서울".into(),
                    value: Some(1000),
                    href: "/admin/dashboard/regions/11".into(),
                },
                MapTile {
                    code: "50".into(),
                    label: "제주".into(),
                    value: None,
                    href: "/admin/dashboard/regions/50".into(),
                },
            ],
        };
        let svg = province_map(&map).into_string();
        assert!(svg.contains(r#"<a href="/admin/dashboard/regions/11" aria-label="서울 10.00 명/만 명, 시도 보기">"#));
        assert!(
            svg.contains("chart-map chart-map--4") && svg.contains("> 10.00</tspan>") && svg.contains("> –</tspan>")
        );
        assert!(!svg.contains("style="));
    }
}
