//! Every continuous family drawn as the sampler draws it (its uniforms, then its inverse CDF)
//! passes a Kolmogorov–Smirnov test at a million draws against its exact CDF, at ordinary and
//! extreme parameters and truncated. The critical value at 1%, 1.628/√n = 0.00163, is 40 times
//! the 1e-12 u-error of the inverse, so the test sees the draws' distribution, not the
//! inverse's rounding.

use flopcast::dist::Dist;
use flopcast::dist::families::{
    Beta, Gamma, LogNormal, LogT, Normal, Triangular, Uniform, Weibull,
};
use flopcast::dist::inverse::Inverse;
use flopcast::sample::scheme::{Scheme, Uniforms};

const N: usize = 1_000_000;

fn cases() -> Vec<Dist> {
    vec![
        Dist::new(Uniform::new(9.0, 15.0).unwrap()),
        Dist::new(Normal::new(3.0, 0.5).unwrap()),
        Dist::new(LogNormal::new(0.92, 0.2).unwrap()),
        Dist::new(LogT::new(3.0, -1.2, 0.35).unwrap()),
        Dist::new(Triangular::new(0.02, 0.08, 0.20).unwrap()),
        Dist::new(Beta::pert(0.33, 0.40, 0.45, 4.0).unwrap()),
        Dist::new(Beta::new(0.5, 0.5, 0.0, 1.0).unwrap()),
        Dist::new(Beta::new(1e5, 1e5, 0.0, 1.0).unwrap()),
        Dist::new(Gamma::new(0.5, 3.0).unwrap()),
        Dist::new(Gamma::new(1e5, 1e-5).unwrap()),
        Dist::new(Weibull::new(0.7, 2.0).unwrap()),
        Dist::truncated(Normal::new(0.0, 1.0).unwrap(), 6.5, f64::INFINITY).unwrap(),
        Dist::truncated(LogNormal::new(0.0, 1.0).unwrap(), 0.5, 2.0).unwrap(),
        Dist::truncated(Gamma::new(2.0, 1.0).unwrap(), 0.1, 0.2).unwrap(),
    ]
}

fn ks_statistic(mut xs: Vec<f64>, cdf: impl Fn(f64) -> f64) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len() as f64;
    xs.iter()
        .enumerate()
        .map(|(i, &x)| {
            let f = cdf(x);
            (f - i as f64 / n).max((i + 1) as f64 / n - f)
        })
        .fold(0.0, f64::max)
}

#[test]
fn every_family_drawn_by_inversion_passes_a_ks_test_at_a_million_draws() {
    let critical = 1.628 / (N as f64).sqrt();
    let uniforms = Uniforms::new(Scheme::MonteCarlo, 2024, N as u64);
    for (k, d) in cases().iter().enumerate() {
        let mut u = vec![0.0; N];
        uniforms.fill(k as u64, 0, 0, &mut u);
        let mut x = vec![0.0; N];
        Inverse::new(d).unwrap().fill(&u, &mut x);
        let stat = ks_statistic(x, |v| d.cdf(v));
        assert!(
            stat < critical,
            "{d}: KS D = {stat:.6}, critical {critical:.6}"
        );
    }
}
