//! The hyperparameter-sweep window: pick a run and two of its
//! hyperparameters, run the grid in the background (progress, cancel), see
//! the heat map, click a cell to give the run those values.

use eframe::egui::{self, RichText};

use crate::analysis::sweep::{self, Axis, Metric, SweepJob, SweepResult, SweepSpec};
use crate::app::edit::Edit;
use crate::app::theme;
use crate::optim::params::Param;
use crate::preset::Preset;

/// The window's state.
#[derive(Debug)]
pub struct SweepPanel {
    /// Shown.
    pub open: bool,
    run: usize,
    x: Axis,
    y: Axis,
    resolution: usize,
    steps_to: Option<f64>,
    job: Option<SweepJob>,
    result: Option<(SweepSpec, SweepResult)>,
    error: Option<String>,
}

impl Default for SweepPanel {
    fn default() -> Self {
        Self {
            open: false,
            run: 0,
            x: Axis {
                param: Param::Lr,
                from: 1e-4,
                to: 1.0,
                log: true,
            },
            y: Axis {
                param: Param::Momentum,
                from: 0.0,
                to: 0.99,
                log: false,
            },
            resolution: 64,
            steps_to: None,
            job: None,
            result: None,
            error: None,
        }
    }
}

impl SweepPanel {
    /// Whether a sweep is running.
    pub fn running(&self) -> bool {
        self.job.is_some()
    }

    /// The finished grid, if any.
    pub fn result(&self) -> Option<&SweepResult> {
        self.result.as_ref().map(|(_, r)| r)
    }

    /// Takes in a finished sweep's outcome.
    pub fn poll(&mut self) {
        if let Some(job) = &mut self.job
            && let Some(outcome) = job.take()
        {
            self.job = None;
            match outcome {
                Ok(Ok(r)) => {
                    self.error = None;
                    self.result = Some((self.spec(), r));
                }
                Ok(Err(e)) => self.error = Some(e.to_string()),
                Err(panic) => self.error = Some(format!("the sweep thread crashed ({panic})")),
            }
        }
    }

    /// Closes the panel; a running sweep is cancelled.
    pub fn close(&mut self) {
        self.open = false;
        if let Some(job) = &self.job {
            job.cancel();
        }
    }

