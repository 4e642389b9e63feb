//! GPU-hour price priors fitted to cloud price quotes.
//!
//! The evidence is `data/gpu-prices.csv`, written by `scripts/gpu-prices` from Epoch AI's
//! hardware price records (Epoch AI, 'Data on AI Models', epoch.ai, CC BY 4.0): one row per
//! per-chip-hour quote, by catalog chip, commitment, date and vendor.
//!
//! A prior is the predictive distribution of the price a planner will pay for one chip-hour: a
//! lognormal over the current quotes of the market, widened by a Student-t for the uncertainty in
//! its centre. "Current" means two things:
//! - each vendor's latest price list for the chip counts, not every time it was recorded
//!   (a hyperscaler's unchanged list price, seen on ten dates, is one quote, not ten);
//! - only lists within [`WINDOW_DAYS`] of the chip's latest quote count, because prices fall
//!   over a chip's life (neocloud H100 on-demand lists fell 0–50% a year in 2024–25) and a
//!   stale list from a vendor no longer quoted says little about today's market.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::calendar::Date;

const CSV: &str = include_str!("../../data/gpu-prices.csv");

/// How far back from a chip's latest quote a vendor's price list still counts (24 months).
/// In the 2025-06 data the centre hardly depends on it: 12, 18, 24 and 36 months give A100
/// on-demand medians of 2.30–2.38 USD and H100-SXM ones of 4.82–4.98. A 12-month window
/// leaves the A100 committed prices with two vendors (a spread of 0.13 in ln price against
/// 0.3 over more vendors, a band narrower than the market); 36 months lets in V100 lists from
/// 2022 whose vendors have not been seen since.
pub const WINDOW_DAYS: i64 = 730;

/// Fewer quotes than this give no spread worth a band.
pub const MIN_QUOTES: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Commitment {
    OnDemand,
    OneYear,
    ThreeYear,
}

impl Commitment {
    pub const ALL: [Commitment; 3] = [Self::OnDemand, Self::OneYear, Self::ThreeYear];

    /// Accepts the names in the data ("on-demand", "1-year", "3-year"), any case.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|c| c.name().eq_ignore_ascii_case(s))
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::OnDemand => "on-demand",
            Self::OneYear => "1-year",
            Self::ThreeYear => "3-year",
        }
    }
}

impl fmt::Display for Commitment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The 5th, 50th and 95th percentiles of the price per chip-hour, and the quotes behind them.
#[derive(Debug, Clone, PartialEq)]
pub struct PricePrior {
    pub chip: String,
    pub commitment: Commitment,
    pub p5_usd: f64,
    pub p50_usd: f64,
    pub p95_usd: f64,
    pub quotes: usize,
    pub first_date: String,
    pub last_date: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PriceLookup {
    NoChip {
        known: Vec<String>,
    },
    NoCommitment {
        chip: String,
        known: Vec<Commitment>,
    },
    TooFewQuotes {
        chip: String,
        commitment: Commitment,
        quotes: usize,
    },
}

impl fmt::Display for PriceLookup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoChip { known } => {
                write!(
                    f,
                    "no price quotes for this chip; quoted: {}",
                    known.join(", ")
                )
            }
            Self::NoCommitment { chip, known } => {
                let names: Vec<&str> = known.iter().map(|c| c.name()).collect();
                write!(
                    f,
                    "no {chip} quotes for this commitment; quoted: {}",
                    names.join(", ")
                )
            }
            Self::TooFewQuotes {
                chip,
                commitment,
                quotes,
            } => write!(
                f,
                "{quotes} current {commitment} quote(s) for {chip}; a price prior needs \
                 {MIN_QUOTES}"
            ),
        }
    }
}

/// A lognormal predictive fitted to quotes: percentiles and the dates of the quotes used.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub p5_usd: f64,
    pub p50_usd: f64,
    pub p95_usd: f64,
    pub quotes: usize,
    pub first_date: String,
    pub last_date: String,
}

