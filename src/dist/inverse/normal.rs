//! The standard normal quantile Φ⁻¹ by Wichura's algorithm AS 241, PPND16 (M. J. Wichura, "The
//! percentage points of the normal distribution", *Applied Statistics* 37 (1988) 477–484):
//! three rational approximations of degree 7, with a relative error near 1e-16 across the
//! doubles. It replaces statrs's erfc⁻¹ (a rational first guess polished by Halley steps) where
//! speed matters: a few multiplications and one division in the centre, a logarithm and a
//! square root in the tails.
//!
//! The tails are formed from min(p, 1 − p), so Φ⁻¹(1 − s) for tiny s is computed from s itself
//! by [`upper_z`], never from 1 − s (which rounds to 1 below s = 1.1e-16).

// The coefficients as published, to 20 digits: more than a double holds, but checkable
// against the paper digit for digit.
#![allow(clippy::excessive_precision)]

use super::elementary::{exp, ln};

/// Numerator and denominator of the central approximation, in r = 0.180625 − q², q = p − ½.
const A: [f64; 8] = [
    3.387_132_872_796_366_608_0,
    1.331_416_678_917_843_774_5e2,
    1.971_590_950_306_551_442_7e3,
    1.373_169_376_550_946_112_5e4,
    4.592_195_393_154_987_145_7e4,
    6.726_577_092_700_870_085_3e4,
    3.343_057_558_358_812_810_5e4,
    2.509_080_928_730_122_672_7e3,
];
const B: [f64; 8] = [
    1.0,
    4.231_333_070_160_091_125_2e1,
    6.871_870_074_920_579_083_0e2,
    5.394_196_021_424_751_107_7e3,
    2.121_379_430_158_659_586_7e4,
    3.930_789_580_009_271_061_0e4,
    2.872_908_573_572_194_267_4e4,
    5.226_495_278_852_854_561_0e3,
];

/// The intermediate tail, in r = √(−ln p) − 1.6 for √(−ln p) ≤ 5 (p down to 1.4e-11).
const C: [f64; 8] = [
    1.423_437_110_749_683_577_34,
    4.630_337_846_156_545_295_90,
    5.769_497_221_460_691_405_50,
    3.647_848_324_763_204_605_04,
    1.270_458_252_452_368_382_58,
    2.417_807_251_774_506_117_70e-1,
    2.272_384_498_926_918_458_33e-2,
    7.745_450_142_783_414_076_40e-4,
];
const D: [f64; 8] = [
    1.0,
    2.053_191_626_637_758_821_87,
    1.676_384_830_183_803_849_40,
    6.897_673_349_851_000_045_50e-1,
    1.481_039_764_274_800_745_90e-1,
    1.519_866_656_361_645_719_66e-2,
    5.475_938_084_995_344_946_00e-4,
    1.050_750_071_644_416_843_24e-9,
];

/// The far tail, in r = √(−ln p) − 5.
const E: [f64; 8] = [
    6.657_904_643_501_103_777_20,
    5.463_784_911_164_114_369_90,
    1.784_826_539_917_291_335_80,
    2.965_605_718_285_048_912_30e-1,
    2.653_218_952_657_612_309_30e-2,
    1.242_660_947_388_078_438_60e-3,
    2.711_555_568_743_487_578_15e-5,
    2.010_334_399_292_288_132_65e-7,
];
const F: [f64; 8] = [
    1.0,
    5.998_322_065_558_879_376_90e-1,
    1.369_298_809_227_358_053_10e-1,
    1.487_536_129_085_061_485_25e-2,
    7.868_691_311_456_132_591_00e-4,
    1.846_318_317_510_054_681_80e-5,
    1.421_511_758_316_445_888_70e-7,
    2.044_263_103_389_939_785_64e-15,
];

/// Φ⁻¹(p): the z with P(Z ≤ z) = p; −∞ at 0, +∞ at 1, NaN for NaN.
#[inline]
pub(crate) fn lower_z(p: f64) -> f64 {
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180_625 - q * q;
        return q * horner(&A, r) / horner(&B, r);
    }
    // 1 − p is exact here (p > 0.925).
    if q < 0.0 { -tail(p) } else { tail(1.0 - p) }
}

/// The z with P(Z > z) = s, precise for tiny s: the normal is symmetric, so this is −Φ⁻¹(s).
#[inline]
pub(crate) fn upper_z(s: f64) -> f64 {
    -lower_z(s)
}

/// The z ≥ 0 with P(Z > z) = p, for p ≤ 0.075.
#[inline]
fn tail(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::INFINITY;
    }
    let r = (-ln(p)).sqrt();
    if r <= 5.0 {
        let r = r - 1.6;
        horner(&C, r) / horner(&D, r)
    } else {
        let r = r - 5.0;
        horner(&E, r) / horner(&F, r)
    }
}

