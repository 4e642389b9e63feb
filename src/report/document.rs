//! A report as text and tables, written once and read two ways: aligned for the terminal, or as
//! Markdown for issues, wikis and design docs. The sensitivity, comparison and sweep reports are
//! built as documents, so their `--markdown` file says exactly what the terminal says.

use std::io;

use super::{Exporter, MarkdownExporter};

enum Block {
    Text(String),
    /// A header row, then data rows; the first column names, the others figures.
    Table(Vec<Vec<String>>),
}

#[derive(Default)]
pub struct Document {
    blocks: Vec<Block>,
}

impl Document {
    pub fn new(text: impl Into<String>) -> Self {
        let mut doc = Document::default();
        doc.push_str(&text.into());
        doc
    }

    /// Appends text: lines as the terminal shows them, paragraphs apart by a blank line.
    pub fn push_str(&mut self, text: &str) {
        match self.blocks.last_mut() {
            Some(Block::Text(last)) => last.push_str(text),
            _ => self.blocks.push(Block::Text(text.to_string())),
        }
    }

    pub fn push(&mut self, c: char) {
        self.push_str(c.encode_utf8(&mut [0; 4]));
    }

    pub fn table(&mut self, rows: Vec<Vec<String>>) {
        self.blocks.push(Block::Table(rows));
    }

    /// For the terminal: tables in aligned columns.
    pub fn to_text(&self) -> String {
        self.blocks
            .iter()
            .map(|b| match b {
                Block::Text(text) => text.clone(),
                Block::Table(rows) => text_table(rows),
            })
            .collect()
    }

    /// As Markdown: every piece of text escaped (a scenario's name cannot inject markup), the
    /// first line a heading, lines kept as hard line breaks, tables as pipe tables.
    pub fn to_markdown(&self) -> String {
        let parts: Vec<String> = self
            .blocks
            .iter()
            .enumerate()
            .map(|(i, block)| match block {
                Block::Text(text) => paragraphs(text, i == 0),
                Block::Table(rows) => pipe_table(rows),
            })
            .map(|part| part.trim_end().to_string())
            .filter(|part| !part.is_empty())
            .collect();
        parts.join("\n\n") + "\n"
    }
}

/// Lines of text as Markdown paragraphs; lines within one kept apart by a hard break.
fn paragraphs(text: &str, opens_document: bool) -> String {
    let mut out = String::new();
    for (i, paragraph) in text.split("\n\n").enumerate() {
        let lines: Vec<String> = paragraph
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| markdown_text(l.trim_end()))
            .collect();
        if lines.is_empty() {
            continue;
        }
        if i == 0 && opens_document {
            out.push_str(&format!("## {}\n\n", lines[0]));
            if lines.len() > 1 {
                out.push_str(&lines[1..].join("\\\n"));
                out.push_str("\n\n");
            }
        } else {
            out.push_str(&lines.join("\\\n"));
            out.push_str("\n\n");
        }
    }
    out
}

fn pipe_table(rows: &[Vec<String>]) -> String {
    let line = |row: &Vec<String>| {
        let cells: Vec<String> = row.iter().map(|c| markdown_text(c)).collect();
        format!("| {} |\n", cells.join(" | "))
    };
    let mut out = line(&rows[0]);
    out.push_str("|---|");
    out.push_str(&"---:|".repeat(rows[0].len() - 1));
    out.push('\n');
    rows[1..].iter().for_each(|r| out.push_str(&line(r)));
    out
}

/// Aligned columns two spaces apart, a rule under the header row; the first column is
/// left-aligned (names), the others right-aligned (numbers).
pub fn text_table(rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(c, (cell, w))| {
                let pad = " ".repeat(w - cell.chars().count());
                if c == 0 {
                    format!("{cell}{pad}")
                } else {
                    format!("{pad}{cell}")
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
        if i == 0 {
            out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 2 * (widths.len() - 1)));
            out.push('\n');
        }
    }
    out
}

/// Punctuation that Markdown reads as itself anywhere inside a line.
const PLAIN: &str = ",./:;%?'\"=+-()";

/// Text shown as itself in Markdown: control characters dropped, line breaks made spaces (a
/// name must not end its heading), every other ASCII punctuation character, which Markdown or
/// its extensions could read as syntax, backslash-escaped (CommonMark allows it before any of them), and
/// `<`, `>` and `&` written as entities so no renderer can take them for a tag.
pub fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in super::printable(text).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c if c.is_ascii_punctuation() && !PLAIN.contains(c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Any report that is a document is written as Markdown by it.
pub trait AsDocument {
    fn document(&self) -> Document;

    /// The terminal view: the document as aligned text.
    fn to_text(&self) -> String {
        self.document().to_text()
    }
}

impl<R: AsDocument> Exporter<R> for MarkdownExporter {
    fn export(&self, report: &R) -> io::Result<Vec<u8>> {
        Ok(report.document().to_markdown().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Document {
        let mut doc = Document::new("Sensitivity of cost: *plan*\n1,000 runs\n\n");
        doc.table(vec![
            vec!["input".into(), "ST".into()],
            vec!["cluster.mfu".into(), "0.5|0.6".into()],
        ]);
        doc.push_str("\nST: share of variance.\n");
        doc
    }

    #[test]
    fn the_terminal_text_is_the_text_and_the_aligned_table() {
        assert_eq!(
            sample().to_text(),
            "Sensitivity of cost: *plan*\n1,000 runs\n\ninput             ST\n--------------------\ncluster.mfu  0.5|0.6\n\nST: share of variance.\n"
        );
    }

    #[test]
    fn markdown_has_a_heading_a_pipe_table_and_escaped_text() {
        assert_eq!(
            sample().to_markdown(),
            "## Sensitivity of cost: \\*plan\\*\n\n1,000 runs\n\n| input | ST |\n|---|---:|\n| cluster.mfu | 0.5\\|0.6 |\n\nST: share of variance.\n"
        );
    }

    #[test]
    fn markdown_text_cannot_open_a_tag_or_break_the_layout() {
        assert_eq!(
            markdown_text("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(markdown_text("a\u{0}b\u{1b}[31m\nc|d"), "ab\\[31m c\\|d");
        assert_eq!(
            markdown_text("*x* _y_ `z` [l](u) # $5"),
            "\\*x\\* \\_y\\_ \\`z\\` \\[l\\](u) \\# \\$5"
        );
        assert_eq!(markdown_text("Llama 3.1 405B, v2"), "Llama 3.1 405B, v2");
    }
}