/// Fits the predictive to the quotes (ISO date, USD per chip-hour) dated within
/// [`WINDOW_DAYS`] of the latest: m and s are the mean and standard deviation of ln price over
/// n quotes, and P5/P95 = exp(m ∓ t(0.95, n−1)·s·√(1 + 1/n)), the Student-t predictive for
/// one more draw when both the centre and the spread are estimated. Quotes with an unreadable
/// date or a price that is not positive and finite are ignored. Too few quotes: `Err(n)`.
pub fn fit_recent(quotes: &[(&str, f64)]) -> Result<Fit, usize> {
    let dated: Vec<(i64, &str, f64)> = quotes
        .iter()
        .filter(|(_, usd)| usd.is_finite() && *usd > 0.0)
        .filter_map(|&(date, usd)| Some((day_number(date)?, date, usd)))
        .collect();
    let Some(latest) = dated.iter().map(|q| q.0).max() else {
        return Err(0);
    };
    let recent: Vec<&(i64, &str, f64)> = dated
        .iter()
        .filter(|q| latest - q.0 <= WINDOW_DAYS)
        .collect();
    let n = recent.len();
    if n < MIN_QUOTES {
        return Err(n);
    }
    let logs: Vec<f64> = recent.iter().map(|q| q.2.ln()).collect();
    let (m, s) = mean_sd(&logs);
    let t = StudentsT::new(0.0, 1.0, (n - 1) as f64)
        .map_err(|_| n)?
        .inverse_cdf(0.95);
    let half_width = t * s * (1.0 + 1.0 / n as f64).sqrt();
    let first = recent.iter().min_by_key(|q| q.0).map_or("", |q| q.1);
    let last = recent.iter().max_by_key(|q| q.0).map_or("", |q| q.1);
    Ok(Fit {
        p5_usd: (m - half_width).exp(),
        p50_usd: m.exp(),
        p95_usd: (m + half_width).exp(),
        quotes: n,
        first_date: first.to_string(),
        last_date: last.to_string(),
    })
}

/// The price prior for a canonical catalog chip (exact name) and commitment.
pub fn price_prior(chip: &str, commitment: Commitment) -> Result<PricePrior, PriceLookup> {
    let data = data();
    let of_chip: Vec<&Quote> = data.quotes.iter().filter(|q| q.chip == chip).collect();
    if of_chip.is_empty() {
        return Err(PriceLookup::NoChip {
            known: data.chips.clone(),
        });
    }
    let of_commitment: Vec<&Quote> = of_chip
        .iter()
        .copied()
        .filter(|q| q.commitment == commitment)
        .collect();
    if of_commitment.is_empty() {
        let mut known: Vec<Commitment> = of_chip.iter().map(|q| q.commitment).collect();
        known.sort();
        known.dedup();
        return Err(PriceLookup::NoCommitment {
            chip: chip.to_string(),
            known,
        });
    }
    let fit =
        fit_recent(&latest_lists(&of_commitment)).map_err(|quotes| PriceLookup::TooFewQuotes {
            chip: chip.to_string(),
            commitment,
            quotes,
        })?;
    Ok(PricePrior {
        chip: chip.to_string(),
        commitment,
        p5_usd: fit.p5_usd,
        p50_usd: fit.p50_usd,
        p95_usd: fit.p95_usd,
        quotes: fit.quotes,
        first_date: fit.first_date,
        last_date: fit.last_date,
    })
}

/// The date of the latest quote in the data: how old the price evidence is.
pub fn snapshot_date() -> &'static str {
    &data().snapshot_date
}

#[derive(Debug, Clone, PartialEq)]
struct Quote {
    chip: String,
    commitment: Commitment,
    date: String,
    vendor: String,
    usd_per_chip_hour: f64,
    hardware_as_published: String,
}

struct PriceData {
    quotes: Vec<Quote>,
    /// Chips with at least one quote, in the data's order.
    chips: Vec<String>,
    snapshot_date: String,
}

fn data() -> &'static PriceData {
    static DATA: OnceLock<PriceData> = OnceLock::new();
    DATA.get_or_init(|| {
        // The file is part of the build and checked by a unit test; a failure here is a bug.
        let quotes = parse(CSV).unwrap_or_else(|e| panic!("data/gpu-prices.csv: {e}"));
        let mut chips: Vec<String> = Vec::new();
        for q in &quotes {
            if !chips.contains(&q.chip) {
                chips.push(q.chip.clone());
            }
        }
        let snapshot_date = quotes
            .iter()
            .map(|q| q.date.clone())
            .max()
            .unwrap_or_default();
        PriceData {
            quotes,
            chips,
            snapshot_date,
        }
    })
}

