//! x = F⁻¹(Φ(z)) read straight from a standard normal z: what a Gaussian copula's member needs.
//! Through Φ and then the inverse, a member paid for Φ (an erfcx series and an exponential)
//! and for the inverse's evaluation; on an even grid in z (`even.rs`) the interval
//! is one multiplication away, and Φ is folded into the polynomials.
//!
//! **Layout.** Intervals of width h = 2⁻⁵ in z (2⁻⁶ or 2⁻⁷ where that is too coarse), from 0
//! outwards on each side as far as they pass the grid's checks, at most to ±[`Z_REACH`] and at
//! least to ±3. Beyond the grid (a run in 5e8 at ±6) and for NaN, x is the inverse's at Φ(z).
//!
//! **The guarantee is the inverse's.** The grid is built from the inverse's reference (its
//! closed form or table, not its own grid in u): Φ by `normal::smaller_tail`, the upper half
//! through the reference's upper quantile so that its digits are kept, and held within the
//! margin the reference leaves below [`U_ERROR`] (two ulps of slack, as
//! [`Inverse::max_u_error`] counts): |F(x̂) − Φ(z)| ≤ U_ERROR. Where no width passes out to
//! ±3 (a triangular's kink at its mode, a range narrower than its position's precision), or
//! the reference leaves less than a quarter of the bound, the member is drawn through Φ and
//! the inverse: never a weaker answer.
//!
//! **Monotone** in z, for any two doubles, across intervals and into the tails beyond the
//! grid (see `even.rs`): in the tails, where φ is small, d's grid is coarser.

use std::sync::Arc;

use super::even::{Axis, Grid, Layout};
use super::normal;
use super::{Inverse, U_ERROR};

/// The z the grid covers either side of 0: Φ(−6) = 9.9e-10, inside any table's reach (whose
/// tails start at a mass of 1e-10), so every node is a table value and not a tail search.
pub const Z_REACH: f64 = 6.0;

/// The grid's place in z: from 0 out to ±[`Z_REACH`], at least to ±3 (0.27% of normals fall
/// beyond, each drawn through Φ and the inverse), in widths of 2⁻⁵, 2⁻⁶ or 2⁻⁷.
const LAYOUT: Layout = Layout {
    centre: 0.0,
    reach: Z_REACH,
    least: 3.0,
    widths: &[1.0 / 32.0, 1.0 / 64.0, 1.0 / 128.0],
};

/// The least room the reference must leave below [`U_ERROR`] for the grid's misses.
const LEAST_MARGIN: f64 = 0.25 * U_ERROR;

/// F⁻¹(Φ(z)) on an even grid in z, for one distribution; see the module's notes.
#[derive(Debug, Clone)]
pub struct FromNormal {
    inverse: Arc<Inverse>,
    grid: Grid,
}

/// The inverse's reference along z.
struct ZAxis<'a>(&'a Inverse);

impl Axis for ZAxis<'_> {
    fn x(&self, z: f64) -> f64 {
        beyond(self.0, z)
    }

    /// The lower half's x rises with its tail probability, the upper half's falls.
    fn bracket(&self, z: f64, by: f64) -> (f64, f64) {
        let (lo, hi) = (shifted(self.0, z, -by), shifted(self.0, z, by));
        if z > 0.0 { (hi, lo) } else { (lo, hi) }
    }

    /// φ at the interval's end nearer 0.
    fn most_density(&self, z_left: f64, h: f64) -> f64 {
        let nearest = if z_left >= 0.0 {
            z_left
        } else {
            (z_left + h).min(0.0)
        };
        (-0.5 * nearest * nearest).exp() / (2.0 * std::f64::consts::PI).sqrt()
    }
}

impl FromNormal {
    /// The grid for `inverse`'s distribution, or None where no width meets the bound and
    /// stays monotone, or the reference leaves less than a quarter of the bound. The grid
    /// shares the inverse, for the z beyond its reach.
    pub fn new(inverse: &Arc<Inverse>) -> Option<FromNormal> {
        let margin = U_ERROR - inverse.reference_u_error();
        if !inverse.is_tabulable() || margin.is_nan() || margin < LEAST_MARGIN {
            return None;
        }
        let grid = Grid::new(&ZAxis(inverse), &LAYOUT, margin)?;
        Some(FromNormal {
            inverse: inverse.clone(),
            grid,
        })
    }

    /// A bound on |F(x̂) − Φ(z)|: [`U_ERROR`], the reference's measured u-error plus the
    /// margin the setup held the grid to against it, at nine points of every interval that
    /// are not nodes (five at half the margin, four at all of it); checked, not measured, and
    /// probed at 20,000 more z by the tests.
    pub fn max_u_error(&self) -> f64 {
        U_ERROR
    }

    /// The number of intervals.
    pub fn intervals(&self) -> usize {
        self.grid.intervals()
    }

    /// x̂ = F̂⁻¹(Φ(z)).
    pub fn at(&self, z: f64) -> f64 {
        self.grid.at(z).unwrap_or_else(|| self.off_grid(z))
    }

    /// x beyond the grid: the reference's at Φ(z), held to the grid's far end on z's side.
    fn off_grid(&self, z: f64) -> f64 {
        self.grid.held(self.grid.side(z), beyond(&self.inverse, z))
    }

    /// `out[i] = self.at(zs[i])`: the grid for every z (eight or four at a time on AVX-512
    /// and AVX2), then the few beyond its reach.
    ///
    /// # Panics
    ///
    /// When `zs` and `out` differ in length.
    pub fn fill(&self, zs: &[f64], out: &mut [f64]) {
        self.grid.fill(zs, out, |zs, out| {
            for (x, &z) in out.iter_mut().zip(zs) {
                *x = beyond(&self.inverse, z);
            }
        });
    }
}

/// F̂⁻¹(Φ(z)) through the reference: the lower half from Φ(z), the upper from 1 − Φ(z), each
/// where it keeps its digits.
fn beyond(inverse: &Inverse, z: f64) -> f64 {
    at_tail(inverse, z, normal::smaller_tail(z))
}

/// The reference's x at z's tail probability moved by `by` towards the median: the lower half
/// from below, the upper from above.
fn shifted(inverse: &Inverse, z: f64, by: f64) -> f64 {
    at_tail(inverse, z, (normal::smaller_tail(z) + by).max(0.0))
}

/// The reference's x at tail probability `p` on z's side of the median.
fn at_tail(inverse: &Inverse, z: f64, p: f64) -> f64 {
    if z > 0.0 {
        inverse.reference_at_upper(p)
    } else {
        inverse.reference_at(p)
    }
}

#[cfg(test)]
mod tests;
