//! Export speed: a 1600×1200 PNG of 8 paths × 10 000 points over a 512² contour
//! (sampling the field, drawing and encoding), its SVG, and a 60-frame GIF.

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed benchmark")]

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use descent::export::animation::{GifOptions, render_gif};
use descent::export::picture::{PictureOptions, render_png, render_svg, surface_aspect};
use descent::preset::Preset;
use descent::render::scene::Scene;

const PRESET: &str = r#"(
    title: "Eight runs, 10 000 steps",
    problem: Surface(Rosenbrock),
    steps: 10000,
    runs: [
        (label: "Adam", optimizer: Adam(lr: 0.01)),
        (label: "AdamW", optimizer: AdamW(lr: 0.01)),
        (label: "SGD", optimizer: Sgd(lr: 0.0005, momentum: 0.9)),
        (label: "Nesterov", optimizer: Sgd(lr: 0.0005, momentum: 0.9, nesterov: true)),
        (label: "RMSprop", optimizer: RmsProp(lr: 0.001)),
        (label: "Adagrad", optimizer: Adagrad(lr: 0.1)),
        (label: "NAdam", optimizer: NAdam(lr: 0.01)),
        (label: "Adamax", optimizer: Adamax(lr: 0.01)),
    ],
)"#;

fn export(c: &mut Criterion) {
    let preset = Preset::from_ron_str(PRESET, "bench").unwrap();
    let mut sim = preset.simulation(Path::new(".")).unwrap();
    sim.run_to_end();
    let options = PictureOptions::default();
    let aspect = Some(surface_aspect(&options));
    let mut group = c.benchmark_group("export");
    group.sample_size(20);
    group.bench_function("png_1600x1200_8x10k_contour512", |b| {
        b.iter(|| {
            let scene = Scene::from_simulation(&preset, &sim, None, aspect, 512);
            render_png(&scene, &options).unwrap()
        });
    });
    let scene = Scene::from_simulation(&preset, &sim, None, aspect, 512);
    group.bench_function("svg_1600x1200_8x10k", |b| {
        b.iter(|| render_svg(&scene, &options).unwrap());
    });
    let gif = GifOptions::default();
    let gif_scene =
        Scene::from_simulation(&preset, &sim, None, Some(surface_aspect(&gif.picture)), 512);
    group.sample_size(10);
    group.bench_function("gif_800x600_60_frames", |b| {
        b.iter(|| render_gif(&gif_scene, &gif, &mut |_, _| true).unwrap());
    });
    group.finish();
}

criterion_group!(benches, export);
criterion_main!(benches);
