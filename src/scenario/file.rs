//! Reading the file itself: its kind, its encoding and how deep its tables nest.

use super::*;

/// How deep the toml crate lets keys, tables and arrays nest.
pub(super) const TOML_DEPTH_LIMIT: usize = 80;

/// Refuses, without opening it, a path that is not a regular file: a directory or a device
/// cannot hold a scenario (`/dev/zero` would be read forever), and opening a named pipe waits
/// for a writer that may never come. A pipe that is already open, as `/dev/stdin` or a shell's
/// `<(...)` (`/dev/fd/N`), has its writer and is read like a file.
pub(super) fn check_file_kind(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::FileTypeExt;
    let kind = std::fs::metadata(path)?.file_type();
    let open_descriptor = path == Path::new("/dev/stdin")
        || path.starts_with("/dev/fd")
        || path.starts_with("/proc/self/fd");
    let what = if kind.is_file() || (kind.is_fifo() && open_descriptor) {
        return Ok(());
    } else if kind.is_dir() {
        "it is a directory"
    } else if kind.is_fifo() {
        "it is a named pipe (FIFO), which would wait for a writer"
    } else if kind.is_char_device() || kind.is_block_device() {
        "it is a device"
    } else if kind.is_socket() {
        "it is a socket"
    } else {
        "it is not a regular file"
    };
    Err(std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        format!(
            "{what}: a scenario must be a regular TOML file (to read one from a pipe, give /dev/stdin)"
        ),
    ))
}

/// A scenario that is not UTF-8, located at its first invalid byte.
pub(super) fn not_utf8(path: &Path, bytes: &[u8], e: std::str::Utf8Error) -> Error {
    let at = e.valid_up_to();
    // Up to `at` the lossy text is the file itself, so the offset still points at the byte.
    let text = String::from_utf8_lossy(bytes);
    let src = Source { path, text: &text };
    src.error(
        at..at + char::REPLACEMENT_CHARACTER.len_utf8(),
        format!(
            "the scenario file is not valid UTF-8: byte 0x{:02X} cannot be part of a character here",
            bytes[at]
        ),
        "not UTF-8",
        Some("scenario files must be UTF-8 (TOML requires it): re-save the file as UTF-8".into()),
    )
}

/// The first key (a `[table.header]` or a `dotted.key = ...`) with more dotted parts than the
/// toml crate accepts (it refuses a key whose parts before the last number the limit or more),
/// to locate its depth error.
pub(super) fn deep_key(text: &str) -> Option<Range<usize>> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let lead = line.len() - line.trim_start().len();
        let body = &line[lead..];
        let key = match body.strip_prefix('[') {
            Some(header) => header.split(']').next().unwrap_or(header),
            None => body.split('=').next().unwrap_or(body),
        };
        if dots_outside_quotes(key) >= TOML_DEPTH_LIMIT {
            let start = offset + lead;
            return Some(start..start + body.trim_end().len());
        }
        offset += line.len();
    }
    None
}

pub(super) fn dots_outside_quotes(key: &str) -> usize {
    let mut quote = None;
    let mut dots = 0;
    for c in key.chars() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '.') => dots += 1,
            _ => {}
        }
    }
    dots
}
