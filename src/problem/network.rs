//! Small classifiers on 2-D points: logistic regression, softmax regression
//! and a tiny MLP, all one fully connected network with a mean loss.
//!
//! ```text
//! a₀ = x;   zₗ = Wₗ·aₗ₋₁ + bₗ;   aₗ = act(zₗ) for hidden layers
//! 2 classes:  one logit z, loss = mean(max(z, 0) − z·y + ln(1 + e^−|z|))   (binary_cross_entropy_with_logits)
//! K classes:  K logits,   loss = mean(logsumexp(z) − z_y)                 (cross_entropy)
//! ```
//! Parameters are laid out as torch's `nn.Linear` layers in order: each
//! weight (out × in, row-major), then its bias.

use std::cell::RefCell;

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt as _, SeedableRng as _};

use super::activation::{Activation, sigmoid};
use super::classes::ClassData;
use super::network_gradient;
use super::network_loss::{self, Shape};
use super::{Batch, Problem};
use crate::optim::{Layout, Tensor};

/// A classifier on a labelled point set.
#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    data: ClassData,
    /// Held-out points, scored by the validation loss.
    validation: Option<ClassData>,
    /// Units per layer, input (2) first, output (1 or K) last.
    sizes: Vec<usize>,
    activation: Activation,
    init_seed: u64,
}

thread_local! {
    /// Per-thread scratch for activations and deltas, so steps do not allocate.
    static SCRATCH: RefCell<Vec<f64>> = const { RefCell::new(Vec::new()) };
}

impl Network {
    /// A network with `hidden` layer widths on `data`.
    pub fn new(data: ClassData, hidden: &[usize], activation: Activation, init_seed: u64) -> Self {
        let out = if data.classes <= 2 { 1 } else { data.classes };
        let mut sizes = vec![2];
        sizes.extend_from_slice(hidden);
        sizes.push(out);
        Self {
            data,
            validation: None,
            sizes,
            activation,
            init_seed,
        }
    }

    /// The same network, scored on `validation` as well.
    #[must_use]
    pub fn with_validation(mut self, validation: Option<ClassData>) -> Self {
        self.validation = validation;
        self
    }

    /// The data set.
    pub fn data(&self) -> &ClassData {
        &self.data
    }

    /// Units per layer, input first.
    pub fn sizes(&self) -> &[usize] {
        &self.sizes
    }

    fn units(&self) -> usize {
        self.sizes.iter().sum()
    }

