//! Every file in `tests/bad_inputs/` is refused with its own clear message,
//! by the real binary and by the library loader, and nothing panics.

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use std::path::{Path, PathBuf};
use std::process::Command;

use descent::preset::Preset;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_inputs")
}

/// (file, a piece of its message) from `expected.txt`.
fn cases() -> Vec<(String, String)> {
    std::fs::read_to_string(dir().join("expected.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (file, message) = l.split_once('\t').unwrap();
            (file.to_owned(), message.to_owned())
        })
        .collect()
}

fn assert_no_panic(file: &str, text: &str) {
    for sign in ["panicked", "backtrace", "RUST_BACKTRACE", "unwrap"] {
        assert!(!text.contains(sign), "{file}: `{sign}` in {text}");
    }
}

#[test]
fn the_corpus_covers_every_file() {
    let cases = cases();
    assert!(cases.len() >= 30, "only {} cases", cases.len());
    let mut listed: Vec<&str> = cases.iter().map(|(f, _)| f.as_str()).collect();
    listed.sort_unstable();
    let mut files: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| {
            Path::new(name)
                .extension()
                .is_some_and(|ext| ext.eq_ignore_ascii_case("ron"))
        })
        .collect();
    files.sort_unstable();
    assert_eq!(listed, files, "every .ron file has one expected message");
}

#[test]
fn the_cli_refuses_each_with_its_message() {
    let out_dir = tempfile::tempdir().unwrap();
    for (file, expected) in cases() {
        let path = dir().join(&file);
        let out = Command::new(env!("CARGO_BIN_EXE_descent"))
            .args(["run", path.to_str().unwrap()])
            .env("RUST_BACKTRACE", "1")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{file}: {err}");
        assert!(
            err.contains(&expected),
            "{file}: wanted `{expected}` in\n{err}"
        );
        assert!(err.starts_with("error: "), "{file}: {err}");
        assert!(out.stdout.is_empty(), "{file}: printed a summary");
        assert_no_panic(&file, &err);
        // Exporting fails the same way and writes nothing.
        let target = out_dir.path().join(format!("{file}.csv"));
        let out = Command::new(env!("CARGO_BIN_EXE_descent"))
            .args(["export", path.to_str().unwrap(), "--csv"])
            .arg(&target)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{file}: export succeeded");
        assert!(err.contains(&expected), "{file}: export said\n{err}");
        assert!(!target.exists(), "{file}: export left a file behind");
    }
    assert_eq!(std::fs::read_dir(out_dir.path()).unwrap().count(), 0);
}

#[test]
fn the_loader_refuses_each_with_the_same_words() {
    for (file, expected) in cases() {
        let path = dir().join(&file);
        let (message, from_simulation) = match Preset::load(&path) {
            Err(e) => (e.to_string(), false),
            Ok(preset) => match preset.simulation(&dir()) {
                Err(e) => (e.to_string(), true),
                Ok(_) => panic!("{file} was accepted"),
            },
        };
        // The CLI adds `file.ron:line:col: ` to errors the simulation finds.
        let wanted = match expected.split_once(": ") {
            Some((place, rest)) if from_simulation && place.contains(".ron:") => rest,
            _ => expected.as_str(),
        };
        assert!(
            message.contains(wanted),
            "{file}: wanted `{wanted}` in\n{message}"
        );
        assert_no_panic(&file, &message);
    }
}
