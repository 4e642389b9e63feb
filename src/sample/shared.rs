//! Inverses shared between the plans alive at once: a sweep's points, compare's two scenarios,
//! a portfolio's runs and sensitivity's pinned plans mostly draw from the same distributions,
//! and a tabulated inverse with its body's grid takes 1 to 4 ms to build (a grid in z for a
//! copula member 1 to 2 ms more): a sweep of 20,000 one-run points spent over a minute
//! building them. Building is a function of the distribution alone, so a shared inverse draws
//! exactly what a new one would.
//!
//! The memo holds weak references: an inverse lives as long as some plan holds it, and the
//! memo never keeps memory that no plan uses (the commands' memory estimates count the plans).
//! A caller that builds plans one after another keeps the last one until the next is built.

use std::sync::{Arc, Mutex, Weak};

use crate::dist::Dist;
use crate::dist::inverse::Inverse;
use crate::dist::inverse::from_normal::FromNormal;

/// One distribution's inverse, and its grid in z once a copula has asked for it (None inside
/// when it has none).
struct Entry {
    key: String,
    inverse: Weak<Inverse>,
    from_normal: Option<Option<Weak<FromNormal>>>,
}

static MEMO: Mutex<Vec<Entry>> = Mutex::new(Vec::new());

/// The distribution's identity to the bit: `Debug` writes every parameter so that it reads
/// back exactly, the sign of a zero included, which `==` on the numbers would not tell apart.
fn key(dist: &Dist) -> String {
    format!("{dist:?}")
}

/// `dist`'s inverse, the one a live plan already holds where there is one, else `build`'s.
pub(super) fn inverse(dist: &Dist, build: impl FnOnce(&Dist) -> Inverse) -> Arc<Inverse> {
    let key = key(dist);
    let mut memo = MEMO.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    memo.retain(|e| e.inverse.strong_count() > 0);
    if let Some(inverse) = memo
        .iter()
        .find(|e| e.key == key)
        .and_then(|e| e.inverse.upgrade())
    {
        return inverse;
    }
    let inverse = Arc::new(build(dist));
    memo.push(Entry {
        key,
        inverse: Arc::downgrade(&inverse),
        from_normal: None,
    });
    inverse
}

/// The grid in z of `inverse` (one [`inverse`] gave), the one a live plan already holds where
/// there is one; None where it has none.
pub(super) fn from_normal(inverse: &Arc<Inverse>) -> Option<Arc<FromNormal>> {
    let mut memo = MEMO.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let entry = memo
        .iter_mut()
        .find(|e| std::ptr::eq(e.inverse.as_ptr(), Arc::as_ptr(inverse)));
    let Some(entry) = entry else {
        return FromNormal::new(inverse).map(Arc::new);
    };
    match &entry.from_normal {
        Some(None) => return None,
        Some(Some(weak)) => {
            if let Some(grid) = weak.upgrade() {
                return Some(grid);
            }
        }
        None => {}
    }
    let grid = FromNormal::new(inverse).map(Arc::new);
    entry.from_normal = Some(grid.as_ref().map(Arc::downgrade));
    grid
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::families::{Beta, Normal};

    fn pert(mode: f64) -> Dist {
        Dist::new(Beta::pert(0.3, mode, 0.5, 4.0).unwrap())
    }

    fn built(d: &Dist) -> Inverse {
        Inverse::new(d).unwrap()
    }

    #[test]
    fn a_live_inverse_is_shared_and_a_dropped_one_rebuilt() {
        let a = inverse(&pert(0.41), built);
        let b = inverse(&pert(0.41), |_| panic!("a live inverse is not rebuilt"));
        assert!(Arc::ptr_eq(&a, &b));
        let other = inverse(&pert(0.42), built);
        assert!(!Arc::ptr_eq(&a, &other));
        let weak = Arc::downgrade(&a);
        drop((a, b));
        assert!(weak.upgrade().is_none(), "the memo keeps no inverse alive");
        let mut rebuilt = false;
        inverse(&pert(0.41), |d| {
            rebuilt = true;
            built(d)
        });
        assert!(rebuilt);
    }

    #[test]
    fn zeros_of_either_sign_are_different_distributions() {
        let plus = Dist::new(Normal::new(0.0, 1.0).unwrap());
        let minus = Dist::new(Normal::new(-0.0, 1.0).unwrap());
        assert_ne!(key(&plus), key(&minus));
    }

    #[test]
    fn a_grid_in_z_is_shared_with_its_inverse() {
        let inv = inverse(&pert(0.43), built);
        let a = from_normal(&inv).expect("a PERT has a grid in z");
        let b = from_normal(&inv).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        let weak = Arc::downgrade(&a);
        drop((a, b, inv));
        assert!(weak.upgrade().is_none(), "the memo keeps no grid alive");
    }
}
