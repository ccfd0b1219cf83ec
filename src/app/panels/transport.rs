//! Play/pause, single steps, reset, speed and the timeline scrubber.

use eframe::egui::{self, RichText};

/// Where the play head is and whether it moves.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Playback {
    /// Playing or paused.
    pub playing: bool,
    /// The row shown (steps taken).
    pub head: usize,
    /// Fractional steps carried between frames.
    pub carry: f64,
    /// Keep the head at the last computed row (until the user moves it).
    pub follow_end: bool,
}

impl Playback {
    /// Where a lesson opens: at step 0 when its curves are revealed as it
    /// plays (so the race is not given away), else at the last step.
    pub fn opening(at_start: bool) -> Self {
        Self {
            follow_end: !at_start,
            ..Self::default()
        }
    }

    /// Moves the head by `steps_per_second · dt`, stopping at `last`. While
    /// rows are still `arriving` (a change recomputed from step 0), a head
    /// past `last` holds its place until they catch up; once they are all
    /// in, it comes back to the last one.
    pub fn advance(&mut self, dt: f64, speed: f64, last: usize, arriving: bool) {
        if self.follow_end {
            self.head = last;
            return;
        }
        if self.head > last && !arriving {
            self.head = last;
        }
        if !self.playing {
            return;
        }
        self.carry += speed * dt;
        let whole = self.carry.floor();
        self.carry -= whole;
        if self.head < last {
            self.head = (self.head + whole as usize).min(last);
        }
    }

    /// Starts playing (from the beginning when at the end), or pauses.
    pub fn toggle(&mut self, last: usize) {
        self.follow_end = false;
        if self.playing {
            self.playing = false;
        } else {
            if self.head >= last {
                self.head = 0;
            }
            self.playing = true;
            self.carry = 0.0;
        }
    }

    /// One step forward, paused.
    pub fn step(&mut self, last: usize) {
        self.follow_end = false;
        self.playing = false;
        self.head = (self.head + 1).min(last);
    }

    /// One step back, paused.
    pub fn step_back(&mut self) {
        self.follow_end = false;
        self.playing = false;
        self.head = self.head.saturating_sub(1);
    }

    /// Back to the start, paused.
    pub fn reset(&mut self) {
        *self = Self::default();
    }
}

/// Draws the transport bar. `horizon` is the step count, `last` the last row
/// computed so far.
pub fn show(
    ui: &mut egui::Ui,
    playback: &mut Playback,
    speed: &mut f64,
    horizon: u64,
    last: usize,
) {
    ui.horizontal(|ui| {
        let play_label = if playback.playing { "Pause" } else { "Play" };
        if ui
            .button(RichText::new(play_label).strong())
            .on_hover_text("Space")
            .clicked()
        {
            playback.toggle(last);
        }
        if ui
            .button("Step back")
            .on_hover_text("Left arrow key")
            .clicked()
        {
            playback.step_back();
        }
        if ui.button("Step").on_hover_text("Right arrow key").clicked() {
            playback.step(last);
        }
        if ui.button("Reset").on_hover_text("R").clicked() {
            playback.reset();
        }
        ui.separator();
        ui.add(
            egui::Slider::new(speed, 1.0..=100_000.0)
                .logarithmic(true)
                .integer()
                .suffix(" steps/s")
                .text("Speed"),
        );
        ui.separator();
        ui.label(format!("Step {} / {horizon}", playback.head));
    });
    ui.horizontal(|ui| {
        ui.spacing_mut().slider_width = (ui.available_width() - 90.0).max(100.0);
        let mut head = playback.head;
        let response = ui.add(
            egui::Slider::new(
                &mut head,
                0..=usize::try_from(horizon).unwrap_or(usize::MAX),
            )
            .text("Timeline")
            .show_value(false),
        );
        if response.changed() {
            playback.head = head.min(last);
            playback.playing = false;
            playback.follow_end = false;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn playback_moves_by_speed_and_stops_at_the_end() {
        let mut p = Playback {
            follow_end: true,
            ..Playback::default()
        };
        p.advance(0.1, 10.0, 100, false);
        assert_eq!(p.head, 100, "follows the end until the user moves");
        p.toggle(100);
        assert_eq!(p.head, 0);
        p.head = 0;
        p.advance(0.5, 10.0, 100, false);
        assert_eq!(p.head, 5);
        p.advance(0.05, 10.0, 100, false);
        p.advance(0.05, 10.0, 100, false);
        assert_eq!(p.head, 6);
        p.advance(100.0, 10.0, 100, false);
        assert_eq!(p.head, 100);
        p.toggle(100);
        assert!(!p.playing);
        p.toggle(100);
        assert_eq!(p.head, 0, "playing from the end restarts");
        p.step_back();
        assert_eq!(p.head, 0);
        p.step(100);
        assert_eq!(p.head, 1);
    }

    #[test]
    fn a_head_past_the_rows_waits_for_them_while_they_arrive() {
        let mut p = Playback {
            playing: true,
            head: 1600,
            ..Playback::default()
        };
        // A slider moved: the rows restart from step 0.
        p.advance(0.5, 200.0, 445, true);
        assert_eq!(p.head, 1600, "held, not pulled back to the rows");
        p.advance(0.5, 200.0, 4000, true);
        assert_eq!(p.head, 1700, "moves on once they are past it");
        // The new runs stopped early (diverged) and every row is in.
        p.advance(0.5, 200.0, 50, true);
        assert_eq!(p.head, 1700);
        p.advance(0.5, 200.0, 50, false);
        assert_eq!(p.head, 50, "back to the last row once none is coming");
        p.playing = false;
        p.head = 900;
        p.advance(0.5, 200.0, 300, false);
        assert_eq!(p.head, 300, "paused, too");
    }

    #[test]
    fn the_buttons_move_the_play_head_and_the_counter_says_where() {
        use egui_kittest::Harness;
        use egui_kittest::kittest::Queryable as _;
        let mut h = Harness::new_ui_state(
            |ui, (playback, speed): &mut (Playback, f64)| show(ui, playback, speed, 100, 100),
            (Playback::default(), 200.0),
        );
        assert!(h.query_by_label("Step 0 / 100").is_some());
        h.get_by_label("Step").click();
        h.run();
        h.get_by_label("Step").click();
        h.run();
        assert_eq!(h.state().0.head, 2);
        assert!(h.query_by_label("Step 2 / 100").is_some());
        h.get_by_label("Play").click();
        h.run();
        assert!(h.state().0.playing && h.query_by_label("Pause").is_some());
    }
}
