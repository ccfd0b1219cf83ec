//! The loss as a rotatable, shaded 3-D surface with every run's path on it,
//! painted with egui's painter (no GPU dependency beyond egui's own). Height
//! and colour follow the heat map's scale; drag to turn, scroll to tilt.

use eframe::egui::{self, Color32, Mesh, Pos2, Shape, Stroke};

use crate::analysis::field::Field;
use crate::app::session::{Track, decimated};
use crate::app::theme;
use crate::preset::Preset;
use crate::sim::{ImportedRun, Trajectory};

/// Grid cells per side of the drawn mesh.
const MESH_CELLS: usize = 64;

/// The camera: yaw and pitch in radians.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Camera {
    /// Turn about the vertical axis.
    pub yaw: f32,
    /// Tilt towards the viewer.
    pub pitch: f32,
}

impl Default for Camera {
    fn default() -> Self {
        Self {
            yaw: -0.6,
            pitch: 0.9,
        }
    }
}

/// A point of the unit box: x, y in [−1, 1] across the view, z in [0, 1].
type P3 = [f32; 3];

impl Camera {
    /// Rotates `p` into camera space: (screen x, screen y, depth).
    fn rotate(self, [x, y, z]: P3) -> P3 {
        let (sy, cy) = self.yaw.sin_cos();
        let (sp, cp) = self.pitch.sin_cos();
        let z = (z - 0.5) * 0.8;
        let (x1, y1) = (cy * x - sy * y, sy * x + cy * y);
        // Pitch about the screen's x axis: y1 goes into the screen.
        let up = cp * z + sp * y1;
        let depth = -sp * z + cp * y1;
        [x1, up, depth]
    }
}

/// What the 3-D view needs.
#[derive(Debug)]
pub struct Surface3dInput<'a> {
    /// The sampled field (heights and colours).
    pub field: &'a Field,
    /// Rows per run.
    pub tracks: &'a [Track],
    /// Labels, colours, visibility.
    pub preset: &'a Preset,
    /// The play head.
    pub head: usize,
    /// Trajectories read from the preset's overlays, with the overlay's index.
    pub imported: &'a [(usize, &'a ImportedRun)],
}

/// Draws the view and turns the camera on drag.
pub fn show(ui: &mut egui::Ui, camera: &mut Camera, input: &Surface3dInput<'_>) {
    let size = ui.available_size();
    let (rect, response) = ui.allocate_exact_size(size, egui::Sense::drag());
    response
        .widget_info(|| egui::WidgetInfo::labeled(egui::accesskit::Role::Image, true, "3-D view"));
    if response.dragged() {
        let d = response.drag_delta();
        camera.yaw += d.x * 0.01;
        camera.pitch = (camera.pitch + d.y * 0.01).clamp(0.05, 1.5);
    }
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, ui.visuals().extreme_bg_color);
    let scale = 0.36 * rect.width().min(rect.height() * 1.3);
    let project = |p: P3| -> (Pos2, f32) {
        let [x, up, depth] = camera.rotate(p);
        (
            Pos2::new(
                rect.center().x + x * scale,
                rect.center().y + 0.1 * rect.height() - up * scale,
            ),
            depth,
        )
    };
    let field = input.field;
    let (cols, rows) = (field.spec.cols, field.spec.rows);
    if cols < 2 || rows < 2 || field.heights.len() < cols * rows {
        return;
    }
    // The shaded surface only changes with the field, the camera or the
    // size: one cached mesh, rebuilt when any of them changes.
    let version = egui::Id::unique((
        camera.yaw.to_bits(),
        camera.pitch.to_bits(),
        [rect.min.x, rect.min.y, rect.max.x, rect.max.y].map(f32::to_bits),
        [
            field.spec.view.x.0,
            field.spec.view.x.1,
            field.spec.view.y.0,
            field.spec.view.y.1,
        ]
        .map(f64::to_bits),
        [field.range.0, field.range.1].map(f64::to_bits),
        cols,
        rows,
    ));
    let slot = egui::Id::unique("surface_3d_mesh");
    let cached: Option<(egui::Id, std::sync::Arc<Mesh>)> = ui.data(|d| d.get_temp(slot));
    let mesh = match cached {
        Some((v, mesh)) if v == version => mesh,
        _ => {
            let mesh = std::sync::Arc::new(surface_mesh(field, &project));
            ui.data_mut(|d| d.insert_temp(slot, (version, std::sync::Arc::clone(&mesh))));
            mesh
        }
    };
    painter.add(Shape::Mesh(mesh));
    paths(&painter, input, &project);
}

