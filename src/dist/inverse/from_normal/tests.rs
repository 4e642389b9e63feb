//! The grid against the inverse it was built from, at points it was not checked at, and
//! against CDFs it was not built from.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

use std::sync::Arc;

use super::*;
use crate::dist::families::{Beta, Gamma, LogNormal, Normal, Uniform, Weibull};
use crate::dist::inverse::closed::{phi, phi_upper};
use crate::dist::inverse::tests::{Cdf, every_kind, lognormal_reference, normal_reference, own};
use crate::dist::inverse::{miss_above, miss_below};
use crate::dist::{Dist, Family};
use crate::simd::{Level, capped};

/// Fixed-seed normals' worth of z (uniform on ±7, so the tails get as many as the centre), the
/// doubles around every grid join and both reaches, and far and odd values.
fn probes(fz: &FromNormal) -> Vec<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(29);
    let mut zs: Vec<f64> = (0..20_000).map(|_| rng.random_range(-7.0..7.0)).collect();
    let h = fz.grid.h();
    let (z_lo, _) = fz.grid.covers();
    for k in 0..=fz.intervals() {
        let join = z_lo + k as f64 * h;
        let (mut below, mut above) = (join, join);
        for _ in 0..3 {
            below = below.next_down();
            above = above.next_up();
            zs.extend([below, above]);
        }
        zs.push(join);
    }
    zs.extend([-40.0, -8.0, 8.0, 40.0, 0.0, -0.0]);
    zs
}

/// Distributions the copula commonly correlates, which must get a grid.
fn common() -> Vec<Dist> {
    vec![
        Dist::new(Beta::pert(0.33, 0.40, 0.45, 4.0).unwrap()),
        Dist::new(Beta::pert(0.0, 0.0, 1.0, 4.0).unwrap()),
        Dist::new(Beta::pert(0.02, 0.08, 0.20, 4.0).unwrap()),
        Dist::new(Beta::new(2.0, 5.0, 0.0, 1.0).unwrap()),
        Dist::new(Gamma::new(2.0, 1.0).unwrap()),
        Dist::new(LogNormal::from_p5_p95(1.8, 3.5).unwrap()),
        Dist::new(Normal::new(1.0, 2.0).unwrap()),
        Dist::new(Uniform::new(9.0, 15.0).unwrap()),
        Dist::new(Weibull::new(2.0, 1.0).unwrap()),
        Dist::truncated(Normal::new(0.0, 1.0).unwrap(), 0.0, f64::INFINITY).unwrap(),
    ]
}

fn inverse_of(d: &Dist) -> Arc<Inverse> {
    Arc::new(Inverse::new(d).unwrap())
}

fn grid_of(d: &Dist) -> Option<FromNormal> {
    FromNormal::new(&inverse_of(d))
}

#[test]
fn common_families_get_a_grid() {
    for d in common() {
        assert!(grid_of(&d).is_some(), "{d}: no grid");
    }
}

/// The CDF and survival function of a [`common`] distribution: statrs's where it is accurate,
/// libm's erfc for the normal and lognormal (statrs's erfc is off by up to 1e-10 relative).
fn reference(d: &Dist) -> (Cdf, Cdf) {
    let all = (f64::NEG_INFINITY, f64::INFINITY);
    match d.family() {
        Family::Normal(n) if d.bounds().is_none() => normal_reference(n.mean, n.sd, all),
        Family::Normal(n) => normal_reference(n.mean, n.sd, d.bounds().unwrap()),
        Family::LogNormal(l) => lognormal_reference(l.mu, l.sigma, (0.0, f64::INFINITY)),
        _ => own(d),
    }
}

#[test]
fn the_grid_meets_the_bound_against_the_cdf() {
    for d in common() {
        let fz = grid_of(&d).unwrap();
        let (cdf, sf) = reference(&d);
        let mut worst = (0.0, 0.0);
        for z in probes(&fz) {
            let x = fz.at(z);
            let err = if z <= 0.0 {
                miss_below(phi(z), x, &cdf)
            } else {
                miss_above(phi_upper(z), x, &sf)
            };
            if err > worst.0 {
                worst = (err, z);
            }
        }
        assert!(worst.0 <= U_ERROR, "{d}: {:e} at z = {}", worst.0, worst.1);
    }
}

