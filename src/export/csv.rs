//! The trajectory CSV contract: `run,label,step,<params>,loss`, plus
//! `val_loss` when the problem has a validation split.
//!
//! Row `step = k` holds the parameters after k steps and the full-data loss
//! there; `step = 0` is the start. Floats are printed in Rust's shortest
//! round-trip form. Keep this format stable: users and tests depend on it.

use std::io::{self, Write};

use crate::sim::Simulation;

/// Writes every run's trajectory.
pub fn write_trajectories(sim: &Simulation, out: &mut dyn Write) -> io::Result<()> {
    let names = sim.problem().param_names();
    write!(out, "run,label,step")?;
    for name in &names {
        write!(out, ",{}", escape(name))?;
    }
    let with_val = sim.runs().iter().any(|r| !r.val_losses().is_empty());
    writeln!(out, "{}", if with_val { ",loss,val_loss" } else { ",loss" })?;
    for (i, run) in sim.runs().iter().enumerate() {
        let label = escape(&run.setup().label);
        for (k, (params, loss)) in run.trajectory().rows().enumerate() {
            write!(out, "{i},{label},{k}")?;
            for p in params {
                write!(out, ",{p:?}")?;
            }
            if with_val {
                let val = run.val_losses().get(k).copied().unwrap_or(f64::NAN);
                writeln!(out, ",{loss:?},{val:?}")?;
            } else {
                writeln!(out, ",{loss:?}")?;
            }
        }
    }
    out.flush()
}

/// Writes every run's inspector numbers at every step, long format:
/// `run,label,step,quantity,<one column per parameter>`; scalars (loss, lr,
/// bias corrections, …) fill the first parameter column.
pub fn write_states(sim: &mut Simulation, out: &mut dyn Write) -> io::Result<()> {
    use crate::analysis::inspect::{at_start_all, step_and_inspect};
    let names = sim.problem().param_names();
    write!(out, "run,label,step,quantity")?;
    for name in &names {
        write!(out, ",{}", escape(name))?;
    }
    writeln!(out)?;
    let mut write_row =
        |inspections: &[crate::analysis::inspect::Inspection], at_start: bool| -> io::Result<()> {
            // After the start, a stopped run has no new row: skip it.
            for (i, ins) in inspections
                .iter()
                .enumerate()
                .filter(|(_, r)| at_start || r.lr.is_some())
            {
                let label = escape(&ins.label);
                for (quantity, values) in ins.rows() {
                    // A buffer longer than θ (SOAP's GG and Q on a surface)
                    // goes on several rows, each named by its slice.
                    let width = names.len().max(1);
                    let chunks = values.len().div_ceil(width).max(1);
                    for c in 0..chunks {
                        let start = c * width;
                        if chunks == 1 {
                            write!(out, "{i},{label},{},{quantity}", ins.step)?;
                        } else {
                            let end = (start + width).min(values.len());
                            write!(out, "{i},{label},{},{quantity}[{start}:{end}]", ins.step)?;
                        }
                        for k in start..start + names.len() {
                            match values.get(k) {
                                Some(v) => write!(out, ",{v:?}")?,
                                None => write!(out, ",")?,
                            }
                        }
                        writeln!(out)?;
                    }
                }
            }
            Ok(())
        };
    write_row(&at_start_all(sim), true)?;
    while !sim.is_finished() {
        let rows = step_and_inspect(sim);
        if rows.iter().all(|r| r.lr.is_none()) {
            break;
        }
        write_row(&rows, false)?;
    }
    out.flush()
}

/// Quotes a field if it holds a comma, quote or line break (RFC 4180).
pub fn escape(field: &str) -> std::borrow::Cow<'_, str> {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\"")).into()
    } else {
        field.into()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::optim::{OptimizerConfig, Sgd};
    use crate::problem::Surface;
    use crate::sim::{RunSetup, SimSetup};

    /// Two steps of one run on Rosenbrock from (−1.5, 2).
    fn simulation(label: &str, optimizer: OptimizerConfig) -> Simulation {
        let setup = SimSetup {
            bounds: None,
            start: Some(vec![-1.5, 2.0]),
            steps: 2,
            seed: 0,
            batch_size: None,
            grad_tol: None,
            early_stopping: None,
            runs: vec![RunSetup::new(label, optimizer)],
            noise: None,
        };
        Simulation::new(Arc::new(Surface::Rosenbrock), setup).unwrap()
    }

    #[test]
    fn header_rows_and_quoting() {
        let mut sim = simulation("SGD, \"plain\"", OptimizerConfig::Sgd(Sgd::default()));
        sim.run_to_end();
        let mut buf = Vec::new();
        write_trajectories(&sim, &mut buf).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines[0], "run,label,step,x,y,loss");
        assert_eq!(lines[1], "0,\"SGD, \"\"plain\"\"\",0,-1.5,2.0,12.5");
        assert_eq!(lines.len(), 4);
    }

    /// SOAP's 2×2 GG and Q on a surface take two rows each, named by slice.
    #[test]
    fn a_buffer_longer_than_theta_is_split_into_named_slices() {
        let soap = crate::optim::Soap {
            precondition_1d: true,
            ..crate::optim::Soap::default()
        };
        let mut sim = simulation("SOAP", OptimizerConfig::Soap(soap));
        let mut buf = Vec::new();
        write_states(&mut sim, &mut buf).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let after_one: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("0,SOAP,1,"))
            .collect();
        let quantity = |l: &&str| l.split(',').nth(3).unwrap_or_default().to_owned();
        let names: Vec<String> = after_one.iter().map(quantity).collect();
        for name in ["GG[0:2]", "GG[2:4]", "Q[0:2]", "Q[2:4]", "exp_avg"] {
            assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
        }
        // Q's columns are unit vectors: its four entries' squares add up to 2.
        let entries: Vec<f64> = after_one
            .iter()
            .filter(|l| quantity(l).starts_with("Q["))
            .flat_map(|l| l.split(',').skip(4).map(|v| v.parse::<f64>().unwrap()))
            .collect();
        assert_eq!(entries.len(), 4);
        assert!((entries.iter().map(|v| v * v).sum::<f64>() - 2.0).abs() < 1e-12);
    }
}