    /// Logits of `x` written into `out` (length = output units).
    pub fn logits(&self, params: &[f64], x: [f64; 2], out: &mut [f64]) {
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            let units = self.units();
            if s.len() < 3 * units {
                s.resize(3 * units, 0.0);
            }
            let (z, rest) = s.split_at_mut(units);
            let a = &mut rest[..units];
            self.forward(params, x, z, a);
            let last = units - self.sizes[self.sizes.len() - 1];
            out.copy_from_slice(&z[last..units]);
        });
    }

    /// Fills pre-activations `z` and activations `a` (layer after layer).
    fn forward(&self, params: &[f64], x: [f64; 2], z: &mut [f64], a: &mut [f64]) {
        z[0] = x[0];
        z[1] = x[1];
        a[0] = x[0];
        a[1] = x[1];
        let layers = self.sizes.len() - 1;
        let (mut p, mut prev) = (0, 0);
        for l in 0..layers {
            let (n_in, n_out) = (self.sizes[l], self.sizes[l + 1]);
            let cur = prev + n_in;
            let bias = p + n_in * n_out;
            for o in 0..n_out {
                let w = &params[p + o * n_in..p + (o + 1) * n_in];
                let mut acc = params[bias + o];
                for (wi, ai) in w.iter().zip(&a[prev..cur]) {
                    acc += wi * ai;
                }
                z[cur + o] = acc;
                a[cur + o] = if l + 1 < layers {
                    self.activation.apply(acc)
                } else {
                    acc
                };
            }
            p = bias + n_out;
            prev = cur;
        }
    }

    /// Mean loss over `indices` (all points if `None`), with its gradient if
    /// `grad` is given.
    fn evaluate(&self, params: &[f64], indices: Option<&[usize]>, grad: Option<&mut [f64]>) -> f64 {
        self.evaluate_on(&self.data, params, indices, grad)
    }

    /// [`Self::evaluate`] on any point set.
    fn evaluate_on(
        &self,
        data: &ClassData,
        params: &[f64],
        indices: Option<&[usize]>,
        grad: Option<&mut [f64]>,
    ) -> f64 {
        let n = indices.map_or(data.points.len(), <[usize]>::len);
        if n == 0 || params.len() != self.dim() {
            if let Some(g) = grad {
                g.fill(f64::NAN);
            }
            return f64::NAN;
        }
        let shape = self.shape();
        match (grad, indices) {
            (Some(g), _) => {
                network_gradient::mean_loss_and_gradient(shape, params, data, indices, g)
            }
            (None, None) => network_loss::mean_loss(shape, params, data),
            (None, Some(_)) => {
                let mut g = vec![0.0; params.len()];
                network_gradient::mean_loss_and_gradient(shape, params, data, indices, &mut g)
            }
        }
    }

    fn shape(&self) -> Shape<'_> {
        Shape {
            sizes: &self.sizes,
            activation: self.activation,
        }
    }

    /// Share of points whose predicted class is their label.
    fn accuracy_of(&self, params: &[f64]) -> f64 {
        let out = self.sizes[self.sizes.len() - 1];
        let mut logits = vec![0.0; out];
        let correct = self
            .data
            .points
            .iter()
            .zip(&self.data.labels)
            .filter(|&(&x, &label)| {
                self.logits(params, x, &mut logits);
                let predicted = if out == 1 {
                    usize::from(logits[0] > 0.0)
                } else {
                    logits
                        .iter()
                        .enumerate()
                        .max_by(|a, b| a.1.total_cmp(b.1))
                        .map_or(0, |(k, _)| k)
                };
                predicted == label
            })
            .count();
        correct as f64 / self.data.points.len().max(1) as f64
    }
}

impl Problem for Network {
    fn dim(&self) -> usize {
        self.sizes.windows(2).map(|w| w[0] * w[1] + w[1]).sum()
    }

    fn param_names(&self) -> Vec<String> {
        if self.sizes == [2, 1] {
            return vec!["w1".into(), "w2".into(), "b".into()];
        }
        (0..self.dim()).map(|i| format!("theta_{i}")).collect()
    }

    /// `nn.Sequential(Linear, activation, Linear, …)`: layer `k`'s tensors are
    /// `{2k}.weight` `[out, in]` and `{2k}.bias` `[out]`.
    fn tensors(&self) -> Layout {
        Layout::new(
            self.sizes
                .windows(2)
                .enumerate()
                .flat_map(|(k, w)| {
                    [
                        Tensor::new(format!("{}.weight", 2 * k), &[w[1], w[0]]),
                        Tensor::new(format!("{}.bias", 2 * k), &[w[1]]),
                    ]
                })
                .collect(),
        )
    }

    fn name(&self) -> String {
        match (self.sizes.len(), self.data.classes) {
            (2, 2) => "Logistic regression".into(),
            (2, _) => "Softmax regression".into(),
            _ => format!(
                "MLP {} ({})",
                self.sizes
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("-"),
                self.activation.name()
            ),
        }
    }

    fn formula(&self) -> String {
        let loss = if self.data.classes <= 2 {
            "binary cross-entropy"
        } else {
            "cross-entropy"
        };
        format!(
            "mean {loss} over {} points, {} classes",
            self.data.points.len(),
            self.data.classes
        )
    }

    fn loss(&self, params: &[f64]) -> f64 {
        self.evaluate(params, None, None)
    }

