//! Curvature at the play head, as the run editor shows it: the stable-lr
//! bound on the lr slider, a line of numbers, and the heavy-ball stability
//! region in (β, lr) for the local quadratic model.

use std::fmt::Write as _;

use eframe::egui::{self, RichText};
use egui_plot::{Line, Plot, PlotPoints, Points, Polygon};

use crate::analysis::curvature::{Curvature, fastest_heavy_ball};
use crate::app::theme;
use crate::optim::params::{Param, Scale, Setting};

/// A red tick on the lr slider at `bound`, with its meaning on hover.
pub fn mark_slider(ui: &egui::Ui, slider: &egui::Response, p: &Setting<Param>, bound: f64) {
    let (lo, hi) = p.range;
    let t = match p.scale {
        Scale::Log if lo > 0.0 && bound > 0.0 => (bound.ln() - lo.ln()) / (hi.ln() - lo.ln()),
        _ => (bound - lo) / (hi - lo),
    };
    if !(0.0..=1.0).contains(&t) {
        return;
    }
    // The rail spans the slider's width minus the handle at each end.
    let rect = slider.rect;
    let width = ui.spacing().slider_width;
    let radius = rect.height() / 2.5;
    let x = rect.left() + radius + t as f32 * (width - 2.0 * radius);
    let color = theme::error(ui);
    ui.painter().line_segment(
        [egui::pos2(x, rect.top()), egui::pos2(x, rect.bottom())],
        egui::Stroke::new(2.0, color),
    );
}

/// What the curvature lines under a run show.
#[derive(Clone, Copy, Debug)]
pub enum AtHead<'a> {
    /// Not computed yet for this play head.
    Computing,
    /// The run diverged at or before the play head: no quadratic model.
    Diverged,
    /// The Hessian at the play head.
    At(usize, &'a Curvature),
}

/// A number as short as the line needs: 4 decimals when moderate, else
/// 4 significant digits in scientific form.
fn short(v: f64) -> String {
    if v == 0.0 || (v.is_finite() && (1e-3..1e5).contains(&v.abs())) {
        format!("{v:.4}")
    } else {
        format!("{v:.3e}")
    }
}

/// The lines under a run: the eigenvalues and κ on one line, and on a
/// second (for rules with a bound) the stable lr, red when lr exceeds it.
/// Their number does not change while the user drags a slider.
pub fn summary(ui: &mut egui::Ui, at: AtHead<'_>, lr: f64, bound: Option<f64>, has_bound: bool) {
    let weak = ui.visuals().weak_text_color();
    let text = match at {
        AtHead::Computing => "Hessian at the play head: computing…".to_owned(),
        AtHead::Diverged => "Hessian at the play head: not defined, the run diverged".to_owned(),
        AtHead::At(head, curvature) => {
            let lambdas = if curvature.full && curvature.eigenvalues.len() <= 3 {
                curvature
                    .eigenvalues
                    .iter()
                    .map(|l| short(*l))
                    .collect::<Vec<_>>()
                    .join(", ")
            } else {
                format!(
                    "{} … {}",
                    short(curvature.lambda_max()),
                    short(curvature.lambda_min())
                )
            };
            let kappa = curvature.condition();
            let flat = curvature.eigenvalues.iter().all(|l| *l == 0.0);
            let kappa = if flat {
                "the loss is flat (linear) here".to_owned()
            } else if kappa.is_infinite() {
                "κ = ∞ (singular)".to_owned()
            } else if kappa < 1e5 {
                format!("κ = {kappa:.3}")
            } else {
                format!("κ = {kappa:.3e}")
            };
            format!("At step {head}: Hessian eigenvalues {lambdas}; {kappa}")
        }
    };
    ui.add(egui::Label::new(RichText::new(text).small().color(weak)).truncate())
        .on_hover_text(
            "Eigenvalues of the Hessian at the play head. On the local quadratic model, \
             gradient descent is stable for lr < 2/λmax and heavy-ball momentum β for \
             lr < 2(1 + β)/λmax (the red tick on the lr slider).",
        );
    if has_bound {
        let (text, color) = match (at, bound) {
            (AtHead::At(..), Some(b)) => {
                let color = if lr >= b { theme::error(ui) } else { weak };
                (format!("stable for lr < {b:.3e}"), color)
            }
            (AtHead::Diverged, _) => ("stable lr: not defined".to_owned(), weak),
            // No positive curvature: the quadratic model bounds no lr.
            (AtHead::At(..), None) => ("stable lr: no bound where λmax ≤ 0".to_owned(), weak),
            _ => ("stable for lr < …".to_owned(), weak),
        };
        ui.add(egui::Label::new(RichText::new(text).small().color(color)).truncate());
    }
}

