//! A box constraint on a surface: on or off, and its x and y ranges.

use eframe::egui;

use super::inputs;
use crate::app::command::Commands;
use crate::app::edit::Edit;
use crate::preset::Preset;
use crate::problem::{ProblemConfig, ViewBox};

/// The checkbox; a new box is the middle half of the view.
pub fn toggle(ui: &mut egui::Ui, preset: &Preset, out: &mut Commands) {
    let mut on = preset.bounds.is_some();
    if ui
        .checkbox(&mut on, "Box")
        .on_hover_text(
            "Keeps every run in a box: the start and each step are projected onto it (each coordinate clamped), as p.clamp_() after opt.step()",
        )
        .changed()
    {
        out.edit(Edit::SetBounds(on.then(|| middle_half(shown(preset)))));
    }
}

/// The box's ranges, each min kept below its max.
pub fn ranges(ui: &mut egui::Ui, bounds: ViewBox, out: &mut Commands) {
    let mut b = bounds;
    ui.horizontal(|ui| {
        let mut changed = false;
        for (name, (lo, hi)) in [("x", &mut b.x), ("y", &mut b.y)] {
            let speed = ((*hi - *lo).abs() / 200.0).max(1e-4);
            let top = *hi;
            changed |= ui
                .add(
                    inputs::drag_value(lo)
                        .range(-1e6..=top)
                        .speed(speed)
                        .prefix(format!("{name} from ")),
                )
                .changed();
            let bottom = *lo;
            changed |= ui
                .add(
                    inputs::drag_value(hi)
                        .range(bottom..=1e6)
                        .speed(speed)
                        .prefix(format!("{name} to ")),
                )
                .changed();
        }
        if changed && b.x.0 < b.x.1 && b.y.0 < b.y.1 {
            out.edit(Edit::SetBounds(Some(b)));
        }
    });
}

/// The box the map shows by default.
fn shown(preset: &Preset) -> ViewBox {
    let own = match &preset.problem {
        ProblemConfig::Surface(s) => Some(s.view()),
        ProblemConfig::Expression(e) => e.view,
        ProblemConfig::Online(o) => o.view,
        _ => None,
    };
    preset.view.or(own).unwrap_or(ViewBox {
        x: (-5.0, 5.0),
        y: (-5.0, 5.0),
    })
}

/// The middle half of `view` on both axes.
fn middle_half(view: ViewBox) -> ViewBox {
    let half = |(a, b): (f64, f64)| {
        let (c, r) = (f64::midpoint(a, b), (b - a) / 4.0);
        (c - r, c + r)
    };
    ViewBox {
        x: half(view.x),
        y: half(view.y),
    }
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;

    use super::*;

    #[test]
    fn ticking_box_adds_the_middle_half_of_the_view_and_unticking_removes_it() {
        let preset = Preset::from_ron_str(
            "(problem: Surface(Rosenbrock), view: Some(x: (-2.0, 2.0), y: (-1.0, 3.0)), runs: [(optimizer: Sgd())])",
            "t",
        )
        .unwrap();
        let mut h = Harness::new_ui_state(
            |ui, out: &mut Commands| toggle(ui, &preset, out),
            Commands::default(),
        );
        h.get_by_label("Box").click();
        h.run();
        assert_eq!(
            h.state().edits().last(),
            Some(&Edit::SetBounds(Some(ViewBox {
                x: (-1.0, 1.0),
                y: (0.0, 2.0),
            })))
        );
        let mut boxed = preset.clone();
        boxed.bounds = Some(ViewBox {
            x: (-1.0, 1.0),
            y: (0.0, 2.0),
        });
        let mut h = Harness::new_ui_state(
            |ui, out: &mut Commands| toggle(ui, &boxed, out),
            Commands::default(),
        );
        h.get_by_label("Box").click();
        h.run();
        assert_eq!(h.state().edits().last(), Some(&Edit::SetBounds(None)));
    }

    #[test]
    fn the_ranges_are_shown_and_a_typed_min_is_sent() {
        let bounds = ViewBox {
            x: (-1.0, 1.0),
            y: (-0.5, 0.5),
        };
        let mut h = Harness::new_ui_state(
            |ui, out: &mut Commands| ranges(ui, bounds, out),
            Commands::default(),
        );
        h.get_by_role_and_label(egui::accesskit::Role::SpinButton, "x from")
            .set_value_accesskit(-0.5);
        h.run();
        h.get_by_role_and_label(egui::accesskit::Role::SpinButton, "y to")
            .set_value_accesskit(-2.0);
        h.run();
        assert!(
            h.state()
                .edits()
                .all(|e| !matches!(e, Edit::SetBounds(Some(b)) if b.y.1 <= b.y.0)),
            "a max below its min is not sent"
        );
        assert!(
            h.state().edits().any(|e| matches!(
                e,
                Edit::SetBounds(Some(b)) if b.x == (-0.5, 1.0) && b.y == (-0.5, 0.5)
            )),
            "{:?}",
            h.state().edits().collect::<Vec<_>>()
        );
    }
}
