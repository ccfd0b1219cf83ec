//! Parameter groups: some of a run's tensors stepped by their own optimizer,
//! as torch users pass `[{"params": …, "lr": …}, …]` or pair two optimizers
//! (Muon on the hidden matrices, AdamW on the rest).
//!
//! A run's own optimizer steps every tensor no group selects; the first group
//! that selects a tensor owns it. Each group gathers its tensors into a
//! contiguous vector, steps it, and scatters the result back, so a rule sees
//! exactly its tensors in `model.parameters()` order, as torch's would.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::{Layout, NamedVector, OptimizerConfig, OptimizerInstance, Tensor};

/// Which tensors a group takes, by shape or by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TensorSelector {
    /// Every two-dimensional tensor.
    Matrices,
    /// The matrices between the first and the last (an MLP's hidden
    /// layers, Muon's recipe: not the input layer, not the output head).
    HiddenMatrices,
    /// Every one-dimensional tensor.
    Vectors,
    /// Every tensor named `bias` or ending in `.bias`.
    Biases,
    /// These tensors, by torch's names (`0.weight`, …).
    Named(Vec<String>),
}

impl TensorSelector {
    /// Whether the selector takes each of `layout`'s tensors.
    pub fn picks(&self, layout: &Layout) -> Vec<bool> {
        let tensors = layout.tensors();
        let matrices: Vec<usize> = tensors
            .iter()
            .enumerate()
            .filter(|(_, t)| t.as_matrix().is_some())
            .map(|(i, _)| i)
            .collect();
        let is_bias = |t: &Tensor| t.name.rsplit('.').next() == Some("bias");
        tensors
            .iter()
            .enumerate()
            .map(|(i, t)| match self {
                Self::Matrices => t.as_matrix().is_some(),
                Self::HiddenMatrices => {
                    matrices.len() > 2
                        && matrices.first() != Some(&i)
                        && matrices.last() != Some(&i)
                        && matrices.contains(&i)
                }
                Self::Vectors => t.shape.len() == 1,
                Self::Biases => is_bias(t),
                Self::Named(names) => names.contains(&t.name),
            })
            .collect()
    }

    /// The selector as a preset writes it, for labels.
    pub fn describe(&self) -> String {
        match self {
            Self::Matrices => "Matrices".to_owned(),
            Self::HiddenMatrices => "HiddenMatrices".to_owned(),
            Self::Vectors => "Vectors".to_owned(),
            Self::Biases => "Biases".to_owned(),
            Self::Named(names) => format!("Named({})", names.join(", ")),
        }
    }
}

/// One group: its tensors and the optimizer that steps them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamGroup {
    /// Which tensors.
    pub params: TensorSelector,
    /// The rule and hyperparameters for them.
    pub optimizer: OptimizerConfig,
}

/// Which part owns each tensor: 0 for the run's own optimizer, `i + 1` for
/// `groups[i]` (the first group that selects it).
pub fn owners(layout: &Layout, groups: &[ParamGroup]) -> Vec<usize> {
    let picks: Vec<Vec<bool>> = groups.iter().map(|g| g.params.picks(layout)).collect();
    (0..layout.tensors().len())
        .map(|t| {
            picks
                .iter()
                .position(|p| p.get(t).copied().unwrap_or(false))
                .map_or(0, |g| g + 1)
        })
        .collect()
}

/// The ranges of the flat vector that part `part` owns, in order.
pub fn ranges_of(layout: &Layout, owners: &[usize], part: usize) -> Vec<Range<usize>> {
    layout
        .ranges()
        .zip(owners)
        .filter(|(_, o)| **o == part)
        .map(|((_, r), _)| r)
        .collect()
}

/// The tensors of part `part` as their own layout.
pub fn layout_of(layout: &Layout, owners: &[usize], part: usize) -> Layout {
    Layout::new(
        layout
            .tensors()
            .iter()
            .zip(owners)
            .filter(|(_, o)| **o == part)
            .map(|(t, _)| t.clone())
            .collect(),
    )
}

/// Why `config` cannot step a group or a run with groups, if it cannot.
pub fn unsupported(config: &OptimizerConfig) -> Option<&'static str> {
    match config {
        OptimizerConfig::Lbfgs(_) => {
            Some("L-BFGS takes no parameter groups (torch's LBFGS refuses them too)")
        }
        OptimizerConfig::Asgd(_)
        | OptimizerConfig::ScheduleFreeAdamW(_)
        | OptimizerConfig::ScheduleFreeSgd(_) => {
            Some("its averaged point is drawn for the whole run, so it cannot share a run")
        }
        OptimizerConfig::Prodigy(_) => {
            Some("its own step size d·lr is plotted per run, so it cannot share a run")
        }
        _ if config.may_look_ahead() => {
            Some("look-ahead Nesterov takes its gradient at one point for the whole run")
        }
        _ => None,
    }
}

