//! What each optimizer kind is called: its preset name and its reference class.

use super::OptimizerConfig;

impl OptimizerConfig {
    /// The preset name of this kind, e.g. `Adam`.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Self::Sgd(_) => "Sgd",
            Self::Adagrad(_) => "Adagrad",
            Self::RmsProp(_) => "RmsProp",
            Self::Adam(_) => "Adam",
            Self::AdamW(_) => "AdamW",
            Self::NAdam(_) => "NAdam",
            Self::Adadelta(_) => "Adadelta",
            Self::Adamax(_) => "Adamax",
            Self::Lion(_) => "Lion",
            Self::RAdam(_) => "RAdam",
            Self::Rprop(_) => "Rprop",
            Self::Asgd(_) => "Asgd",
            Self::Adafactor(_) => "Adafactor",
            Self::Prodigy(_) => "Prodigy",
            Self::ScheduleFreeAdamW(_) => "ScheduleFreeAdamW",
            Self::ScheduleFreeSgd(_) => "ScheduleFreeSgd",
            Self::Adopt(_) => "Adopt",
            Self::AdaBelief(_) => "AdaBelief",
            Self::Yogi(_) => "Yogi",
            Self::Madgrad(_) => "Madgrad",
            Self::Adan(_) => "Adan",
            Self::AdEMAMix(_) => "AdEMAMix",
            Self::Lamb(_) => "Lamb",
            Self::Lbfgs(_) => "Lbfgs",
            Self::Muon(_) => "Muon",
            Self::Mars(_) => "Mars",
            Self::Soap(_) => "Soap",
            Self::Custom(_) => "Custom",
        }
    }

    /// The torch class this kind reproduces.
    pub fn torch_name(&self) -> &'static str {
        match self {
            Self::Sgd(_) => "torch.optim.SGD",
            Self::Adagrad(_) => "torch.optim.Adagrad",
            Self::RmsProp(_) => "torch.optim.RMSprop",
            Self::Adam(_) => "torch.optim.Adam",
            Self::AdamW(_) => "torch.optim.AdamW",
            Self::NAdam(_) => "torch.optim.NAdam",
            Self::Adadelta(_) => "torch.optim.Adadelta",
            Self::Adamax(_) => "torch.optim.Adamax",
            Self::Lion(_) => "lion_pytorch.Lion",
            Self::RAdam(_) => "torch.optim.RAdam",
            Self::Rprop(_) => "torch.optim.Rprop",
            Self::Asgd(_) => "torch.optim.ASGD",
            Self::Adafactor(_) => "torch.optim.Adafactor",
            Self::Prodigy(_) => "prodigyopt.Prodigy",
            Self::ScheduleFreeAdamW(_) => "schedulefree.AdamWScheduleFree",
            Self::ScheduleFreeSgd(_) => "schedulefree.SGDScheduleFree",
            Self::Adopt(_) => "pytorch_optimizer.ADOPT",
            Self::AdaBelief(_) => "pytorch_optimizer.AdaBelief",
            Self::Yogi(_) => "pytorch_optimizer.Yogi",
            Self::Madgrad(_) => "pytorch_optimizer.MADGRAD",
            Self::Adan(_) => "pytorch_optimizer.Adan",
            Self::AdEMAMix(_) => "pytorch_optimizer.AdEMAMix",
            Self::Lamb(_) => "pytorch_optimizer.Lamb",
            Self::Lbfgs(_) => "torch.optim.LBFGS",
            Self::Muon(_) => "torch.optim.Muon",
            Self::Mars(_) => "pytorch_optimizer.MARS",
            Self::Soap(_) => "pytorch_optimizer.SOAP",
            // Typed by the user: no reference class.
            Self::Custom(_) => "Custom",
        }
    }
}
