//! Gradient noise on a surface: on or off, its σ and the seed of the one
//! stream every run shares; and a run's own σ.

use eframe::egui::{self, RichText};

use super::inputs;
use crate::app::command::Commands;
use crate::app::edit::Edit;
use crate::preset::{Preset, RunSpec};
use crate::sim::GradientNoise;

/// The σ a new noise starts with.
const DEFAULT_SIGMA: f64 = 1.0;

/// The preset's noise: a checkbox, σ and the seed.
pub fn show(ui: &mut egui::Ui, preset: &Preset, out: &mut Commands) {
    ui.horizontal(|ui| {
        let mut on = preset.noise.is_some();
        if ui
            .checkbox(&mut on, "Gradient noise")
            .on_hover_text(
                "Adds σ·z to every gradient, z ~ N(0, I) from one seeded stream that every run shares; the map and the loss stay the true surface's",
            )
            .changed()
        {
            let noise = on.then_some(GradientNoise {
                sigma: DEFAULT_SIGMA,
            });
            out.edit(Edit::SetNoise(noise));
        }
        if let Some(mut noise) = preset.noise {
            if sigma_field(ui, &mut noise.sigma).changed() {
                out.edit(Edit::SetNoise(Some(noise)));
            }
            let mut seed = preset.seed;
            if ui
                .add(inputs::drag_value(&mut seed).speed(1.0).prefix("seed "))
                .on_hover_text("The noise stream's seed: the same seed gives the same draws")
                .changed()
            {
                out.edit(Edit::SetSeed(seed));
            }
        }
    });
}

/// A run's own σ instead of the preset's, shown where any noise is set.
pub fn show_run(
    ui: &mut egui::Ui,
    index: usize,
    run: &RunSpec,
    preset_noise: Option<GradientNoise>,
    out: &mut Commands,
) {
    if preset_noise.is_none() && run.noise.is_none() {
        return;
    }
    ui.horizontal(|ui| {
        let mut own = run.noise.is_some();
        if ui
            .checkbox(&mut own, "Own noise")
            .on_hover_text("This run scales the shared draws by its own σ (0: no noise)")
            .changed()
        {
            let noise = own.then_some(GradientNoise { sigma: 0.0 });
            out.edit(Edit::SetRunNoise { run: index, noise });
        }
        if let Some(mut noise) = run.noise {
            if sigma_field(ui, &mut noise.sigma).changed() {
                out.edit(Edit::SetRunNoise {
                    run: index,
                    noise: Some(noise),
                });
            }
        } else {
            let sigma = preset_noise.map_or(0.0, |n| n.sigma);
            ui.label(RichText::new(format!("σ {sigma} as the preset")).small());
        }
    });
}

fn sigma_field(ui: &mut egui::Ui, sigma: &mut f64) -> egui::Response {
    ui.add(
        inputs::drag_value(sigma)
            .range(0.0..=100.0)
            .speed(0.02)
            .max_decimals(3)
            .prefix("σ "),
    )
    .on_hover_text("The noise's standard deviation in each coordinate")
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;

    use super::*;

    fn preset(text: &str) -> Preset {
        Preset::from_ron_str(text, "t").unwrap()
    }

    #[test]
    fn ticking_gradient_noise_asks_for_sigma_one() {
        let p = preset("(problem: Surface(Beale), runs: [(optimizer: Sgd())])");
        let mut h = Harness::new_ui_state(
            |ui, out: &mut Commands| show(ui, &p, out),
            Commands::default(),
        );
        assert!(
            h.query_by_label_contains("seed").is_none(),
            "no seed without noise"
        );
        h.get_by_label("Gradient noise").click();
        h.run();
        assert_eq!(
            h.state().edits().last(),
            Some(&Edit::SetNoise(Some(GradientNoise { sigma: 1.0 })))
        );
    }

    #[test]
    fn a_run_follows_the_preset_until_it_has_its_own_sigma() {
        let p = preset(
            "(problem: Surface(Beale), noise: Some(sigma: 0.5), runs: [(optimizer: Sgd())])",
        );
        let run = p.runs[0].clone();
        let mut h = Harness::new_ui_state(
            |ui, out: &mut Commands| show_run(ui, 0, &run, p.noise, out),
            Commands::default(),
        );
        assert!(h.query_by_label("σ 0.5 as the preset").is_some());
        h.get_by_label("Own noise").click();
        h.run();
        assert_eq!(
            h.state().edits().last(),
            Some(&Edit::SetRunNoise {
                run: 0,
                noise: Some(GradientNoise { sigma: 0.0 })
            })
        );
    }
}
