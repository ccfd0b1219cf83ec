//! How a flat parameter vector splits into torch's named tensors.
//!
//! A surface is one tensor of shape `[2]`; linear regression is `weight`
//! `[1, 1]` and `bias` `[1]`; an MLP is each layer's `weight` `[out, in]`
//! (row-major) and `bias` `[out]`, in `model.parameters()` order. Optimizers
//! that work per tensor (Adafactor's factored moments, norms per tensor) read it.

use std::ops::Range;

/// One named tensor inside the flat vector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tensor {
    /// Torch's name, e.g. `0.weight`.
    pub name: String,
    /// Torch's shape, e.g. `[16, 2]`.
    pub shape: Vec<usize>,
}

impl Tensor {
    /// A tensor called `name` of `shape`.
    pub fn new(name: impl Into<String>, shape: &[usize]) -> Self {
        Self {
            name: name.into(),
            shape: shape.to_vec(),
        }
    }

    /// Number of entries.
    pub fn numel(&self) -> usize {
        self.shape.iter().product()
    }

    /// `(rows, cols)` of a two-dimensional tensor (no problem here has
    /// tensors of more dimensions).
    pub fn as_matrix(&self) -> Option<(usize, usize)> {
        match self.shape[..] {
            [rows, cols] => Some((rows, cols)),
            _ => None,
        }
    }

    /// `name [a, b]`, for the inspector.
    pub fn describe(&self) -> String {
        let dims: Vec<String> = self.shape.iter().map(ToString::to_string).collect();
        format!("{} [{}]", self.name, dims.join(", "))
    }
}

/// The tensors of a problem, in order; their sizes add up to the dimension.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    tensors: Vec<Tensor>,
}

impl Layout {
    /// One vector of `dim` entries (what a run without shapes sees).
    pub fn vector(dim: usize) -> Self {
        Self {
            tensors: vec![Tensor::new("params", &[dim])],
        }
    }

    /// These tensors, in order.
    pub fn new(tensors: Vec<Tensor>) -> Self {
        Self { tensors }
    }

    /// The tensors.
    pub fn tensors(&self) -> &[Tensor] {
        &self.tensors
    }

    /// Total number of parameters.
    pub fn dim(&self) -> usize {
        self.tensors.iter().map(Tensor::numel).sum()
    }

    /// Each tensor with its range in the flat vector.
    pub fn ranges(&self) -> impl Iterator<Item = (&Tensor, Range<usize>)> {
        self.tensors.iter().scan(0, |start, t| {
            let range = *start..*start + t.numel();
            *start = range.end;
            Some((t, range))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_the_tensors_in_order() {
        let layout = Layout::new(vec![
            Tensor::new("0.weight", &[3, 2]),
            Tensor::new("0.bias", &[3]),
        ]);
        let ranges: Vec<_> = layout.ranges().map(|(_, r)| r).collect();
        assert_eq!(ranges, [0..6, 6..9]);
        assert_eq!(layout.dim(), 9);
    }

    #[test]
    fn only_two_dimensional_tensors_are_matrices() {
        assert_eq!(Tensor::new("w", &[3, 2]).as_matrix(), Some((3, 2)));
        assert_eq!(Tensor::new("b", &[3]).as_matrix(), None);
        assert_eq!(Tensor::new("w", &[1, 2]).describe(), "w [1, 2]");
    }
}
