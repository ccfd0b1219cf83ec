//! The step inspector: every run's numbers at the play head, as a table that
//! can be copied.

use std::fmt::Write as _;

use eframe::egui::{self, RichText};

use crate::analysis::inspect::Inspection;
use crate::app::theme;
use crate::optim::OptimizerConfig;
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
                "noise" => "σ·z (in g)",
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
            if spec.is_some() {
                for (part, config) in parts(ins) {
                    formula_section(ui, (i, part), &config, ins, names);
                }
            }
            tables(ui, i, ins, names);
            ui.add_space(6.0);
        }
    });
}

/// Each part of the run (its own optimizer, then each parameter group)
/// with the optimizer that steps it, in order.
fn parts(ins: &Inspection) -> Vec<(usize, OptimizerConfig)> {
    let mut out: Vec<(usize, OptimizerConfig)> = Vec::new();
    for t in &ins.tensors {
        if !out.iter().any(|(p, _)| *p == t.part) {
            out.push((t.part, t.optimizer.clone()));
        }
    }
    out.sort_by_key(|(p, _)| *p);
    out
}

/// The run's numbers: its scalars, then one table per tensor (θ, g and
/// every buffer over that tensor's entries), headed by the optimizer that
/// steps it when the run has more than one tensor.
fn tables(ui: &mut egui::Ui, run: usize, ins: &Inspection, names: &[String]) {
    let rows = table_rows(ins);
    let dim = ins.params.len();
    // Scalars, and vectors of their own length (Adafactor's row_var).
    let is_scalar = |values: &[f64]| values.len() != dim;
    egui::Grid::new(("inspector", run, "scalars"))
        .striped(true)
        .show(ui, |ui| {
            for (name, values) in rows.iter().filter(|(_, v)| is_scalar(v)) {
                ui.label(name);
                for v in values {
                    ui.label(RichText::new(compact(*v)).monospace());
                }
                ui.end_row();
            }
        });
    let single = ins.tensors.len() <= 1;
    let whole = [crate::analysis::inspect::InspectedTensor {
        name: String::new(),
        range: 0..dim,
        part: 0,
        optimizer: ins.tensors.first().map_or_else(
            || OptimizerConfig::Sgd(crate::optim::Sgd::default()),
            |t| t.optimizer.clone(),
        ),
    }];
    let sections = if single { &whole[..] } else { &ins.tensors[..] };
    for (k, tensor) in sections.iter().enumerate() {
        let range = tensor.range.clone();
        if !single {
            let who = if tensor.part == 0 {
                tensor.optimizer.short_name().to_owned()
            } else {
                format!("group {}: {}", tensor.part, tensor.optimizer.short_name())
            };
            ui.label(RichText::new(format!("{} — {who}", tensor.name)).strong());
        }
        let columns = names.get(range.clone()).unwrap_or_default();
        egui::Grid::new(("inspector", run, k))
            .striped(true)
            .num_columns(columns.len() + 1)
            .show(ui, |ui| {
                ui.label("");
                for n in columns {
                    ui.label(RichText::new(n).strong());
                }
                ui.end_row();
                for (name, values) in &rows {
                    let Some(cells) = values.get(range.clone()).filter(|_| !is_scalar(values))
                    else {
                        continue;
                    };
                    // A buffer another part keeps: not this tensor's.
                    if cells.iter().all(|v| v.is_nan()) && name != "θ" {
                        continue;
                    }
                    ui.label(name);
                    for v in cells {
                        ui.label(RichText::new(compact(*v)).monospace());
                    }
                    ui.end_row();
                }
            });
    }
}

/// The coordinates whose worked numbers part `part` shows: every one of a
/// small problem, the first entry of each of its tensors for a model.
fn worked_coordinates<'a>(
    ins: &'a Inspection,
    part: usize,
    names: &'a [String],
) -> Vec<(usize, &'a str, Option<&'a str>)> {
    const EVERY_COORDINATE_UP_TO: usize = 8;
    if names.len() <= EVERY_COORDINATE_UP_TO || ins.tensors.len() <= 1 {
        return names
            .iter()
            .enumerate()
            .map(|(i, n)| (i, n.as_str(), None))
            .collect();
    }
    ins.tensors
        .iter()
        .filter(|t| t.part == part)
        .filter_map(|t| {
            let i = t.range.start;
            let name = names.get(i)?;
            Some((i, name.as_str(), Some(t.name.as_str())))
        })
        .collect()
}

/// The rule the run executes in its convention, its numbers for each
/// coordinate at this step, and where the conventions differ.
fn formula_section(
    ui: &mut egui::Ui,
    (index, part): (usize, usize),
    config: &OptimizerConfig,
    ins: &Inspection,
    names: &[String],
) {
    use crate::analysis::formula::{formula, worked};
    let convention = crate::optim::Convention::describe(config);
    let whose = if parts(ins).len() > 1 {
        let tensors: Vec<&str> = ins
            .tensors
            .iter()
            .filter(|t| t.part == part)
            .map(|t| t.name.split(' ').next().unwrap_or_default())
            .collect();
        format!(", {} on {}", config.short_name(), tensors.join(", "))
    } else {
        String::new()
    };
    egui::CollapsingHeader::new(format!("Update rule ({convention}){whose}"))
        .id_salt(("formula", index, part))
        .default_open(true)
        .show(ui, |ui| {
            let f = formula(config);
            for line in &f.rule {
                ui.label(RichText::new(line).monospace());
            }
            for (i, name, tensor) in worked_coordinates(ins, part, names) {
                let lines = worked(config, ins, i);
                if lines.is_empty() {
                    continue;
                }
                let title = match tensor {
                    Some(t) => format!("for {name} (the first entry of {t}):"),
                    None => format!("for {name}:"),
                };
                ui.label(RichText::new(title).small().strong());
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
                        "(label: \"[{}]\", optimizer: {})",
                        c.short_name(),
                        crate::preset::ron_options().to_string(c).unwrap()
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

    #[test]
    fn a_grouped_run_shows_each_tensor_with_the_optimizer_that_steps_it() {
        let text = "(problem: Classification(data: Moons(n: 40, noise: 0.1, seed: 0), hidden: [3, 3]), \
            steps: 10, runs: [(label: \"recipe\", optimizer: AdamW(lr: 0.01), \
            groups: [(params: HiddenMatrices, optimizer: Muon(lr: 0.02))])])";
        let preset = Preset::from_ron_str(text, "groups").unwrap();
        let rows =
            crate::analysis::inspect::inspect(&preset, std::path::Path::new("."), 3).unwrap();
        let names: Vec<String> = (0..rows[0].params.len()).map(|i| format!("p{i}")).collect();
        let mut h = Harness::builder()
            .with_size([1400.0, 6000.0])
            .build_ui(|ui| show(ui, &preset, Some((3, &rows)), &names, 3));
        h.run();
        for label in [
            "0.weight [3, 2] — AdamW",
            "2.weight [3, 3] — group 1: Muon",
            "4.bias [1] — AdamW",
            "Update rule (torch = optax = textbook), AdamW on 0.weight, 0.bias, 2.bias, 4.weight, 4.bias",
            "Update rule (torch), Muon on 2.weight",
            "for p9 (the first entry of 2.weight [3, 3]):",
        ] {
            assert!(h.query_by_label(label).is_some(), "{label}");
        }
        // Muon's buffer is drawn for its tensor only, AdamW's for the rest.
        assert_eq!(h.query_all_by_label("momentum_buffer").count(), 1);
        assert_eq!(h.query_all_by_label("exp_avg").count(), 5);
    }
}