    fn loss_grad(&self, params: &[f64], batch: Batch<'_>, grad: &mut [f64]) -> f64 {
        match batch {
            Batch::Full | Batch::Step(_) => self.evaluate(params, None, Some(grad)),
            Batch::Indices(idx) => self.evaluate(params, Some(idx), Some(grad)),
        }
    }

    /// torch's `nn.Linear` initialisation, seeded: weights and biases
    /// uniform in ±1/√`fan_in`.
    fn default_start(&self) -> Vec<f64> {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(self.init_seed);
        let mut params = Vec::with_capacity(self.dim());
        for w in self.sizes.windows(2) {
            let bound = 1.0 / (w[0] as f64).sqrt();
            for _ in 0..(w[0] * w[1] + w[1]) {
                params.push(rng.random_range(-bound..bound));
            }
        }
        params
    }

    fn sample_count(&self) -> Option<usize> {
        Some(self.data.points.len())
    }

    fn splits_loss(&self) -> bool {
        network_loss::splits(&self.data)
    }

    fn samples(&self) -> Option<crate::problem::Samples> {
        let (held_out, held_out_labels) = self
            .validation
            .as_ref()
            .map(|v| (v.points.clone(), v.labels.clone()))
            .unwrap_or_default();
        Some(crate::problem::Samples::Classes {
            points: self.data.points.clone(),
            labels: self.data.labels.clone(),
            classes: self.data.classes,
            held_out,
            held_out_labels,
        })
    }

    fn validation_loss(&self, params: &[f64]) -> Option<f64> {
        self.validation
            .as_ref()
            .map(|v| self.evaluate_on(v, params, None, None))
    }

    /// Each neuron's incoming weights; biases belong to no group.
    fn filter_groups(&self) -> Vec<std::ops::Range<usize>> {
        let mut groups = Vec::new();
        let mut p = 0;
        for w in self.sizes.windows(2) {
            let (n_in, n_out) = (w[0], w[1]);
            for o in 0..n_out {
                groups.push(p + o * n_in..p + (o + 1) * n_in);
            }
            p += n_in * n_out + n_out;
        }
        groups
    }

    fn penalised(&self) -> Vec<bool> {
        let mut mask = vec![false; self.dim()];
        for group in self.filter_groups() {
            for on in mask.get_mut(group).into_iter().flatten() {
                *on = true;
            }
        }
        mask
    }

    fn accuracy(&self, params: &[f64]) -> Option<f64> {
        (params.len() == self.dim()).then(|| self.accuracy_of(params))
    }

    fn classes(&self) -> Option<usize> {
        Some(self.data.classes.max(2))
    }

