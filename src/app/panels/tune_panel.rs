//! *Tune each run*: the lr grid and the score, the tuning in the background
//! (progress, cancel), each run's best lr given to it when it finishes, and
//! the table of what each run scored.

use eframe::egui::{self, RichText};

use crate::analysis::sweep::Metric;
use crate::analysis::tune::{self, MAX_POINTS, TuneJob, TuneResult, TuneSpec};
use crate::app::edit::Edit;
use crate::app::theme;
use crate::preset::Preset;

/// The window's state.
#[derive(Debug)]
pub struct TunePanel {
    /// Shown.
    pub open: bool,
    spec: TuneSpec,
    job: Option<(TuneJob, Preset)>,
    result: Option<TuneResult>,
    message: Option<Result<String, String>>,
}

impl Default for TunePanel {
    fn default() -> Self {
        Self {
            open: false,
            spec: TuneSpec {
                from: 1e-4,
                to: 1.0,
                points: 24,
                metric: Metric::FinalLoss,
            },
            job: None,
            result: None,
            message: None,
        }
    }
}

impl TunePanel {
    /// Whether a tuning is running.
    pub fn running(&self) -> bool {
        self.job.is_some()
    }

    /// Closes the panel; a running tuning is cancelled.
    pub fn close(&mut self) {
        self.open = false;
        if let Some((job, _)) = &self.job {
            job.cancel();
        }
    }

    /// Takes in a finished tuning: the edit that gives each run its best
    /// lr, unless the preset changed meanwhile.
    pub fn poll(&mut self, preset: &Preset) -> Option<Edit> {
        let (job, tuned) = self.job.as_mut()?;
        let outcome = job.take()?;
        let same = tuned == preset;
        self.job = None;
        match outcome {
            Ok(Ok(result)) => {
                let choices = result.choices();
                let edit = same.then(|| Edit::TuneRuns(choices.clone()));
                self.message = Some(if same {
                    Ok(format!("{} runs now use their best lr", choices.len()))
                } else {
                    Err(
                        "the preset changed while tuning, so nothing was applied; tune again"
                            .into(),
                    )
                });
                self.result = Some(result);
                edit
            }
            Ok(Err(e)) => {
                self.message = Some(Err(e.to_string()));
                None
            }
            Err(panic) => {
                self.message = Some(Err(format!("the tuning thread crashed ({panic})")));
                None
            }
        }
    }

    /// Draws the panel; returns the edit of a finished tuning.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        preset: &Preset,
        base_dir: &std::path::Path,
    ) -> Option<Edit> {
        let edit = self.poll(preset);
        ui.horizontal(|ui| {
            ui.heading("Tune each run");
            if ui.button("Close").clicked() {
                self.close();
            }
        });
        ui.label(
            RichText::new(
                "Every shown run tries the same log-spaced lrs for the same steps and keeps its best",
            )
            .small(),
        );
        egui::ScrollArea::vertical().show(ui, |ui| {
            self.settings(ui);
            self.controls(ui, preset, base_dir);
            match &self.message {
                Some(Ok(m)) => {
                    ui.label(m);
                }
                Some(Err(e)) => {
                    ui.label(RichText::new(e).color(theme::error(ui)));
                }
                None => {}
            }
            if let Some(result) = &self.result {
                table(ui, result);
            }
        });
        edit
    }

    fn settings(&mut self, ui: &mut egui::Ui) {
        let spec = &mut self.spec;
        ui.horizontal(|ui| {
            let to = spec.to;
            ui.add(
                lr_field(&mut spec.from)
                    .range(1e-12..=to)
                    .prefix("lr from "),
            );
            let from = spec.from;
            ui.add(lr_field(&mut spec.to).range(from..=1e6).prefix("to "));
        });
        ui.add(egui::Slider::new(&mut spec.points, 2..=MAX_POINTS).text("values (log-spaced)"));
        let mut steps_to = match spec.metric {
            Metric::StepsTo(tol) => Some(tol),
            Metric::FinalLoss => None,
        };
        super::job_controls::score_row(ui, &mut steps_to);
        spec.metric = steps_to.map_or(Metric::FinalLoss, Metric::StepsTo);
    }

    fn controls(&mut self, ui: &mut egui::Ui, preset: &Preset, base_dir: &std::path::Path) {
        let ctx = ui.ctx().clone();
        ui.horizontal(|ui| {
            if let Some((job, _)) = &self.job {
                if super::job_controls::progress_row(ui, job.progress(), "Cancel tuning") {
                    job.cancel();
                }
            } else if ui.button("Start tuning").clicked() {
                let waker = move || ctx.request_repaint();
                match tune::start(preset.clone(), base_dir.to_path_buf(), self.spec, waker) {
                    Ok(job) => {
                        self.message = None;
                        self.job = Some((job, preset.clone()));
                    }
                    Err(e) => self.message = Some(Err(format!("cannot start the tuning: {e}"))),
                }
            }
        });
    }
}

