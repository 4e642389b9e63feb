//! Rank correlation (Spearman) and the contribution to variance that @RISK and Crystal Ball
//! derive from it. `ranks` and `spearman` define the figure on a stored sample; `sensitivity`
//! streams its runs and gets the same figure from passes over them ([`super::drivers`], tested
//! against these).

use rayon::prelude::*;

/// Ranks 1..n, ties sharing their average rank.
pub fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.par_sort_unstable_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b)));
    let mut out = vec![0.0; values.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && values[order[end]] == values[order[start]] {
            end += 1;
        }
        let average = (start + end + 1) as f64 / 2.0;
        for &i in &order[start..end] {
            out[i] = average;
        }
        start = end;
    }
    out
}

/// Pearson correlation of two equally long samples; 0 when either is constant.
pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        let (dx, dy) = (a - mx, b - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx == 0.0 || syy == 0.0 {
        return 0.0;
    }
    sxy / (sxx * syy).sqrt()
}

/// Spearman's rank correlation of `x` with `y_ranks` (ranks of the output, computed once).
pub fn spearman(x: &[f64], y_ranks: &[f64]) -> f64 {
    pearson(&ranks(x), y_ranks)
}

/// Squared rank correlations normalised to sum to 1 (all zeros stay zeros): a ranking aid, not
/// a decomposition of the output's variance. Correlated inputs each carry the part of the output
/// they move together, so their shares count it twice; interactions count nowhere.
pub fn spearman_sq_shares(correlations: &[f64]) -> Vec<f64> {
    let total: f64 = correlations.iter().map(|r| r * r).sum();
    correlations
        .iter()
        .map(|r| if total > 0.0 { r * r / total } else { 0.0 })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_average_ties() {
        assert_eq!(ranks(&[10.0, 30.0, 20.0, 30.0]), vec![1.0, 3.5, 2.0, 3.5]);
    }

    #[test]
    fn spearman_sees_monotone_not_linear() {
        let x: Vec<f64> = (1..=100).map(f64::from).collect();
        let y: Vec<f64> = x.iter().map(|v| v.powi(5)).collect();
        assert!((spearman(&x, &ranks(&y)) - 1.0).abs() < 1e-12);
        let rev: Vec<f64> = x.iter().map(|v| -v.exp()).collect();
        assert!((spearman(&x, &ranks(&rev)) + 1.0).abs() < 1e-12);
        assert_eq!(spearman(&[1.0; 5], &ranks(&[1.0, 2.0, 3.0, 4.0, 5.0])), 0.0);
    }

    #[test]
    fn shares_sum_to_one() {
        let s = spearman_sq_shares(&[0.8, -0.4, 0.2]);
        assert!((s.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!((s[0] - 0.64 / 0.84).abs() < 1e-12);
        assert_eq!(spearman_sq_shares(&[0.0, 0.0]), vec![0.0, 0.0]);
    }
}