    /// Draws the panel's contents; a clicked cell becomes an edit of the
    /// swept run.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        preset: &Preset,
        base_dir: &std::path::Path,
    ) -> Option<Edit> {
        self.poll();
        ui.horizontal(|ui| {
            ui.heading("Hyperparameter sweep");
            if ui.button("Close").clicked() {
                self.close();
            }
        });
        egui::ScrollArea::vertical()
            .show(ui, |ui| {
                self.settings(ui, preset);
                self.controls(ui, preset, base_dir);
                if let Some(e) = &self.error {
                    ui.label(RichText::new(e).color(theme::error(ui)));
                }
                self.heat_map(ui)
            })
            .inner
    }

    fn spec(&self) -> SweepSpec {
        SweepSpec {
            run: self.run,
            x: self.x.clone(),
            y: self.y.clone(),
            resolution: self.resolution,
            metric: self.steps_to.map_or(Metric::FinalLoss, Metric::StepsTo),
        }
    }

    fn settings(&mut self, ui: &mut egui::Ui, preset: &Preset) {
        self.run = self.run.min(preset.runs.len().saturating_sub(1));
        egui::ComboBox::from_label("Run")
            .selected_text(preset.runs.get(self.run).map_or("", |r| r.display_label()))
            .show_ui(ui, |ui| {
                for (i, r) in preset.runs.iter().enumerate() {
                    ui.selectable_value(&mut self.run, i, r.display_label());
                }
            });
        let names: Vec<Param> = preset
            .runs
            .get(self.run)
            .map(|r| sweep::sweepable(&r.optimizer))
            .unwrap_or_default();
        if !names.contains(&self.x.param) {
            self.x.param = names.first().copied().unwrap_or(Param::Lr);
        }
        if !names.contains(&self.y.param) || self.y.param == self.x.param {
            let x = self.x.param;
            let second = [
                Param::Momentum,
                Param::Beta1,
                Param::Alpha,
                Param::Rho,
                Param::Beta2,
            ]
            .into_iter()
            .find(|n| names.contains(n))
            .or_else(|| names.iter().copied().find(|n| *n != x));
            self.y.param = second.unwrap_or(Param::Lr);
        }
        axis_editor(ui, "Horizontal", &mut self.x, &names);
        axis_editor(ui, "Vertical", &mut self.y, &names);
        ui.horizontal(|ui| {
            ui.add(egui::Slider::new(&mut self.resolution, 8..=128).text("cells per side"));
        });
        super::job_controls::score_row(ui, &mut self.steps_to);
    }

    fn controls(&mut self, ui: &mut egui::Ui, preset: &Preset, base_dir: &std::path::Path) {
        let ctx = ui.ctx().clone();
        ui.horizontal(|ui| {
            if let Some(job) = &self.job {
                if super::job_controls::progress_row(ui, job.progress(), "Cancel sweep") {
                    job.cancel();
                }
            } else if ui.button("Run sweep").clicked() {
                let waker = {
                    let ctx = ctx.clone();
                    move || ctx.request_repaint()
                };
                match sweep::start(preset.clone(), base_dir.to_path_buf(), self.spec(), waker) {
                    Ok(job) => {
                        self.error = None;
                        self.job = Some(job);
                    }
                    Err(e) => self.error = Some(format!("cannot start the sweep: {e}")),
                }
            }
        });
    }

    /// The grid, coloured like the exported picture, with its axes; hover
    /// to read a cell, click to apply it.
    fn heat_map(&self, ui: &mut egui::Ui) -> Option<Edit> {
        let (spec, result) = self.result.as_ref()?;
        let size = egui::vec2(ui.available_width().clamp(240.0, 560.0), 320.0);
        let (rect, response) = ui.allocate_exact_size(size, egui::Sense::click());
        response.widget_info(|| {
            egui::WidgetInfo::labeled(egui::accesskit::Role::Image, true, "sweep heat map")
        });
        // Room for the tick labels left of and under the cells.
        let plot = egui::Rect::from_min_max(
            rect.min + egui::vec2(58.0, 4.0),
            rect.max - egui::vec2(8.0, 36.0),
        );
        let (nx, ny) = (result.xs.len(), result.ys.len());
        let shown = result.shown(spec.metric);
        let (lo, hi) = sweep::colour_range(&shown);
        let span = if hi > lo { hi - lo } else { 1.0 };
        let (cw, ch) = (plot.width() / nx as f32, plot.height() / ny as f32);
        let painter = ui.painter_at(rect);
        let rgb = |(r, g, b): crate::render::palette::Rgb| egui::Color32::from_rgb(r, g, b);
        let paper = theme::paper(ui.visuals());
        for (k, v) in shown.iter().enumerate() {
            let (i, j) = (k % nx, k / nx);
            let colour = if result.diverged[k] {
                rgb(crate::render::palette::SWEEP_DIVERGED)
            } else if !v.is_finite() {
                rgb(paper.unreached)
            } else {
                let c = colorous::VIRIDIS.eval_continuous(1.0 - ((v - lo) / span).clamp(0.0, 1.0));
                egui::Color32::from_rgb(c.r, c.g, c.b)
            };
            let min = egui::pos2(
                plot.left() + i as f32 * cw,
                plot.bottom() - (j + 1) as f32 * ch,
            );
            painter.rect_filled(
                egui::Rect::from_min_size(min, egui::vec2(cw + 0.5, ch + 0.5)),
                0.0,
                colour,
            );
        }
        axes(&painter, plot, spec, ui.visuals().text_color());
        let cell = |pos: egui::Pos2| {
            let i = (((pos.x - plot.left()) / cw) as usize).min(nx - 1);
            let j = (((plot.bottom() - pos.y) / ch) as usize).min(ny - 1);
            (i, j)
        };
        ui.label(
            RichText::new(format!(
                "across: {} from {} to {}{}; up: {} from {} to {}; bright = best, red = diverged, grey = never reached the tolerance",
                spec.x.param,
                spec.x.from,
                spec.x.to,
                if spec.x.log { ", log" } else { "" },
                spec.y.param,
                spec.y.from,
                spec.y.to,
            ))
            .small(),
        );
        if let Some((bx, by, v)) = result.best() {
            ui.label(
                RichText::new(format!(
                    "best {v:.4e} at {} = {bx:.4e}, {} = {by:.4}",
                    spec.x.param, spec.y.param
                ))
                .small(),
            );
        }
        let hover = response.hover_pos().map(cell);
        let response = match hover {
            Some((i, j)) => {
                let k = j * nx + i;
                response.on_hover_text(format!(
                    "{} = {:.4e}, {} = {:.4}: {}\nClick to give the run these values",
                    spec.x.param,
                    result.xs[i],
                    spec.y.param,
                    result.ys[j],
                    if result.diverged[k] {
                        "diverged".to_owned()
                    } else {
                        format!("{:.4e}", result.values[k])
                    }
                ))
            }
            None => response,
        };
        if response.clicked() {
            let pos = response.interact_pointer_pos().unwrap_or(rect.center());
            let (i, j) = cell(pos);
            return Some(Edit::ApplySweepCell {
                run: spec.run,
                values: [(spec.x.param, result.xs[i]), (spec.y.param, result.ys[j])],
            });
        }
        None
    }
}

