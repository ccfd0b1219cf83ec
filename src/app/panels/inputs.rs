//! Sliders and number fields that change a value only when the user does.
//!
//! egui's defaults clamp (and round) the value they are given to their
//! range every frame and report that as a change. A preset whose value lies
//! outside a slider's range would then be edited just by being shown, and
//! marked unsaved; these never do that.

use eframe::egui;

/// A slider over `range` that clamps only what the user enters.
pub fn slider<Num: egui::emath::Numeric>(
    value: &mut Num,
    range: std::ops::RangeInclusive<Num>,
) -> egui::Slider<'_> {
    egui::Slider::new(value, range).clamping(egui::SliderClamping::Edits)
}

/// A number field that clamps only what the user enters to its range.
pub fn drag_value<Num: egui::emath::Numeric>(value: &mut Num) -> egui::DragValue<'_> {
    egui::DragValue::new(value).clamp_existing_to_range(false)
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;

    use super::*;

    #[test]
    fn a_value_out_of_range_is_shown_as_it_is_and_not_changed() {
        let mut h = Harness::new_ui_state(
            |ui, (a, b, changed): &mut (f64, usize, bool)| {
                *changed |= ui.add(slider(a, 0.0..=1.0).text("a")).changed();
                *changed |= ui.add(drag_value(b).range(1..=10).prefix("b ")).changed();
            },
            (20.0, 28, false),
        );
        h.run();
        assert_eq!(*h.state(), (20.0, 28, false));
    }
}
