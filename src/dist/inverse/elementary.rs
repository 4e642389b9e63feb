//! e^x and ln x without branches or calls, so that a loop over a block of draws vectorises (the
//! C library's are calls, one value at a time), and with the same bits on every machine and at
//! every vector width (the C library picks its code by CPU).
//!
//! Both are the classic reductions of fdlibm (Sun Microsystems, 1993; as in musl):
//! - e^x = 2^k · e^r with k the nearest integer to x / ln 2 and |r| ≤ ½ ln 2, r formed in two
//!   parts (Cody & Waite) so that it is exact to the last bits, and e^r by its Taylor series to
//!   r^13 (the first term left out is below 2e-18 relative);
//! - ln x = k ln 2 + ln(1 + f), with 1 + f in [√½, √2) and ln(1 + f) = f − f²/2 + s(f²/2 + R(s²)),
//!   s = f / (2 + f), R fdlibm's minimax polynomial.
//!
//! Both are within an ulp of the exact value (checked against the C library's, which is within
//! half an ulp, on millions of points across their range; see the tests).

// The constants as fdlibm publishes them, to 21 digits: checkable digit for digit.
#![allow(clippy::excessive_precision)]

/// 1.5 · 2^52: adding it rounds a double below 2^51 in magnitude to an integer, held in the
/// low bits of the sum.
const ROUNDER: f64 = 6_755_399_441_055_744.0;

/// ln 2 split so that k · LN2_HI is exact for |k| < 2^20 (LN2_HI has 32 significant bits).
const LN2_HI: f64 = 6.931_471_803_691_238_164_90e-1;
const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;

/// e^x for any x: ∞ above ln(f64::MAX), 0 below the smallest subnormal's logarithm, NaN for NaN.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    // Beyond ±746 the result is 0 or ∞ already; clamping keeps k small enough for the scaling.
    // (NaN fails both comparisons and stays NaN.)
    let x = x.clamp(-746.0, 746.0);
    let rounded = x * std::f64::consts::LOG2_E + ROUNDER;
    let k = rounded - ROUNDER;
    let k_int = (rounded.to_bits() as i64).wrapping_sub(ROUNDER.to_bits() as i64);
    let r = (x - k * LN2_HI) - k * LN2_LO;
    let p = taylor(r);
    // 2^k as two normal powers of two, so that k from −1077 to 1065 scales exactly until the
    // result itself leaves the normal range.
    let k1 = k_int >> 1;
    let k2 = k_int - k1;
    p * power_of_two(k1) * power_of_two(k2)
}

/// e^r's Taylor series to r^13, for |r| ≤ ½ ln 2: 1 + r(1 + r·q(r)) by Horner, the rest q by
/// Estrin's scheme (powers r², r⁴, r⁸ combine pairs of terms). The terms of q are at most
/// 7.6% of the result (at r = −½ ln 2), so their rounding costs a fraction of an ulp, and the
/// chain of dependent operations is 11 long rather than Horner's 26: a loop of draws waited
/// on it.
#[inline(always)]
fn taylor(r: f64) -> f64 {
    let c = &INV_FACTORIAL;
    let r2 = r * r;
    let r4 = r2 * r2;
    let r8 = r4 * r4;
    let pair = |i: usize| c[i] + c[i + 1] * r;
    let low = pair(2) + pair(4) * r2;
    let mid = pair(6) + pair(8) * r2;
    let high = pair(10) + pair(12) * r2;
    let q = (low + mid * r4) + high * r8;
    c[0] + r * (c[1] + r * q)
}

/// 1/n! for n = 0..=13.
const INV_FACTORIAL: [f64; 14] = {
    let mut c = [1.0; 14];
    let mut n = 1;
    while n < 14 {
        c[n] = c[n - 1] / n as f64;
        n += 1;
    }
    c
};

/// 2^k for k from −1022 to 1023.
#[inline(always)]
fn power_of_two(k: i64) -> f64 {
    f64::from_bits(((k + 1023) as u64) << 52)
}

const LG: [f64; 7] = [
    6.666_666_666_666_735_130e-1,
    3.999_999_999_940_941_908e-1,
    2.857_142_874_366_239_149e-1,
    2.222_219_843_214_978_396e-1,
    1.818_357_216_161_805_012e-1,
    1.531_383_769_920_937_332e-1,
    1.479_819_860_511_658_591e-1,
];

