//! The grid over a distribution's body against the method it was built from, at points it was
//! not checked at: within the margin, monotone from one point of an interval's grid in d to the
//! next, the method itself beyond it. (The u-error against CDFs the grid was not built from,
//! monotonicity across its joins and `fill` against `at` at every vector level are the
//! inverse's own tests, which every grid passes through.)

use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, SeedableRng};

use crate::dist::Dist;
use crate::dist::families::{
    Beta, Discrete, Gamma, LogNormal, LogT, Normal, Triangular, Uniform, Weibull,
};
use crate::dist::inverse::tests::every_kind;
use crate::dist::inverse::{Inverse, U_ERROR};

/// Distributions scenarios commonly draw, each of which must get a grid over its body.
fn common() -> Vec<Dist> {
    vec![
        Dist::new(Beta::pert(0.33, 0.40, 0.45, 4.0).unwrap()),
        Dist::new(Beta::pert(0.02, 0.08, 0.20, 4.0).unwrap()),
        Dist::new(Beta::pert(0.0, 0.0, 1.0, 4.0).unwrap()),
        Dist::new(Beta::new(2.0, 5.0, 0.0, 1.0).unwrap()),
        Dist::new(Gamma::new(2.0, 1.0).unwrap()),
        Dist::new(LogNormal::from_p5_p95(1.8, 3.5).unwrap()),
        Dist::new(LogNormal::from_p5_p95(350e3, 700e3).unwrap()),
        Dist::new(Normal::new(1.0, 2.0).unwrap()),
        Dist::new(Weibull::new(2.0, 1.0).unwrap()),
        Dist::new(LogT::new(3.0, 0.0, 1.0).unwrap()),
        Dist::truncated(Normal::new(0.0, 1.0).unwrap(), 0.0, f64::INFINITY).unwrap(),
    ]
}

/// Fixed-seed uniforms, and the doubles around every join of the grid and its two ends.
fn probes(inv: &Inverse) -> Vec<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(23);
    let mut us: Vec<f64> = (0..20_000)
        .map(|_| ((rng.next_u64() >> 12) as f64 + 0.5) / (1u64 << 52) as f64)
        .collect();
    let g = inv.body.as_ref().unwrap();
    let (lo, _) = g.covers();
    for k in 0..=g.intervals() {
        let join = lo + k as f64 * g.h();
        let (mut below, mut above) = (join, join);
        for _ in 0..3 {
            below = below.next_down();
            above = above.next_up();
            us.extend([below, above]);
        }
        us.push(join);
    }
    us.retain(|u| *u > 0.0 && *u < 1.0);
    us
}

#[test]
fn the_slow_methods_get_a_grid_reaching_within_a_fiftieth_of_both_ends() {
    for d in common() {
        let inv = Inverse::new(&d).unwrap();
        let g = inv.body.as_ref().unwrap_or_else(|| panic!("{d}: no grid"));
        let (lo, hi) = g.covers();
        assert!(
            lo <= 0.02 && hi >= 0.98,
            "{d}: the grid covers [{lo}, {hi})"
        );
    }
    let fast = [
        Dist::new(Uniform::new(9.0, 15.0).unwrap()),
        Dist::new(Triangular::new(0.02, 0.08, 0.20).unwrap()),
        Dist::new(Discrete::new(vec![1.0, 2.0], None).unwrap()),
        Dist::fixed(2.0),
    ];
    for d in fast {
        assert!(Inverse::new(&d).unwrap().body.is_none(), "{d}");
    }
}

/// x̂ lies where the setup's checks put it, at points they were not made at: between the
/// method's values at u ∓ the margin it leaves. Beyond the grid, x̂ is the method's.
#[test]
fn the_grid_keeps_within_its_margin_of_the_method_and_is_the_method_beyond() {
    let mut built = 0;
    for d in every_kind().into_iter().chain(common()) {
        let inv = Inverse::new(&d).unwrap();
        let Some(g) = &inv.body else { continue };
        built += 1;
        let margin = U_ERROR - inv.reference_u_error();
        for u in probes(&inv) {
            let x = inv.at(u);
            if g.at(u).is_none() {
                assert_eq!(x.to_bits(), inv.reference_at(u).to_bits(), "{d} at {u}");
                continue;
            }
            let (lo, hi) = (inv.reference_at(u - margin), inv.reference_at(u + margin));
            assert!(
                x >= lo.next_down().next_down() && x <= hi.next_up().next_up(),
                "{d} at u = {u}: {x} outside [{lo}, {hi}]"
            );
        }
    }
    assert!(built >= 20, "only {built} distributions got a grid");
}

/// Where each interval rises least (the outermost on each side and one at the centre), x never
/// decreases from one point of its grid in d to the next, at either end of the interval.
#[test]
fn x_never_decreases_between_neighbouring_points_of_an_interval() {
    for d in every_kind().into_iter().chain(common()) {
        let inv = Inverse::new(&d).unwrap();
        let Some(g) = &inv.body else { continue };
        assert_eq!(g.falls_between_grid_points(), None, "{d}");
    }
}
