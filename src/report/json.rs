//! JSON: every file flopcast writes is encoded here, pretty and newline-terminated.

use std::io;

use serde::Serialize;

pub struct JsonExporter;

/// Pretty JSON with a final newline: every JSON file flopcast writes.
pub fn to_bytes<T: Serialize>(doc: &T) -> io::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(doc)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Which scenario a document is about.
#[derive(Serialize)]
pub(in crate::report) struct ScenarioRef<'a> {
    pub(in crate::report) name: &'a str,
    pub(in crate::report) file: &'a str,
}
