//! The parameter view: the heat map and every run's path, the overlays, and
//! the 3-D surface beside it; it asks for the fields of the box on screen.

use eframe::egui;

use super::{Centre, Views, run_chooser, slice_selector};
use crate::analysis::field::Isoline;
use crate::app::edit::Edit;
use crate::app::panels::{surface_3d, surface_view};
use crate::app::session::Session;
use crate::app::state::AppState;
use crate::app::theme;
use crate::preset::{Point, Preset};
use crate::problem::ProblemConfig;

impl Views {
    /// The map (and the 3-D view) of a problem's first two parameters.
    pub(super) fn parameters(&mut self, ui: &mut egui::Ui, centre: &mut Centre<'_>) {
        let Centre {
            state,
            preset,
            session,
            head,
            ..
        } = centre;
        let (preset, head) = (*preset, *head);
        let minima = session
            .problem
            .as_ref()
            .map(|p| p.minima())
            .unwrap_or_default();
        let starts = start_points(preset, session);
        let reset_view = self.target(preset, session, state);
        let names = session
            .problem
            .as_ref()
            .map(|p| p.param_names())
            .unwrap_or_default();
        let axis_names = [
            names.first().map_or("x", String::as_str),
            names.get(1).map_or("y", String::as_str),
        ];
        let field = session.field();
        let isolines = field.map_or(&[][..], |f| &f.isolines);
        let quiver = field
            .filter(|_| state.show_quiver)
            .map(|f| f.quiver.as_slice());
        let ellipses = if state.show_arrows && state.show_inspector {
            crate::app::panels::ellipses::preconditioner_ellipses(session.inspections())
        } else {
            Vec::new()
        };
        let imported = session.imported();
        let has_data = session.samples.is_some();
        let many = session.problem.as_ref().is_some_and(|p| p.dim() > 2);
        let (batched, batch_isolines) = batch_contour(preset, session, state.show_batch_contour);
        let textures = &self.textures;
        let formula_pending = self.formula_pending;
        let mut header = Header::default();
        let output = egui::CentralPanel::default()
            .show(ui, |ui| {
                header = view_header(ui, state, preset, (has_data, many, batched));
                formula_notice(ui, preset, formula_pending);
                let input = surface_view::SurfaceInput {
                    plot_id: "parameter_map",
                    heat_map: textures.heat_map.shown(),
                    overlay: textures.basins.shown().filter(|_| state.show_basins),
                    isolines,
                    batch_isolines,
                    tracks: &session.tracks,
                    preset,
                    head,
                    starts,
                    minima: &minima,
                    reset_view,
                    axis_names,
                    quiver,
                    update_arrows: state.show_arrows,
                    ellipses: &ellipses,
                    imported: &imported,
                };
                match field.filter(|_| state.show_3d) {
                    Some(field) => ui.columns(2, |columns| {
                        let output = surface_view::show(&mut columns[0], &input);
                        surface_3d::show(
                            &mut columns[1],
                            &mut state.camera,
                            &surface_3d::Surface3dInput {
                                field,
                                tracks: &session.tracks,
                                preset,
                                head,
                                imported: &imported,
                            },
                        );
                        output
                    }),
                    None => surface_view::show(ui, &input),
                }
            })
            .inner;
        self.data_reset |= header.data_chosen;
        self.moved(centre.state, &output);
        if header.reset_view {
            centre
                .commands
                .push(crate::app::command::Command::ResetView);
        }
        if let Some(p) = output.clicked_at {
            let start = start_at(preset, centre.session.problem.as_deref(), p);
            centre.commands.edit(Edit::SetStart(Some(Point(start))));
        }
        request_view_maps(centre, &output);
    }
}

/// The start a click at `p` on the map sets: the point itself on a
/// surface; on a model with more parameters, the current start (the
/// preset's or the problem's own) with its first two replaced, as the map
/// shows the first two.
fn start_at(
    preset: &Preset,
    problem: Option<&dyn crate::problem::Problem>,
    p: [f64; 2],
) -> Vec<f64> {
    let Some(problem) = problem.filter(|pr| pr.dim() > 2) else {
        return p.to_vec();
    };
    let mut start = preset
        .start
        .as_ref()
        .map(|s| s.0.clone())
        .filter(|s| s.len() == problem.dim())
        .unwrap_or_else(|| problem.default_start());
    start[0] = p[0];
    start[1] = p[1];
    start
}

