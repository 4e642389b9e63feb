//! When a run's money is spent: every cost line placed on the run's timeline, in days from
//! the day training starts (day 0), then summed over periods.
//!
//! ```text
//! compute by the hour, energy, storage and network, experiments
//!                   evenly over the days the GPUs compute: [0, train_days), or with a contract
//!                   [0, days in the term) and, after any wait for capacity, the overrun
//! contract          the reserved GPUs' committed price over [0, days in the term); the share
//!                   of the unused term still paid over the rest of the term
//! extension         GPUs beyond the reservation over [0, days in the term); every GPU over
//!                   the overrun
//! labor             evenly over its months: from months_before before day 0 to months_after
//!                   after the run ends when labor follows the run, else [0, months)
//! data_usd          on day 0; evaluation_usd on the day training ends; other_usd evenly over
//!                   the training days
//! ```
//!
//! Each line's pieces sum to the line's amount (the last piece is what the others leave), so
//! a run's periods sum to its total cost to rounding.

use super::{DAYS_PER_MONTH, Input, Metric, ModelOptions, Outputs};

/// An amount paid at an even rate over days `from..to`, or all on day `from` when
/// `to <= from`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Flow {
    pub usd: f64,
    pub from: f64,
    pub to: f64,
}

/// The most flows a run has.
pub const FLOWS: usize = 12;

/// The days a run computes and what it pays for them, as flows.
pub fn flows(get: impl Fn(Input) -> f64, y: &Outputs, options: ModelOptions) -> [Flow; FLOWS] {
    let out = |m: Metric| y[m.index()];
    let train_days = out(Metric::TrainDays);
    let none = Flow {
        usd: 0.0,
        from: 0.0,
        to: 0.0,
    };
    let mut f = [none; FLOWS];
    let flow = |usd, from, to| Flow { usd, from, to };
    // The days the GPUs compute: [0, a) and [b, train_days).
    let (a, b) = if options.contract {
        let overrun = out(Metric::OverrunDays);
        let term = get(Input::ContractTermDays);
        let in_term = (train_days - overrun).min(term);
        let reserved = get(Input::ContractGpus);
        let gpus = get(Input::Gpus);
        let resume = train_days - overrun;
        let contract = out(Metric::ContractCostUsd);
        let used = reserved * 24.0 * get(Input::ContractUsdPerGpuHour) * in_term;
        let used = used.min(contract);
        f[0] = flow(used, 0.0, in_term);
        f[1] = flow(contract - used, in_term, term);
        let extension = out(Metric::ExtensionCostUsd);
        let beside = 24.0 * get(Input::ExtensionUsdPerGpuHour) * (gpus - reserved).max(0.0);
        let beside = (beside * in_term).min(extension);
        f[2] = flow(beside, 0.0, in_term);
        f[3] = flow(extension - beside, resume, train_days);
        (in_term, resume)
    } else {
        f[0] = flow(out(Metric::ComputeCostUsd), 0.0, train_days);
        (train_days, train_days)
    };
    let by_gpu_day = out(Metric::EnergyCostUsd)
        + out(Metric::StorageNetworkCostUsd)
        + out(Metric::ExperimentsCostUsd);
    let first = by_gpu_day * a / (a + train_days - b);
    f[4] = flow(first, 0.0, a);
    f[5] = flow(by_gpu_day - first, b, train_days);
    let (data, evaluation) = (get(Input::DataUsd), get(Input::EvaluationUsd));
    f[6] = flow(data, 0.0, 0.0);
    f[7] = flow(evaluation, train_days, train_days);
    f[8] = flow(
        out(Metric::FixedCostUsd) - data - evaluation,
        0.0,
        train_days,
    );
    let (from, to) = if options.labor_follows_run {
        let before = get(Input::MonthsBefore) * DAYS_PER_MONTH;
        (
            -before,
            train_days + get(Input::MonthsAfter) * DAYS_PER_MONTH,
        )
    } else {
        (0.0, get(Input::Months) * DAYS_PER_MONTH)
    };
    f[9] = flow(out(Metric::LaborCostUsd), from, to);
    f
}

/// The first and last day any of `flows` pays on.
pub fn span(flows: &[Flow]) -> (f64, f64) {
    flows
        .iter()
        .filter(|f| f.usd != 0.0)
        .fold((0.0, 0.0), |(lo, hi), f| {
            (f.from.min(lo), f.to.max(f.from).max(hi))
        })
}

