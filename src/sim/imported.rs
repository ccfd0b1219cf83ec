//! Trajectories from elsewhere (a user's own training loop, another tool),
//! read from CSV to be drawn beside the runs: Descent's own contract
//! (`run,label,step,<params>,loss`), or any header that names every
//! parameter of the problem, with an optional `step` and `loss`.

use super::Trajectory;
use super::limits::MAX_RECORDED_VALUES;

/// One imported path.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedRun {
    /// Its legend label: the contract's `label`, or the file's name.
    pub label: String,
    /// Rows 0, 1, …: the parameters and the loss (computed where the file
    /// has none).
    pub rows: Trajectory,
}

/// A file that cannot be read as a trajectory: the 1-based line and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ImportError {
    /// 1-based line of the file.
    pub line: usize,
    /// What is wrong there.
    pub message: String,
}

fn fail(line: usize, message: impl Into<String>) -> ImportError {
    ImportError {
        line,
        message: message.into(),
    }
}

/// Where each wanted column sits in the header.
struct Columns {
    /// `run` and `label` of the contract.
    run_label: Option<(usize, usize)>,
    step: Option<usize>,
    params: Vec<usize>,
    loss: Option<usize>,
    width: usize,
}

impl Columns {
    fn of(header: &str, names: &[String]) -> Result<Self, ImportError> {
        let cells: Vec<&str> = header.split(',').map(str::trim).collect();
        let at = |name: &str| cells.iter().position(|c| *c == name);
        let params: Vec<usize> = names.iter().filter_map(|n| at(n)).collect();
        if params.len() != names.len() {
            let missing: Vec<&str> = names
                .iter()
                .filter(|n| at(n).is_none())
                .map(String::as_str)
                .collect();
            return Err(fail(
                1,
                format!(
                    "the header needs a column for every parameter ({}); missing {}",
                    names.join(", "),
                    missing.join(", ")
                ),
            ));
        }
        let run_label = match (at("run"), at("label")) {
            (Some(r), Some(l)) => Some((r, l)),
            _ => None,
        };
        Ok(Self {
            run_label,
            step: at("step"),
            params,
            loss: at("loss"),
            width: cells.len(),
        })
    }
}

/// Splits one CSV line, honouring double quotes (labels may hold commas).
fn cells(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cell)),
            _ => cell.push(c),
        }
    }
    out.push(cell);
    out
}

