//! The summary as a Markdown table, for issues, wikis and design docs.

use super::{Exporter, RunReport, human};

pub struct MarkdownExporter;

impl Exporter<RunReport> for MarkdownExporter {
    fn export(&self, report: &RunReport) -> Vec<u8> {
        let mut out = format!(
            "## {}\n\n{} runs, seed {}\n\n| metric | mean | sd |",
            report.scenario_name,
            super::group_thousands(report.runs),
            report.seed
        );
        for p in &report.percentiles {
            out.push_str(&format!(" P{p} |"));
        }
        out.push_str("\n|---|---:|---:|");
        out.push_str(&"---:|".repeat(report.percentiles.len()));
        out.push('\n');
        for (metric, s) in &report.metrics {
            let u = metric.unit();
            out.push_str(&format!(
                "| {} | {} | {} |",
                metric.name(),
                human(u, s.mean),
                human(u, s.sd)
            ));
            for p in &s.percentiles {
                out.push_str(&format!(" {} |", human(u, p.value)));
            }
            out.push('\n');
        }
        for line in super::table::goal_lines(report) {
            out.push_str(&format!("\n{line}\n"));
        }
        // A bare `$` pair can start inline math in some Markdown renderers.
        out.replace('$', "\\$").into_bytes()
    }
}