fn parse(text: &str) -> Result<Vec<Quote>, String> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| e.to_string())?.clone();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or(format!("no column {name}"))
    };
    let [chip, commitment, date, vendor, usd, hardware] = [
        "chip",
        "commitment",
        "date",
        "vendor",
        "usd_per_chip_hour",
        "hardware_as_published",
    ]
    .map(column);
    let (chip, commitment, date, vendor, usd, hardware) =
        (chip?, commitment?, date?, vendor?, usd?, hardware?);
    let mut quotes = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = record.map_err(|e| format!("line {line}: {e}"))?;
        let field = |k: usize| record.get(k).unwrap_or("").to_string();
        let quote = Quote {
            chip: field(chip),
            commitment: Commitment::parse(&field(commitment))
                .ok_or(format!("line {line}: unknown commitment"))?,
            date: field(date),
            vendor: field(vendor),
            usd_per_chip_hour: field(usd)
                .parse()
                .map_err(|_| format!("line {line}: price is not a number"))?,
            hardware_as_published: field(hardware),
        };
        if day_number(&quote.date).is_none() {
            return Err(format!(
                "line {line}: date {} is not YYYY-MM-DD",
                quote.date
            ));
        }
        if !(quote.usd_per_chip_hour.is_finite() && quote.usd_per_chip_hour > 0.0) {
            return Err(format!("line {line}: price is not positive"));
        }
        quotes.push(quote);
    }
    Ok(quotes)
}

/// Each vendor's latest price list: the quotes on the latest date a vendor was recorded.
/// Several quotes on that date (regions, memory sizes, instance types at different per-chip
/// prices) all stay. Keyed on the vendor alone, not on the published hardware name, because
/// the records name one instance type several ways over time ("A100", "A100 PCIe",
/// "A100 SXM4 80 GB" for the same Azure NC24ads A100 v4).
fn latest_lists<'a>(quotes: &[&'a Quote]) -> Vec<(&'a str, f64)> {
    let mut latest: BTreeMap<&str, &str> = BTreeMap::new();
    for q in quotes {
        let entry = latest.entry(q.vendor.as_str()).or_insert(q.date.as_str());
        if q.date.as_str() > *entry {
            *entry = q.date.as_str();
        }
    }
    quotes
        .iter()
        .filter(|q| latest[q.vendor.as_str()] == q.date)
        .map(|q| (q.date.as_str(), q.usd_per_chip_hour))
        .collect()
}

fn mean_sd(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let ss: f64 = xs.iter().map(|x| (x - mean).powi(2)).sum();
    (mean, (ss / (n - 1.0)).sqrt())
}

