//! The maps the views draw as textures (heat map, decision map, landscape
//! slice, basins), each uploaded once per answer from its worker.

use eframe::egui;

use super::session::Session;
use crate::problem::ViewBox;

/// Pixels to upload: RGBA, top row first, `size` = [across, down].
#[derive(Clone, Copy, Debug)]
pub struct Pixels<'a> {
    /// The box they cover.
    pub view: ViewBox,
    /// Across and down.
    pub size: [usize; 2],
    /// RGBA.
    pub rgba: &'a [u8],
}

/// One texture and the version of the answer it shows.
#[derive(Default)]
pub struct Cached {
    shown: Option<(egui::TextureHandle, ViewBox, u64)>,
}

impl std::fmt::Debug for Cached {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cached")
            .field("version", &self.shown.as_ref().map(|(_, _, v)| v))
            .finish_non_exhaustive()
    }
}

impl Cached {
    /// Uploads `source` unless its `version` is the one shown; none clears.
    /// Returns whether a new texture was uploaded.
    pub fn sync(
        &mut self,
        ctx: &egui::Context,
        name: &str,
        source: Option<(u64, Pixels<'_>)>,
        options: egui::TextureOptions,
    ) -> bool {
        let Some((version, pixels)) = source else {
            self.shown = None;
            return false;
        };
        if self.shown.as_ref().is_some_and(|(_, _, v)| *v == version) {
            return false;
        }
        let image = egui::ColorImage::from_rgba_unmultiplied(pixels.size, pixels.rgba);
        let texture = ctx.load_texture(name, image, options);
        self.shown = Some((texture, pixels.view, version));
        true
    }

    /// The texture and the box it covers.
    pub fn shown(&self) -> Option<(egui::TextureId, ViewBox)> {
        self.shown.as_ref().map(|(t, v, _)| (t.id(), *v))
    }
}

/// Every map drawn as a texture.
#[derive(Debug, Default)]
pub struct Textures {
    /// The loss field under the paths.
    pub heat_map: Cached,
    /// A classifier's decision map under its data.
    pub decision: Cached,
    /// The basins of attraction over the heat map.
    pub basins: Cached,
    /// The landscape slice of a many-parameter model.
    pub slice: Cached,
}

impl Textures {
    /// Uploads whatever the session received since the last frame; returns
    /// whether a new slice arrived (its view is then fitted).
    pub fn sync(&mut self, ctx: &egui::Context, session: &Session) -> bool {
        let linear = egui::TextureOptions::LINEAR;
        let field = session.field().map(|f| {
            (
                session.field_version(),
                Pixels {
                    view: f.spec.view,
                    size: [f.spec.cols, f.spec.rows],
                    rgba: &f.rgba,
                },
            )
        });
        self.heat_map.sync(ctx, "heat_map", field, linear);
        let decision = session.decision().map(|(version, o)| (version, overlay(o)));
        self.decision.sync(ctx, "decision_map", decision, linear);
        let basins = session
            .painted_basins()
            .map(|b| (session.basins_version(), overlay(&b.image)));
        self.basins
            .sync(ctx, "basins", basins, egui::TextureOptions::NEAREST);
        let slice = session.slice().map(|s| {
            let f = &s.field;
            (
                session.slice_version(),
                Pixels {
                    view: f.spec.view,
                    size: [f.spec.cols, f.spec.rows],
                    rgba: &f.rgba,
                },
            )
        });
        self.slice.sync(ctx, "landscape_slice", slice, linear)
    }
}

fn overlay(o: &super::session::Overlay) -> Pixels<'_> {
    Pixels {
        view: o.view,
        size: o.size,
        rgba: &o.rgba,
    }
}
