//! Hot loops compiled for the widest vector instructions the CPU has, chosen when they run.
//!
//! A release build targets the x86-64 baseline (two doubles per SSE2 register) so that it runs
//! on any x86-64 machine; [`vectorised`] runs a closure compiled again for AVX2 (four lanes)
//! or AVX-512 (eight, with 64-bit integer multiplies and conversions), picking the widest the
//! CPU supports, or a narrower one that [`CAP_VAR`] names. The loops inside are plain Rust
//! written so that the compiler can vectorise them: no calls, no early exits, selects rather
//! than branches.
//!
//! **Same bits on every level.** Rust never fuses a multiply and an add on its own, and each
//! IEEE operation (add, multiply, divide, square root, conversion) rounds the same way in any
//! register width, so a loop gives the same bits at every level. Tests run every kernel at
//! every level the machine has and compare (see [`capped`]).

/// The instruction sets [`vectorised`] chooses between, narrowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Baseline,
    Avx2,
    Avx512,
}

impl Level {
    /// The widest level this CPU runs.
    pub fn detected() -> Level {
        #[cfg(target_arch = "x86_64")]
        {
            if std::is_x86_feature_detected!("avx512f")
                && std::is_x86_feature_detected!("avx512dq")
                && std::is_x86_feature_detected!("avx512vl")
                && std::is_x86_feature_detected!("avx512bw")
            {
                return Level::Avx512;
            }
            if std::is_x86_feature_detected!("avx2") {
                return Level::Avx2;
            }
        }
        Level::Baseline
    }

    /// The level [`CAP_VAR`] names: `baseline`, `avx2` or `avx512`.
    pub fn named(name: &str) -> Option<Level> {
        match name.trim().to_ascii_lowercase().as_str() {
            "baseline" => Some(Level::Baseline),
            "avx2" => Some(Level::Avx2),
            "avx512" => Some(Level::Avx512),
            _ => None,
        }
    }

    /// Every level this CPU runs, narrowest first.
    pub fn available() -> Vec<Level> {
        [Level::Baseline, Level::Avx2, Level::Avx512]
            .into_iter()
            .filter(|l| *l <= Level::detected())
            .collect()
    }
}

/// `f()`, compiled for the widest level this CPU has (or the cap [`capped`] set). Mark the
/// closure `#[inline(always)]` and call only `#[inline(always)]` functions from it: code that
/// is not inlined into the level's function is compiled for the baseline.
#[inline(always)]
pub fn vectorised<R>(f: impl FnOnce() -> R) -> R {
    match level() {
        Level::Baseline => f(),
        // SAFETY: the CPU has these features: `detected` found them.
        #[cfg(target_arch = "x86_64")]
        Level::Avx2 => unsafe { avx2(f) },
        #[cfg(target_arch = "x86_64")]
        Level::Avx512 => unsafe { avx512(f) },
        #[cfg(not(target_arch = "x86_64"))]
        _ => f(),
    }
}

/// The level [`vectorised`] runs at on this thread now: for code written for one level by
/// hand.
pub fn level() -> Level {
    CAP.with(|c| c.get()).min(detected())
}

/// `f()` with every [`vectorised`] loop it runs on this thread held to `level` at most: for
/// tests that compare levels.
pub fn capped<R>(level: Level, f: impl FnOnce() -> R) -> R {
    let before = CAP.with(|c| c.replace(level));
    let result = f();
    CAP.with(|c| c.set(before));
    result
}

thread_local! {
    static CAP: std::cell::Cell<Level> = const { std::cell::Cell::new(Level::Avx512) };
}

/// Holds every vectorised loop of the process to a narrower level than the CPU's, so that one
/// machine can measure what a machine without AVX-512 (or AVX2) gets; the output is the same.
pub const CAP_VAR: &str = "FLOPCAST_SIMD";

/// The level [`CAP_VAR`] caps the process at, if it is set; its value when it names no level.
pub fn cap_from_env() -> Result<Option<Level>, String> {
    match std::env::var_os(CAP_VAR) {
        None => Ok(None),
        Some(value) => {
            let text = value.to_string_lossy();
            Level::named(&text)
                .map(Some)
                .ok_or_else(|| text.into_owned())
        }
    }
}

/// [`Level::detected`] held to [`CAP_VAR`]'s level, found once. (A value naming no level is
/// reported by the command line before any loop runs.)
fn detected() -> Level {
    static DETECTED: std::sync::OnceLock<Level> = std::sync::OnceLock::new();
    *DETECTED.get_or_init(|| match cap_from_env() {
        Ok(Some(cap)) => Level::detected().min(cap),
        _ => Level::detected(),
    })
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,bmi1,bmi2,lzcnt,popcnt")]
fn avx2<R>(f: impl FnOnce() -> R) -> R {
    f()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw,avx2,bmi1,bmi2,lzcnt,popcnt")]
fn avx512<R>(f: impl FnOnce() -> R) -> R {
    f()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_named_as_the_variable_takes_them() {
        assert_eq!(Level::named("AVX2"), Some(Level::Avx2));
        assert_eq!(Level::named(" avx512 "), Some(Level::Avx512));
        assert_eq!(Level::named("baseline"), Some(Level::Baseline));
        assert_eq!(Level::named("neon"), None);
    }

    #[test]
    fn every_level_gives_the_same_bits() {
        let run = |level| {
            capped(level, || {
                vectorised(
                    #[inline(always)]
                    || {
                        (1..2000)
                            .map(|i| {
                                let x = i as f64 * 0.37;
                                (x.sqrt() / (1.0 + x * x) + x * 1e-3).to_bits()
                            })
                            .collect::<Vec<_>>()
                    },
                )
            })
        };
        let base = run(Level::Baseline);
        for level in Level::available() {
            assert_eq!(run(level), base, "{level:?}");
        }
    }
}
