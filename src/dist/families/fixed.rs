//! A point value: `{ dist = "fixed", value = x }`, or a plain number.
//!
//! Parameters: `value`, any finite number (the scenario reader refuses NaN and infinities).
//! Support: {value}. Mean: value.

use std::fmt;


use crate::dist::ParamResult;
use crate::dist::law::{Form, Law, ParamReader, Restriction};
use crate::dist::Support;

#[derive(Debug, Clone, PartialEq)]
pub struct Fixed {
    pub(in crate::dist) value: f64,
}

impl Fixed {
    pub fn new(value: f64) -> Self {
        Fixed { value }
    }
}

impl Law for Fixed {
    const NAME: &'static str = "fixed";
    const FORMS: &'static [Form] = &[Form {
        name: "fixed",
        keys: &["value"],
    }];

    fn read<R: ParamReader + ?Sized>(_: &Form, params: &mut R) -> Result<Self, R::Error> {
        Ok(Fixed::new(params.required("value")?))
    }

    fn support(&self) -> Support {
        Support {
            lo: self.value,
            hi: self.value,
            lo_open: false,
            hi_open: false,
        }
    }

    fn cdf(&self, x: f64) -> f64 {
        f64::from(x >= self.value)
    }

    fn quantile(&self, _: f64) -> f64 {
        self.value
    }

    fn mean(&self) -> f64 {
        self.value
    }

    fn restrict(&self, lower: f64, upper: f64) -> ParamResult<Restriction> {
        Ok(if (lower..=upper).contains(&self.value) {
            Restriction::Points(self.clone().into())
        } else {
            Restriction::Empty
        })
    }

    fn is_point(&self) -> bool {
        true
    }
}

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "fixed {}", crate::units::general(self.value))
    }
}
