//! Calendar dates and the months and quarters that spend is reported by.
//!
//! A [`Date`] is a day of the proleptic Gregorian calendar, held as its number of days from
//! 1970-01-01 (the conversion is Howard Hinnant's `days_from_civil`, exact for every date).
//! A run's timeline is measured in days from its start date, so a period is a range of such
//! days: [`Periods`] lists the calendar months between two dates and groups them by quarter.

use std::fmt;

/// A day of the Gregorian calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Days from 1970-01-01.
    days: i64,
}

/// Years a date may have: four digits, as ISO 8601 writes them without a sign.
const YEARS: std::ops::RangeInclusive<i64> = 1..=9999;

impl Date {
    /// The date `year`-`month`-`day`, or None when there is no such day.
    pub fn new(year: i64, month: u32, day: u32) -> Option<Date> {
        let valid = YEARS.contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        valid.then(|| Date {
            days: days_from_civil(year, month, day),
        })
    }

    /// Reads `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if parts.next().is_some() || !digits(y, 4) || !digits(m, 2) || !digits(d, 2) {
            return None;
        }
        Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }

    /// (year, month, day).
    pub fn civil(self) -> (i64, u32, u32) {
        civil_from_days(self.days)
    }

    /// The first day of this date's month.
    pub fn month_start(self) -> Date {
        let (y, m, _) = self.civil();
        Date::from_civil(y, m, 1)
    }

    /// The first day of the month `months` after this date's (before it when negative).
    pub fn add_months(self, months: i64) -> Date {
        let (y, m, _) = self.civil();
        let index = y * 12 + i64::from(m) - 1 + months;
        Date::from_civil(index.div_euclid(12), (index.rem_euclid(12) + 1) as u32, 1)
    }

    /// Days from `earlier` to this date.
    pub fn days_since(self, earlier: Date) -> i64 {
        self.days - earlier.days
    }

    /// Days from `start` (day 0) to the end of this date: what a deadline on this date allows,
    /// since a run ends by a date when it ends before that day is over (2027-01-31 for a run
    /// starting 2027-01-04 is 28 days).
    pub fn days_to_end_from(self, start: Date) -> i64 {
        self.days_since(start) + 1
    }

    /// The date `days` whole days after this one (before it when negative), when it is a
    /// date of years 1 to 9999.
    pub fn plus_days(self, days: i64) -> Option<Date> {
        let days = self.days.checked_add(days)?;
        let (y, _, _) = civil_from_days(days);
        YEARS.contains(&y).then_some(Date { days })
    }

    /// The quarter (1–4) this date falls in.
    pub fn quarter(self) -> u32 {
        (self.civil().1 - 1) / 3 + 1
    }

    fn from_civil(y: i64, m: u32, d: u32) -> Date {
        Date {
            days: days_from_civil(y, m, d),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.civil();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Whole calendar months from the first day of one quarter to the last day of another, as
/// ranges of days from a start date: the periods a run's spend is reported by.
/// A deadline: a number of days from the start (day 0), or the date by whose end the work
/// must be done.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Deadline {
    Days(f64),
    Date(Date),
}

impl Deadline {
    /// Days from `start` to the deadline; None for a date without a start to count from.
    pub fn days(self, start: Option<Date>) -> Option<f64> {
        match (self, start) {
            (Deadline::Days(d), _) => Some(d),
            (Deadline::Date(d), Some(s)) => Some(d.days_to_end_from(s) as f64),
            (Deadline::Date(_), None) => None,
        }
    }

    /// The date, when given as one.
    pub fn date(self) -> Option<Date> {
        match self {
            Deadline::Date(d) => Some(d),
            Deadline::Days(_) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Periods {
    pub start: Date,
    /// The first day of each month, and the day after the last month, in days from `start`:
    /// month k is `edges[k]..edges[k + 1]`.
    pub edges: Vec<f64>,
    /// The first day of each month.
    pub months: Vec<Date>,
}

/// A quarter as the months it groups: `Periods::months[first..first + len]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quarter {
    pub first: usize,
    pub len: usize,
}

impl Periods {
    /// Every month of the quarters from the one holding day `from` to the one holding day
    /// `to` (days from `start`, `from <= to`), so that months and quarters share their edges.
    /// None when those days are not dates of years 1 to 9999.
    pub fn covering(start: Date, from: f64, to: f64) -> Option<Periods> {
        let day = |x: f64| start.plus_days(x.floor().clamp(-1e7, 1e7) as i64);
        let (first, last) = (day(from)?, day(to)?);
        let quarter_start = |d: Date| d.add_months(-i64::from((d.civil().1 - 1) % 3));
        let first = quarter_start(first);
        let end = quarter_start(last).add_months(3);
        let mut months = Vec::new();
        let mut m = first;
        while m < end {
            months.push(m);
            m = m.add_months(1);
        }
        let edges = months
            .iter()
            .chain(std::iter::once(&end))
            .map(|d| d.days_since(start) as f64)
            .collect();
        Some(Periods {
            start,
            edges,
            months,
        })
    }

    pub fn len(&self) -> usize {
        self.months.len()
    }

    pub fn is_empty(&self) -> bool {
        self.months.is_empty()
    }

    /// The quarters, three months each.
    pub fn quarters(&self) -> Vec<Quarter> {
        (0..self.len() / 3)
            .map(|q| Quarter {
                first: 3 * q,
                len: 3,
            })
            .collect()
    }

    /// "2027-01"
    pub fn month_label(&self, k: usize) -> String {
        let (y, m, _) = self.months[k].civil();
        format!("{y:04}-{m:02}")
    }

    /// "2027-Q1"
    pub fn quarter_label(&self, q: Quarter) -> String {
        let d = self.months[q.first];
        format!("{:04}-Q{}", d.civil().0, d.quarter())
    }

    /// The first day of month `k` and the last.
    pub fn month_days(&self, k: usize) -> (Date, Date) {
        let next = self.months[k].add_months(1);
        (self.months[k], next.plus_days(-1).expect("a date"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_from_civil_round_trips_and_counts_leap_days() {
        let epoch = Date::new(1970, 1, 1).unwrap();
        assert_eq!(epoch.days, 0);
        for days in (-719_162..2_932_896).step_by(97) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
            assert!(d <= days_in_month(y, m));
        }
        let a = Date::parse("2024-02-28").unwrap();
        assert_eq!(Date::parse("2024-03-01").unwrap().days_since(a), 2);
        let b = Date::parse("2100-02-28").unwrap();
        assert_eq!(Date::parse("2100-03-01").unwrap().days_since(b), 1);
        assert_eq!(a.to_string(), "2024-02-28");
    }

    #[test]
    fn only_real_days_in_iso_form_are_dates() {
        for bad in [
            "2027-02-29",
            "2027-13-01",
            "2027-00-10",
            "2027-1-01",
            "27-01-01",
            "2027-01-01-01",
            "0000-01-01",
            "2027/01/01",
            "",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        assert!(Date::parse("2028-02-29").is_some());
    }

    #[test]
    fn periods_are_whole_quarters_of_months() {
        let start = Date::parse("2027-02-15").unwrap();
        // From 20 days before the start (2027-01-26) to 100 days after (2027-05-26).
        let p = Periods::covering(start, -20.0, 100.0).unwrap();
        let labels: Vec<_> = (0..p.len()).map(|k| p.month_label(k)).collect();
        assert_eq!(
            labels,
            [
                "2027-01", "2027-02", "2027-03", "2027-04", "2027-05", "2027-06"
            ]
        );
        // January starts 45 days before the start; July 1st is 136 days after it.
        assert_eq!(p.edges.first(), Some(&-45.0));
        assert_eq!(p.edges.last(), Some(&136.0));
        let q: Vec<_> = p.quarters().iter().map(|&q| p.quarter_label(q)).collect();
        assert_eq!(q, ["2027-Q1", "2027-Q2"]);
        let (first, last) = p.month_days(1);
        assert_eq!(
            (first.to_string(), last.to_string()),
            ("2027-02-01".into(), "2027-02-28".into())
        );
    }
}