/// One part of a grouped run: its optimizer over its gathered tensors.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Part {
    /// The rule and its buffers, over this part's tensors only.
    pub instance: OptimizerInstance,
    /// Where the tensors sit in the run's flat vector.
    pub ranges: Vec<Range<usize>>,
    /// Scratch: the gathered parameters and gradient.
    pub params: Vec<f64>,
    pub grad: Vec<f64>,
}

impl Part {
    fn new(config: OptimizerConfig, layout: &Layout, owners: &[usize], part: usize) -> Self {
        let own = layout_of(layout, owners, part);
        let dim = own.dim();
        Self {
            instance: OptimizerInstance::for_layout(config, own),
            ranges: ranges_of(layout, owners, part),
            params: vec![0.0; dim],
            grad: vec![0.0; dim],
        }
    }

    /// Steps this part's tensors of `params` in place.
    #[inline]
    fn step(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        let mut at = 0;
        for r in &self.ranges {
            let n = r.len();
            self.params[at..at + n].copy_from_slice(&params[r.clone()]);
            self.grad[at..at + n].copy_from_slice(&grad[r.clone()]);
            at += n;
        }
        self.instance.step(&mut self.params, &self.grad, lr);
        let mut at = 0;
        for r in &self.ranges {
            let n = r.len();
            params[r.clone()].copy_from_slice(&self.params[at..at + n]);
            at += n;
        }
    }

    /// The flat-vector index of this part's `i`-th entry.
    fn flat_index(&self, mut i: usize) -> Option<usize> {
        for r in &self.ranges {
            if i < r.len() {
                return Some(r.start + i);
            }
            i -= r.len();
        }
        None
    }
}

impl OptimizerInstance {
    /// A run's optimizer with parameter groups: `config` steps the tensors no
    /// group selects, each group's optimizer its own (see the module docs).
    pub fn with_groups(config: OptimizerConfig, layout: Layout, groups: &[ParamGroup]) -> Self {
        if groups.is_empty() {
            return Self::for_layout(config, layout);
        }
        let owners = owners(&layout, groups);
        let parts = std::iter::once(config.clone())
            .chain(groups.iter().map(|g| g.optimizer.clone()))
            .enumerate()
            .map(|(i, c)| Part::new(c, &layout, &owners, i))
            .collect();
        let mut out = Self::for_layout(config, Layout::new(Vec::new()));
        out.set_layout_and_parts(layout, parts);
        out
    }

    /// Steps every part; groups get lr scaled by the factor the schedule
    /// applied to the run's own lr.
    #[inline]
    pub(super) fn step_parts(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        for i in 0..self.parts().len() {
            let own_lr = self.part_lr(i, lr);
            if let Some(part) = self.parts_mut().get_mut(i) {
                part.step(params, grad, own_lr);
            }
        }
    }

    /// The lr part `part` steps with when the run's is `lr`.
    #[inline]
    fn part_lr(&self, part: usize, lr: f64) -> f64 {
        let base = self.config().lr();
        match self.parts().get(part) {
            Some(p) if part > 0 && base > 0.0 => p.instance.config().lr() * (lr / base),
            Some(p) if part > 0 => p.instance.config().lr(),
            _ => lr,
        }
    }

    /// Whether the run has parameter groups.
    pub fn is_grouped(&self) -> bool {
        !self.parts().is_empty()
    }

    /// Each part's optimizer and the tensors it steps (the run's own first);
    /// one part with every tensor for a run without groups.
    pub fn part_tensors(&self) -> Vec<(OptimizerConfig, Vec<Tensor>)> {
        if self.parts().is_empty() {
            return vec![(self.config().clone(), self.layout().tensors().to_vec())];
        }
        self.parts()
            .iter()
            .map(|p| {
                (
                    p.instance.config().clone(),
                    p.instance.layout().tensors().to_vec(),
                )
            })
            .collect()
    }

