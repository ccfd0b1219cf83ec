//! Where frameworks and textbooks read an update rule differently, and the
//! switch between their readings.
//!
//! torch is the default. The other readings change only the fields listed in
//! [`Convention::applied_to`]: ε placement, Adagrad's starting accumulator,
//! RMSprop's decay and ε, lr inside the momentum buffer, look-ahead Nesterov,
//! and Muon's Newton–Schulz in bfloat16 (torch) or exact f64 (textbook).

use super::OptimizerConfig;

/// A framework's or a textbook's reading of the update rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Convention {
    /// `torch.optim` (the default everywhere in Descent).
    Torch,
    /// optax's `sgd`, `adagrad`, `rmsprop` and `adam` with their defaults.
    Optax,
    /// Goodfellow, Bengio & Courville, *Deep Learning* ch. 8, with Sutskever
    /// et al. (2013) for momentum and Nesterov.
    Textbook,
}

impl Convention {
    /// Every convention, in menu order.
    pub const ALL: [Self; 3] = [Self::Torch, Self::Optax, Self::Textbook];

    /// Short display name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Torch => "torch",
            Self::Optax => "optax",
            Self::Textbook => "textbook",
        }
    }

    /// Where the reading comes from, for tooltips.
    pub fn source(self) -> &'static str {
        match self {
            Self::Torch => "torch.optim: eps outside the sqrt, lr outside the momentum buffer",
            Self::Optax => {
                "optax defaults: adagrad starts at 0.1 with eps 1e-7 inside the sqrt; rmsprop decay 0.9, eps inside the sqrt"
            }
            Self::Textbook => {
                "Goodfellow et al. ch. 8 and Sutskever et al. 2013: v = mu*v - lr*g, Nesterov looks ahead; RMSprop rho 0.9, eps 1e-6 inside the sqrt; Muon's Newton-Schulz in exact f64"
            }
        }
    }

    /// Whether any two conventions read `config`'s kind differently.
    pub fn matters_for(config: &OptimizerConfig) -> bool {
        let readings: Vec<_> = Self::readings_of(config)
            .iter()
            .map(|c| c.applied_to(config))
            .collect();
        readings.iter().any(|r| *r != readings[0])
    }

    /// `config` read this way: the convention's fields are set, every other
    /// hyperparameter is kept.
    #[must_use]
    pub fn applied_to(self, config: &OptimizerConfig) -> OptimizerConfig {
        let mut out = config.clone();
        match &mut out {
            OptimizerConfig::Sgd(c) => {
                let textbook = self == Self::Textbook;
                c.lr_inside_momentum = textbook;
                c.look_ahead = textbook;
            }
            OptimizerConfig::Adagrad(c) => {
                (c.initial_accumulator_value, c.eps, c.eps_in_sqrt) = match self {
                    Self::Torch => (0.0, 1e-10, false),
                    Self::Optax => (0.1, 1e-7, true),
                    Self::Textbook => (0.0, 1e-7, false),
                };
            }
            OptimizerConfig::RmsProp(c) => {
                (c.alpha, c.eps, c.eps_in_sqrt) = match self {
                    Self::Torch => (0.99, 1e-8, false),
                    Self::Optax => (0.9, 1e-8, true),
                    Self::Textbook => (0.9, 1e-6, true),
                };
            }
            // Kingma & Ba, optax and torch agree on Adam, eps included.
            OptimizerConfig::Adam(c) => c.eps_in_sqrt = false,
            OptimizerConfig::AdamW(c) => c.eps_in_sqrt = false,
            // optax's contrib muon is not claimed (see `readings_of`).
            OptimizerConfig::Muon(c) if self != Self::Optax => {
                c.newton_schulz_f64 = self == Self::Textbook;
            }
            // Every other kind has one reading, torch's (see `covers`).
            _ => {}
        }
        out
    }

    /// The conventions `config` follows exactly (empty for a custom mix).
    ///
    /// `look_ahead` is ignored without `nesterov`, where it has no effect.
    pub fn followed_by(config: &OptimizerConfig) -> Vec<Self> {
        let normalise = |c: OptimizerConfig| match c {
            OptimizerConfig::Sgd(mut s) if !s.nesterov => {
                s.look_ahead = false;
                OptimizerConfig::Sgd(s)
            }
            other => other,
        };
        let own = normalise(config.clone());
        Self::readings_of(config)
            .iter()
            .copied()
            .filter(|c| normalise(c.applied_to(config)) == own)
            .collect()
    }

    /// The conventions whose reading of `config`'s kind Descent knows: all
    /// three for SGD, Adagrad, RMSprop, Adam and AdamW; torch's bfloat16 and
    /// the textbook's exact f64 for Muon; torch's alone for the rest.
    pub fn readings_of(config: &OptimizerConfig) -> &'static [Self] {
        match config {
            OptimizerConfig::Sgd(_)
            | OptimizerConfig::Adagrad(_)
            | OptimizerConfig::RmsProp(_)
            | OptimizerConfig::Adam(_)
            | OptimizerConfig::AdamW(_) => &Self::ALL,
            OptimizerConfig::Muon(_) => &[Self::Torch, Self::Textbook],
            _ => &[Self::Torch],
        }
    }

    /// Whether the switch knows more than torch's reading of `config`'s kind.
    pub fn covers(config: &OptimizerConfig) -> bool {
        Self::readings_of(config).len() > 1
    }

    /// "torch", "torch = optax", or "custom".
    pub fn describe(config: &OptimizerConfig) -> String {
        if matches!(config, OptimizerConfig::Custom(_)) {
            return "typed by you".to_owned();
        }
        if !Self::covers(config) {
            return Self::Torch.name().to_owned();
        }
        let followed = Self::followed_by(config);
        if followed.is_empty() {
            "custom".to_owned()
        } else {
            followed
                .iter()
                .map(|c| c.name())
                .collect::<Vec<_>>()
                .join(" = ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::{Adagrad, Adam, RmsProp, Sgd};

    #[test]
    fn torch_defaults_follow_torch() {
        for c in OptimizerConfig::catalogue() {
            assert!(
                Convention::followed_by(&c).contains(&Convention::Torch),
                "{}",
                c.kind_name()
            );
        }
    }

    #[test]
    fn applying_a_convention_round_trips_through_detection() {
        for c in OptimizerConfig::catalogue() {
            for &conv in Convention::readings_of(&c) {
                let read = conv.applied_to(&c);
                assert!(
                    Convention::followed_by(&read).contains(&conv),
                    "{} {}",
                    c.kind_name(),
                    conv.name()
                );
            }
        }
    }

    #[test]
    fn optax_changes_adagrad_and_rmsprop_but_not_adam() {
        let ada = Convention::Optax.applied_to(&OptimizerConfig::Adagrad(Adagrad::default()));
        let OptimizerConfig::Adagrad(ada) = ada else {
            unreachable!()
        };
        assert_eq!(
            (ada.initial_accumulator_value, ada.eps, ada.eps_in_sqrt),
            (0.1, 1e-7, true)
        );
        let rms = OptimizerConfig::RmsProp(RmsProp {
            lr: 0.05,
            ..RmsProp::default()
        });
        let OptimizerConfig::RmsProp(r) = Convention::Optax.applied_to(&rms) else {
            unreachable!()
        };
        assert_eq!((r.lr, r.alpha, r.eps_in_sqrt), (0.05, 0.9, true));
        assert!(!Convention::matters_for(&OptimizerConfig::Adam(
            Adam::default()
        )));
        assert_eq!(
            Convention::describe(&OptimizerConfig::Adam(Adam::default())),
            "torch = optax = textbook"
        );
    }

    #[test]
    fn kinds_the_switch_does_not_cover_claim_only_torch() {
        use crate::optim::{NAdam, RAdam};
        // optax's nadam has no momentum schedule: "torch = optax" would be false.
        assert_eq!(
            Convention::describe(&OptimizerConfig::NAdam(NAdam::default())),
            "torch"
        );
        assert_eq!(
            Convention::describe(&OptimizerConfig::RAdam(RAdam::default())),
            "torch"
        );
    }

    #[test]
    fn muon_reads_bfloat16_in_torch_and_exact_f64_in_the_textbook() {
        use crate::optim::Muon;
        let muon = OptimizerConfig::Muon(Muon::default());
        assert_eq!(Convention::describe(&muon), "torch");
        let OptimizerConfig::Muon(book) = Convention::Textbook.applied_to(&muon) else {
            unreachable!()
        };
        assert!(book.newton_schulz_f64);
        assert_eq!(
            Convention::describe(&OptimizerConfig::Muon(book)),
            "textbook"
        );
        // optax's reading is not claimed: the menu leaves Muon as it is.
        assert_eq!(
            Convention::Optax.applied_to(&OptimizerConfig::Muon(book)),
            OptimizerConfig::Muon(book)
        );
    }

    #[test]
    fn a_mixed_config_is_custom() {
        let sgd = OptimizerConfig::Sgd(Sgd {
            momentum: 0.9,
            nesterov: true,
            look_ahead: true,
            ..Sgd::default()
        });
        assert_eq!(Convention::describe(&sgd), "custom");
        let plain = OptimizerConfig::Sgd(Sgd {
            momentum: 0.9,
            look_ahead: true,
            ..Sgd::default()
        });
        assert_eq!(Convention::describe(&plain), "torch = optax");
    }
}
