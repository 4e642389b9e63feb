//! The summary as a Markdown table, for issues, wikis and design docs.

use std::io;

use super::{Exporter, RunReport, estimate_cell, human, interval_notes};

pub struct MarkdownExporter;

impl Exporter<RunReport> for MarkdownExporter {
    fn export(&self, report: &RunReport) -> io::Result<Vec<u8>> {
        let mut out = format!(
            "## {}\n\n{} runs, seed {}\n\n| metric | mean | sd |",
            markdown_text(&report.scenario_name),
            super::group_thousands(report.runs),
            report.seed
        );
        for p in &report.percentiles {
            out.push_str(&format!(" P{p} |"));
        }
        out.push_str(" ±95% |\n|---|---:|---:|");
        out.push_str(&"---:|".repeat(report.percentiles.len() + 1));
        out.push('\n');
        for (metric, s) in &report.metrics {
            let u = metric.unit();
            out.push_str(&format!(
                "| {} | {} | {} |",
                markdown_text(metric.name()),
                markdown_text(&estimate_cell(u, &s.mean)),
                markdown_text(&human(u, s.sd))
            ));
            for p in &s.percentiles {
                out.push_str(&format!(
                    " {} |",
                    markdown_text(&estimate_cell(u, &p.estimate))
                ));
            }
            out.push_str(&format!(
                " {} |\n",
                markdown_text(&super::half_width_cell(u, s))
            ));
        }
        out.push('\n');
        out.push_str(&markdown_text(&interval_notes(report).join(" ")));
        out.push('\n');
        for line in super::table::goal_lines(report) {
            out.push_str(&format!("\n{}\n", markdown_text(&line)));
        }
        Ok(out.into_bytes())
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