    fn class_probabilities(&self, params: &[f64], x: [f64; 2], probs: &mut [f64]) {
        let out = self.sizes[self.sizes.len() - 1];
        let mut logits = [0.0; super::classes::MAX_CLASSES];
        let Some(logits) = logits.get_mut(..out) else {
            return;
        };
        if params.len() != self.dim() {
            probs.fill(f64::NAN);
            return;
        }
        self.logits(params, x, logits);
        if let ([z], [p0, p1, ..]) = (&*logits, &mut *probs) {
            *p1 = sigmoid(*z);
            *p0 = 1.0 - *p1;
            return;
        }
        let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let sum: f64 = logits.iter().map(|z| (z - max).exp()).sum();
        for (p, z) in probs.iter_mut().zip(logits.iter()) {
            *p = (z - max).exp() / sum;
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::path::Path;

    use proptest::prelude::*;

    use super::*;
    use crate::problem::ClassDataSource;

    fn net(hidden: &[usize], activation: Activation, source: &ClassDataSource) -> Network {
        Network::new(source.load(Path::new(".")).unwrap(), hidden, activation, 1)
    }

    fn central_difference(net: &Network, params: &[f64], batch: Batch<'_>) -> Vec<f64> {
        let mut g = vec![0.0; params.len()];
        let mut p = params.to_vec();
        (0..params.len())
            .map(|i| {
                let h = 1e-6 * params[i].abs().max(1.0);
                p[i] = params[i] + h;
                let up = net.loss_grad(&p, batch, &mut g);
                p[i] = params[i] - h;
                let down = net.loss_grad(&p, batch, &mut g);
                p[i] = params[i];
                (up - down) / (2.0 * h)
            })
            .collect()
    }

    /// The one-sample loop the lanes replaced: forward, loss and backward for
    /// each sample in turn. The lanes must give its bits.
    pub(crate) fn reference_loss_grad(net: &Network, params: &[f64], grad: &mut [f64]) -> f64 {
        let units = net.units();
        let out = net.sizes[net.sizes.len() - 1];
        let n = net.data.points.len();
        let scale = 1.0 / n as f64;
        let (mut z, mut a, mut delta) = (vec![0.0; units], vec![0.0; units], vec![0.0; units]);
        grad.fill(0.0);
        let mut total = 0.0;
        for (&x, &label) in net.data.points.iter().zip(&net.data.labels) {
            net.forward(params, x, &mut z, &mut a);
            let last = units - out;
            total += network_loss::sample_loss(&z[last..], label, &mut delta[last..]);
            let layers = net.sizes.len() - 1;
            let mut cur = units - net.sizes[layers];
            let mut p_end = params.len();
            for l in (0..layers).rev() {
                let (n_in, n_out) = (net.sizes[l], net.sizes[l + 1]);
                let prev = cur - n_in;
                let bias = p_end - n_out;
                let w0 = bias - n_in * n_out;
                for o in 0..n_out {
                    let d = delta[cur + o] * scale;
                    grad[bias + o] += d;
                    for j in 0..n_in {
                        grad[w0 + o * n_in + j] += d * a[prev + j];
                    }
                }
                if l > 0 {
                    for j in 0..n_in {
                        let mut back = 0.0;
                        for o in 0..n_out {
                            back += params[w0 + o * n_in + j] * delta[cur + o];
                        }
                        delta[prev + j] = back * net.activation.slope(a[prev + j]);
                    }
                }
                cur = prev;
                p_end = w0;
            }
        }
        total * scale
    }

    #[test]
    fn lanes_give_the_one_sample_loops_bits() {
        let cases: [(&[usize], Activation, ClassDataSource); 4] = [
            (
                &[],
                Activation::Tanh,
                ClassDataSource::Moons {
                    n: 45,
                    noise: 0.2,
                    seed: 1,
                },
            ),
            (
                &[16, 16],
                Activation::Tanh,
                ClassDataSource::Moons {
                    n: 203,
                    noise: 0.1,
                    seed: 2,
                },
            ),
            (
                &[5],
                Activation::Relu,
                ClassDataSource::Spiral {
                    n: 61,
                    classes: 3,
                    noise: 0.2,
                    seed: 3,
                },
            ),
            (
                &[4, 3],
                Activation::Sigmoid,
                ClassDataSource::Xor {
                    n: 37,
                    noise: 0.1,
                    seed: 4,
                },
            ),
        ];
        for (hidden, activation, source) in cases {
            let n = net(hidden, activation, &source);
            let params = n.default_start();
            let (mut lanes, mut one) = (vec![0.0; params.len()], vec![0.0; params.len()]);
            let loss = n.loss_grad(&params, Batch::Full, &mut lanes);
            let reference = reference_loss_grad(&n, &params, &mut one);
            assert_eq!(
                loss.to_bits(),
                reference.to_bits(),
                "{hidden:?} {activation:?}"
            );
            let bits = |g: &[f64]| g.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&lanes), bits(&one), "{hidden:?} {activation:?}");
            assert!(one.iter().any(|g| *g != 0.0));
        }
    }