/// A field for an end of the lr range, shown as `1e-4`, typed in any form.
fn lr_field(value: &mut f64) -> egui::DragValue<'_> {
    egui::DragValue::new(value)
        .speed(0.0)
        .custom_formatter(|v, _| {
            let plain = format!("{v}");
            if plain.len() <= 6 {
                plain
            } else {
                format!("{v:.1e}")
            }
        })
        .custom_parser(|text| text.trim().parse().ok())
}

/// Each run's best lr and score, and how many lrs diverged.
fn table(ui: &mut egui::Ui, result: &TuneResult) {
    egui::Grid::new("tuned runs").striped(true).show(ui, |ui| {
        for head in ["run", "best lr", "score", "diverged"] {
            ui.label(RichText::new(head).strong());
        }
        ui.end_row();
        for r in &result.runs {
            ui.label(&r.label);
            let (lr, score) = r.best.map_or_else(
                || ("—".to_owned(), "none finite".to_owned()),
                |(lr, score)| (format!("{lr:.3e}"), format!("{score:.4e}")),
            );
            ui.label(lr);
            ui.label(score);
            let diverged = r.diverged.iter().filter(|d| **d).count();
            ui.label(format!("{diverged} of {}", r.scores.len()));
            ui.end_row();
        }
    });
    for r in &result.runs {
        if let Some(end) = r.at_edge(&result.lrs) {
            ui.label(
                RichText::new(format!(
                    "{}: the best lr is at the {end} of the range; a wider range may do better",
                    r.label
                ))
                .small()
                .color(theme::warning(ui)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;

    use super::*;

    #[test]
    fn tuning_runs_in_the_background_and_gives_each_run_its_best_lr() {
        let preset = Preset::from_ron_str(
            "(problem: Surface(Booth), steps: 60, runs: [(label: \"SGD\", optimizer: Sgd()), (label: \"Adam\", optimizer: Adam())])",
            "t",
        )
        .unwrap();
        let mut panel = TunePanel::default();
        panel.spec.points = 6;
        let mut h = Harness::new_ui_state(
            |ui, state: &mut (TunePanel, Vec<Edit>)| {
                if let Some(edit) = state.0.show(ui, &preset, std::path::Path::new(".")) {
                    state.1.push(edit);
                }
            },
            (panel, Vec::new()),
        );
        h.get_by_label("Start tuning").click();
        h.run();
        let start = std::time::Instant::now();
        while h.state().1.is_empty() && start.elapsed().as_secs() < 60 {
            h.step();
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let edits = &h.state().1;
        let [Edit::TuneRuns(choices)] = edits.as_slice() else {
            panic!("{edits:?}")
        };
        assert_eq!(choices.iter().map(|c| c.0).collect::<Vec<_>>(), [0, 1]);
        assert!(choices.iter().all(|c| c.2.values == 6));
        h.run();
        assert!(h.query_by_label("2 runs now use their best lr").is_some());
        assert!(
            h.query_by_label("Adam").is_some(),
            "the table names the runs"
        );
    }
}
