//! Helpers shared by the integration tests: turning PyTorch reference metadata
//! into Descent configs, and reading reference CSVs.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::path::{Path, PathBuf};

use descent::optim::schedule::{
    AnnealStrategy, ConstantLr, CosineAnnealingLr, CosineAnnealingWarmRestarts, ExponentialLr,
    LinearLr, MultiStepLr, OneCycleLr, PlateauMode, PolynomialLr, ReduceLrOnPlateau, StepLr,
    ThresholdMode,
};
use descent::optim::{
    Adadelta, Adagrad, Adam, AdamW, Adamax, Lion, NAdam, OptimizerConfig, RmsProp, Schedule, Sgd,
};
use serde_json::Value;

/// The real `descent` binary run with `args`.
pub fn descent(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_descent"))
        .args(args)
        .output()
        .unwrap()
}

/// `presets/<name>` as a path string.
pub fn preset(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("presets")
        .join(name)
        .display()
        .to_string()
}

/// The repository's `tests/golden` folder.
pub fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn f(v: &Value, key: &str, default: f64) -> f64 {
    v.get(key).and_then(Value::as_f64).unwrap_or(default)
}

fn b(v: &Value, key: &str, default: bool) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(default)
}

fn u(v: &Value, key: &str, default: u64) -> u64 {
    v.get(key).and_then(Value::as_u64).unwrap_or(default)
}

fn betas(v: &Value, default: (f64, f64)) -> (f64, f64) {
    v.get("betas")
        .and_then(Value::as_array)
        .and_then(|a| Some((a.first()?.as_f64()?, a.get(1)?.as_f64()?)))
        .unwrap_or(default)
}

/// A torch optimizer class name (`torch.optim.Adam` or `Adam`) plus its kwargs.
/// Missing kwargs take Descent's defaults, which must equal torch's.
#[expect(clippy::too_many_lines, reason = "one arm per torch class")]
pub fn optimizer(class: &str, kw: &Value) -> OptimizerConfig {
    let name = class.rsplit('.').next().unwrap_or(class);
    match name {
        "SGD" => {
            let d = Sgd::default();
            OptimizerConfig::Sgd(Sgd {
                lr: f(kw, "lr", d.lr),
                momentum: f(kw, "momentum", d.momentum),
                dampening: f(kw, "dampening", d.dampening),
                nesterov: b(kw, "nesterov", d.nesterov),
                weight_decay: f(kw, "weight_decay", d.weight_decay),
                maximize: b(kw, "maximize", d.maximize),
                ..d
            })
        }
        "Adagrad" => {
            let d = Adagrad::default();
            OptimizerConfig::Adagrad(Adagrad {
                lr: f(kw, "lr", d.lr),
                lr_decay: f(kw, "lr_decay", d.lr_decay),
                weight_decay: f(kw, "weight_decay", d.weight_decay),
                initial_accumulator_value: f(
                    kw,
                    "initial_accumulator_value",
                    d.initial_accumulator_value,
                ),
                eps: f(kw, "eps", d.eps),
                maximize: b(kw, "maximize", d.maximize),
                ..d
            })
        }
        "RMSprop" => {
            let d = RmsProp::default();
            OptimizerConfig::RmsProp(RmsProp {
                lr: f(kw, "lr", d.lr),
                alpha: f(kw, "alpha", d.alpha),
                eps: f(kw, "eps", d.eps),
                weight_decay: f(kw, "weight_decay", d.weight_decay),
                momentum: f(kw, "momentum", d.momentum),
                centered: b(kw, "centered", d.centered),
                maximize: b(kw, "maximize", d.maximize),
                ..d
            })
        }
        "Adam" => {
            let d = Adam::default();
            OptimizerConfig::Adam(Adam {
                lr: f(kw, "lr", d.lr),
                betas: betas(kw, d.betas),
                eps: f(kw, "eps", d.eps),
                weight_decay: f(kw, "weight_decay", d.weight_decay),
                amsgrad: b(kw, "amsgrad", d.amsgrad),
                maximize: b(kw, "maximize", d.maximize),
                decoupled_weight_decay: b(kw, "decoupled_weight_decay", d.decoupled_weight_decay),
                ..d
            })
        }
        "AdamW" => {
            let d = AdamW::default();
            OptimizerConfig::AdamW(AdamW {
                lr: f(kw, "lr", d.lr),
                betas: betas(kw, d.betas),
                eps: f(kw, "eps", d.eps),
                weight_decay: f(kw, "weight_decay", d.weight_decay),
                amsgrad: b(kw, "amsgrad", d.amsgrad),
                maximize: b(kw, "maximize", d.maximize),
                ..d
            })
        }
        "NAdam" => {
            let d = NAdam::default();
            OptimizerConfig::NAdam(NAdam {
                lr: f(kw, "lr", d.lr),
                betas: betas(kw, d.betas),
                eps: f(kw, "eps", d.eps),
                weight_decay: f(kw, "weight_decay", d.weight_decay),
                momentum_decay: f(kw, "momentum_decay", d.momentum_decay),
                decoupled_weight_decay: b(kw, "decoupled_weight_decay", d.decoupled_weight_decay),
                maximize: b(kw, "maximize", d.maximize),
            })
        }
        "Adadelta" => {
            let d = Adadelta::default();
            OptimizerConfig::Adadelta(Adadelta {
                lr: f(kw, "lr", d.lr),
                rho: f(kw, "rho", d.rho),
                eps: f(kw, "eps", d.eps),
                weight_decay: f(kw, "weight_decay", d.weight_decay),
                maximize: b(kw, "maximize", d.maximize),
            })
        }
        "Adamax" => {
            let d = Adamax::default();
            OptimizerConfig::Adamax(Adamax {
                lr: f(kw, "lr", d.lr),
                betas: betas(kw, d.betas),
                eps: f(kw, "eps", d.eps),
                weight_decay: f(kw, "weight_decay", d.weight_decay),
                maximize: b(kw, "maximize", d.maximize),
            })
        }
        "Lion" => {
            let d = Lion::default();
            OptimizerConfig::Lion(Lion {
                lr: f(kw, "lr", d.lr),
                betas: betas(kw, d.betas),
                weight_decay: f(kw, "weight_decay", d.weight_decay),
            })
        }
        other => from_kwargs(other, kw),
    }
}

