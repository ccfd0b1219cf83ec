//! Where a field sits in RON text: maps validation paths such as
//! `runs[0].optimizer.lr` or `start.0` to a line and column, so that errors
//! found after parsing still point into the file.

use std::collections::HashMap;

/// 1-based line and column of every field path and list/tuple element of
/// some RON text.
#[derive(Debug, Default)]
pub struct Positions(HashMap<String, (usize, usize)>);

impl Positions {
    /// Scans `text`; unparsable text yields whatever was found before the fault.
    pub fn of(text: &str) -> Self {
        Self(Scanner::new(text).run())
    }

    /// The position of `path`, or of its closest ancestor (a field left at
    /// its default has no position of its own).
    pub fn nearest(&self, path: &str) -> Option<(usize, usize)> {
        let mut path = path;
        loop {
            if let Some(&at) = self.0.get(path) {
                return Some(at);
            }
            let cut = path.rfind(['.', '['])?;
            path = &path[..cut];
        }
    }
}

/// The position of `path` (or its closest ancestor) in `text`.
pub fn locate(text: &str, path: &str) -> Option<(usize, usize)> {
    Positions::of(text).nearest(path)
}

/// One open bracket: the path of the value it belongs to, and how its
/// elements are named.
struct Frame {
    path: String,
    /// `[`: elements are `path[i]`; a plain tuple `(`: `path.i`; a struct or
    /// `Some(`: fields `path.key`, and a lone inner value keeps `path`.
    kind: Kind,
    index: usize,
    /// The key whose value comes next, with its path.
    pending: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    List,
    Tuple,
    Struct,
}

struct Scanner<'a> {
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    text: &'a str,
    line: usize,
    col: usize,
    frames: Vec<Frame>,
    found: HashMap<String, (usize, usize)>,
    /// The identifier just read, if the next bracket belongs to it.
    last_ident: Option<String>,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            chars: text.char_indices().peekable(),
            text,
            line: 1,
            col: 1,
            frames: Vec::new(),
            found: HashMap::new(),
            last_ident: None,
        }
    }

    fn bump(&mut self) -> Option<char> {
        let (_, c) = self.chars.next()?;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn peek(&mut self) -> Option<char> {
        self.chars.peek().map(|&(_, c)| c)
    }

    /// The path a value starting here gets: a pending key, else the frame's
    /// current element.
    fn value_path(&self) -> Option<String> {
        let frame = self.frames.last()?;
        if let Some(key) = &frame.pending {
            return Some(key.clone());
        }
        Some(match frame.kind {
            Kind::List => format!("{}[{}]", frame.path, frame.index),
            Kind::Tuple => join(&frame.path, &frame.index.to_string()),
            Kind::Struct => frame.path.clone(),
        })
    }

    /// Records where the current element of a list or tuple starts.
    fn mark_element(&mut self) {
        let at = (self.line, self.col);
        if let Some(frame) = self.frames.last()
            && frame.pending.is_none()
            && frame.kind != Kind::Struct
            && let Some(path) = self.value_path()
        {
            self.found.entry(path).or_insert(at);
        }
    }

    fn run(mut self) -> HashMap<String, (usize, usize)> {
        while let Some(c) = self.peek() {
            match c {
                '/' => self.comment(),
                '"' => {
                    self.mark_element();
                    self.string();
                    self.last_ident = None;
                }
                '(' | '[' => self.open(c),
                ')' | ']' => {
                    self.bump();
                    self.frames.pop();
                    self.last_ident = None;
                }
                ',' => {
                    self.bump();
                    if let Some(frame) = self.frames.last_mut() {
                        frame.index += 1;
                        frame.pending = None;
                    }
                    self.last_ident = None;
                }
                c if c.is_alphabetic() || c == '_' => self.ident(),
                c if c.is_whitespace() => {
                    self.bump();
                }
                _ => {
                    self.mark_element();
                    self.bump();
                    self.last_ident = None;
                }
            }
        }
        self.found
    }

    fn open(&mut self, c: char) {
        // The first value of a tuple or list is an element too.
        let wrapper = self.last_ident.take();
        let path = if self.frames.is_empty() {
            String::new()
        } else {
            if wrapper.is_none() {
                self.mark_element();
            }
            self.value_path().unwrap_or_default()
        };
        self.bump();
        let kind = match (c, wrapper.as_deref()) {
            ('[', _) => Kind::List,
            (_, Some(_)) => Kind::Struct,
            // A top-level `(` holds the preset's fields.
            (_, None) if self.frames.is_empty() => Kind::Struct,
            // A tuple, or a struct without a name: keys inside still name
            // its fields. `Some((1, 2))` wraps the tuple in a struct frame
            // that keeps the path, so the elements are `start.0`, `start.1`.
            (_, None) => Kind::Tuple,
        };
        self.frames.push(Frame {
            path,
            kind,
            index: 0,
            pending: None,
        });
    }

    fn ident(&mut self) {
        let at = (self.line, self.col);
        let start = self.chars.peek().map_or(self.text.len(), |&(i, _)| i);
        let mut end = start;
        while let Some(&(i, c)) = self.chars.peek() {
            if c.is_alphanumeric() || c == '_' {
                end = i + c.len_utf8();
                self.bump();
            } else {
                break;
            }
        }
        let word = self.text[start..end].to_owned();
        while self.peek().is_some_and(|c| c == ' ' || c == '\t') {
            self.bump();
        }
        if self.peek() == Some(':') {
            self.bump();
            if let Some(frame) = self.frames.last_mut() {
                let path = join(&frame.path, &word);
                self.found.entry(path.clone()).or_insert(at);
                frame.pending = Some(path);
            }
            self.last_ident = None;
        } else {
            // A value (`true`, `NaN`, a unit variant) or a name before `(`.
            if self.peek() != Some('(') {
                let saved = (self.line, self.col);
                (self.line, self.col) = at;
                self.mark_element();
                (self.line, self.col) = saved;
            }
            self.last_ident = Some(word);
        }
    }

    fn string(&mut self) {
        self.bump();
        while let Some(c) = self.bump() {
            match c {
                '\\' => {
                    self.bump();
                }
                '"' => return,
                _ => {}
            }
        }
    }

    fn comment(&mut self) {
        self.bump();
        match self.peek() {
            Some('/') => {
                while self.peek().is_some_and(|c| c != '\n') {
                    self.bump();
                }
            }
            Some('*') => {
                self.bump();
                let mut last = ' ';
                while let Some(c) = self.bump() {
                    if last == '*' && c == '/' {
                        return;
                    }
                    last = c;
                }
            }
            _ => {}
        }
    }
}

