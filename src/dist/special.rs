//! Numerical pieces that several families share: the standard normal and a bracketed quantile
//! search.

/// z such that Φ(z) = 0.95: turns a (P5, P95) pair into a mean and a standard deviation.
pub const Z95: f64 = 1.644_853_626_951_472_2;

/// Φ(z). z is formed as (x − mean) / sd, which is ±∞ (never NaN) when x − mean overflows.
pub(super) fn std_normal_cdf(z: f64) -> f64 {
    0.5 * statrs::function::erf::erfc(-z / std::f64::consts::SQRT_2)
}

/// 1 − Φ(z), precise in the upper tail.
pub(super) fn std_normal_sf(z: f64) -> f64 {
    0.5 * statrs::function::erf::erfc(z / std::f64::consts::SQRT_2)
}

/// z with Φ(z) = p: −√2 · erfc⁻¹(2p), precise for tiny p.
pub(super) fn lower_z(p: f64) -> f64 {
    -upper_z(p)
}

/// z with P(Z > z) = s for a standard normal: Φ⁻¹(1 − s) = √2 · erfc⁻¹(2s), precise for tiny s.
pub(super) fn upper_z(s: f64) -> f64 {
    if s <= 0.0 {
        f64::INFINITY
    } else if s >= 1.0 {
        f64::NEG_INFINITY
    } else {
        std::f64::consts::SQRT_2 * statrs::function::erf::erfc_inv(2.0 * s)
    }
}

/// x in [0, hi] with cdf(x) = p, for p ≤ cdf(hi) on the lower side of the distribution: Newton
/// steps on ln cdf (a beta's or gamma's lower tail is close to a power of x, where ln cdf is
/// nearly linear in ln x; a step on cdf itself moves a power α by a factor 1 − 1/α and stopped
/// short after 400 steps for a PERT with λ = 100 at 1e-198), kept inside a bracket, which bisects
/// on the logarithm of x while the bracket spans orders of magnitude (the quantile can be
/// 1e-300) and on x itself once it is narrow.
pub(super) fn lower_quantile(
    p: f64,
    hi: f64,
    cdf: impl Fn(f64) -> f64,
    ln_pdf: impl Fn(f64) -> f64,
) -> f64 {
    if p <= 0.0 {
        return 0.0;
    }
    let (mut lo, mut hi) = (0.0_f64, hi);
    let mut x = 0.5 * hi;
    for _ in 0..400 {
        let f = cdf(x);
        if f < p {
            lo = x;
        } else {
            hi = x;
        }
        if f == p || hi - lo <= 2.0 * f64::EPSILON * hi {
            break;
        }
        // d(ln cdf)/dx = pdf/cdf; near the root the step is Newton's on cdf.
        let newton = x - (f.ln() - p.ln()) * f / ln_pdf(x).exp();
        x = if newton > lo && newton < hi {
            newton
        } else if lo > 0.0 && hi / lo < 4.0 {
            0.5 * (lo + hi)
        } else {
            // The geometric midpoint, with 5e-324 standing in for a bracket end at 0.
            (0.5 * (lo.max(f64::MIN_POSITIVE * f64::EPSILON).ln() + hi.ln())).exp()
        };
        if x <= lo || x >= hi {
            break;
        }
    }
    x.clamp(lo, hi)
}

/// x ≥ 0 with sf(x) = s, for 0 < s < 1 on the upper side of a distribution whose survival
/// function stays accurate in its tail (where an inverse may not be): a bracket doubled from
/// `start` until it holds less than s, then Newton's method on ln sf (nearly linear in the
/// tail, so it converges in a few steps), kept inside the bracket, which bisection narrows
/// whenever a step would leave it.
pub(super) fn upper_quantile(
    s: f64,
    start: f64,
    sf: impl Fn(f64) -> f64,
    pdf: impl Fn(f64) -> f64,
) -> f64 {
    let (mut lo, mut hi) = (0.0_f64, start);
    while sf(hi) > s {
        lo = hi;
        hi *= 2.0;
        if !hi.is_finite() {
            return f64::MAX;
        }
    }
    let target = s.ln();
    let mut x = 0.5 * (lo + hi);
    for _ in 0..200 {
        let f = sf(x);
        if f > s {
            lo = x;
        } else {
            hi = x;
        }
        if f == s || hi - lo <= 4.0 * f64::EPSILON * hi {
            break;
        }
        // d(ln sf)/dx = −pdf/sf
        let next = x + (f.ln() - target) * f / pdf(x);
        x = if next > lo && next < hi && next.is_finite() {
            next
        } else {
            0.5 * (lo + hi)
        };
    }
    x
}