/// The optimizer whose torch class is `class`, written as preset RON from
/// torch's kwargs: this also checks that the preset's field names are torch's.
pub fn from_kwargs(class: &str, kw: &Value) -> OptimizerConfig {
    let kind = OptimizerConfig::catalogue()
        .into_iter()
        .find(|c| c.short_name() == class)
        .unwrap_or_else(|| panic!("no Descent optimizer for torch class {class}"))
        .kind_name();
    let fields: Vec<String> = kw
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| format!("{k}: {}", ron_value(kind, k, v)))
                .collect()
        })
        .unwrap_or_default();
    let text = format!(
        "(problem: Surface(Rosenbrock), runs: [(optimizer: {kind}({}))])",
        fields.join(", ")
    );
    let preset = descent::preset::Preset::from_ron_str(&text, class)
        .unwrap_or_else(|e| panic!("{text}: {e}"));
    preset.runs[0].optimizer.clone()
}

/// Optional number fields: `Some(x)` or `None` in RON.
const OPTIONAL: [(&str, &str); 5] = [
    ("Soap", "shampoo_beta"),
    ("Lbfgs", "max_eval"),
    ("Prodigy", "beta3"),
    ("AdEMAMix", "t_alpha_beta3"),
    ("Adopt", "clip_lambda"),
];

/// A JSON kwarg as RON: lists become tuples, and the optional ones
/// (Adafactor's `eps[0]`, [`OPTIONAL`]) become `Some(…)` or `None`.
fn ron_value(kind: &str, key: &str, v: &Value) -> String {
    match v {
        Value::Array(items) => {
            let parts: Vec<String> = items
                .iter()
                .enumerate()
                .map(|(i, item)| match item {
                    Value::Null => "None".to_owned(),
                    other if kind == "Adafactor" && key == "eps" && i == 0 => {
                        format!("Some({})", ron_value(kind, key, other))
                    }
                    other => ron_value(kind, key, other),
                })
                .collect();
            format!("({})", parts.join(", "))
        }
        Value::Number(n) if OPTIONAL.contains(&(kind, key)) => {
            format!("Some({:?})", n.as_f64().unwrap_or(f64::NAN))
        }
        Value::Null if OPTIONAL.contains(&(kind, key)) => "None".to_owned(),
        // torch's string options are unit variants spelled as the string;
        // line_search_fn and adjust_lr_fn (None in torch) are optional ones.
        Value::String(name) if matches!(key, "line_search_fn" | "adjust_lr_fn") => {
            format!("Some({name})")
        }
        Value::String(name) => name.clone(),
        // Python writes ints without a point (`warmup_steps: 50`) and floats with one.
        Value::Number(n) if n.is_u64() => n.to_string(),
        Value::Number(n) => n
            .as_f64()
            .map_or_else(|| n.to_string(), |f| format!("{f:?}")),
        other => other.to_string(),
    }
}