    /// The part that steps coordinate `i` and its optimizer.
    pub fn part_of(&self, i: usize) -> (usize, OptimizerConfig) {
        self.parts()
            .iter()
            .position(|p| p.ranges.iter().any(|r| r.contains(&i)))
            .map_or_else(
                || (0, self.config().clone()),
                |k| (k, self.parts()[k].instance.config().clone()),
            )
    }

    /// Every part's buffers in the run's flat layout, merged by name (NaN
    /// where a part does not keep that buffer).
    pub(super) fn grouped_state(&self) -> Vec<NamedVector> {
        let dim = self.layout().dim();
        let mut out: Vec<NamedVector> = Vec::new();
        for part in self.parts() {
            for v in part.instance.state_vectors() {
                scatter(part, v.values, named_slot(&mut out, v.name, dim));
            }
        }
        out
    }

    /// Every part's derived values: per-parameter ones merged by name,
    /// scalars of groups named `group k: …`.
    pub(super) fn grouped_derived(&self, lr: f64) -> Vec<NamedVector> {
        let dim = self.layout().dim();
        let mut out: Vec<NamedVector> = Vec::new();
        for (k, part) in self.parts().iter().enumerate() {
            let own = part.instance.layout().dim();
            for v in part.instance.derived(self.part_lr(k, lr)) {
                if v.values.len() == own && own != 1 {
                    scatter(part, &v.values, named_slot(&mut out, &v.name, dim));
                } else {
                    out.push(NamedVector {
                        name: group_scalar_name(k, &v.name),
                        values: v.values,
                    });
                }
            }
        }
        out
    }
}

/// A scalar's name in a grouped run: the run's own part keeps the name.
pub fn group_scalar_name(part: usize, name: &str) -> String {
    if part == 0 {
        name.to_owned()
    } else {
        format!("group {part}: {name}")
    }
}

/// The values of `out`'s vector called `name`, added (all NaN) if missing.
fn named_slot<'a>(out: &'a mut Vec<NamedVector>, name: &str, dim: usize) -> &'a mut [f64] {
    let at = out.iter().position(|o| o.name == name).unwrap_or_else(|| {
        out.push(NamedVector {
            name: name.to_owned(),
            values: vec![f64::NAN; dim],
        });
        out.len() - 1
    });
    &mut out[at].values
}

/// Writes a part's vector into the run's flat vector at the part's places.
fn scatter(part: &Part, values: &[f64], flat: &mut [f64]) {
    for (i, v) in values.iter().enumerate() {
        if let Some(slot) = part.flat_index(i).and_then(|j| flat.get_mut(j)) {
            *slot = *v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::{Adam, Muon};

    fn mlp() -> Layout {
        Layout::new(vec![
            Tensor::new("0.weight", &[16, 2]),
            Tensor::new("0.bias", &[16]),
            Tensor::new("2.weight", &[16, 16]),
            Tensor::new("2.bias", &[16]),
            Tensor::new("4.weight", &[1, 16]),
            Tensor::new("4.bias", &[1]),
        ])
    }

    #[test]
    fn hidden_matrices_leave_out_the_input_layer_and_the_head() {
        let picked = TensorSelector::HiddenMatrices.picks(&mlp());
        assert_eq!(picked, [false, false, true, false, false, false]);
        let biases = TensorSelector::Biases.picks(&mlp());
        assert_eq!(biases, [false, true, false, true, false, true]);
        let surface = Layout::vector(2);
        assert_eq!(TensorSelector::Matrices.picks(&surface), [false]);
    }

    #[test]
    fn the_first_group_that_selects_a_tensor_owns_it() {
        let muon = OptimizerConfig::Muon(Muon::default());
        let adam = OptimizerConfig::Adam(Adam::default());
        let groups = [
            ParamGroup {
                params: TensorSelector::HiddenMatrices,
                optimizer: muon,
            },
            ParamGroup {
                params: TensorSelector::Matrices,
                optimizer: adam,
            },
        ];
        let owners = owners(&mlp(), &groups);
        assert_eq!(owners, [2, 0, 1, 0, 2, 0]);
        let hidden = ranges_of(&mlp(), &owners, 1);
        assert_eq!((hidden.len(), hidden.first()), (1, Some(&(48..304))));
        assert_eq!(ranges_of(&mlp(), &owners, 0), [32..48, 304..320, 336..337]);
        assert_eq!(ranges_of(&mlp(), &owners, 2), [0..32, 320..336]);
        let rest = layout_of(&mlp(), &owners, 0);
        assert_eq!(rest.dim(), 16 + 16 + 1);
    }
}