/// The surface as back-to-front quads, shaded by their normals.
fn surface_mesh(field: &Field, project: &dyn Fn(P3) -> (Pos2, f32)) -> Mesh {
    let (cols, rows) = (field.spec.cols, field.spec.rows);
    let n = MESH_CELLS.min(cols - 1).min(rows - 1);
    let sample = |i: usize, j: usize| -> P3 {
        let (ci, cj) = (i * (cols - 1) / n, j * (rows - 1) / n);
        let h = field.heights[cj * cols + ci];
        [
            2.0 * i as f32 / n as f32 - 1.0,
            2.0 * j as f32 / n as f32 - 1.0,
            h,
        ]
    };
    // Quads back to front (painter's algorithm), shaded by their normal.
    let mut quads: Vec<(f32, [P3; 4])> = Vec::with_capacity(n * n);
    for j in 0..n {
        for i in 0..n {
            let q = [
                sample(i, j),
                sample(i + 1, j),
                sample(i + 1, j + 1),
                sample(i, j + 1),
            ];
            let centre = [
                f32::midpoint(q[0][0], q[2][0]),
                f32::midpoint(q[0][1], q[2][1]),
                f32::midpoint(q[0][2], q[2][2]),
            ];
            quads.push((project(centre).1, q));
        }
    }
    quads.sort_by(|a, b| b.0.total_cmp(&a.0));
    let light = normalise([-0.4, -0.5, 0.8]);
    let mut mesh = Mesh::default();
    for (_, q) in &quads {
        let u = [
            q[1][0] - q[0][0],
            q[1][1] - q[0][1],
            (q[1][2] - q[0][2]) * 0.8,
        ];
        let v = [
            q[3][0] - q[0][0],
            q[3][1] - q[0][1],
            (q[3][2] - q[0][2]) * 0.8,
        ];
        let normal = normalise(cross(u, v));
        let shade = 0.45 + 0.55 * dot(normal, light).abs();
        let base = mesh.vertices.len() as u32;
        for p in q {
            let c = colorous::VIRIDIS.eval_continuous(f64::from(p[2]));
            let colour = Color32::from_rgb(
                (f32::from(c.r) * shade) as u8,
                (f32::from(c.g) * shade) as u8,
                (f32::from(c.b) * shade) as u8,
            );
            mesh.colored_vertex(project(*p).0, colour);
        }
        mesh.add_triangle(base, base + 1, base + 2);
        mesh.add_triangle(base, base + 2, base + 3);
    }
    mesh
}

/// Every visible run's path, lifted just above the surface, with its head.
fn paths(painter: &egui::Painter, input: &Surface3dInput<'_>, project: &dyn Fn(P3) -> (Pos2, f32)) {
    let view = input.field.spec.view;
    let to_box = |x: f64, y: f64, loss: f64| -> Option<P3> {
        let bx = 2.0 * (x - view.x.0) / (view.x.1 - view.x.0) - 1.0;
        let by = 2.0 * (y - view.y.0) / (view.y.1 - view.y.0) - 1.0;
        ((-1.0..=1.0).contains(&bx) && (-1.0..=1.0).contains(&by)).then(|| {
            [
                bx as f32,
                by as f32,
                input.field.height_scale.height(loss) + 0.01,
            ]
        })
    };
    let draw = |rows: &Trajectory, colour: Color32| {
        if rows.is_empty() {
            return;
        }
        let last = input.head.min(rows.len() - 1);
        let mut line: Vec<Pos2> = Vec::new();
        for (_, p, loss) in decimated(rows, last, 1500) {
            if let Some(q) = p.get(..2).and_then(|p| to_box(p[0], p[1], loss)) {
                line.push(project(q).0);
            } else {
                // Leaving the box ends this piece of the path.
                if line.len() > 1 {
                    painter.add(Shape::line(
                        std::mem::take(&mut line),
                        Stroke::new(2.0, colour),
                    ));
                }
                line.clear();
            }
        }
        if line.len() > 1 {
            painter.add(Shape::line(line, Stroke::new(2.0, colour)));
        }
        if let Some((p, loss)) = rows.row(last)
            && let Some(q) = p.get(..2).and_then(|p| to_box(p[0], p[1], loss))
        {
            painter.circle_filled(project(q).0, 4.5, colour);
        }
    };
    for (k, (run, track)) in input.preset.runs.iter().zip(input.tracks).enumerate() {
        if run.enabled {
            draw(&track.rows, theme::run_color(k, run.color));
        }
    }
    let first = input.preset.runs.len();
    for (k, (overlay, run)) in input.imported.iter().enumerate() {
        let chosen = input.preset.overlays.get(*overlay).and_then(|o| o.color);
        draw(&run.rows, theme::run_color(first + k, chosen));
    }
}

fn cross(a: P3, b: P3) -> P3 {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

fn dot(a: P3, b: P3) -> f32 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn normalise(a: P3) -> P3 {
    let n = dot(a, a).sqrt().max(f32::MIN_POSITIVE);
    [a[0] / n, a[1] / n, a[2] / n]
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;

    use super::*;
    use crate::analysis::field::{self, FieldSpec};
    use crate::app::panels::test_support::{lesson, tracks};
    use crate::problem::{Surface, ViewBox};

    #[test]
    fn a_drag_turns_the_camera() {
        let field = field::compute(
            &Surface::Rosenbrock,
            &FieldSpec {
                view: ViewBox {
                    x: (-2.0, 2.0),
                    y: (-1.0, 3.0),
                },
                cols: 32,
                rows: 32,
                levels: 8,
            },
        );
        let (preset, tracks) = (lesson(), tracks());
        let mut h = Harness::builder().with_size([400.0, 400.0]).build_ui_state(
            |ui, camera: &mut Camera| {
                show(
                    ui,
                    camera,
                    &Surface3dInput {
                        field: &field,
                        tracks: &tracks,
                        preset: &preset,
                        head: 2,
                        imported: &[],
                    },
                );
            },
            Camera::default(),
        );
        let rect = h.get_by_label("3-D view").rect();
        let (from, to) = (rect.center(), rect.center() + egui::vec2(60.0, 10.0));
        h.hover_at(from);
        h.drag_at(from);
        h.run();
        for k in 1..=4 {
            h.hover_at(from + (to - from) * (k as f32 / 4.0));
            h.run();
        }
        h.drop_at(to);
        h.run();
        let before = Camera::default();
        assert!(h.state().yaw > before.yaw, "{:?}", h.state());
        assert!(h.state().pitch >= before.pitch);
    }
}