/// The (β, lr) plane for heavy-ball momentum on the local quadratic: the
/// stable region, the fastest setting and this run.
pub fn momentum_region(ui: &mut egui::Ui, id: usize, curvature: &Curvature, beta: f64, lr: f64) {
    let top = curvature.lambda_max();
    if !(top > 0.0 && top.is_finite()) {
        return;
    }
    let fastest = fastest_heavy_ball(curvature);
    egui::CollapsingHeader::new("Momentum stability region")
        .id_salt(("stability", id))
        .show(ui, |ui| {
            let edge: Vec<[f64; 2]> = (0..=50)
                .map(|i| {
                    let b = 0.999 * f64::from(i) / 50.0;
                    [b, 2.0 * (1.0 + b) / top]
                })
                .collect();
            let mut region = edge.clone();
            region.push([0.999, 0.0]);
            region.push([0.0, 0.0]);
            let plot = Plot::new(("momentum_region", id))
                .height(180.0)
                .x_axis_label("momentum β")
                .y_axis_label("lr")
                .include_x(0.0)
                .include_x(1.0)
                .include_y(0.0)
                .allow_drag(false)
                .allow_zoom(false)
                .allow_scroll(false);
            let (red, marker) = (theme::error(ui), ui.visuals().strong_text_color());
            plot.show(ui, |plot_ui| {
                let green = egui::Color32::from_rgb(80, 160, 120);
                plot_ui.polygon(
                    Polygon::new("stable", PlotPoints::from(region))
                        .fill_color(green.gamma_multiply(0.3))
                        .stroke(egui::Stroke::new(0.0, green)),
                );
                plot_ui.line(
                    Line::new("lr = 2(1+β)/λmax", PlotPoints::from(edge))
                        .color(green)
                        .width(1.5),
                );
                if let Some((best_beta, best_lr)) = fastest {
                    plot_ui.points(
                        Points::new("fastest", vec![[best_beta, best_lr]])
                            .radius(5.0)
                            .color(marker)
                            .shape(egui_plot::MarkerShape::Diamond),
                    );
                }
                plot_ui.points(
                    Points::new("this run", vec![[beta, lr]])
                        .radius(4.0)
                        .color(red),
                );
            });
            let mut caption =
                "Shaded: stable on the local quadratic, lr < 2(1 + β)/λmax. Red dot: this run."
                    .to_owned();
            if let Some((b, l)) = fastest {
                let _ = write!(
                    caption,
                    " White diamond: the fastest setting (Polyak), β = {b:.3}, lr = {l:.3e}."
                );
            }
            ui.label(RichText::new(caption).small().weak());
        });
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;

    use super::*;

    #[test]
    fn the_line_names_the_bound_and_the_region_opens() {
        // ½(x² + 10y²): λ = 10 and 1, so GD is stable for lr < 0.2.
        let curvature = Curvature {
            eigenvalues: vec![10.0, 1.0],
            full: true,
        };
        let mut h = Harness::new_ui(|ui| {
            summary(ui, AtHead::At(4, &curvature), 0.1, Some(0.2), true);
            momentum_region(ui, 0, &curvature, 0.9, 0.1);
        });
        assert!(
            h.query_by_label("At step 4: Hessian eigenvalues 10.0000, 1.0000; κ = 10.000")
                .is_some()
        );
        assert!(h.query_by_label("stable for lr < 2.000e-1").is_some());
        h.get_by_label("Momentum stability region").click();
        h.run();
        assert!(
            h.query_all_by_label_contains("White diamond: the fastest setting (Polyak)")
                .next()
                .is_some()
        );
    }

    /// A linear loss (Reddi's online terms) has a zero Hessian: the line
    /// says the loss is flat rather than κ = inf; a singular one says ∞.
    #[test]
    fn a_flat_or_singular_hessian_is_named() {
        let flat = Curvature {
            eigenvalues: vec![0.0, 0.0],
            full: true,
        };
        let singular = Curvature {
            eigenvalues: vec![2.0, 0.0],
            full: true,
        };
        let h = Harness::new_ui(|ui| {
            summary(ui, AtHead::At(0, &flat), 0.1, None, false);
            summary(ui, AtHead::At(1, &singular), 0.1, Some(1.0), false);
        });
        assert!(
            h.query_all_by_label_contains("the loss is flat (linear) here")
                .next()
                .is_some()
        );
        assert!(
            h.query_all_by_label_contains("κ = ∞ (singular)")
                .next()
                .is_some()
        );
    }

    /// A diverged run's Hessian holds 250-digit numbers and a bound of
    /// 1e-191; the line says it is not defined, in as many lines as ever.
    #[test]
    fn a_diverged_run_says_its_hessian_is_not_defined_in_the_same_lines() {
        let huge = Curvature {
            eigenvalues: vec![3.2e250, 1.0e249],
            full: true,
        };
        let mut h = Harness::new_ui(|ui| {
            summary(ui, AtHead::At(7, &huge), 0.1, Some(1.6e-191), true);
            summary(ui, AtHead::Diverged, 0.1, None, true);
        });
        assert!(
            h.query_by_label("At step 7: Hessian eigenvalues 3.200e250, 1.000e249; κ = 32.000")
                .is_some()
        );
        assert!(
            h.query_by_label("Hessian at the play head: not defined, the run diverged")
                .is_some()
        );
        h.run();
        assert_eq!(h.query_all_by_label("stable lr: not defined").count(), 1);
        assert!(h.query_by_label("stable for lr < 1.600e-191").is_some());
        let mut h = Harness::new_ui(|ui| {
            summary(ui, AtHead::At(0, &huge), 0.1, None, true);
        });
        h.run();
        assert!(
            h.query_by_label("stable lr: no bound where λmax ≤ 0")
                .is_some()
        );
    }
}