/// Asks the workers for what the box now on screen needs: the field, the
/// mini-batch contour and the basins.
fn request_view_maps(centre: &mut Centre<'_>, output: &surface_view::SurfaceOutput) {
    let Some(bounds) = output.bounds else {
        return;
    };
    let Centre {
        state,
        preset,
        session,
        head,
        last,
        ..
    } = centre;
    if state.show_batch_contour && !state.show_data {
        let step = (*head).min(*last) as u64;
        session.want_batch_field(preset, step, bounds);
    }
    let cols = ((output.size_px[0] / 2.0) as usize).clamp(64, 400);
    let rows = ((output.size_px[1] / 2.0) as usize).clamp(64, 400);
    session.want_field(bounds, cols, rows);
    if state.show_basins {
        let run = state.basin_run.min(preset.runs.len().saturating_sub(1));
        session.want_basins(preset, run, (bounds, cols, rows));
    }
}

/// What the user did in the row above the map.
#[derive(Clone, Copy, Debug, Default)]
struct Header {
    /// Chose the data view.
    data_chosen: bool,
    /// Asked for the problem's own box again.
    reset_view: bool,
}

/// The row above the parameter view: Parameters/Data, the landscape choice,
/// the overlays and Reset view.
fn view_header(
    ui: &mut egui::Ui,
    state: &mut AppState,
    preset: &Preset,
    (has_data, many, batched): (bool, bool, bool),
) -> Header {
    let mut data_chosen = false;
    let mut reset_view = false;
    if has_data || many {
        ui.horizontal(|ui| {
            if has_data {
                let was = state.show_data;
                ui.selectable_value(&mut state.show_data, false, "Parameters")
                    .on_hover_text("The paths through parameter space");
                ui.selectable_value(&mut state.show_data, true, "Data")
                    .on_hover_text("The points, with each run's fit at the play head");
                data_chosen = state.show_data && !was;
            }
            if many {
                ui.separator();
                slice_selector(ui, state, preset);
            }
        });
    }
    ui.horizontal(|ui| {
        ui.checkbox(&mut state.show_quiver, "Gradient field")
            .on_hover_text("Arrows of −grad f: the direction plain gradient descent would step");
        ui.checkbox(&mut state.show_arrows, "Update arrows")
            .on_hover_text(
                "Each run's next step; with the inspector open, also the preconditioner ellipse",
            );
        if !many {
            ui.checkbox(&mut state.show_3d, "3-D")
                .on_hover_text("A shaded surface with the paths on it, beside the map; drag to turn it");
            ui.checkbox(&mut state.show_basins, "Basins")
                .on_hover_text(
                    "Colour every start point of the view by where the chosen run's optimizer ends from it",
                );
            if state.show_basins {
                run_chooser(ui, "of", preset, &mut state.basin_run);
            }
        }
        if batched {
            ui.checkbox(&mut state.show_batch_contour, "Mini-batch contour")
                .on_hover_text(
                    "The loss of the mini-batch the next step uses: what SGD actually descends",
                );
        }
        reset_view = ui
            .button("Reset view")
            .on_hover_text("Fit the map to the problem's own box again (key 0)")
            .clicked();
    });
    Header {
        data_chosen,
        reset_view,
    }
}

/// Whether the mini-batch contour applies, and its isolines if shown.
fn batch_contour<'a>(preset: &Preset, session: &'a Session, show: bool) -> (bool, &'a [Isoline]) {
    let batched = preset.batch_size.is_some()
        && session
            .problem
            .as_ref()
            .is_some_and(|p| p.dim() == 2 && p.sample_count().is_some());
    let isolines = session
        .batch_field()
        .filter(|_| batched && show)
        .map_or(&[][..], |(_, f)| &f.isolines);
    (batched, isolines)
}

/// Says that the map shows the last formula that parsed while the one being
/// typed does not.
fn formula_notice(ui: &mut egui::Ui, preset: &Preset, pending: bool) {
    let typed = matches!(
        preset.problem,
        ProblemConfig::Expression(_) | ProblemConfig::Online(_)
    );
    if pending && typed {
        ui.label(
            egui::RichText::new(
                "The formula being typed does not parse: the map shows the last one that did.",
            )
            .color(theme::warning(ui)),
        );
    }
}

/// The preset's start (or the problem's default) and every run's own, once
/// each; inside the box, where the runs really start.
fn start_points(preset: &Preset, session: &Session) -> Vec<[f64; 2]> {
    let two = |p: &[f64]| match p {
        [x, y] => {
            let mut point = [*x, *y];
            if let Some(b) = preset.bounds {
                b.project(&mut point);
            }
            Some(point)
        }
        _ => None,
    };
    let start = match &preset.start {
        Some(Point(p)) => two(p),
        None => session
            .problem
            .as_ref()
            .and_then(|p| two(&p.default_start())),
    };
    let mut starts: Vec<[f64; 2]> = start.into_iter().collect();
    for own in preset.runs.iter().filter(|r| r.enabled) {
        if let Some(Point(p)) = &own.start
            && let Some(point) = two(p)
            && !starts.contains(&point)
        {
            starts.push(point);
        }
    }
    starts
}
