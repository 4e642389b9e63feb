//! Errors as values. A scenario error carries enough to point at the exact place in the file.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

use crate::model::{self, Fault, Input, Inputs};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Scenario(Box<Diagnostic>),

    #[error("cannot read scenario file {path}: {source}")]
    ReadScenario {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("cannot write {path}: {source}")]
    WriteOutput {
        path: PathBuf,
        source: std::io::Error,
    },

    /// A command line that cannot work whatever the files say: exit code 2.
    #[error("{0}")]
    Usage(String),

    /// A well-formed command that cannot be carried out on these files or this machine.
    #[error("{0}")]
    Runtime(String),

    /// An output path that is an input or another output.
    #[error("{0}")]
    OutputClash(String),

    #[error("{0}")]
    Unsound(Box<Unsound>),

    #[error(
        "{what} would need about {needed} of memory, but only {available} is available; {advice}"
    )]
    TooLarge {
        /// What was asked for: "300000000 runs".
        what: String,
        needed: String,
        available: String,
        /// Which flag to lower and the largest value that fits.
        advice: String,
    },

    /// An environment variable flopcast reads holds a value it cannot use.
    #[error("{0}")]
    Environment(String),
}

impl Error {
    /// A memory refusal whose run count came from a scenario file says where, so that the
    /// figure to lower can be found: the advice alone names only the flag.
    pub fn with_runs_origin(self, origin: Option<String>) -> Error {
        match (self, origin) {
            (
                Error::TooLarge {
                    what,
                    needed,
                    available,
                    advice,
                },
                Some(origin),
            ) => Error::TooLarge {
                what: format!("{what} (from {origin})"),
                needed,
                available,
                advice: format!("{advice}, or lower `[simulation] runs` in the scenario"),
            },
            (other, _) => other,
        }
    }
}

/// Where a scenario gave each of its inputs, indexed by [`Input`], to name them in errors found
/// after loading (see [`Unsound`]).
#[derive(Debug, Clone)]
pub struct InputOrigins {
    pub path: PathBuf,
    pub inputs: Vec<GivenAt>,
}

/// Where and how one input was given.
#[derive(Debug, Clone, PartialEq)]
pub struct GivenAt {
    /// False for inputs the model ignores in this scenario.
    pub used: bool,
    /// The 1-based line of the file; None for defaults and overrides.
    pub line: Option<usize>,
    /// The value as written; None for defaults.
    pub written: Option<String>,
    /// Whether the value is a single number rather than a distribution.
    pub fixed: bool,
}

/// One evaluation of the model whose arithmetic failed, and how many more did.
#[derive(Debug, Clone)]
pub struct Unsound {
    /// Which evaluation: "run 17 of 1000".
    pub what: String,
    pub count: u64,
    pub total: u64,
    /// Where it failed; None if no single step is to blame (it cannot happen with the model as
    /// written, but the message must not depend on that).
    pub fault: Option<Fault>,
    pub inputs: Inputs,
    pub origins: Arc<InputOrigins>,
}

impl fmt::Display for Unsound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.origins.path.display();
        let Some(fault) = self.fault else {
            return write!(
                f,
                "{} of {} evaluations gave an output that is infinite, undefined or beyond {} \
                 (the first: {}); look for extreme inputs in {path}",
                self.count,
                self.total,
                crate::units::general(model::LARGEST),
                self.what,
            );
        };
        write!(f, "{}: {}", self.what, fault.describe())?;
        if self.count > 1 {
            write!(f, "; {} of {} evaluations fail", self.count, self.total)?;
        }
        for &input in fault.inputs() {
            let given = &self.origins.inputs[input.index()];
            if given.used {
                write!(f, "\n  --> {}", self.given_line(input, given))?;
            }
        }
        write!(
            f,
            "\n  = help: the values are this evaluation's; bring the extreme one back to a \
             physical range, or bound its distribution (`lower` / `upper`) so that no draw reaches it"
        )
    }
}

impl Unsound {
    /// "s.toml:7: `mfu` = 1e-300, drawn from uniform(…)".
    fn given_line(&self, input: Input, given: &GivenAt) -> String {
        let path = self.origins.path.display();
        let v = crate::units::general(self.inputs[input.index()]);
        let place = match given.line {
            Some(line) => format!("{path}:{line}"),
            None => format!("{path}"),
        };
        let how = match (&given.written, given.fixed) {
            (None, _) => " (default)".to_string(),
            (Some(_), true) if given.line.is_some() => String::new(),
            (Some(w), true) => format!(" (given as {w})"),
            (Some(w), false) => format!(", drawn from {w}"),
        };
        format!("{place}: `{}` = {v}{how}", input.key())
    }
}

