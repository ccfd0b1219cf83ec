//! Range checks on every field of a preset, naming the field.

use super::{CURRENT_VERSION, Point, Preset, PresetError, RunSpec};
use crate::optim::Schedule;
use crate::sim::limits::{MAX_RUNS, MAX_STEPS, MAX_TOTAL_ROWS};
use crate::support::validate::Checker;

/// Most trajectory files drawn beside the runs.
pub const MAX_OVERLAYS: usize = 8;

impl Preset {
    /// Range checks on every field; all problems are reported at once.
    pub fn validate(&self, origin: &str) -> Result<(), PresetError> {
        self.check(origin, true)
    }

    /// The same checks except the problem's own, for an edit that left the
    /// problem as it was (a typed formula is not parsed again).
    pub fn validate_except_problem(&self, origin: &str) -> Result<(), PresetError> {
        self.check(origin, false)
    }

    fn check(&self, origin: &str, problem: bool) -> Result<(), PresetError> {
        let mut c = Checker::new("");
        if self.version == 0 || self.version > CURRENT_VERSION {
            c.fail(
                "version",
                format!(
                    "preset version {} is not supported; this build reads versions 1 to {CURRENT_VERSION}",
                    self.version
                ),
            );
        }
        if problem {
            c.nested("problem", |c| self.problem.check(c));
        }
        crate::problem::check_view(&mut c, "view", self.view);
        crate::problem::check_view(&mut c, "bounds", self.bounds);
        if self.bounds.is_some() && self.problem.has_data() {
            c.fail(
                "bounds",
                "a box is for surfaces with 2 parameters (x, y), not for models on data",
            );
        }
        if let Some(start) = &self.start {
            start.check("start", &mut c);
        }
        if self.steps == 0 {
            c.fail("steps", "must be at least 1, got 0");
        } else if self.steps > MAX_STEPS {
            c.fail(
                "steps",
                format!("must be at most {MAX_STEPS}, got {}", self.steps),
            );
        } else if self.steps.saturating_mul(self.runs.len() as u64) > MAX_TOTAL_ROWS {
            c.fail(
                "steps",
                format!(
                    "{} runs × {} steps exceeds the limit of {MAX_TOTAL_ROWS} recorded steps",
                    self.runs.len(),
                    self.steps
                ),
            );
        }
        if let Some(b) = self.batch_size {
            if b == 0 {
                c.fail("batch_size", "must be at least 1, got 0");
            }
            if !self.problem.has_data() {
                c.fail("batch_size", "only problems with data have mini-batches");
            }
        }
        if let Some(rule) = &self.early_stopping {
            if rule.patience == 0 {
                c.fail("early_stopping.patience", "must be at least 1, got 0");
            }
            c.non_negative("early_stopping.min_delta", rule.min_delta);
        }
        if let Some(tol) = self.grad_tol {
            c.positive("grad_tol", tol);
        }
        if let Some(every) = self.sharpness_every {
            c.at_least_one("sharpness_every", every);
        }
        let run_noise = self.runs.iter().any(|r| r.noise.is_some());
        if (self.noise.is_some() || run_noise) && self.problem.has_data() {
            let field = if self.noise.is_some() {
                "noise"
            } else {
                "runs"
            };
            c.fail(
                field,
                "gradient noise is for surfaces; on data, mini-batches (batch_size) are the noise",
            );
        }
        if let Some(n) = self.noise {
            check_noise(n, &mut c);
        }
        if self.runs.is_empty() {
            c.fail("runs", "must list at least one run");
        } else if self.runs.len() > MAX_RUNS {
            c.fail(
                "runs",
                format!("at most {MAX_RUNS} runs, got {}", self.runs.len()),
            );
        }
        for (i, run) in self.runs.iter().enumerate() {
            c.nested(&format!("runs[{i}]"), |c| run.check(c, self.steps));
        }
        self.check_overlays(&mut c);
        let errors = c.finish();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(PresetError::Invalid {
                origin: origin.to_owned(),
                errors,
            })
        }
    }
}

/// σ finite, ≥ 0 and at most 1e6.
fn check_noise(noise: crate::sim::GradientNoise, c: &mut Checker) {
    if c.finite("noise.sigma", noise.sigma) {
        if noise.sigma < 0.0 {
            c.fail("noise.sigma", format!("must be >= 0, got {}", noise.sigma));
        } else if noise.sigma > 1e6 {
            c.fail(
                "noise.sigma",
                format!("must be at most 1e6, got {}", noise.sigma),
            );
        }
    }
}

impl Point {
    /// Every coordinate finite and within ±1e6.
    fn check(&self, name: &str, c: &mut Checker) {
        for (i, v) in self.0.iter().enumerate() {
            if c.finite(&format!("{name}.{i}"), *v) && v.abs() > 1e6 {
                c.fail(
                    &format!("{name}.{i}"),
                    format!("must be within ±1e6, got {v}"),
                );
            }
        }
    }
}