/// [`lower_z`] for p in [0, ½] where it uses the central form (|p − ½| ≤ 0.425), NaN where it
/// uses a tail's: the same bits as `lower_z` where it answers.
#[inline(always)]
pub(crate) fn lower_half_centre(p: f64) -> f64 {
    let q = p - 0.5;
    let r = 0.180_625 - q * q;
    let z = q * horner(&A, r) / horner(&B, r);
    if q.abs() <= 0.425 { z } else { f64::NAN }
}

/// [`lower_z`] for p in [0, ½], without a branch: both the centre's and the tail's rational
/// functions are computed and one is kept, so that a loop over a block vectorises. The same
/// bits as `lower_z`.
#[inline(always)]
pub(crate) fn lower_half_z(p: f64) -> f64 {
    let q = p - 0.5;
    let r = 0.180_625 - q * q;
    let t = (-ln(p)).sqrt();
    let far = t > 5.0;
    let t = if far { t - 5.0 } else { t - 1.6 };
    let tail_num: [f64; 8] = std::array::from_fn(|i| if far { E[i] } else { C[i] });
    let tail_den: [f64; 8] = std::array::from_fn(|i| if far { F[i] } else { D[i] });
    // One division for both forms: q·A/B in the centre, −C/D (the same as −(C/D)) in the tail.
    let centre = q.abs() <= 0.425;
    let num = if centre {
        q * horner(&A, r)
    } else {
        -horner(&tail_num, t)
    };
    let den = if centre {
        horner(&B, r)
    } else {
        horner(&tail_den, t)
    };
    if p > 0.0 {
        num / den
    } else {
        f64::NEG_INFINITY
    }
}

#[inline(always)]
fn horner(c: &[f64; 8], r: f64) -> f64 {
    ((((((c[7] * r + c[6]) * r + c[5]) * r + c[4]) * r + c[3]) * r + c[2]) * r + c[1]) * r + c[0]
}

/// Chebyshev coefficients of erfcx(x) = e^(x²)·erfc(x) for x ≥ 0 in t = (x − 3)/(x + 3):
/// interpolated at 24 nodes in 40-digit arithmetic by `scripts/fit-erfcx`, which also checks
/// them (relative error at most 4e-15 on [0, 27.5], in double precision).
const ERFCX: [f64; 24] = [
    0.32986277475303677,
    -0.45366152053780207,
    0.16039834082156296,
    -0.044908121151122825,
    0.009641428650695697,
    -0.0014425080777443955,
    0.00010099436735379916,
    1.20850245344553e-05,
    -3.6254206027537556e-06,
    7.186810742476415e-08,
    8.914235859898217e-08,
    -7.421566624959606e-09,
    -2.389336570265878e-09,
    3.062235535489942e-10,
    7.788945388151887e-11,
    -1.0973745829251227e-11,
    -3.0915207313384243e-12,
    3.525433878733944e-13,
    1.3990452350689805e-13,
    -8.246027927870614e-15,
    -6.639967824399833e-15,
    -7.997089795920771e-17,
    3.0440428613205173e-16,
    3.312532721094468e-17,
];
const ERFCX_K: f64 = 3.0;

