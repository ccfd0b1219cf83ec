//! An optimizer's config and state together: stepping, swapping
//! hyperparameters, and what the inspector and the paths read from it.

use super::groups::Part;
use super::{Layout, OptimizerConfig, OptimizerState, StateVector};

/// An optimizer config together with its state, always of the same kind.
#[derive(Clone, Debug, PartialEq)]
pub struct OptimizerInstance {
    config: OptimizerConfig,
    state: OptimizerState,
    layout: Layout,
    /// Parameter groups: the run's own part first (empty without groups).
    parts: Vec<Part>,
}

impl OptimizerInstance {
    /// A fresh optimizer for one vector of `dim` parameters.
    pub fn new(config: OptimizerConfig, dim: usize) -> Self {
        Self::for_layout(config, Layout::vector(dim))
    }

    /// A fresh optimizer for parameters laid out as `layout`'s tensors.
    pub fn for_layout(config: OptimizerConfig, layout: Layout) -> Self {
        Self {
            state: config.init(&layout),
            config,
            layout,
            parts: Vec::new(),
        }
    }

    pub(super) fn set_layout_and_parts(&mut self, layout: Layout, parts: Vec<Part>) {
        self.layout = layout;
        self.parts = parts;
    }

    pub(super) fn parts(&self) -> &[Part] {
        &self.parts
    }

    pub(super) fn parts_mut(&mut self) -> &mut [Part] {
        &mut self.parts
    }

    /// The tensors the parameters form.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The hyperparameters in force.
    pub fn config(&self) -> &OptimizerConfig {
        &self.config
    }

    /// The buffers.
    pub fn state(&self) -> &OptimizerState {
        &self.state
    }

    /// Swaps the hyperparameters. The state is kept when the kind stays the same
    /// (optax's `inject_hyperparams`) and re-initialised otherwise.
    /// A typed rule keeps its state only while its names and equations stay.
    pub fn set_config(&mut self, config: OptimizerConfig) {
        let same_kind = match (&self.config, &config) {
            (OptimizerConfig::Custom(a), OptimizerConfig::Custom(b)) => a.same_shape(b),
            (a, b) => std::mem::discriminant(a) == std::mem::discriminant(b),
        };
        if !same_kind {
            self.state = config.init(&self.layout);
        }
        self.config = config;
    }

    /// One step with learning rate `lr`, in place.
    #[inline]
    pub fn step(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        if !self.parts.is_empty() {
            self.step_parts(params, grad, lr);
            return;
        }
        if !self.config.step_matching(params, grad, &mut self.state, lr) {
            let config = self.config.clone();
            self.reinit_and_step(&config, params, grad, lr);
        }
    }

    /// One step with a temporarily changed config (a schedule's momentum).
    #[inline]
    pub fn step_with(
        &mut self,
        config: &OptimizerConfig,
        params: &mut [f64],
        grad: &[f64],
        lr: f64,
    ) {
        if !self.parts.is_empty() {
            self.step_parts(params, grad, lr);
            return;
        }
        if !config.step_matching(params, grad, &mut self.state, lr) {
            self.reinit_and_step(config, params, grad, lr);
        }
    }

    /// One step that may evaluate the loss and gradient again through `f`
    /// (L-BFGS's `step(closure)`); `grad` and `loss` are the evaluation at
    /// `params` the step starts from. Returns the evaluations made, that
    /// first one included (1 for every optimizer that takes the gradient it is given).
    pub fn step_closure(
        &mut self,
        config: &OptimizerConfig,
        params: &mut [f64],
        (grad, loss): (&[f64], f64),
        lr: f64,
        f: &mut super::Closure<'_>,
    ) -> u64 {
        if !self.parts.is_empty() {
            self.step_parts(params, grad, lr);
            return 1;
        }
        if let (OptimizerConfig::Lbfgs(c), OptimizerState::Lbfgs(s)) = (config, &mut self.state) {
            return c.step_closure(params, grad, loss, s, lr, f);
        }
        self.step_with(config, params, grad, lr);
        1
    }

    /// Only reachable if a caller swapped kinds without `set_config`.
    #[cold]
    fn reinit_and_step(
        &mut self,
        config: &OptimizerConfig,
        params: &mut [f64],
        grad: &[f64],
        lr: f64,
    ) {
        self.state = config.init(&self.layout);
        config.step_matching(params, grad, &mut self.state, lr);
    }

    /// Where this step's gradient must be taken when it is not θ itself
    /// (look-ahead Nesterov): writes the point into `out` and returns true.
    #[inline]
    pub fn look_ahead_point(
        &self,
        config: &OptimizerConfig,
        params: &[f64],
        lr: f64,
        out: &mut [f64],
    ) -> bool {
        if !self.parts.is_empty() {
            return false;
        }
        match (config, &self.state) {
            (OptimizerConfig::Sgd(c), OptimizerState::Sgd(s)) => {
                c.look_ahead_point(params, s, lr, out)
            }
            _ => false,
        }
    }

    /// Companion point `index` (see [`OptimizerConfig::companion_names`])
    /// after the last step, with θ = `params`, written into `out`; false
    /// for an index the optimizer does not have.
    pub fn companion_into(&self, index: usize, params: &[f64], out: &mut [f64]) -> bool {
        if !self.parts.is_empty() {
            return false;
        }
        match (&self.config, &self.state, index) {
            (OptimizerConfig::Asgd(_), OptimizerState::Asgd(s), 0) => out.copy_from_slice(&s.ax),
            (OptimizerConfig::ScheduleFreeAdamW(c), OptimizerState::ScheduleFree(s), 0) => {
                s.x_into(params, c.betas.0, out);
            }
            (OptimizerConfig::ScheduleFreeSgd(c), OptimizerState::ScheduleFree(s), 0) => {
                s.x_into(params, c.momentum, out);
            }
            (_, OptimizerState::ScheduleFree(s), 1) if s.z.len() == out.len() => {
                out.copy_from_slice(&s.z);
            }
            _ => return false,
        }
        true
    }

    /// The step size the last step really took when the optimizer sets it
    /// itself (Prodigy's d·lr), for the learning-rate view.
    pub fn effective_lr(&self) -> Option<f64> {
        if !self.parts.is_empty() {
            return None;
        }
        match &self.state {
            OptimizerState::Prodigy(s) if s.step > 0 || s.dlr == 0.0 => Some(s.dlr),
            _ => None,
        }
    }

    /// Named state vectors for the step inspector.
    pub fn state_vectors(&self) -> Vec<StateVector<'_>> {
        self.config.describe(&self.state)
    }
}