fn join(base: &str, name: &str) -> String {
    if base.is_empty() {
        name.to_owned()
    } else {
        format!("{base}.{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "(
    problem: Surface(Rosenbrock),
    start: Some((1e9, 0.0)),
    steps: 0, // none
    runs: [
        (optimizer: Adam(lr: -0.1, betas: (1.0, 0.999))),
        (label: \"b, (c\", optimizer: Sgd(lr: 0.1), schedule: StepLR(step_size: 0)),
    ],
)";

    #[test]
    fn fields_elements_and_wrappers_are_found() {
        let at = |path| locate(TEXT, path);
        assert_eq!(at("problem"), Some((2, 5)));
        assert_eq!(at("steps"), Some((4, 5)));
        assert_eq!(at("start.0"), Some((3, 18)), "Some(..) is transparent");
        assert_eq!(at("start.1"), Some((3, 23)));
        assert_eq!(at("runs[0].optimizer.lr"), Some((6, 26)));
        assert_eq!(at("runs[0].optimizer.betas.0"), Some((6, 44)));
        assert_eq!(at("runs[0].optimizer.betas.1"), Some((6, 49)));
        assert_eq!(at("runs[1].schedule.step_size"), Some((7, 68)));
        assert_eq!(
            at("runs[1].label"),
            Some((7, 10)),
            "strings hide their brackets and commas"
        );
    }

    #[test]
    fn absent_fields_fall_back_to_their_parent() {
        assert_eq!(
            locate(TEXT, "runs[0].optimizer.eps"),
            locate(TEXT, "runs[0].optimizer")
        );
        assert_eq!(locate(TEXT, "grad_tol"), None);
        assert_eq!(locate("", "steps"), None);
    }
}
