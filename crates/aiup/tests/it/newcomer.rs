//! A newcomer's first ten minutes with the binary: read-only commands leave no trace on disk,
//! search takes plain words and works beside a running server, files go in and out as their
//! names say, and `--json` means JSON errors.

use crate::cli::{aiup, repo, stderr, stdout};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

/// Runs the binary in `dir` with no data-folder or database settings: as on a fresh clone.
fn bare(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_aiup"))
        .args(args)
        .current_dir(dir)
        .env_remove("AIUP_DATA_DIR")
        .env_remove("AIUP_DATABASE_URL")
        .env_remove("AIUP_INDEX_DIR")
        .env("AIUP_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .expect("run aiup")
}

#[test]
fn read_only_commands_create_no_data_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let case = repo("examples/kdt-ai-campus-haenam.json");
    let commands: [&[&str]; 6] = [
        &["estimate", "--case", &case],
        &["policy"],
        &["policy", "--json"],
        &["regions", "해남"],
        &["regions", "--json", "11680"],
        &["regions"],
    ];
    for args in commands {
        let out = bare(dir.path(), args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert!(!stdout(&out).is_empty(), "{args:?} printed nothing");
        assert!(!dir.path().join("aiup-data").exists(), "{args:?} created aiup-data");
    }
    let answer: Value = serde_json::from_str(&stdout(&bare(dir.path(), &["estimate", "--case", &case]))).expect("json");
    assert_eq!(
        answer["totals"]["allowance_won"], 800_000,
        "the embedded bundle answers"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("read dir").count(),
        0,
        "nothing at all was written"
    );
}

#[test]
fn the_data_folder_is_ignored_by_git() {
    let ignore = std::fs::read_to_string(repo(".gitignore")).expect(".gitignore");
    assert!(
        ignore.lines().any(|l| l.trim() == "aiup-data/"),
        ".gitignore lacks aiup-data/:\n{ignore}"
    );
}

#[test]
fn the_readme_leads_with_a_populated_catalogue_and_says_where_to_run() {
    let readme = std::fs::read_to_string(repo("README.md")).expect("README");
    let first_block = readme
        .split("```sh")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a sh block");
    let first_command = first_block.lines().find(|l| !l.trim().is_empty()).expect("a command");
    assert!(
        first_command.starts_with("cargo run --release -- serve --demo"),
        "{first_command}"
    );
    assert!(
        readme.contains("From the repository's root folder"),
        "README says where to run the examples"
    );
}

fn generated_csv(data: &Path, name: &str) -> String {
    let file = data.join(name).to_string_lossy().into_owned();
    let out = aiup(
        data,
        &["generate", "catalogue", "--courses", "120", "--seed", "5", "-o", &file],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    file
}

#[test]
fn generate_writes_the_format_its_output_file_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = generated_csv(dir.path(), "x.csv");
    let text = std::fs::read_to_string(&csv).expect("csv");
    assert!(
        text.starts_with("id,institution,title,"),
        "{}",
        &text[..80.min(text.len())]
    );
    let json = dir.path().join("x.json").to_string_lossy().into_owned();
    let out = aiup(
        dir.path(),
        &["generate", "catalogue", "--courses", "3", "-o", &json],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let value: Value = serde_json::from_str(&std::fs::read_to_string(&json).expect("json")).expect("JSON");
    assert_eq!(value["courses"].as_array().map(Vec::len), Some(3));
}

/// A running `aiup serve` on `data`, killed when dropped.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `aiup serve` on a free port and waits for its "serving" log line; returns the server
/// and the log lines read so far.
fn serve(data: &Path) -> (Server, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_aiup"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("AIUP_DATA_DIR", data)
        .env_remove("AIUP_DATABASE_URL")
        .env_remove("AIUP_INDEX_DIR")
        .env("AIUP_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start aiup serve");
    let stderr = child.stderr.take().expect("stderr");
    let server = Server(child);
    let mut log = String::new();
    for line in BufReader::new(stderr).lines() {
        let line = line.expect("log line");
        log.push_str(&line);
        log.push('\n');
        if line.contains("aiup is serving") {
            return (server, log);
        }
    }
    panic!("aiup serve stopped before serving:\n{log}");
}

#[test]
fn search_takes_plain_words_prints_one_won_sign_and_works_beside_a_server() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    let file = generated_csv(data, "courses.csv");
    let out = aiup(data, &["courses", "import", &file], None);
    assert!(out.status.success(), "{}", stderr(&out));

    let quoted = aiup(data, &["courses", "search", "데이터 분석", "--json"], None);
    let unquoted = aiup(data, &["courses", "search", "데이터", "분석", "--json"], None);
    assert!(unquoted.status.success(), "{}", stderr(&unquoted));
    let body: Value = serde_json::from_str(&stdout(&unquoted)).expect("json");
    assert!(body["total"].as_u64().expect("total") > 0, "{body}");
    assert_eq!(stdout(&quoted), stdout(&unquoted), "two words are one query");

    let text = aiup(data, &["courses", "search", "데이터"], None);
    assert!(text.status.success(), "{}", stderr(&text));
    let printed = stdout(&text);
    assert!(printed.contains('₩') && !printed.contains("₩₩"), "{printed}");

    // While a server holds the on-disk index, search still answers, and the same.
    let (_server, log) = serve(data);
    assert!(!log.contains('\u{1b}'), "no colour codes in a piped log:\n{log}");
    let beside = aiup(data, &["courses", "search", "데이터", "분석", "--json"], None);
    assert!(beside.status.success(), "{}", stderr(&beside));
    let again: Value = serde_json::from_str(&stdout(&beside)).expect("json");
    assert_eq!(again["total"], body["total"]);
    assert_eq!(again["hits"][0]["id"], body["hits"][0]["id"]);
}

#[track_caller]
fn json_error(out: &std::process::Output) -> Value {
    assert_eq!(out.status.code(), Some(2), "{}", stderr(out));
    let line = stdout(out);
    let error: Value = serde_json::from_str(line.lines().next().unwrap_or("")).expect("a JSON error on stdout");
    assert!(error["error"]["code"].is_string(), "{error}");
    assert!(!stderr(out).is_empty(), "the error is told on stderr too");
    error
}

#[test]
fn every_json_flag_means_json_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    let txt = data.join("courses.txt");
    std::fs::write(&txt, "id\n").expect("write");
    let txt = txt.to_string_lossy().into_owned();
    let cases: [(&[&str], &str); 8] = [
        (&["regions", "--json", "없는고을"], "region_not_found"),
        (&["policy", "--json", "--on", "2026-13-01"], "bad_request"),
        (&["policy", "--json", "--no-such-flag"], "bad_request"),
        (&["courses", "search", "--json", "-f", "novalue"], "bad_request"),
        (
            &["courses", "search", "--json", "-f", "delivery=by-pigeon"],
            "invalid_parameter",
        ),
        (&["courses", "import", "--json", &txt], "bad_request"),
        (&["courses", "import", "--json", "no-such-file.csv"], "bad_request"),
        (&["users", "list", "--json", "--bogus"], "bad_request"),
    ];
    for (args, code) in cases {
        let error = json_error(&aiup(data, args, None));
        assert_eq!(error["error"]["code"], code, "{args:?}: {error}");
    }
    // Without --json, argument errors stay text.
    let out = aiup(data, &["policy", "--no-such-flag"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
}

#[test]
fn a_file_in_another_encoding_is_refused_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    let utf8 = std::fs::read_to_string(generated_csv(data, "courses.csv")).expect("csv");
    // EUC-KR: the header, then one row whose title is 데이터 (B5A5 C0CC C5CD).
    let mut euc_kr = utf8.lines().next().expect("header").as_bytes().to_vec();
    euc_kr.extend_from_slice(b"\nA-1,I-1,\xB5\xA5\xC0\xCC\xC5\xCD\n");
    let utf16: Vec<u8> = utf8.encode_utf16().flat_map(u16::to_le_bytes).collect();
    for (name, bytes, named) in [
        ("euc-kr.csv", euc_kr, "iconv -f CP949 -t UTF-8"),
        ("utf-16.csv", utf16, "iconv -f UTF-16LE -t UTF-8"),
    ] {
        let path = data.join(name);
        std::fs::write(&path, bytes).expect("write");
        let out = aiup(data, &["courses", "import", "--json", &path.to_string_lossy()], None);
        let error = json_error(&out);
        assert_eq!(error["error"]["code"], "invalid_catalogue", "{error}");
        assert_eq!(error["error"]["rows"][0]["field"], "encoding", "{error}");
        assert!(stderr(&out).contains(named), "{name}: {}", stderr(&out));
    }
    // With a UTF-8 BOM the file imports.
    let bom = data.join("bom.csv");
    std::fs::write(&bom, format!("\u{feff}{utf8}")).expect("write");
    let out = aiup(data, &["courses", "import", "--dry-run", &bom.to_string_lossy()], None);
    assert!(out.status.success(), "{}", stderr(&out));
}
