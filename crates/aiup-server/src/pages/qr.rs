//! A QR code as inline SVG: one path of dark modules inside the four-module quiet zone the
//! standard asks for. Written here rather than by the `qrcode` crate's SVG renderer so the
//! markup carries its accessible name (`role="img"`, `<title>`) and no XML prolog.

use maud::{html, Markup, PreEscaped};
use qrcode::{Color, EcLevel, QrCode};

/// Modules of light margin on each side (ISO/IEC 18004 §9.1).
const QUIET_ZONE: usize = 4;

/// The SVG path of the dark modules of `code`, one `M…h…v1h…z` run per row segment, offset by
/// the quiet zone.
fn dark_path(code: &QrCode) -> String {
    let width = code.width();
    let colors = code.to_colors();
    let mut path = String::new();
    for y in 0..width {
        let mut x = 0;
        while x < width {
            if colors[y * width + x] == Color::Dark {
                let start = x;
                while x < width && colors[y * width + x] == Color::Dark {
                    x += 1;
                }
                let run = x - start;
                path.push_str(&format!("M{} {}h{run}v1h-{run}z", start + QUIET_ZONE, y + QUIET_ZONE));
            } else {
                x += 1;
            }
        }
    }
    path
}

/// `payload` as a QR code (error correction M), named by `title` for screen readers; `None` if
/// the payload is too long for any QR version.
pub(super) fn qr_svg(payload: &str, title: &str, id: &str) -> Option<Markup> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M).ok()?;
    let size = code.width() + 2 * QUIET_ZONE;
    let title_id = format!("{id}-title");
    // The path is digits and the letters M h v z only, so it needs no escaping.
    let path = dark_path(&code);
    Some(html! {
        svg.qr #(id) xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {size} {size}"))
            role="img" aria-labelledby=(title_id) shape-rendering="crispEdges" {
            title #(title_id) { (title) }
            rect width=(size) height=(size) fill="#fff" {}
            (PreEscaped(format!("<path fill=\"#000\" d=\"{path}\"></path>")))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::{dark_path, qr_svg, QUIET_ZONE};
    use qrcode::{Color, EcLevel, QrCode};

    /// Reads the modules back from the path, as a scanner would see the picture.
    fn modules_of(path: &str, size: usize) -> Vec<bool> {
        let mut grid = vec![false; size * size];
        for run in path.split('z').filter(|r| !r.is_empty()) {
            let run = run.strip_prefix('M').expect("a run starts with M");
            let (xy, rest) = run.split_once('h').expect("then h");
            let (x, y) = xy.split_once(' ').expect("x y");
            let (x, y): (usize, usize) = (x.parse().expect("x"), y.parse().expect("y"));
            let length: usize = rest.split_once('v').expect("then v").0.parse().expect("run length");
            for dx in 0..length {
                grid[y * size + x + dx] = true;
            }
        }
        grid
    }

    #[test]
    fn the_path_draws_exactly_the_dark_modules_inside_the_quiet_zone() {
        let payload = "https://aiup.example/me/attendance/check?code=123456&cohort=abc";
        let code = QrCode::with_error_correction_level(payload, EcLevel::M).expect("code");
        let size = code.width() + 2 * QUIET_ZONE;
        let drawn = modules_of(&dark_path(&code), size);
        let colors = code.to_colors();
        for y in 0..size {
            for x in 0..size {
                let inside = (QUIET_ZONE..QUIET_ZONE + code.width()).contains(&x)
                    && (QUIET_ZONE..QUIET_ZONE + code.width()).contains(&y);
                let expected = inside && colors[(y - QUIET_ZONE) * code.width() + (x - QUIET_ZONE)] == Color::Dark;
                assert_eq!(drawn[y * size + x], expected, "module ({x}, {y})");
            }
        }
    }

    #[test]
    fn the_svg_is_named_for_screen_readers_and_refuses_what_no_code_holds() {
        let svg = qr_svg("/me/attendance/check?code=123456", "출석 코드 123 456", "qr")
            .expect("svg")
            .into_string();
        assert!(svg.starts_with("<svg class=\"qr\" id=\"qr\""), "{svg}");
        assert!(svg.contains("role=\"img\" aria-labelledby=\"qr-title\""));
        assert!(svg.contains("<title id=\"qr-title\">출석 코드 123 456</title>"));
        assert!(qr_svg(&"x".repeat(5000), "too long", "qr").is_none());
    }
}