/// A torch scheduler class name plus its arguments (torch's argument names).
pub fn schedule(class: &str, kw: &Value) -> Schedule {
    let name = class.rsplit('.').next().unwrap_or(class);
    match name {
        "ConstantLR" => {
            let d = ConstantLr::default();
            Schedule::ConstantLR(ConstantLr {
                factor: f(kw, "factor", d.factor),
                total_iters: u(kw, "total_iters", d.total_iters),
            })
        }
        "StepLR" => Schedule::StepLR(StepLr {
            step_size: u(kw, "step_size", 0),
            gamma: f(kw, "gamma", 0.1),
        }),
        "MultiStepLR" => Schedule::MultiStepLR(MultiStepLr {
            milestones: kw
                .get("milestones")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_u64).collect())
                .unwrap_or_default(),
            gamma: f(kw, "gamma", 0.1),
        }),
        "ExponentialLR" => Schedule::ExponentialLR(ExponentialLr {
            gamma: f(kw, "gamma", 0.0),
        }),
        "CosineAnnealingLR" => Schedule::CosineAnnealingLR(CosineAnnealingLr {
            t_max: u(kw, "T_max", 0),
            eta_min: f(kw, "eta_min", 0.0),
        }),
        "CosineAnnealingWarmRestarts" => {
            Schedule::CosineAnnealingWarmRestarts(CosineAnnealingWarmRestarts {
                t_0: u(kw, "T_0", 0),
                t_mult: u(kw, "T_mult", 1),
                eta_min: f(kw, "eta_min", 0.0),
            })
        }
        "LinearLR" => {
            let d = LinearLr::default();
            Schedule::LinearLR(LinearLr {
                start_factor: f(kw, "start_factor", d.start_factor),
                end_factor: f(kw, "end_factor", d.end_factor),
                total_iters: u(kw, "total_iters", d.total_iters),
            })
        }
        "PolynomialLR" => {
            let d = PolynomialLr::default();
            Schedule::PolynomialLR(PolynomialLr {
                total_iters: u(kw, "total_iters", d.total_iters),
                power: f(kw, "power", d.power),
            })
        }
        "OneCycleLR" => Schedule::OneCycleLR(OneCycleLr {
            max_lr: f(kw, "max_lr", 0.0),
            total_steps: u(kw, "total_steps", 0),
            pct_start: f(kw, "pct_start", 0.3),
            anneal_strategy: match kw.get("anneal_strategy").and_then(Value::as_str) {
                Some("linear") => AnnealStrategy::Linear,
                _ => AnnealStrategy::Cos,
            },
            cycle_momentum: b(kw, "cycle_momentum", true),
            base_momentum: f(kw, "base_momentum", 0.85),
            max_momentum: f(kw, "max_momentum", 0.95),
            div_factor: f(kw, "div_factor", 25.0),
            final_div_factor: f(kw, "final_div_factor", 1e4),
            three_phase: b(kw, "three_phase", false),
        }),
        "ReduceLROnPlateau" => {
            let d = ReduceLrOnPlateau::default();
            Schedule::ReduceLROnPlateau(ReduceLrOnPlateau {
                mode: match kw.get("mode").and_then(Value::as_str) {
                    Some("max") => PlateauMode::Max,
                    _ => PlateauMode::Min,
                },
                factor: f(kw, "factor", d.factor),
                patience: u(kw, "patience", d.patience),
                threshold: f(kw, "threshold", d.threshold),
                threshold_mode: match kw.get("threshold_mode").and_then(Value::as_str) {
                    Some("abs") => ThresholdMode::Abs,
                    _ => ThresholdMode::Rel,
                },
                cooldown: u(kw, "cooldown", d.cooldown),
                min_lr: f(kw, "min_lr", d.min_lr),
                eps: f(kw, "eps", d.eps),
            })
        }
        other => panic!("no Descent schedule for torch class {other}"),
    }
}

/// Numeric rows of a CSV with a header line.
pub fn read_rows(path: &Path) -> Vec<Vec<f64>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').map(|v| v.parse().unwrap()).collect())
        .collect()
}

/// Reads a JSON file.
pub fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// Whether `ours` is within `rel · max(1, |theirs|)` of `theirs`.
pub fn close(ours: f64, theirs: f64, rel: f64) -> bool {
    (ours - theirs).abs() <= rel * theirs.abs().max(1.0) || (ours.is_nan() && theirs.is_nan())
}

/// Every row of run `run` of `preset` run to its horizon: (θ, loss).
pub fn rows_of(preset: &descent::preset::Preset, run: usize) -> Vec<(Vec<f64>, f64)> {
    let mut sim = preset.simulation(Path::new(".")).unwrap();
    sim.run_to_end();
    let t = sim.runs()[run].trajectory();
    (0..t.len())
        .map(|k| {
            let (theta, loss) = t.row(k).unwrap();
            (theta.to_vec(), loss)
        })
        .collect()
}
