//! One-at-a-time swings (the tornado chart): the output with each input moved to a low and a
//! high value while every other input stays at its base value.

/// Output at (input i = `low[i]`, others = base) and at (input i = `high[i]`, others = base).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Swing {
    pub at_low: f64,
    pub at_high: f64,
}

impl Swing {
    /// No swing measured (NaN ends; width 0 so it sorts last).
    pub fn undefined() -> Self {
        Swing {
            at_low: f64::NAN,
            at_high: f64::NAN,
        }
    }

    /// The width of the bar: how far the output moves across the input's range.
    pub fn width(&self) -> f64 {
        let w = (self.at_high - self.at_low).abs();
        if w.is_nan() { 0.0 } else { w }
    }
}

pub fn swings(base: &[f64], low: &[f64], high: &[f64], f: impl Fn(&[f64]) -> f64) -> Vec<Swing> {
    let mut point = base.to_vec();
    (0..base.len())
        .map(|i| {
            point[i] = low[i];
            let at_low = f(&point);
            point[i] = high[i];
            let at_high = f(&point);
            point[i] = base[i];
            Swing { at_low, at_high }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swings_rank_inputs_by_effect() {
        let f = |x: &[f64]| 10.0 * x[0] - 2.0 * x[1] + 0.5 * x[2];
        let s = swings(&[1.0, 1.0, 1.0], &[0.0, 0.0, 0.0], &[2.0, 2.0, 2.0], f);
        assert_eq!(
            s[0],
            Swing {
                at_low: -1.5,
                at_high: 18.5
            }
        );
        assert_eq!(
            s[1],
            Swing {
                at_low: 10.5,
                at_high: 6.5
            }
        );
        assert!(s[0].width() > s[1].width() && s[1].width() > s[2].width());
    }
}
