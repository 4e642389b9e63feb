//! When each run of a portfolio starts and ends: a run starts on its earliest day or when the
//! last run it waits for has ended (plus a gap), whichever is later, and ends its training
//! days after.

/// When one run of a portfolio may start, in days from the portfolio's start.
#[derive(Debug, Clone, PartialEq)]
pub struct Timing {
    pub earliest_day: f64,
    /// The runs it waits for: each listed before it, so plan order is an order to compute in.
    pub after: Vec<usize>,
    pub gap_days: f64,
}

/// Each run's start and finish day, given each run's training days, in plan order.
///
/// # Panics
///
/// When the slices differ in length, or a run waits for one not before it.
pub fn schedule(timing: &[Timing], train_days: &[f64], start: &mut [f64], finish: &mut [f64]) {
    assert!(
        timing.len() == train_days.len() && start.len() == finish.len(),
        "one value per run"
    );
    for (k, t) in timing.iter().enumerate() {
        let waited = t.after.iter().map(|&a| {
            assert!(a < k, "a run waits only for runs before it");
            finish[a] + t.gap_days
        });
        start[k] = waited.fold(t.earliest_day, f64::max);
        finish[k] = start[k] + train_days[k];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timing(earliest_day: f64, after: &[usize], gap_days: f64) -> Timing {
        Timing {
            earliest_day,
            after: after.to_vec(),
            gap_days,
        }
    }

    #[test]
    fn a_sequence_adds_its_runs_and_gaps() {
        let t = [
            timing(0.0, &[], 0.0),
            timing(0.0, &[0], 7.0),
            timing(0.0, &[1], 0.0),
        ];
        let (mut s, mut f) = ([0.0; 3], [0.0; 3]);
        schedule(&t, &[10.0, 20.0, 30.0], &mut s, &mut f);
        assert_eq!(s, [0.0, 17.0, 37.0]);
        assert_eq!(f, [10.0, 37.0, 67.0]);
    }

    #[test]
    fn a_run_waits_for_the_later_of_its_date_and_its_runs() {
        let t = [
            timing(0.0, &[], 0.0),
            timing(5.0, &[], 0.0),
            timing(12.0, &[0, 1], 1.0),
        ];
        let (mut s, mut f) = ([0.0; 3], [0.0; 3]);
        schedule(&t, &[10.0, 8.0, 4.0], &mut s, &mut f);
        // Run 1 ends on day 13, so run 2 starts on day 14, after its own day 12.
        assert_eq!(s, [0.0, 5.0, 14.0]);
        schedule(&t, &[10.0, 2.0, 4.0], &mut s, &mut f);
        assert_eq!(s[2], 12.0);
    }
}