/// The smaller tail of the standard normal at z, P(Z > |z|) = erfc(|z|/√2)/2: Φ(z) for z ≤ 0
/// and 1 − Φ(z) for z > 0, to a relative error near 1e-14 out to |z| = 37 (where it passes the
/// smallest normal double), from e^(−x²)·erfcx(x) with x² = z²/2 carried exactly. No branch and
/// no call: it vectorises, where statrs's erfc (Boost's rational pieces, chosen by branches)
/// costs tens of nanoseconds a value and is off by up to 1e-10 this far out.
#[inline(always)]
pub(crate) fn smaller_tail(z: f64) -> f64 {
    let x = z.abs() * std::f64::consts::FRAC_1_SQRT_2;
    let t = (x - ERFCX_K) / (x + ERFCX_K);
    let (mut b1, mut b2) = (0.0, 0.0);
    for &c in ERFCX[1..].iter().rev() {
        (b1, b2) = (2.0 * t * b1 - b2 + c, b1);
    }
    let erfcx = t * b1 - b2 + ERFCX[0];
    // x² = z²/2 exactly as a head and a small rest (Dekker): z's head keeps 26 bits, so its
    // square is exact; e^(−rest) ≈ 1 − rest + rest²/2 to 1e-16, as |rest| < 1e-5.
    let head = f64::from_bits(z.abs().to_bits() & !((1 << 27) - 1));
    let low = z.abs() - head;
    let rest = 0.5 * low * (2.0 * head + low);
    0.5 * exp(-0.5 * (head * head)) * (1.0 - rest + 0.5 * rest * rest) * erfcx
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::special;

    /// Log-spaced probabilities from 1e-300 to ½, then their mirror images up to 1 − 1e-16.
    fn probabilities() -> Vec<f64> {
        let mut ps: Vec<f64> = (0..=3000)
            .map(|i| 10f64.powf(-300.0 + 300.0 * i as f64 / 3000.0) * 0.5)
            .collect();
        ps.extend((1..2000).map(|i| i as f64 / 2000.0));
        let upper: Vec<f64> = ps
            .iter()
            .filter(|p| **p >= 1e-16)
            .map(|p| 1.0 - p)
            .collect();
        ps.extend(upper);
        ps
    }

    #[test]
    fn the_smaller_tail_matches_40_digit_values() {
        // 1 − Φ(z), by mpmath at 30 digits.
        let exact = [
            (1.0, 0.158_655_253_931_457_05),
            (5.0, 2.866_515_718_791_939_1e-7),
            (10.0, 7.619_853_024_160_526e-24),
            (20.0, 2.753_624_118_606_233_7e-89),
            (30.0, 4.906_713_927_148_187e-198),
            (36.5, 5.544_725_713_074_844_5e-292),
        ];
        for (z, want) in exact {
            let got = smaller_tail(z);
            assert!(
                (got / want - 1.0).abs() < 2e-14,
                "z = {z}: {got:e} for {want:e}"
            );
            assert_eq!(smaller_tail(-z), got);
        }
    }

    #[test]
    fn the_smaller_tail_is_statrs_erfc_within_its_own_error() {
        // statrs's erfc is itself off by up to 1e-10 relative far in the tail.
        use statrs::function::erf::erfc;
        for i in -37_000..=37_000 {
            let z = f64::from(i) / 1000.0;
            let want = 0.5 * erfc(z.abs() / std::f64::consts::SQRT_2);
            assert!((smaller_tail(z) / want - 1.0).abs() < 2e-10, "z = {z}");
        }
    }

    #[test]
    fn the_branch_free_form_gives_lower_zs_bits() {
        for p in probabilities().into_iter().filter(|p| *p <= 0.5) {
            assert_eq!(lower_half_z(p).to_bits(), lower_z(p).to_bits(), "p = {p:e}");
            let centre = lower_half_centre(p);
            assert!(
                centre.is_nan() || centre.to_bits() == lower_z(p).to_bits(),
                "p = {p:e}"
            );
        }
        assert_eq!(lower_half_z(0.0), f64::NEG_INFINITY);
    }

    #[test]
    fn as241_matches_statrs_to_2e_15_relative() {
        // Both are a few ulps off the exact quantile: at p = 4e-177, against 40-digit arithmetic,
        // AS 241 is 8e-16 low and statrs 2.4e-16 high, so they differ by 1.06e-15 there; 2e-15
        // (9 ulps) bounds their difference everywhere. Near p = ½, z is close to 0 and an
        // absolute floor of 1e-17 applies.
        let mut worst = 0.0_f64;
        for p in probabilities() {
            let (ours, theirs) = (lower_z(p), special::lower_z(p));
            let err = (ours - theirs).abs() / theirs.abs().max(1e-2);
            worst = worst.max(err);
            assert!(err < 2e-15, "p = {p:e}: {ours:e} vs statrs {theirs:e}");
        }
        assert!(worst > 1e-16, "the comparison ran: worst {worst:e}");
    }

    #[test]
    fn as241_is_within_a_few_ulps_of_the_exact_quantile() {
        // Φ⁻¹ to 40 digits (mpmath), at points of each of the three approximations.
        let exact = [
            (0.3, -0.524_400_512_708_040_82),
            (0.02, -2.053_748_910_631_823),
            (1e-8, -5.612_001_244_174_788_7),
            (3.971_641_173_621_459_5e-177, -28.351_843_371_128_333),
        ];
        for (p, z) in exact {
            assert!(
                (lower_z(p) / z - 1.0).abs() < 1e-15,
                "p = {p:e}: {} vs {z}",
                lower_z(p)
            );
        }
    }

    #[test]
    fn upper_z_keeps_tiny_survival_probabilities() {
        for s in [1e-300, 1e-100, 1e-20, 1e-17, 1e-10, 0.01, 0.3] {
            let (ours, theirs) = (upper_z(s), special::upper_z(s));
            assert!(
                (ours / theirs - 1.0).abs() < 1e-15,
                "s = {s:e}: {ours} vs {theirs}"
            );
        }
        // 1 − 1e-17 rounds to 1: only the survival form can tell 1e-17 from 0.
        assert!(upper_z(1e-17).is_finite() && lower_z(1.0 - 1e-17) == f64::INFINITY);
    }

    #[test]
    fn ends_and_nan_are_total() {
        assert_eq!(lower_z(0.0), f64::NEG_INFINITY);
        assert_eq!(lower_z(1.0), f64::INFINITY);
        assert_eq!(lower_z(0.5), 0.0);
        assert!(lower_z(f64::NAN).is_nan());
        assert!(lower_z(5e-324).is_finite());
    }

    #[test]
    fn as241_is_odd_around_one_half() {
        // Probabilities whose complements are exact, so that both sides see the same q.
        for p in [1.0 / 1024.0, 0.0625, 0.125, 0.375] {
            assert_eq!(lower_z(p), -lower_z(1.0 - p), "p = {p}");
        }
    }
}