/// Adds each flow into `buckets`: bucket 0 holds what is paid before `edges[0]`, bucket
/// k + 1 what is paid in `edges[k]..edges[k + 1]`, the last what is paid from the last edge
/// on. A payment on a day falls in the bucket holding that day.
///
/// # Panics
///
/// When `buckets` is not `edges.len() + 1` long.
pub fn place(flows: &[Flow], edges: &[f64], buckets: &mut [f64]) {
    assert_eq!(
        buckets.len(),
        edges.len() + 1,
        "a bucket either side of each edge"
    );
    let bucket_of = |day: f64| edges.partition_point(|&e| e <= day);
    for f in flows.iter().filter(|f| f.usd != 0.0) {
        let first = bucket_of(f.from);
        if f.to <= f.from {
            buckets[first] += f.usd;
            continue;
        }
        let last = bucket_of(f.to);
        let rate = f.usd / (f.to - f.from);
        let mut left = f.usd;
        for k in first..last {
            // Bucket k ends at edges[k], which is not past the flow's end.
            let begin = if k == first { f.from } else { edges[k - 1] };
            let piece = rate * (edges[k] - begin);
            buckets[k] += piece;
            left -= piece;
        }
        buckets[last] += left;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CostLines, evaluate};

    fn article(options: ModelOptions) -> (super::super::Inputs, Outputs) {
        let mut x = [0.0; Input::COUNT];
        for (i, v) in [
            (Input::ActiveParams, 1e9),
            (Input::Tokens, 1e12),
            (Input::FlopsPerParamToken, 6.0),
            (Input::Gpus, 1000.0),
            (Input::PeakTflops, 1.0),
            (Input::Mfu, 6e21 / (1000.0 * 1e12 * 86_400.0 * 100.0)),
            (Input::GpuHourUsd, 2.0),
            (Input::TeamSize, 12.0),
            (Input::SalaryUsd, 365.2425 * 1000.0),
            (Input::Months, 2.0),
            (Input::MonthsBefore, 1.0),
            (Input::MonthsAfter, 0.5),
            (Input::DataUsd, 7.0),
            (Input::EvaluationUsd, 11.0),
            (Input::OtherUsd, 100.0),
            (Input::StorageNetworkUsdPerGpuHour, 0.5),
        ] {
            x[i.index()] = v;
        }
        let y = evaluate(&x, options);
        (x, y)
    }

    #[test]
    fn a_known_run_places_each_day_exactly() {
        let options = ModelOptions {
            labor_follows_run: true,
            cost_lines: CostLines {
                fixed: true,
                storage_network: true,
                ..CostLines::default()
            },
            ..ModelOptions::default()
        };
        let (x, y) = article(options);
        // 6e21 FLOP at 6e9/86400 × ... : 100 days of 1000 GPUs.
        assert!((y[Metric::TrainDays.index()] - 100.0).abs() < 1e-9);
        let f = flows(|i| x[i.index()], &y, options);
        // Edges at days 0, 50 and (just after) 100: before the start, the first half, the
        // second with the evaluation paid as training ends, and after.
        let mut b = [0.0; 4];
        place(&f, &[0.0, 50.0, 100.0 + 1e-6], &mut b);
        let day_gpu = 24_000.0 * 2.5; // compute and storage per day
        let labor_day = 12.0 * 1000.0; // 12 people at 1000 a day
        let month = 365.2425 / 12.0;
        let close = |a: f64, e: f64| (a - e).abs() < 1e-6 * e.abs().max(1.0);
        assert!(close(b[0], labor_day * month), "{b:?}");
        assert!(
            close(b[1], 50.0 * (day_gpu + labor_day + 1.0) + 7.0),
            "{b:?}"
        );
        assert!(
            close(b[2], 50.0 * (day_gpu + labor_day + 1.0) + 11.0),
            "{b:?}"
        );
        assert!(close(b[3], labor_day * 0.5 * month), "{b:?}");
        let total = y[Metric::TotalCostUsd.index()];
        assert!((b.iter().sum::<f64>() - total).abs() <= 1e-12 * total);
    }

    #[test]
    fn a_flow_spread_over_many_buckets_sums_to_its_amount() {
        let edges: Vec<f64> = (0..40).map(|k| k as f64 * 30.4).collect();
        let f = [Flow {
            usd: 1e8 / 3.0,
            from: -7.3,
            to: 1500.0,
        }];
        let mut b = vec![0.0; edges.len() + 1];
        place(&f, &edges, &mut b);
        assert!((b.iter().sum::<f64>() - 1e8 / 3.0).abs() < 1e-6);
        let rate = 1e8 / 3.0 / 1507.3;
        assert!((b[0] - 7.3 * rate).abs() < 1e-6);
        assert!((b[5] - 30.4 * rate).abs() < 1e-6);
        assert!(b.iter().all(|&v| v >= 0.0));
    }

    #[test]
    fn a_payment_on_an_edge_belongs_to_the_period_it_opens() {
        let f = [Flow {
            usd: 5.0,
            from: 30.0,
            to: 30.0,
        }];
        let mut b = [0.0; 3];
        place(&f, &[0.0, 30.0], &mut b);
        assert_eq!(b, [0.0, 0.0, 5.0]);
    }
}