/// At points the setup did not check, in every interval, x̂ is where the setup's check puts
/// it: between the inverse's values at Φ(z) ∓ the margin the inverse leaves.
#[test]
fn every_kind_that_gets_a_grid_keeps_within_its_margin_of_the_inverse() {
    let mut built = 0;
    for d in every_kind().into_iter().chain(common()) {
        let inv = inverse_of(&d);
        let Some(fz) = FromNormal::new(&inv) else {
            continue;
        };
        built += 1;
        for z in probes(&fz) {
            let x = fz.at(z);
            let margin = U_ERROR - inv.reference_u_error();
            let (mut lo, mut hi) = (shifted(&inv, z, -margin), shifted(&inv, z, margin));
            if z > 0.0 {
                (lo, hi) = (hi, lo);
            }
            assert!(
                x >= lo.next_down().next_down() && x <= hi.next_up().next_up(),
                "{d} at z = {z}: {x} outside [{lo}, {hi}]"
            );
        }
    }
    assert!(built >= 20, "only {built} distributions got a grid");
}

#[test]
fn x_never_decreases_in_z_across_intervals_and_reaches() {
    for d in every_kind().into_iter().chain(common()) {
        let Some(fz) = grid_of(&d) else { continue };
        let mut zs = probes(&fz);
        zs.sort_by(f64::total_cmp);
        let xs: Vec<f64> = zs.iter().map(|&z| fz.at(z)).collect();
        for (w, z) in xs.windows(2).zip(zs.windows(2)) {
            assert!(
                w[0] <= w[1],
                "{d}: x({}) = {} > x({}) = {}",
                z[0],
                w[0],
                z[1],
                w[1]
            );
        }
    }
}

/// Where each interval rises least (the outermost on each side, whose grid in d is coarsest,
/// and one at the centre), x never decreases from one point of its grid in d to the next, at
/// either end of the interval; and across runs of consecutive doubles of z at both ends of
/// the grid.
#[test]
fn x_never_decreases_between_neighbouring_grid_points_and_doubles() {
    for d in every_kind().into_iter().chain(common()) {
        let Some(fz) = grid_of(&d) else { continue };
        assert_eq!(fz.grid.falls_between_grid_points(), None, "{d}");
        let (bottom, top) = fz.grid.covers();
        for from in [bottom, top, 0.0] {
            let mut z = from;
            for _ in 0..200 {
                z = z.next_down();
            }
            let mut previous = fz.at(z);
            for _ in 0..400 {
                z = z.next_up();
                let x = fz.at(z);
                assert!(previous <= x, "{d}: x falls at z = {z}");
                previous = x;
            }
        }
    }
}

#[test]
fn fill_is_at_for_every_z_at_every_vector_level() {
    for d in common() {
        let fz = grid_of(&d).unwrap();
        let mut zs = probes(&fz);
        // At the front and in the middle too, so that they land in vector lanes.
        let middle = zs.len() / 2;
        for at in [0, middle, zs.len()] {
            zs.splice(at..at, [f64::NAN, f64::INFINITY, f64::NEG_INFINITY]);
        }
        for level in Level::available() {
            let mut xs = vec![0.0; zs.len()];
            capped(level, || fz.fill(&zs, &mut xs));
            for (z, x) in zs.iter().zip(&xs) {
                assert_eq!(x.to_bits(), fz.at(*z).to_bits(), "{d} at {z}, {level:?}");
            }
        }
    }
}

#[test]
fn beyond_the_reach_it_is_the_inverse_at_phi() {
    let d = Dist::new(Beta::pert(0.33, 0.40, 0.45, 4.0).unwrap());
    let inv = inverse_of(&d);
    let fz = FromNormal::new(&inv).unwrap();
    for z in [-40.0, -7.0, -Z_REACH - 1e-9, Z_REACH, 7.0, 40.0] {
        assert_eq!(fz.at(z), beyond(&inv, z), "z = {z}");
    }
    assert!(fz.at(f64::NAN).is_nan());
}