/// Tick labels at both ends of each axis and its name, around `plot`.
fn axes(painter: &egui::Painter, plot: egui::Rect, spec: &SweepSpec, colour: egui::Color32) {
    let font = egui::FontId::proportional(12.0);
    let value = |axis: &Axis, v: f64| {
        if axis.log || v.abs() < 1e-2 && v != 0.0 {
            format!("{v:.0e}")
        } else {
            format!("{v}")
        }
    };
    let below = plot.bottom() + 4.0;
    for (pos, align, text) in [
        (
            egui::pos2(plot.left(), below),
            egui::Align2::LEFT_TOP,
            value(&spec.x, spec.x.from),
        ),
        (
            egui::pos2(plot.right(), below),
            egui::Align2::RIGHT_TOP,
            value(&spec.x, spec.x.to),
        ),
        (
            egui::pos2(plot.center().x, below + 14.0),
            egui::Align2::CENTER_TOP,
            format!("{}{}", spec.x.param, if spec.x.log { " (log)" } else { "" }),
        ),
        (
            egui::pos2(plot.left() - 4.0, plot.bottom()),
            egui::Align2::RIGHT_BOTTOM,
            value(&spec.y, spec.y.from),
        ),
        (
            egui::pos2(plot.left() - 4.0, plot.top()),
            egui::Align2::RIGHT_TOP,
            value(&spec.y, spec.y.to),
        ),
        (
            egui::pos2(plot.left() - 4.0, plot.center().y),
            egui::Align2::RIGHT_CENTER,
            format!("{}{}", spec.y.param, if spec.y.log { " (log)" } else { "" }),
        ),
    ] {
        painter.text(pos, align, text, font.clone(), colour);
    }
}

fn axis_editor(ui: &mut egui::Ui, label: &str, axis: &mut Axis, names: &[Param]) {
    ui.horizontal(|ui| {
        // The label names the picker for assistive technology too.
        egui::ComboBox::from_label(label)
            .selected_text(axis.param.name())
            .show_ui(ui, |ui| {
                for n in names {
                    ui.selectable_value(&mut axis.param, *n, n.name());
                }
            });
        for (value, prefix) in [(&mut axis.from, "from "), (&mut axis.to, "to ")] {
            let drag = egui::DragValue::new(value).prefix(prefix);
            let drag = if axis.log {
                drag.speed(0.0).custom_formatter(|v, _| format!("{v:.1e}"))
            } else {
                drag.speed(0.01).max_decimals(3)
            };
            ui.add(drag);
        }
        ui.checkbox(&mut axis.log, "log");
    });
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;

    use super::*;

    #[derive(Default)]
    struct Window {
        panel: SweepPanel,
        applied: Vec<Edit>,
    }

    #[test]
    fn a_small_sweep_runs_and_a_clicked_cell_becomes_an_edit_of_its_run() {
        let preset = Preset::from_ron_str(
            "(problem: Surface(Rosenbrock), steps: 40, runs: [(optimizer: Adam(lr: 0.01))])",
            "t",
        )
        .unwrap();
        let mut window = Window::default();
        window.panel.open = true;
        let mut h = Harness::builder().with_size([900.0, 800.0]).build_ui_state(
            |ui, w: &mut Window| {
                w.applied
                    .extend(w.panel.show(ui, &preset, std::path::Path::new(".")));
            },
            window,
        );
        h.run();
        h.get_by_role_and_label(egui::accesskit::Role::Slider, "cells per side")
            .set_value_accesskit(8.0);
        h.run();
        h.get_by_label("Run sweep").click();
        h.step();
        let deadline = Instant::now() + Duration::from_mins(1);
        while h.state().panel.result().is_none() {
            assert!(Instant::now() < deadline, "the sweep never finished");
            h.step();
            std::thread::sleep(Duration::from_millis(5));
        }
        h.run();
        assert_eq!(h.state().panel.result().unwrap().values.len(), 64);
        h.get_by_label("sweep heat map").click();
        h.run();
        assert!(matches!(
            h.state().applied.as_slice(),
            [Edit::ApplySweepCell {
                run: 0,
                values: [(Param::Lr, _), (Param::Beta1, _)]
            }]
        ));
    }
}