    #[test]
    fn shapes_names_and_kinds() {
        let moons = ClassDataSource::Moons {
            n: 50,
            noise: 0.1,
            seed: 0,
        };
        let logistic = net(&[], Activation::Tanh, &moons);
        assert_eq!(logistic.dim(), 3);
        assert_eq!(logistic.param_names(), ["w1", "w2", "b"]);
        assert_eq!(logistic.name(), "Logistic regression");
        let mlp = net(&[16, 16], Activation::Relu, &moons);
        assert_eq!(mlp.dim(), (2 * 16 + 16) + (16 * 16 + 16) + (16 + 1));
        assert_eq!(mlp.name(), "MLP 2-16-16-1 (ReLU)");
        let blobs = ClassDataSource::Blobs {
            n: 60,
            classes: 4,
            spread: 0.5,
            seed: 0,
        };
        let softmax = net(&[], Activation::Tanh, &blobs);
        assert_eq!(softmax.dim(), 4 * 2 + 4);
        assert_eq!(softmax.name(), "Softmax regression");
        // Penalties reach the weights, never the biases.
        assert_eq!(logistic.penalised(), [true, true, false]);
        let mask = mlp.penalised();
        assert_eq!(mask.iter().filter(|on| **on).count(), 2 * 16 + 16 * 16 + 16);
        assert!(
            !mask[32] && mask[31],
            "layer 1's biases follow its 32 weights"
        );
        let start = mlp.default_start();
        assert_eq!(start.len(), mlp.dim());
        assert!(start[..32].iter().all(|w| w.abs() < 1.0 / 2f64.sqrt()));
    }

    #[test]
    fn logistic_loss_at_zero_is_ln_2() {
        let moons = ClassDataSource::Moons {
            n: 40,
            noise: 0.1,
            seed: 0,
        };
        let logistic = net(&[], Activation::Tanh, &moons);
        assert!((logistic.loss(&[0.0, 0.0, 0.0]) - std::f64::consts::LN_2).abs() < 1e-15);
        let blobs = ClassDataSource::Blobs {
            n: 30,
            classes: 3,
            spread: 0.5,
            seed: 0,
        };
        let softmax = net(&[], Activation::Tanh, &blobs);
        assert!((softmax.loss(&[0.0; 9]) - 3f64.ln()).abs() < 1e-15);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn gradients_match_central_differences(
            seed in 0_u64..1000,
            kind in 0_usize..4,
            act in 0_usize..3,
            batch_start in 0_usize..20,
        ) {
            let activation = [Activation::Tanh, Activation::Sigmoid, Activation::Relu][act];
            let (hidden, source): (&[usize], ClassDataSource) = match kind {
                0 => (&[], ClassDataSource::Moons { n: 40, noise: 0.2, seed }),
                1 => (&[], ClassDataSource::Blobs { n: 40, classes: 3, spread: 0.8, seed }),
                2 => (&[5], ClassDataSource::Spiral { n: 45, classes: 3, noise: 0.2, seed }),
                _ => (&[4, 3], ClassDataSource::Xor { n: 40, noise: 0.1, seed }),
            };
            let n = Network::new(source.load(Path::new(".")).unwrap(), hidden, activation, seed);
            let params = n.default_start();
            let idx: Vec<usize> = (batch_start..batch_start + 8).collect();
            for batch in [Batch::Full, Batch::Indices(&idx)] {
                let mut g = vec![0.0; params.len()];
                n.loss_grad(&params, batch, &mut g);
                let fd = central_difference(&n, &params, batch);
                for (i, (a, b)) in g.iter().zip(&fd).enumerate() {
                    // ReLU kinks make one-sided slopes differ; allow a loose match there.
                    let tol = if activation == Activation::Relu { 1e-4 } else { 1e-6 };
                    prop_assert!((a - b).abs() <= tol * b.abs().max(1.0), "param {i}: {a} vs {b}");
                }
            }
        }
    }
}
