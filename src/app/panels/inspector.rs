//! The step inspector: every run's numbers at the play head, as a table that
//! can be copied.

use std::fmt::Write as _;

use eframe::egui::{self, RichText};

use crate::analysis::inspect::Inspection;
use crate::app::theme;
use crate::preset::Preset;
use crate::support::format::compact;

/// Rows of one run's table, with display names for the first few.
fn table_rows(ins: &Inspection) -> Vec<(String, Vec<f64>)> {
    ins.rows()
        .into_iter()
        .map(|(name, values)| {
            let shown = match name.as_str() {
                "theta" => "θ",
                "grad" => "g (consumed)",
                "grad_norm" => "|g|",
                "update" => "Δθ",
                other => other,
            };
            (shown.to_owned(), values)
        })
        .collect()
}

/// The whole inspection as tab-separated text, for the clipboard.
pub fn as_tsv(inspections: &[Inspection], names: &[String]) -> String {
    let mut out = format!("run\tstep\tquantity\t{}\n", names.join("\t"));
    for ins in inspections {
        for (name, values) in table_rows(ins) {
            let cells: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
            let _ = writeln!(
                out,
                "{}\t{}\t{name}\t{}",
                ins.label,
                ins.step,
                cells.join("\t")
            );
        }
    }
    out
}

/// Draws the inspector for `inspections` (computed for row `step`).
pub fn show(
    ui: &mut egui::Ui,
    preset: &Preset,
    inspections: Option<(u64, &Vec<Inspection>)>,
    names: &[String],
    head: usize,
) {
    ui.horizontal(|ui| {
        ui.heading("Inspector");
        if let Some((_, rows)) = inspections
            && ui
                .button("Copy table")
                .on_hover_text("Tab-separated, for a spreadsheet")
                .clicked()
        {
            ui.ctx().copy_text(as_tsv(rows, names));
        }
    });
    let Some((step, rows)) = inspections else {
        ui.label("Computing…");
        return;
    };
    if step != head as u64 {
        ui.label(RichText::new(format!("showing step {step}; updating…")).small());
    }
    // Both ways: a model with many parameters makes the table wide.
    egui::ScrollArea::both().show(ui, |ui| {
        for (i, ins) in rows.iter().enumerate() {
            let spec = preset.runs.get(i);
            if spec.is_some_and(|r| !r.enabled) {
                continue;
            }
            let color = theme::run_color(i, spec.and_then(|r| r.color));
            ui.label(
                RichText::new(format!("{} — step {}", ins.label, ins.step))
                    .color(color)
                    .strong(),
            );
            if let Some(run) = spec {
                formula_section(ui, i, &run.optimizer, ins, names);
            }
            egui::Grid::new(("inspector", i))
                .striped(true)
                .num_columns(names.len() + 1)
                .show(ui, |ui| {
                    ui.label("");
                    for n in names {
                        ui.label(RichText::new(n).strong());
                    }
                    ui.end_row();
                    for (name, values) in table_rows(ins) {
                        ui.label(name);
                        for v in &values {
                            ui.label(RichText::new(compact(*v)).monospace());
                        }
                        ui.end_row();
                    }
                });
            ui.add_space(6.0);
        }
    });
}

/// The rule the run executes in its convention, its numbers for each
/// coordinate at this step, and where the conventions differ.
fn formula_section(
    ui: &mut egui::Ui,
    index: usize,
    config: &crate::optim::OptimizerConfig,
    ins: &Inspection,
    names: &[String],
) {
    use crate::analysis::formula::{formula, worked};
    let convention = crate::optim::Convention::describe(config);
    egui::CollapsingHeader::new(format!("Update rule ({convention})"))
        .id_salt(("formula", index))
        .default_open(true)
        .show(ui, |ui| {
            let f = formula(config);
            for line in &f.rule {
                ui.label(RichText::new(line).monospace());
            }
            for (i, name) in names.iter().enumerate() {
                let lines = worked(config, ins, i);
                if lines.is_empty() {
                    continue;
                }
                ui.label(RichText::new(format!("for {name}:")).small().strong());
                for line in lines {
                    ui.label(RichText::new(line).monospace().small());
                }
            }
            for note in f.notes {
                ui.label(RichText::new(format!("Note: {note}")).small().italics());
            }
        });
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;

    use super::*;
    use crate::app::panels::test_support::lesson;

    #[test]
    fn each_run_shows_its_rule_and_numbers_at_the_step() {
        let preset = lesson();
        let rows =
            crate::analysis::inspect::inspect(&preset, std::path::Path::new("."), 3).unwrap();
        let names = vec!["x".to_owned(), "y".to_owned()];
        let h = Harness::new_ui(|ui| show(ui, &preset, Some((3, &rows)), &names, 3));
        assert!(h.query_by_label("Adam — step 3").is_some());
        assert!(h.query_by_label("Copy table").is_some());
        assert!(
            h.query_all_by_label("m ← β₁·m + (1 − β₁)·g")
                .next()
                .is_some()
        );
        let mut h = Harness::new_ui(|ui| show(ui, &preset, None, &names, 3));
        h.run();
        assert!(h.query_by_label("Computing…").is_some());
    }

    /// Every optimizer's rule, worked numbers and buffers draw with the
    /// window's fonts (a missing glyph fails the harness), on a surface and
    /// on a network whose weights are matrices.
    #[test]
    fn every_optimizer_kind_shows_its_rule_and_buffers() {
        use crate::optim::OptimizerConfig;
        let problems = [
            "Surface(Rosenbrock)",
            "Classification(data: Moons(n: 40, noise: 0.1, seed: 0), hidden: [3])",
        ];
        // A preset holds at most 16 runs.
        let kinds = OptimizerConfig::catalogue();
        for (problem, kinds) in problems
            .iter()
            .flat_map(|p| kinds.chunks(10).map(move |k| (p, k)))
        {
            let runs: Vec<String> = kinds
                .iter()
                .map(|c| {
                    format!(
                        "(label: \"[{}]\", optimizer: {}())",
                        c.short_name(),
                        c.kind_name()
                    )
                })
                .collect();
            let text = format!(
                "(problem: {problem}, steps: 10, runs: [{}])",
                runs.join(", ")
            );
            let preset = Preset::from_ron_str(&text, "every kind").unwrap();
            let rows =
                crate::analysis::inspect::inspect(&preset, std::path::Path::new("."), 7).unwrap();
            let names: Vec<String> = (0..rows[0].params.len()).map(|i| format!("p{i}")).collect();
            // Tall enough that every run's section is laid out on screen.
            let mut h = Harness::builder()
                .with_size([1400.0, 30_000.0])
                .build_ui(|ui| show(ui, &preset, Some((7, &rows)), &names, 7));
            h.run();
            for c in kinds {
                // A run that diverges early shows its last row instead.
                let title = format!("[{}] — step ", c.short_name());
                assert!(
                    h.query_all_by_label_contains(&title).next().is_some(),
                    "{problem}: {title}"
                );
                let first_rule = &crate::analysis::formula::formula(c).rule[0];
                assert!(
                    h.query_all_by_label(first_rule).next().is_some(),
                    "{problem}: {first_rule}"
                );
            }
            // Every buffer and derived value of every run has its row.
            for ins in &rows {
                for v in ins.state.iter().chain(&ins.derived) {
                    assert!(
                        h.query_all_by_label(&v.name).next().is_some(),
                        "{problem}: {} of {}",
                        v.name,
                        ins.label
                    );
                }
            }
        }
    }
}
