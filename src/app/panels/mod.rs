//! One file per panel. Panels read data and edit the preset or the play head;
//! they never compute losses or gradients.

pub mod controls;
pub mod data_view;
pub mod inspector;
pub mod loss_plot;
pub mod problem_editor;
pub mod stability;
pub mod surface_3d;
pub mod surface_view;
pub mod sweep_panel;
pub mod transport;