/// Reads `text`; `names` are the problem's parameters, `loss_of` gives the
/// loss where the file has none, and `fallback_label` names a file that
/// carries no labels. Steps must count 0, 1, 2, … (per run in the contract).
pub fn parse_trajectories(
    text: &str,
    names: &[String],
    loss_of: &dyn Fn(&[f64]) -> f64,
    fallback_label: &str,
) -> Result<Vec<ImportedRun>, ImportError> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        return Err(fail(1, "the file is empty"));
    };
    let columns = Columns::of(header.trim_start_matches('\u{feff}'), names)?;
    let dim = names.len();
    let mut runs: Vec<(String, String, Trajectory)> = Vec::new();
    let mut params = vec![0.0; dim];
    for (index, line) in lines {
        let line_no = index + 1;
        let cells = cells(line);
        if cells.len() != columns.width {
            return Err(fail(
                line_no,
                format!(
                    "{} cells, but the header has {}",
                    cells.len(),
                    columns.width
                ),
            ));
        }
        let number = |i: usize, what: &str| -> Result<f64, ImportError> {
            let cell = cells.get(i).map_or("", |c| c.trim());
            cell.parse::<f64>()
                .map_err(|_| fail(line_no, format!("{what}: `{cell}` is not a number")))
        };
        let (key, label) = match columns.run_label {
            Some((r, l)) => (
                cells.get(r).cloned().unwrap_or_default(),
                cells.get(l).cloned().unwrap_or_default(),
            ),
            None => (String::new(), fallback_label.to_owned()),
        };
        let run = if let Some(i) = runs.iter().position(|(k, _, _)| *k == key) {
            i
        } else {
            runs.push((key, label, Trajectory::with_capacity(dim, 64)));
            runs.len() - 1
        };
        let Some((_, _, rows)) = runs.get_mut(run) else {
            continue;
        };
        if let Some(s) = columns.step {
            let step = number(s, "step")?;
            let expected = rows.len() as f64;
            if step != expected {
                return Err(fail(
                    line_no,
                    format!(
                        "step {step} where step {expected} was due; steps must count 0, 1, 2, …"
                    ),
                ));
            }
        }
        for (p, (&col, name)) in params.iter_mut().zip(columns.params.iter().zip(names)) {
            *p = number(col, name)?;
        }
        let loss = match columns.loss {
            Some(i) if cells.get(i).is_some_and(|c| !c.trim().is_empty()) => number(i, "loss")?,
            _ => loss_of(&params),
        };
        if (rows.len() as u64 + 1) * (dim as u64 + 1) > MAX_RECORDED_VALUES {
            return Err(fail(line_no, "more rows than a simulation may record"));
        }
        rows.push(&params, loss);
    }
    if runs.is_empty() {
        return Err(fail(2, "no rows under the header"));
    }
    Ok(runs
        .into_iter()
        .map(|(_, label, rows)| ImportedRun { label, rows })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xy() -> Vec<String> {
        vec!["x".into(), "y".into()]
    }

    fn bowl(p: &[f64]) -> f64 {
        p.iter().map(|v| v * v).sum()
    }

    #[test]
    fn descents_own_contract_reads_back_every_run_with_its_label() {
        let text = "run,label,step,x,y,loss\n0,\"Adam, fast\",0,1,2,5\n0,\"Adam, fast\",1,0.5,1,1.25\n1,SGD,0,1,2,5\n";
        let runs = parse_trajectories(text, &xy(), &bowl, "file").unwrap();
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0].label, "Adam, fast");
        assert_eq!(runs[0].rows.len(), 2);
        assert_eq!(runs[0].rows.row(1), Some((&[0.5, 1.0][..], 1.25)));
        assert_eq!(runs[1].label, "SGD");
    }

    #[test]
    fn step_x_y_without_a_loss_gets_the_problems_loss() {
        let runs = parse_trajectories("step,x,y\n0,3,4\n1,0,1\n", &xy(), &bowl, "mine").unwrap();
        assert_eq!(runs[0].label, "mine");
        assert_eq!(runs[0].rows.loss(0), Some(25.0));
        assert_eq!(runs[0].rows.loss(1), Some(1.0));
    }

    #[test]
    fn any_header_that_names_the_parameters_will_do() {
        let names = vec!["w".into(), "b".into()];
        let runs = parse_trajectories(
            "epoch,b,w,lr\n7,0.5,2,0.1\n8,0.25,1,0.1\n",
            &names,
            &bowl,
            "loop",
        )
        .unwrap();
        assert_eq!(
            runs[0].rows.params(1),
            Some(&[1.0, 0.25][..]),
            "w first, as the problem orders them"
        );
        assert_eq!(runs[0].rows.loss(1), Some(1.0625));
    }

    #[test]
    fn bad_files_name_the_line() {
        let cases = [
            ("", 1, "empty"),
            ("a,b\n1,2\n", 1, "missing x, y"),
            ("x,y\n", 2, "no rows"),
            ("x,y\n1,2\n3\n", 3, "1 cells, but the header has 2"),
            ("step,x,y\n0,1,2\n2,1,2\n", 3, "step 2 where step 1 was due"),
            (
                "x,y,loss\n1,2,3\n1,oops,3\n",
                3,
                "y: `oops` is not a number",
            ),
        ];
        for (text, line, needle) in cases {
            let e = parse_trajectories(text, &xy(), &bowl, "f").unwrap_err();
            assert_eq!(e.line, line, "{text:?}: {e}");
            assert!(e.message.contains(needle), "{text:?}: {e}");
        }
    }
}
