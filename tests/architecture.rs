//! The design's rules, checked on the source itself: only the window names
//! a GUI crate, the layers only look down, no two files import each other
//! (directly or round a loop), and no file outgrows one job.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level modules, lowest layer first; each may use only those before it.
const LAYERS: &[&str] = &[
    "support", "optim", "problem", "sim", "preset", "fuzzing", "analysis", "render", "export",
    "cli", "app",
];

/// Most lines a file may have before its tests.
const MAX_LINES: usize = 500;

struct Source {
    /// Path below `src/`, with `/` separators.
    path: String,
    /// The module path: `sim/runner` for `sim/runner.rs`, `sim` for `sim/mod.rs`.
    module: Vec<String>,
    /// The text before `#[cfg(test)]`.
    code: String,
}

fn sources() -> Vec<Source> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src/ is readable") {
            let path = entry.expect("src/ is readable").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let path = file
                .strip_prefix(&root)
                .expect("found below src/")
                .to_string_lossy()
                .replace('\\', "/");
            let mut module: Vec<String> = path
                .trim_end_matches(".rs")
                .split('/')
                .map(str::to_owned)
                .collect();
            if matches!(
                module.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                module.pop();
            }
            let text = std::fs::read_to_string(&file).expect("a source file is UTF-8");
            let code = text.split("#[cfg(test)]").next().unwrap_or("").to_owned();
            Source { path, module, code }
        })
        .collect()
}

/// The `crate::a::b…` paths a file names (including `crate::a::{b, c}`).
fn crate_paths(code: &str) -> Vec<Vec<String>> {
    paths_after(code, "crate::", &[])
}

/// Every module path the file at `module` names, through `crate::` or
/// `super::` (made absolute).
fn named_paths(code: &str, module: &[String]) -> Vec<Vec<String>> {
    let mut out = crate_paths(code);
    let parent = &module[..module.len().saturating_sub(1)];
    out.extend(
        paths_after(code, "super::", parent)
            .into_iter()
            // `super::super::x` climbs once more per `super`.
            .map(|mut p| {
                while p.first().is_some_and(|s| s == "super") {
                    p.remove(0);
                }
                p
            }),
    );
    out
}

/// The paths after each `marker` in `code`, each prefixed with `base`.
fn paths_after(code: &str, marker: &str, base: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (at, _) in code.match_indices(marker) {
        if code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let rest = &code[at + marker.len()..];
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        let mut prefix: Vec<String> = base.to_vec();
        prefix.extend(
            rest[..end]
                .split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
        );
        if rest[end..].starts_with('{') {
            let group = &rest[end + 1..rest[end..].find('}').map_or(end + 1, |i| end + i)];
            for item in group.split(',') {
                let mut path = prefix.clone();
                path.extend(
                    item.trim()
                        .split("::")
                        .filter(|s| !s.is_empty() && *s != "self")
                        .map(str::to_owned),
                );
                out.push(path);
            }
        } else {
            out.push(prefix);
        }
    }
    out
}

#[test]
fn only_the_window_names_a_gui_crate() {
    let gui = ["egui::", "eframe::", "egui_plot::", "egui_kittest::"];
    let offenders: Vec<String> = sources()
        .iter()
        .filter(|s| !(s.path.starts_with("app/") || s.path == "main.rs"))
        .filter(|s| {
            gui.iter().any(|g| {
                s.code
                    .match_indices(g)
                    .any(|(i, _)| !s.code[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_'))
            })
        })
        .map(|s| s.path.clone())
        .collect();
    assert!(offenders.is_empty(), "GUI crates named in {offenders:?}");
}

#[test]
fn every_layer_uses_only_the_layers_below_it() {
    let mut wrong = Vec::new();
    for source in sources() {
        let Some(own) = source.module.first() else {
            continue;
        };
        let Some(rank) = LAYERS.iter().position(|l| l == own) else {
            continue;
        };
        for path in crate_paths(&source.code) {
            let Some(used) = path.first() else { continue };
            if let Some(used_rank) = LAYERS.iter().position(|l| l == used)
                && used_rank > rank
            {
                wrong.push(format!("{} uses crate::{}", source.path, path.join("::")));
            }
        }
    }
    assert!(wrong.is_empty(), "upward imports:\n{}", wrong.join("\n"));
}

#[test]
fn no_files_import_each_other_round_a_loop() {
    let sources = sources();
    let modules: BTreeMap<Vec<String>, &str> = sources
        .iter()
        .map(|s| (s.module.clone(), s.path.as_str()))
        .collect();
    let resolve = |path: &[String]| {
        (0..=path.len())
            .rev()
            .map(|n| path[..n].to_vec())
            .find(|m| modules.contains_key(m))
    };
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for s in &sources {
        let from = &s.module;
        for path in named_paths(&s.code, from) {
            let Some(to) = resolve(&path) else { continue };
            // A file's own ancestors and children are its module tree.
            if to == *from || from.starts_with(&to) || to.starts_with(from) {
                continue;
            }
            edges.entry(from.clone()).or_default().insert(to);
        }
    }
    let mut state = BTreeMap::new();
    for node in modules.keys() {
        if !state.contains_key(node) {
            let cycle = visit(node, &edges, &mut state, &mut Vec::new());
            assert!(
                cycle.is_none(),
                "import cycle: {}",
                cycle
                    .unwrap_or_default()
                    .iter()
                    .map(|m| modules[m])
                    .collect::<Vec<_>>()
                    .join(" -> ")
            );
        }
    }
}

/// Depth-first search from `node` for a back edge: the loop it closes.
fn visit(
    node: &Vec<String>,
    edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
    state: &mut BTreeMap<Vec<String>, bool>,
    stack: &mut Vec<Vec<String>>,
) -> Option<Vec<Vec<String>>> {
    state.insert(node.clone(), false);
    stack.push(node.clone());
    for next in edges.get(node).into_iter().flatten() {
        match state.get(next) {
            Some(false) => {
                let start = stack.iter().position(|n| n == next).unwrap_or(0);
                return Some(stack[start..].to_vec());
            }
            Some(true) => {}
            None => {
                if let Some(cycle) = visit(next, edges, state, stack) {
                    return Some(cycle);
                }
            }
        }
    }
    stack.pop();
    state.insert(node.clone(), true);
    None
}

#[test]
fn no_file_is_over_five_hundred_lines_before_its_tests() {
    let long: Vec<String> = sources()
        .iter()
        .filter(|s| s.code.lines().count() > MAX_LINES)
        .map(|s| format!("{} ({} lines)", s.path, s.code.lines().count()))
        .collect();
    assert!(long.is_empty(), "files over {MAX_LINES} lines: {long:?}");
}

/// The checks would pass on anything if they found nothing to check.
#[test]
fn the_checks_see_the_crate() {
    let sources = sources();
    assert!(sources.len() > 50, "{} files", sources.len());
    let runner = sources
        .iter()
        .find(|s| s.path == "sim/runner.rs")
        .expect("sim/runner.rs");
    assert!(
        crate_paths(&runner.code)
            .iter()
            .any(|p| p.first().is_some_and(|m| m == "problem")),
        "the runner names crate::problem"
    );
    assert_eq!(
        crate_paths("use crate::a::{b, c::d};"),
        [vec!["a", "b"], vec!["a", "c", "d"]]
    );
}