/// ln x for x positive and finite, subnormals included. (Other x give an unspecified value,
/// never a panic.)
#[inline(always)]
pub fn ln(x: f64) -> f64 {
    // A subnormal is scaled into the normal range first.
    let tiny = x < f64::MIN_POSITIVE;
    let x = if tiny { x * TWO_54 } else { x };
    // Moves mantissas at or above √2 into the next binade, so that 1 + f lands in [√½, √2).
    let bits = x.to_bits().wrapping_add((0x3ff0_0000 - 0x3fe6_a09e) << 32);
    let k = (bits >> 52) as i64 - 1023 - if tiny { 54 } else { 0 };
    let m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) + (0x3fe6_a09e << 32));
    let f = m - 1.0;
    let half_f2 = 0.5 * f * f;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let odd = w * (LG[1] + w * (LG[3] + w * LG[5]));
    let even = z * (LG[0] + w * (LG[2] + w * (LG[4] + w * LG[6])));
    let r = odd + even;
    let k = f64::from_bits(ROUNDER.to_bits().wrapping_add(k as u64)) - ROUNDER;
    s * (half_f2 + r) + k * LN2_LO - half_f2 + f + k * LN2_HI
}

const TWO_54: f64 = 18_014_398_509_481_984.0;

#[cfg(test)]
mod tests {
    use super::*;

    /// The distance in ulps between two doubles of the same sign.
    fn ulps(a: f64, b: f64) -> u64 {
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
    }

    /// Points spread over [lo, hi]: a fine even grid and a pseudo-random scatter.
    fn points(lo: f64, hi: f64, n: usize) -> Vec<f64> {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut xs: Vec<f64> = (0..n)
            .map(|i| lo + (hi - lo) * i as f64 / n as f64)
            .collect();
        xs.extend((0..n).map(|_| {
            state = crate::sample::scheme::mix(state);
            lo + (hi - lo) * crate::sample::scheme::open_unit(state)
        }));
        xs
    }

    #[test]
    fn exp_is_within_an_ulp_of_the_c_library() {
        let mut worst = 0;
        for x in points(-708.0, 709.0, 1_000_000)
            .into_iter()
            .chain(points(-1.0, 1.0, 1_000_000))
        {
            let d = ulps(exp(x), x.exp());
            worst = worst.max(d);
            assert!(d <= 1, "exp({x:e}) = {:e}, libm {:e}", exp(x), x.exp());
        }
        assert!(worst <= 1);
    }

    #[test]
    fn exp_ends_as_the_c_library_does() {
        for x in [
            0.0, -0.0, 1.0, 709.78, 709.79, 710.0, 1e300, -744.0, -745.1, -746.0, -1e300,
        ] {
            let (ours, theirs) = (exp(x), x.exp());
            // Subnormal results are rounded twice here: a relative 1e-3 bounds them.
            let close = ours == theirs || (ours - theirs).abs() <= 1e-3 * theirs;
            assert!(close, "exp({x:e}) = {ours:e}, libm {theirs:e}");
        }
        assert_eq!(exp(f64::INFINITY), f64::INFINITY);
        assert_eq!(exp(f64::NEG_INFINITY), 0.0);
        assert!(exp(f64::NAN).is_nan());
    }

    #[test]
    fn ln_is_within_an_ulp_of_the_c_library() {
        let mut xs = points(0.0, 1.0, 1_000_000);
        xs.extend(points(0.5, 2.0, 1_000_000));
        xs.extend(points(-745.0, 709.0, 1_000_000).into_iter().map(f64::exp));
        xs.extend([f64::MIN_POSITIVE, 4.9e-324, 1e-310, f64::MAX, 1.0, 2.0, 0.5]);
        for x in xs.into_iter().filter(|x| *x > 0.0) {
            let d = ulps(ln(x), x.ln());
            assert!(d <= 1, "ln({x:e}) = {:e}, libm {:e}", ln(x), x.ln());
        }
        assert_eq!(ln(1.0), 0.0);
    }
}