/// A problem at one place in a scenario file, rendered like a compiler message:
/// the file, line and column, the offending line with the span underlined, and a hint.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub path: PathBuf,
    pub source: String,
    pub span: Range<usize>,
    pub message: String,
    pub label: String,
    pub help: Option<String>,
}

impl Diagnostic {
    /// 1-based line and column (in characters) of the span's start.
    pub fn line_col(&self) -> (usize, usize) {
        let start = self.span.start.min(self.source.len());
        let before = &self.source[..floor_char_boundary(&self.source, start)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        (line, col)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Text from a scenario file made visible for a terminal: each control character (an escape
/// sequence could clear or rewrite the screen) shown as its Unicode control picture, one
/// character for one so the caret under the source line stays in its column. Line breaks stay.
fn visible(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' => c,
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'),
            '\u{7f}' => '\u{2421}',
            c if c.is_control() => '\u{FFFD}',
            c => c,
        })
        .collect()
}

impl fmt::Display for Diagnostic {
    /// As rustc shows a compile error (annotate-snippets, rustc's own renderer): the message, the
    /// file, line and column, the lines of the span underlined with the label, and the help. It
    /// measures columns in display width, so the underline stays under its text past a tab or a
    /// wide character, and shows control characters as visible pictures rather than sending
    /// them to the terminal. `main` adds the `error: ` in front, as for every error.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let len = self.source.len();
        let start = floor_char_boundary(&self.source, self.span.start.min(len));
        let end = floor_char_boundary(&self.source, self.span.end.min(len)).max(start);
        let path = visible(&self.path.display().to_string());
        let label = visible(&self.label);
        let snippet = Snippet::source(self.source.as_str())
            .path(path.as_str())
            .annotation(
                AnnotationKind::Primary
                    .span(start..end)
                    .label(label.as_str()),
            );
        let mut group = Level::ERROR
            .no_name()
            .primary_title(self.message.as_str())
            .element(snippet);
        let help = self.help.as_deref().map(visible);
        if let Some(help) = &help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        f.write_str(&Renderer::plain().render(&[group]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag(source: &str, span: Range<usize>) -> Diagnostic {
        Diagnostic {
            path: "s.toml".into(),
            source: source.into(),
            span,
            message: "bad".into(),
            label: "here".into(),
            help: Some("fix it".into()),
        }
    }

    #[test]
    fn points_at_line_and_column() {
        let src = "name = \"x\"\n[cluster]\nmfu = 1.5\n";
        let start = src.find("1.5").unwrap();
        let d = diag(src, start..start + 3);
        assert_eq!(d.line_col(), (3, 7));
        let text = d.to_string();
        assert!(text.contains("--> s.toml:3:7"), "{text}");
        assert!(text.contains("3 | mfu = 1.5"), "{text}");
        assert!(text.contains("  |       ^^^ here"), "{text}");
        assert!(text.contains("= help: fix it"), "{text}");
    }

    #[test]
    fn control_characters_in_the_file_are_shown_not_sent_to_the_terminal() {
        let src = "name = \"bad\u{1b}[2J\u{7}\"\n";
        let start = src.find('[').unwrap();
        let text = diag(src, start..start + 1).to_string();
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
        assert!(
            text.contains("1 | name = \"bad\u{241b}[2J\u{2407}\""),
            "{text}"
        );
        // The caret stays under the character it points at.
        assert!(text.contains("  |             ^ here"), "{text}");
    }

    /// The underline stays under its text past a tab (shown as four spaces) and past wide
    /// characters (two columns each).
    #[test]
    fn the_caret_stays_under_its_text_past_tabs_and_wide_characters() {
        for (src, shown) in [
            ("\tb = 1.5\n", "    b = 1.5"),
            ("a = \"計画\"; b = 1.5\n", "a = \"計画\"; b = 1.5"),
        ] {
            let start = src.find("1.5").unwrap();
            let text = diag(src, start..start + 3).to_string();
            assert!(text.contains(&format!("1 | {shown}\n")), "{text}");
            let before = shown.find("1.5").unwrap();
            let columns = shown[..before]
                .chars()
                .map(|c| if c > '\u{2e80}' { 2 } else { 1 })
                .sum::<usize>();
            let caret = format!("  | {}^^^ here", " ".repeat(columns));
            assert!(text.contains(&caret), "{text}\nwanted: {caret}");
        }
    }

    #[test]
    fn span_past_the_end_does_not_panic() {
        let d = diag("a = 1", 10..20);
        assert_eq!(d.line_col(), (1, 6));
        let _ = d.to_string();
    }
}
