//! The summary as CSV: one row per metric, plain numbers, header
//! `metric,mean,sd,p5,...` with one column per requested percentile.

use super::{Exporter, RunReport, percentile_column};

pub struct CsvExporter;

impl Exporter<RunReport> for CsvExporter {
    fn export(&self, report: &RunReport) -> Vec<u8> {
        let mut w = ::csv::Writer::from_writer(Vec::new());
        let mut header = vec!["metric".to_string(), "mean".into(), "sd".into()];
        header.extend(report.percentiles.iter().map(|&p| percentile_column(p)));
        w.write_record(&header).expect("writing to memory");
        for (metric, s) in &report.metrics {
            let mut row = vec![
                metric.name().to_string(),
                s.mean.to_string(),
                s.sd.to_string(),
            ];
            row.extend(s.percentiles.iter().map(|p| p.value.to_string()));
            w.write_record(&row).expect("writing to memory");
        }
        w.into_inner().expect("writing to memory")
    }
}
