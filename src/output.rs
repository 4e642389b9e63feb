//! Output files are written whole or not at all: into a temporary file beside the target,
//! then renamed over it, so a failure never leaves a partial file or clobbers a good one.

use std::io::{self, Write};
use std::path::Path;

use crate::error::Error;

/// Fails early, before any work, if `path` cannot be an output file.
pub fn check_writable(path: &Path) -> Result<(), Error> {
    let fail = |msg: &str| Error::WriteOutput {
        path: path.to_path_buf(),
        source: io::Error::other(msg.to_string()),
    };
    if path.is_dir() {
        return Err(fail("it is a directory"));
    }
    let parent = parent_dir(path);
    if !parent.is_dir() {
        return Err(fail(&format!(
            "directory {} does not exist",
            parent.display()
        )));
    }
    Ok(())
}

/// Makes sure `dir` is a directory to write into, creating it (and its parents) if missing.
pub fn prepare_dir(dir: &Path) -> Result<(), Error> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::WriteOutput {
            path: dir.to_path_buf(),
            source: io::Error::other("it exists and is not a directory"),
        });
    }
    std::fs::create_dir_all(dir).map_err(|source| Error::WriteOutput {
        path: dir.to_path_buf(),
        source,
    })
}

pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// Streams into a temporary file, then renames it to `path`.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), Error> {
    let wrap = |source| Error::WriteOutput {
        path: path.to_path_buf(),
        source,
    };
    let tmp = tempfile::Builder::new()
        .prefix(".flopcast-")
        .suffix(".tmp")
        .tempfile_in(parent_dir(path))
        .map_err(wrap)?;
    let mut writer = io::BufWriter::with_capacity(1 << 20, tmp);
    fill(&mut writer).map_err(wrap)?;
    let tmp = writer.into_inner().map_err(|e| wrap(e.into_error()))?;
    // A temporary file is private (0600); the output is an ordinary file others may read.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(wrap)?;
    }
    tmp.as_file().sync_all().map_err(wrap)?;
    tmp.persist(path).map_err(|e| wrap(e.error))?;
    Ok(())
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_keeps_the_old_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        write_atomic(&path, b"good").unwrap();
        let err = write_atomic_with(&path, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        });
        assert!(err.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"good");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn refuses_missing_directories_up_front() {
        assert!(check_writable(Path::new("/no/such/dir/out.csv")).is_err());
        assert!(check_writable(Path::new("/tmp")).is_err());
        assert!(check_writable(Path::new("out.csv")).is_ok());
    }
}
