//! The macro that turns the list of families in `families/mod.rs` into [`Family`].

/// Declares each family's module and builds [`Family`] from the list: a variant per family, a
/// `From` for each, `each!` (which runs an expression on whichever family a value holds, so that
/// [`Family`]'s methods are written once), and the registry of the forms a scenario may write.
///
/// An entry is `module::Type`, optionally preceded by attributes (`#[cfg(test)]`).
macro_rules! families {
    ($($(#[$attr:meta])* $module:ident :: $law:ident),* $(,)?) => {
        // `$` passed in as a token, so that the inner macro can have metavariables of its own.
        families!(@dollar ($) $($(#[$attr])* $module::$law),*);
    };
    (@dollar ($d:tt) $($(#[$attr:meta])* $module:ident :: $law:ident),*) => {
        $(
            $(#[$attr])*
            mod $module;
            $(#[$attr])*
            pub use $module::$law;
        )*

        /// One distribution family with its parameters, already checked. A variant per file in
        /// `families/`; every method dispatches to that family's [`Law`].
        #[derive(Debug, Clone, PartialEq)]
        pub enum Family {
            $( $(#[$attr])* $law($law), )*
        }

        $(
            $(#[$attr])*
            impl From<$law> for Family {
                fn from(law: $law) -> Self {
                    Family::$law(law)
                }
            }
        )*

        /// `each!(family, law => expression)`: the expression, with `law` bound to whichever
        /// family `family` holds.
        macro_rules! each {
            ($d family:expr, $d bound:ident => $d body:expr) => {
                match $d family {
                    $( $(#[$attr])* Family::$law($d bound) => $d body, )*
                }
            };
        }

        /// Every form of every family, in the order of the list.
        fn all_forms() -> Vec<&'static Form> {
            let mut all = Vec::new();
            $( $(#[$attr])* all.extend(<$law as Law>::FORMS); )*
            all
        }

        /// The family written in the form called `name`, read from `params`; `None` when no
        /// family has that form.
        fn read_form<R: ParamReader + ?Sized>(
            name: &str,
            params: &mut R,
        ) -> Option<Result<Family, R::Error>> {
            $(
                $(#[$attr])*
                if let Some(form) = <$law as Law>::FORMS.iter().find(|f| f.name == name) {
                    return Some(<$law as Law>::read(form, params).map(Family::from));
                }
            )*
            None
        }
    };
}
