//! `descent export`, run as a user would: every shipped preset becomes a valid,
//! non-blank PNG of the requested size; SVG, GIF and CSV come out whole; bad
//! requests fail cleanly and never clobber an existing file.

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn descent(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_descent"))
        .args(args)
        .output()
        .unwrap()
}

fn presets() -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("presets"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "ron"))
            .collect();
    all.sort();
    all
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn assert_clean_failure(out: &Output, needle: &str) {
    let err = stderr(out);
    assert!(!out.status.success(), "expected failure: {err}");
    assert!(err.contains(needle), "expected `{needle}` in: {err}");
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "no panic: {err}"
    );
}

/// RGB pixels of a PNG, with its size.
fn decode(path: &Path) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    assert_eq!(info.color_type, png::ColorType::Rgb);
    (info.width, info.height, buf)
}

#[test]
fn every_preset_exports_to_a_valid_non_blank_png_of_the_requested_size() {
    let dir = tempfile::tempdir().unwrap();
    let all = presets();
    assert!(all.len() >= 16, "only {} presets", all.len());
    for preset in all {
        let name = preset.file_stem().unwrap().to_string_lossy().into_owned();
        let target = dir.path().join(format!("{name}.png"));
        let out = descent(&[
            "export",
            preset.to_str().unwrap(),
            "--png",
            target.to_str().unwrap(),
            "--width",
            "480",
            "--height",
            "360",
        ]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let (w, h, pixels) = decode(&target);
        assert_eq!((w, h), (480, 360), "{name}");
        let colours: HashSet<&[u8]> = pixels.chunks(3).collect();
        assert!(
            colours.len() > 200,
            "{name}: only {} colours, the picture looks blank",
            colours.len()
        );
        // The first run's colour appears (its path or its legend swatch).
        let first = descent::render::palette::run_rgb(0, None);
        assert!(
            pixels.chunks(3).any(|p| p == [first.0, first.1, first.2]),
            "{name}: the first run is not drawn"
        );
    }
}

#[test]
fn svg_gif_and_csv_come_out_whole() {
    let dir = tempfile::tempdir().unwrap();
    let preset = Path::new(env!("CARGO_MANIFEST_DIR")).join("presets/adam-vs-sgd-rosenbrock.ron");
    let [svg, gif, csv, state] =
        ["a.svg", "a.gif", "a.csv", "state.csv"].map(|n| dir.path().join(n));
    let out = descent(&[
        "export",
        preset.to_str().unwrap(),
        "--svg",
        svg.to_str().unwrap(),
        "--gif",
        gif.to_str().unwrap(),
        "--csv",
        csv.to_str().unwrap(),
        "--state-csv",
        state.to_str().unwrap(),
        "--steps",
        "200",
        "--frames",
        "5",
        "--width",
        "400",
        "--height",
        "300",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let svg = std::fs::read_to_string(svg).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("data:image/png;base64,"));
    let mut decoder = gif::DecodeOptions::new()
        .read_info(std::fs::File::open(gif).unwrap())
        .unwrap();
    assert_eq!((decoder.width(), decoder.height()), (400, 300));
    let mut frames = 0;
    while decoder.read_next_frame().unwrap().is_some() {
        frames += 1;
    }
    assert_eq!(frames, 5);
    let csv = std::fs::read_to_string(csv).unwrap();
    assert!(csv.starts_with("run,label,step,x,y,loss"));
    assert_eq!(csv.lines().count(), 1 + 3 * 201);
    let state = std::fs::read_to_string(state).unwrap();
    assert!(state.lines().count() > 200, "per-step state rows");
}

#[test]
fn data_lessons_export_their_data_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("presets");
    // A regression: points, held-out rings and fits, keyed train and validation.
    let svg = dir.path().join("fit.svg");
    let preset = root.join("overfitting-early-stopping.ron");
    let out = descent(&[
        "export",
        preset.to_str().unwrap(),
        "--svg",
        svg.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let svg = std::fs::read_to_string(svg).unwrap();
    for key in ["\ndata\n", "\nvalidation\n", "(validation)\n", "\ny\n"] {
        assert!(svg.contains(key), "no {key:?} in the regression's picture");
    }
    // A classifier: its decision map fills the upper plot (not a dark trace).
    let png = dir.path().join("map.png");
    let preset = root.join("mlp-spiral-sgd-vs-adam.ron");
    let out = descent(&[
        "export",
        preset.to_str().unwrap(),
        "--png",
        png.to_str().unwrap(),
        "--width",
        "600",
        "--height",
        "600",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (w, _, pixels) = decode(&png);
    let (w, top) = (w as usize, 600 * 6 / 10);
    let tinted = (top / 4..top * 3 / 4)
        .flat_map(|y| (w / 4..w * 3 / 4).map(move |x| (y * w + x) * 3))
        .filter(|&i| {
            let p = &pixels[i..i + 3];
            p.iter().max().unwrap() - p.iter().min().unwrap() > 25
        })
        .count();
    let area = (top / 2) * (w / 2);
    assert!(
        tinted * 10 > area * 8,
        "only {tinted} of {area} pixels show classes"
    );
    // `--view data` on a surface falls back to its map and loss.
    let out = descent(&[
        "export",
        root.join("beale.ron").to_str().unwrap(),
        "--png",
        dir.path().join("beale.png").to_str().unwrap(),
        "--view",
        "data",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn bad_requests_fail_cleanly_and_keep_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let preset = Path::new(env!("CARGO_MANIFEST_DIR")).join("presets/saddle-escape.ron");
    let preset = preset.to_str().unwrap();
    let nothing = descent(&["export", preset]);
    assert_clean_failure(&nothing, "nothing to export");

    let missing_dir = dir.path().join("no/such/dir/out.png");
    let out = descent(&["export", preset, "--png", missing_dir.to_str().unwrap()]);
    assert_clean_failure(&out, "cannot write");
    assert_clean_failure(&out, "out.png");

    let is_dir = dir.path().to_str().unwrap();
    let out = descent(&["export", preset, "--png", is_dir]);
    assert_clean_failure(&out, "cannot write");

    let keep = dir.path().join("keep.png");
    std::fs::write(&keep, b"old picture").unwrap();
    let out = descent(&[
        "export",
        preset,
        "--png",
        keep.to_str().unwrap(),
        "--width",
        "5",
    ]);
    assert_clean_failure(&out, "between 64 and 10000");
    assert_eq!(std::fs::read(&keep).unwrap(), b"old picture");

    let out = descent(&[
        "export",
        preset,
        "--gif",
        keep.to_str().unwrap(),
        "--fps",
        "0",
    ]);
    assert_clean_failure(&out, "fps");
    assert_eq!(std::fs::read(&keep).unwrap(), b"old picture");

    let out = descent(&[
        "export",
        preset,
        "--png",
        keep.to_str().unwrap(),
        "--view",
        "3d",
    ]);
    assert_clean_failure(&out, "expected auto, surface, data, loss or both");

    let broken = dir.path().join("broken.ron");
    std::fs::write(&broken, "(problem: Surface(Rosenbrock), runs: [").unwrap();
    let out = descent(&[
        "export",
        broken.to_str().unwrap(),
        "--png",
        keep.to_str().unwrap(),
    ]);
    assert_clean_failure(&out, "broken.ron:1:");
    assert_eq!(std::fs::read(&keep).unwrap(), b"old picture");
}
