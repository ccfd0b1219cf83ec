//! The real window, rendered on a display (CI runs the tests under Xvfb):
//! the screenshot must show a filled surface view, not a blank window.

use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn has_display() -> bool {
    std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some()
}

#[test]
fn the_window_renders_the_default_lesson() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("window.png");
    let bin = env!("CARGO_BIN_EXE_descent");
    let preset = Path::new(env!("CARGO_MANIFEST_DIR")).join("presets/adam-vs-sgd-rosenbrock.ron");
    let mut command = if has_display() {
        Command::new(bin)
    } else {
        // No display: start a virtual one (scripts/install-system-deps.sh installs it).
        let mut c = Command::new("xvfb-run");
        c.args(["-a", "-s", "-screen 0 1600x1000x24", bin]);
        c
    };
    let runtime = tempfile::tempdir().unwrap();
    let mut child = command
        .args(["--preset", preset.to_str().unwrap()])
        .args([
            "--screenshot",
            png.to_str().unwrap(),
            "--window-size",
            "1280x800",
        ])
        .env("XDG_RUNTIME_DIR", runtime.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect(
            "cannot start the window (is xvfb-run installed? see scripts/install-system-deps.sh)",
        );
    let deadline = Instant::now() + Duration::from_secs(90);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the window did not take its screenshot within 90 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(status.success(), "the window failed: {stderr}");

    let image = image::open(&png).unwrap().to_rgba8();
    let (w, h) = image.dimensions();
    assert!(w >= 1280 && h >= 800, "screenshot is {w}×{h}");
    // The surface view fills the middle right of the window.
    let mut colours = HashSet::new();
    for y in (h / 10)..(h * 6 / 10) {
        for x in (w * 35 / 100)..(w * 95 / 100) {
            colours.insert(image.get_pixel(x, y).0);
        }
    }
    assert!(
        colours.len() > 1000,
        "only {} distinct colours in the plot area",
        colours.len()
    );
}
