//! One file per panel. Panels read the preset and what the session
//! received, and push [`crate::app::command::Command`]s; they never change
//! the preset themselves and never compute losses or gradients.

pub mod batches;
pub mod bounds_editor;
pub mod controls;
mod curves;
pub mod custom_rule;
pub mod data_view;
pub mod ellipses;
pub mod formula_editor;
pub mod help;
pub mod imported_list;
pub mod inputs;
pub mod inspector;
pub mod job_controls;
pub mod loss_plot;
mod lr_plot;
pub mod menu_bar;
pub mod noise_editor;
pub mod optimizer_editor;
pub mod param_widget;
mod plot_axis;
pub mod problem_editor;
pub mod problem_picker;
pub mod run_editor;
pub mod schedule_editor;
pub mod sharpness_plot;
pub mod stability;
pub mod surface_3d;
pub mod surface_view;
pub mod sweep_panel;
#[cfg(test)]
mod test_support;
pub mod transport;
pub mod tune_panel;
