//! Undo and redo of preset edits, and the preset as it was opened.
//!
//! Each edit pushes the preset it replaced. Edits of one thing that follow
//! each other closely (the frames of a slider drag, the keys of a label)
//! make one step, so Ctrl+Z takes back the whole drag.

use std::time::{Duration, Instant};

use super::edit::Edit;
use crate::preset::Preset;

/// Most steps kept.
const DEPTH: usize = 200;
/// Edits of the same thing closer than this make one step.
const GROUP: Duration = Duration::from_millis(800);

/// The presets before and after the one shown.
#[derive(Debug)]
pub struct History {
    /// As opened or last saved: what "unsaved" and "Reset lesson" compare to.
    pristine: Preset,
    undo: Vec<Preset>,
    redo: Vec<Preset>,
    /// The thing the last edit changed, and when.
    last: Option<(String, Instant)>,
}

impl History {
    /// A history starting at `preset`, as opened.
    pub fn new(preset: &Preset) -> Self {
        Self {
            pristine: preset.clone(),
            undo: Vec::new(),
            redo: Vec::new(),
            last: None,
        }
    }

    /// Records that `before` is about to be changed by `edit`; `held` says
    /// the pointer is still down (a drag in progress).
    pub fn record(&mut self, before: &Preset, edit: &Edit, held: bool) {
        let target = edit.target();
        let now = Instant::now();
        let same = self
            .last
            .as_ref()
            .is_some_and(|(t, at)| *t == target && (held || now.duration_since(*at) < GROUP));
        if !same {
            self.undo.push(before.clone());
            if self.undo.len() > DEPTH {
                self.undo.remove(0);
            }
        }
        self.redo.clear();
        self.last = Some((target, now));
    }

    /// The preset before the last step, if any; `current` goes on the redo list.
    pub fn undo(&mut self, current: &Preset) -> Option<Preset> {
        let previous = self.undo.pop()?;
        self.redo.push(current.clone());
        self.last = None;
        Some(previous)
    }

    /// The preset the last undo left, if any; `current` goes back on the undo list.
    pub fn redo(&mut self, current: &Preset) -> Option<Preset> {
        let next = self.redo.pop()?;
        self.undo.push(current.clone());
        self.last = None;
        Some(next)
    }

    /// Whether there is a step to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether there is a step to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// The preset as opened or last saved.
    pub fn pristine(&self) -> &Preset {
        &self.pristine
    }

    /// `preset` was just saved: it is the new pristine state.
    pub fn saved(&mut self, preset: &Preset) {
        self.pristine = preset.clone();
    }
}

impl Edit {
    /// What the edit changes, without the new value: edits with the same
    /// target in a row make one undo step.
    pub fn target(&self) -> String {
        match self {
            Self::SetParam { run, param, .. } => format!("run {run} {param}"),
            Self::SetScheduleParam { run, param, .. } => format!("run {run} schedule {param}"),
            Self::SetMilestones { run, .. } => format!("run {run} milestones"),
            Self::SetPenalty { run, .. } => format!("run {run} penalty"),
            Self::SetRunColor { run, .. } => format!("run {run} colour"),
            Self::SetRunLabel { run, .. } => format!("run {run} label"),
            Self::ReshapeProblem(_) => "problem settings".to_owned(),
            Self::SetStart(_) => "start".to_owned(),
            Self::SetSteps(_) => "steps".to_owned(),
            Self::SetBatchSize(_) => "batch size".to_owned(),
            // Each of these is a step of its own.
            other => format!("{other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::params::{Param, Value};

    fn lr(p: &Preset) -> f64 {
        p.runs[0].optimizer.lr()
    }

    fn set_lr(p: &mut Preset, h: &mut History, v: f64, held: bool) {
        let edit = Edit::SetParam {
            run: 0,
            param: Param::Lr,
            value: Value::Real(v),
        };
        h.record(p, &edit, held);
        edit.apply(p).unwrap();
    }

    #[test]
    fn a_drag_is_one_step_and_redo_brings_it_back() {
        let mut p = Preset::from_ron_str(crate::DEFAULT_PRESET, "default").unwrap();
        let mut h = History::new(&p);
        let start = lr(&p);
        for v in [0.03, 0.04, 0.05] {
            set_lr(&mut p, &mut h, v, true);
        }
        assert!(h.can_undo() && !h.can_redo());
        let back = h.undo(&p).unwrap();
        assert_eq!(lr(&back), start, "the whole drag is undone at once");
        let again = h.redo(&back).unwrap();
        assert_eq!(again, p);
        assert_eq!(h.pristine().runs.len(), 3);
    }

    #[test]
    fn separate_edits_are_separate_steps_and_a_new_edit_clears_redo() {
        let mut p = Preset::from_ron_str(crate::DEFAULT_PRESET, "default").unwrap();
        let mut h = History::new(&p);
        set_lr(&mut p, &mut h, 0.03, false);
        let edit = Edit::SetSteps(50);
        h.record(&p, &edit, false);
        edit.apply(&mut p).unwrap();
        let one = h.undo(&p).unwrap();
        assert_eq!(one.steps, 1000);
        assert_eq!(lr(&one), 0.03);
        set_lr(&mut p, &mut h, 0.07, false);
        assert!(!h.can_redo(), "a new edit ends the redo list");
    }
}