impl Preset {
    /// At most [`MAX_OVERLAYS`] files, each named.
    fn check_overlays(&self, c: &mut Checker) {
        if self.overlays.len() > MAX_OVERLAYS {
            c.fail(
                "overlays",
                format!("at most {MAX_OVERLAYS} files, got {}", self.overlays.len()),
            );
        }
        for (i, overlay) in self.overlays.iter().enumerate() {
            if overlay.csv.trim().is_empty() {
                c.fail(&format!("overlays[{i}].csv"), "names no file");
            }
        }
    }
}

impl RunSpec {
    fn check(&self, c: &mut Checker, steps: u64) {
        if let Some(start) = &self.start {
            start.check("start", c);
        }
        c.nested("optimizer", |c| self.optimizer.check(c));
        self.check_groups(c);
        if self.batch_size == Some(0) {
            c.fail("batch_size", "must be at least 1, got 0");
        }
        if let Some(p) = &self.penalty {
            c.nested("penalty", |c| p.check(c));
        }
        if let Some(n) = self.noise {
            check_noise(n, c);
        }
        c.nested("schedule", |c| {
            self.schedule.check(c);
            if let Schedule::OneCycleLR(s) = &self.schedule {
                if s.total_steps < steps {
                    c.fail(
                        "total_steps",
                        format!(
                            "OneCycleLR needs total_steps >= the {steps} steps of the run, got {}",
                            s.total_steps
                        ),
                    );
                }
                if s.cycle_momentum && self.optimizer.cycled_momentum().is_none() {
                    c.fail(
                        "cycle_momentum",
                        format!(
                            "{} has neither momentum nor betas; set cycle_momentum: false",
                            self.optimizer.kind_name()
                        ),
                    );
                }
            }
        });
    }

    /// Each group's optimizer checked; kinds that cannot share a run refused.
    fn check_groups(&self, c: &mut Checker) {
        if self.groups.is_empty() {
            return;
        }
        if let Some(why) = crate::optim::groups_unsupported(&self.optimizer) {
            c.fail(
                "optimizer",
                format!("{} with groups: {why}", self.optimizer.kind_name()),
            );
        }
        if matches!(self.schedule, Schedule::OneCycleLR(_)) {
            c.fail(
                "schedule",
                "OneCycleLR's max_lr is one absolute lr, which groups with their own lr cannot share; use another schedule",
            );
        }
        for (i, g) in self.groups.iter().enumerate() {
            c.nested(&format!("groups[{i}]"), |c| {
                c.nested("optimizer", |c| g.optimizer.check(c));
                if let Some(why) = crate::optim::groups_unsupported(&g.optimizer) {
                    c.fail(
                        "optimizer",
                        format!("{} in a group: {why}", g.optimizer.kind_name()),
                    );
                }
            });
            if let crate::optim::TensorSelector::Named(names) = &g.params
                && names.is_empty()
            {
                c.fail(
                    &format!("groups[{i}].params"),
                    "Named needs at least one tensor name",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::{ExpressionConfig, ProblemConfig};

    #[test]
    fn only_the_full_check_looks_at_the_problem() {
        let mut p = Preset::from_ron_str(crate::DEFAULT_PRESET, "default").unwrap();
        p.problem = ProblemConfig::Expression(ExpressionConfig {
            formula: "x +* y".into(),
            view: None,
        });
        assert!(
            p.validate_except_problem("p").is_ok(),
            "the formula is not parsed"
        );
        let err = p.validate("p").unwrap_err().to_string();
        assert!(err.contains("problem.formula"), "{err}");
        p.steps = 0;
        let err = p.validate_except_problem("p").unwrap_err().to_string();
        assert!(err.contains("steps: must be at least 1"), "{err}");
    }

    #[test]
    fn groups_refuse_what_cannot_share_a_run_and_say_where() {
        let text = "(problem: Classification(data: Moons(n: 40, noise: 0.1, seed: 0), hidden: [4, 4]), \
            runs: [(optimizer: AdamW(), schedule: OneCycleLR(max_lr: 0.1, total_steps: 500), \
            groups: [(params: HiddenMatrices, optimizer: Lbfgs()), (params: Named([]), optimizer: Muon())])])";
        let err = Preset::from_ron_str(text, "p").unwrap_err().to_string();
        for expected in [
            "runs[0].groups[0].optimizer: Lbfgs in a group",
            "runs[0].schedule: OneCycleLR",
            "runs[0].groups[1].params: Named needs at least one tensor name",
        ] {
            assert!(err.contains(expected), "{expected} in {err}");
        }
        let fine = "(problem: Classification(data: Moons(n: 40, noise: 0.1, seed: 0), hidden: [4, 4]), \
            runs: [(optimizer: AdamW(), groups: [(params: HiddenMatrices, optimizer: Muon())])])";
        let p = Preset::from_ron_str(fine, "p").unwrap();
        let again = Preset::from_ron_str(&p.to_ron_string().unwrap(), "again").unwrap();
        assert_eq!(again.runs[0].groups, p.runs[0].groups, "groups round-trip");
    }
}
