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
        settings.runs_at = Some(reader::line_col(src.text, v.span().start));
    }
    if let Some(v) = sim.take("seed") {
        settings.seed = Some(reader::count(src, "simulation.seed", v)?);
    }
    sim.finish(src, SIMULATION_KEYS, "[simulation]")?;
    Ok(settings)
}
