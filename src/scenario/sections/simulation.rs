//! `[simulation]`: the scenario's own run count and seed.

use crate::scenario::*;

pub(in crate::scenario) const SIMULATION_KEYS: &[&str] = &["runs", "seed"];

pub(in crate::scenario) fn read_simulation(
    src: &Source,
    doc: &mut Table,
) -> Result<SimulationSettings, Error> {
    let Some(v) = doc.take("simulation") else {
        return Ok(SimulationSettings::default());
    };
    let mut sim = reader::table(src, "simulation", v)?;
    let mut settings = SimulationSettings::default();
    if let Some(v) = sim.take("runs") {
        let runs = reader::count(src, "simulation.runs", v)?;
        if runs == 0 {
            return Err(src.error(
                v.span(),
                "`simulation.runs` must be at least 1",
                "zero runs",
                None,
            ));
        }
        settings.runs = Some(runs);
        let before = &src.text[..v.span().start];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        settings.runs_at = Some((
            before.matches('\n').count() + 1,
            before[line_start..].chars().count() + 1,
        ));
    }
    if let Some(v) = sim.take("seed") {
        settings.seed = Some(reader::count(src, "simulation.seed", v)?);
    }
    sim.finish(src, SIMULATION_KEYS, "[simulation]")?;
    Ok(settings)
}