/// Days since 1970-01-01 of an ISO date (YYYY-MM-DD), or None if it is not one.
fn day_number(date: &str) -> Option<i64> {
    let epoch = Date::new(1970, 1, 1).expect("a date");
    Some(Date::parse(date)?.days_since(epoch))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::Xoshiro256PlusPlus;
    use rand_distr::{Distribution, LogNormal};

    use crate::dist::Z95;

    #[test]
    fn the_fit_recovers_a_known_lognormal() {
        let (mu, sigma) = (2.5_f64.ln(), 0.4);
        let truth = LogNormal::new(mu, sigma).unwrap();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(9);
        let draws: Vec<f64> = (0..4_000).map(|_| truth.sample(&mut rng)).collect();
        let quotes: Vec<(&str, f64)> = draws.iter().map(|&p| ("2025-01-01", p)).collect();
        let fit = fit_recent(&quotes).unwrap();
        // With n = 4000 the standard error of ln P50 is 0.4/√4000 ≈ 0.006 and of ln P95 about
        // 0.009: 0.04 is over four of them.
        let expected = [(mu - Z95 * sigma), mu, (mu + Z95 * sigma)];
        for (got, want) in [fit.p5_usd, fit.p50_usd, fit.p95_usd].iter().zip(expected) {
            assert!((got.ln() - want).abs() < 0.04, "{got} vs {}", want.exp());
        }
        assert_eq!(fit.quotes, 4_000);
    }

    #[test]
    fn few_quotes_widen_the_band_by_the_t_quantile() {
        // ln prices 0, ln 2, 2 ln 2: mean ln 2, sample standard deviation ln 2;
        // t(0.95, 2) = 2.919986 (tables).
        let fit = fit_recent(&[
            ("2024-01-01", 1.0),
            ("2024-02-01", 2.0),
            ("2024-03-01", 4.0),
        ])
        .unwrap();
        let half = 2.919986 * 2f64.ln() * (4.0f64 / 3.0).sqrt();
        assert!((fit.p50_usd - 2.0).abs() < 1e-12);
        assert!((fit.p95_usd.ln() - (2f64.ln() + half)).abs() < 1e-5);
        assert!((fit.p5_usd.ln() - (2f64.ln() - half)).abs() < 1e-5);
        assert_eq!(
            (fit.first_date.as_str(), fit.last_date.as_str()),
            ("2024-01-01", "2024-03-01")
        );
    }

    #[test]
    fn quotes_older_than_the_window_are_left_out() {
        let quotes = [
            ("2019-05-01", 100.0),
            ("2023-03-01", 2.0),
            ("2024-06-01", 2.0),
            ("2025-03-01", 2.0),
            ("2025-03-02", 2.0),
        ];
        let fit = fit_recent(&quotes).unwrap();
        assert_eq!(fit.quotes, 3);
        assert_eq!(fit.first_date, "2024-06-01");
        assert_eq!(fit.p95_usd, 2.0);
        // 2023-03-03 is 730 days before 2025-03-02; 2023-03-02 is 731.
        assert_eq!(
            day_number("2025-03-02").unwrap() - day_number("2023-03-03").unwrap(),
            730
        );
        assert_eq!(fit_recent(&quotes[..2]), Err(1));
    }

    #[test]
    fn unreadable_quotes_are_ignored() {
        let quotes = [
            ("2025-02-30", 2.0),
            ("2025-1-01", 2.0),
            ("2025-01-01", -1.0),
            ("2025-01-01", 0.0),
        ];
        assert_eq!(fit_recent(&quotes), Err(0));
        let quotes = [
            ("2025-01-01", f64::NAN),
            ("2025-01-01", 1.0),
            ("2025-01-02", 1.0),
        ];
        assert_eq!(fit_recent(&quotes), Err(2));
    }

    #[test]
    fn day_numbers_match_the_calendar() {
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(day_number("2000-03-01"), Some(11_017));
        assert_eq!(
            day_number("2024-12-31").unwrap() - day_number("2024-01-01").unwrap(),
            365
        );
        assert_eq!(
            day_number("2025-03-01").unwrap() - day_number("2025-02-28").unwrap(),
            1
        );
        assert_eq!(
            day_number("2024-02-29").unwrap() - day_number("2024-02-28").unwrap(),
            1
        );
        assert_eq!(day_number("2025-02-29"), None);
        // Leap years: every fourth, but not centuries, except every fourth century.
        assert_eq!(day_number("1900-02-29"), None);
        assert_eq!(
            day_number("2000-03-01").unwrap() - day_number("2000-02-29").unwrap(),
            1
        );
        assert_eq!(day_number("2100-02-29"), None);
        assert_eq!(day_number("2025-13-01"), None);
        assert_eq!(day_number("2025-03-03x"), None);
        assert_eq!(day_number("2025-03-03-01"), None);
    }

    #[test]
    fn the_embedded_data_parses_and_names_only_catalog_chips() {
        let data = data();
        assert!(data.quotes.len() > 300, "{}", data.quotes.len());
        for q in &data.quotes {
            let catalog = crate::hardware::CATALOG.iter().any(|c| c.name == q.chip);
            assert!(catalog, "{q:?}");
            assert!(
                q.usd_per_chip_hour > 0.0 && q.usd_per_chip_hour < 50.0,
                "{q:?}"
            );
            assert!(
                !q.vendor.is_empty() && !q.hardware_as_published.is_empty(),
                "{q:?}"
            );
        }
        assert_eq!(snapshot_date(), "2025-03-17");
        assert!(
            data.quotes
                .iter()
                .all(|q| q.date.as_str() <= snapshot_date())
        );
    }

    #[test]
    fn a_malformed_file_is_refused_with_its_line() {
        let head = "chip,commitment,date,vendor,usd_per_chip_hour,hardware_as_published,source\n";
        let bad =
            format!("{head}A100,on-demand,2025-03-01,X,1.5,a,s\nA100,weekly,2025-03-01,X,1,a,s\n");
        assert_eq!(parse(&bad).unwrap_err(), "line 3: unknown commitment");
        let bad = format!("{head}A100,on-demand,2025-3-01,X,1.5,a,s\n");
        assert!(parse(&bad).unwrap_err().starts_with("line 2: date"));
        let bad = format!("{head}A100,on-demand,2025-03-01,X,0,a,s\n");
        assert_eq!(parse(&bad).unwrap_err(), "line 2: price is not positive");
    }

    #[test]
    fn a_vendors_repeated_list_price_counts_once() {
        let quote = |date: &str, vendor: &str, usd: f64, hardware: &str| Quote {
            chip: "A100".into(),
            commitment: Commitment::OnDemand,
            date: date.into(),
            vendor: vendor.into(),
            usd_per_chip_hour: usd,
            hardware_as_published: hardware.into(),
        };
        let quotes = [
            quote("2023-01-01", "Cloud", 4.1, "NVIDIA A100"),
            quote("2024-01-01", "Cloud", 4.1, "NVIDIA A100 PCIe"),
            quote("2024-01-01", "Other", 1.2, "NVIDIA A100"),
            quote("2024-06-01", "Other", 1.0, "NVIDIA A100 PCIe"),
            quote("2024-06-01", "Other", 1.1, "NVIDIA A100 SXM4 80 GB"),
        ];
        let refs: Vec<&Quote> = quotes.iter().collect();
        assert_eq!(
            latest_lists(&refs),
            vec![
                ("2024-01-01", 4.1),
                ("2024-06-01", 1.0),
                ("2024-06-01", 1.1)
            ]
        );
    }

    #[test]
    fn priors_from_the_data_are_ordered_and_dated() {
        for commitment in Commitment::ALL {
            let prior = price_prior("A100", commitment).unwrap();
            assert!(
                prior.p5_usd < prior.p50_usd && prior.p50_usd < prior.p95_usd,
                "{prior:?}"
            );
            assert!(prior.quotes >= MIN_QUOTES);
            assert!(prior.first_date <= prior.last_date);
            assert!(prior.last_date.as_str() <= snapshot_date());
        }
        // Committed prices are discounts on on-demand ones.
        let p50 = |c| price_prior("A100", c).unwrap().p50_usd;
        assert!(p50(Commitment::ThreeYear) < p50(Commitment::OneYear));
        assert!(p50(Commitment::OneYear) < p50(Commitment::OnDemand));
    }

    #[test]
    fn a_chip_with_one_quote_has_too_few() {
        assert_eq!(
            price_prior("H200", Commitment::OnDemand),
            Err(PriceLookup::TooFewQuotes {
                chip: "H200".into(),
                commitment: Commitment::OnDemand,
                quotes: 1
            })
        );
    }

    #[test]
    fn unknown_chips_and_commitments_say_what_is_known() {
        let Err(PriceLookup::NoChip { known }) = price_prior("B200", Commitment::OnDemand) else {
            panic!("B200 has no quotes");
        };
        assert!(known.contains(&"A100".to_string()) && known.contains(&"TPU-v6e".to_string()));
        // Exact names only: aliases are resolved by the caller.
        assert!(matches!(
            price_prior("a100", Commitment::OnDemand),
            Err(PriceLookup::NoChip { .. })
        ));
        assert_eq!(
            price_prior("H200", Commitment::ThreeYear),
            Err(PriceLookup::NoCommitment {
                chip: "H200".into(),
                known: vec![Commitment::OnDemand]
            })
        );
    }

    #[test]
    fn a_failed_lookup_says_what_is_known() {
        let messages = [
            PriceLookup::NoChip {
                known: vec!["A100".into(), "H100".into()],
            },
            PriceLookup::NoCommitment {
                chip: "H200".into(),
                known: vec![Commitment::OnDemand],
            },
            PriceLookup::TooFewQuotes {
                chip: "L4".into(),
                commitment: Commitment::OnDemand,
                quotes: 1,
            },
        ]
        .map(|e| e.to_string());
        assert_eq!(
            messages[0],
            "no price quotes for this chip; quoted: A100, H100"
        );
        assert_eq!(
            messages[1],
            format!(
                "no H200 quotes for this commitment; quoted: {}",
                Commitment::OnDemand.name()
            )
        );
        assert_eq!(
            messages[2],
            format!(
                "1 current {} quote(s) for L4; a price prior needs {MIN_QUOTES}",
                Commitment::OnDemand
            )
        );
    }

    #[test]
    fn commitment_names_round_trip() {
        for c in Commitment::ALL {
            assert_eq!(Commitment::parse(c.name()), Some(c));
            assert_eq!(Commitment::parse(&c.name().to_uppercase()), Some(c));
            assert_eq!(c.to_string(), c.name());
        }
        assert_eq!(Commitment::parse("2-year"), None);
        assert_eq!(Commitment::parse(""), None);
    }
}
