//! `[schedule]`: the day training starts, which places the run's spend on the calendar.

use crate::calendar::Date;
use crate::scenario::*;

pub(in crate::scenario) const SCHEDULE_KEYS: &[&str] = &["start"];

pub(in crate::scenario) fn read_schedule(
    src: &Source,
    doc: &mut Table,
) -> Result<Option<Date>, Error> {
    let Some(v) = doc.take("schedule") else {
        return Ok(None);
    };
    let mut schedule = reader::table(src, "schedule", v)?;
    let start = match schedule.take("start") {
        Some(v) => reader::date(src, "schedule.start", v)?,
        None => {
            return Err(schedule
                .unknown_key(src, SCHEDULE_KEYS, &["start"], "[schedule]")
                .unwrap_or_else(|| {
                    src.error(
                        schedule.span.clone(),
                        "missing `schedule.start`",
                        "[schedule] needs `start`",
                        Some("add a line `start = 2027-01-15`: the day training starts".into()),
                    )
                }));
        }
    };
    schedule.finish(src, SCHEDULE_KEYS, "[schedule]")?;
    Ok(Some(start))
}
