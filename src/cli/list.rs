//! `descent list`: the surfaces, problems, optimizers (with torch's
//! defaults) and schedules a preset can name.

use std::io::{self, Write};

use super::{CliError, stdout_error};
use crate::optim::{OptimizerConfig, Schedule};
use crate::problem::{Activation, Surface, catalogue};

/// `descent list`.
pub(super) fn command() -> Result<(), CliError> {
    let text = listing();
    io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(stdout_error)
}

/// The text of `descent list`.
pub fn listing() -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let ron = |v: &dyn erased::Ron| v.ron();
    let _ = writeln!(s, "Surfaces (problem: Surface(...)):");
    for surface in Surface::catalogue() {
        let _ = writeln!(s, "  {:<18} {}", surface.ident(), surface.formula());
    }
    let _ = writeln!(
        s,
        "  Expression(formula: \"sin(x)*cos(y) + 0.1*(x^2+y^2)\")   any smooth f(x, y): + - * / ^, sin cos tan and their inverses and hyperbolic forms, exp ln log2 log10 sqrt, PI, E (abs, sign, floor and the like have no symbolic derivative and are refused)"
    );
    let _ = writeln!(
        s,
        "  Online(terms: [\"3*x\", \"-x\", \"-x\"])   a loss that changes with the step: step t takes term (t − 1) mod p; the mean is drawn and recorded"
    );
    let _ = writeln!(
        s,
        "  bounds: Some(x: (-1.0, 1.0), y: (-1.0, 1.0))   (preset field) keeps every run in a box: the start and each step are clamped"
    );
    let _ = writeln!(
        s,
        "\nModels on data (problem: ...), as the window's picker starts them:"
    );
    for (name, config) in catalogue::models() {
        let _ = writeln!(s, "  {name}\n      {}", ron(&config));
    }
    let _ = writeln!(
        s,
        "  Line data: Csv(\"file.csv\") with columns x,y, or Synthetic(n, slope, intercept, noise, x_range, seed)"
    );
    let _ = writeln!(s, "\nClassification data sets (data: ...):");
    for shape in catalogue::SHAPES {
        let _ = writeln!(s, "  {}", ron(&catalogue::shape(shape, 200, 0)));
    }
    let _ = writeln!(
        s,
        "  Csv(\"file.csv\")   columns x1,x2,label (labels 0, 1, …)"
    );
    let activations = [Activation::Tanh, Activation::Relu, Activation::Sigmoid]
        .map(|a| ron(&a))
        .join(", ");
    let _ = writeln!(s, "  activation: {activations}");
    let _ = writeln!(s, "\nOptimizers (optimizer: ...), with torch's defaults:");
    for opt in OptimizerConfig::catalogue() {
        let _ = writeln!(s, "  {}\n      {}", opt.torch_name(), ron(&opt));
    }
    let _ = writeln!(
        s,
        "  torch.optim.SparseAdam: not offered; it needs sparse gradients, and no problem here has them"
    );
    let _ = writeln!(
        s,
        "  pytorch_optimizer.MARS(mars_type=\"shampoo\"): not offered; its Newton–Schulz is the package's own"
    );
    let _ = writeln!(s, "\nSchedules (schedule: ...):");
    for sched in Schedule::catalogue() {
        let _ = writeln!(s, "  {}", ron(&sched));
    }
    s
}

/// One-line RON for listings.
mod erased {
    use ron::extensions::Extensions;

    pub trait Ron {
        fn ron(&self) -> String;
    }

    impl<T: serde::Serialize> Ron for T {
        fn ron(&self) -> String {
            let pretty = ron::ser::PrettyConfig::new()
                .compact_arrays(true)
                .new_line("")
                .indentor("")
                .separator(" ")
                .compact_structs(true)
                .extensions(Extensions::UNWRAP_VARIANT_NEWTYPES);
            crate::preset::ron_options()
                .to_string_pretty(self, pretty)
                .map_or_else(|e| e.to_string(), |s| s.replace(",)", ")"))
        }
    }
}
