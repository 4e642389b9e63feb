//! Output files are written all or nothing. A command declares every output before it starts
//! work ([`OutputSet::file`], [`OutputSet::dir`]): each path is resolved as the kernel would
//! open it (symbolic links followed, `.` and `..` removed), refused if it is an input or
//! another output, and its directory is proved writable by creating and removing a file there.
//! The work then stages each file as a hidden temporary (`.flopcast-*.tmp`) beside its target,
//! and [`OutputSet::commit`] renames them all at the end: a failure anywhere before that leaves
//! every existing file as it was. Temporaries are registered so an interrupt can remove them
//! ([`remove_temporaries`]); only a hard kill (SIGKILL, power loss) can leave one behind.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use tempfile::TempPath;

use crate::error::Error;
use crate::report::{CsvExporter, Exporter, JsonExporter, MarkdownExporter};

/// The names temporaries take, for anyone cleaning up after a hard kill.
pub const TEMPORARY_PATTERN: &str = ".flopcast-*.tmp";

/// Permissions of a new output: readable by all, as for any file a user writes.
#[cfg(unix)]
const NEW_FILE_MODE: u32 = 0o644;

/// The kernel's own limit (ELOOP), so a loop of links fails instead of spinning.
const MAX_LINKS: usize = 40;

/// Temporaries not yet renamed to their output, for the interrupt handler.
static TEMPORARIES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn temporaries() -> MutexGuard<'static, Vec<PathBuf>> {
    // A panic elsewhere must not stop the clean-up: the list stays valid whatever happened.
    TEMPORARIES.lock().unwrap_or_else(|e| e.into_inner())
}

/// Deletes every temporary not yet renamed to its output and returns how many it deleted.
/// The list stays locked until the process ends, so no new temporary can appear afterwards
/// and a commit in progress finishes first: call it only on the way out.
pub fn remove_temporaries() -> usize {
    let mut list = temporaries();
    let removed = list
        .drain(..)
        .filter(|p| fs::remove_file(p).is_ok())
        .count();
    std::mem::forget(list);
    removed
}

/// Creates a registered temporary in `dir`. The list is held while creating, so an interrupt
/// can never fall between the file appearing and its registration.
fn create_temporary(dir: &Path) -> io::Result<(File, TempPath)> {
    let mut list = temporaries();
    let (file, path) = tempfile::Builder::new()
        .prefix(".flopcast-")
        .suffix(".tmp")
        .tempfile_in(dir)?
        .into_parts();
    list.push(path.to_path_buf());
    Ok((file, path))
}

fn forget_temporaries<'a>(paths: impl IntoIterator<Item = &'a Path>, list: &mut Vec<PathBuf>) {
    for path in paths {
        list.retain(|p| p != path);
    }
}

/// A path as the kernel sees it: absolute, without links, `.` or `..`, and (when the file
/// exists) its identity, which also catches hard links and a second mount of one directory.
#[derive(Debug, Clone)]
struct Resolved {
    path: PathBuf,
    id: Option<(u64, u64)>,
}

impl Resolved {
    fn same_file(&self, other: &Resolved) -> bool {
        self.path == other.path || (self.id.is_some() && self.id == other.id)
    }
}

fn file_id(path: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Resolves an output path whose file may not exist yet: follows links at the last component
/// (a dangling link too: writing creates its target), then makes the directory canonical.
fn resolve(path: &Path) -> io::Result<Resolved> {
    let mut current = std::path::absolute(path)?;
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&current) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = fs::read_link(&current)?;
                current = parent_dir(&current).join(target);
            }
            _ => return resolve_dir_part(&current),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

fn resolve_dir_part(path: &Path) -> io::Result<Resolved> {
    let name = match path.file_name() {
        Some(name) => name,
        None => return Err(io::Error::other("it names a directory, not a file")),
    };
    let parent = parent_dir(path);
    let dir = fs::canonicalize(parent).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => {
            io::Error::other(format!("directory {} does not exist", parent.display()))
        }
        _ => e,
    })?;
    if !dir.is_dir() {
        return Err(io::Error::other(format!(
            "{} is not a directory",
            parent.display()
        )));
    }
    let path = dir.join(name);
    Ok(Resolved {
        id: file_id(&path),
        path,
    })
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

struct Input {
    shown: PathBuf,
    resolved: Resolved,
}

/// One declared output file.
struct Target {
    /// The flag that names it, for messages: `--csv`, `-o`, `--plots`.
    flag: String,
    /// As the user wrote it (joined to the plot directory for a chart).
    shown: PathBuf,
    resolved: Resolved,
}

/// A finished temporary waiting to be renamed over its target.
struct Staged {
    target: usize,
    temporary: TempPath,
}

/// Every output of one command: declared up front, staged as the work finishes, renamed
/// together by [`OutputSet::commit`]. Dropped without a commit, it deletes its temporaries and
/// the directories it created (when still empty).
pub struct OutputSet {
    inputs: Vec<Input>,
    targets: Vec<Target>,
    staged: Vec<Staged>,
    probed: HashSet<PathBuf>,
    created_dirs: Vec<PathBuf>,
    committed: bool,
}

impl OutputSet {
    /// The files the command reads: no output may be one of them.
    pub fn new(inputs: &[&Path]) -> Self {
        let inputs = inputs
            .iter()
            .map(|&p| Input {
                shown: p.to_path_buf(),
                resolved: match fs::canonicalize(p) {
                    Ok(path) => Resolved {
                        id: file_id(&path),
                        path,
                    },
                    // Not readable now: it fails on loading; compare its spelling meanwhile.
                    Err(_) => resolve(p).unwrap_or(Resolved {
                        path: p.to_path_buf(),
                        id: None,
                    }),
                },
            })
            .collect();
        OutputSet {
            inputs,
            targets: Vec::new(),
            staged: Vec::new(),
            probed: HashSet::new(),
            created_dirs: Vec::new(),
            committed: false,
        }
    }

    /// Declares an output file given by `flag` (nothing if `None`): refused if it resolves to
    /// an input, to another output or to a directory, or if its directory is not writable.
    pub fn file(&mut self, flag: &str, path: Option<&Path>) -> Result<(), Error> {
        if let Some(path) = path {
            self.declare(flag, path)?;
        }
        Ok(())
    }

    /// Declares a directory of charts given by `flag`, created if missing, and the files
    /// `names` the command will write into it, each checked as [`OutputSet::file`] does.
    pub fn dir(&mut self, flag: &str, dir: Option<&Path>, names: &[String]) -> Result<(), Error> {
        let Some(dir) = dir else {
            return Ok(());
        };
        let resolved = resolve(dir).ok();
        let clash = resolved.and_then(|r| self.targets.iter().find(|t| t.resolved.same_file(&r)));
        if let Some(other) = clash {
            return Err(Error::OutputClash(format!(
                "{flag} {} is also the file given to {} {}; a directory of charts needs its own path",
                dir.display(),
                other.flag,
                other.shown.display()
            )));
        }
        self.create_dir(dir)?;
        for name in names {
            self.declare(flag, &dir.join(name))?;
        }
        Ok(())
    }

    /// Stages `bytes` as the next content of `path`, a declared output.
    pub fn write(&mut self, path: &Path, bytes: &[u8]) -> Result<(), Error> {
        self.write_with(path, |w| w.write_all(bytes))
    }

    /// Stages what an encoder made for `path`, or names the file it could not make.
    pub fn write_encoded(&mut self, path: &Path, bytes: io::Result<Vec<u8>>) -> Result<(), Error> {
        let bytes = bytes.map_err(|source| Error::WriteOutput {
            path: path.to_path_buf(),
            source,
        })?;
        self.write(path, &bytes)
    }

    /// Streams the next content of `path` into its temporary.
    pub fn write_with(
        &mut self,
        path: &Path,
        fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(), Error> {
        let target = match self.targets.iter().position(|t| t.shown == path) {
            Some(i) => i,
            // Every output is meant to be declared up front; one that was not is still
            // checked, late but before anything is renamed.
            None => self.declare("output", path)?,
        };
        let resolved = self.targets[target].resolved.path.clone();
        let wrap = |source| Error::WriteOutput {
            path: path.to_path_buf(),
            source,
        };
        let (file, temporary) = create_temporary(parent_dir(&resolved)).map_err(wrap)?;
        // Registered before writing, so even a failed write is cleaned up on drop.
        self.staged.push(Staged { target, temporary });
        let mut writer = io::BufWriter::with_capacity(1 << 20, file);
        fill(&mut writer).map_err(wrap)?;
        let file = writer.into_inner().map_err(|e| wrap(e.into_error()))?;
        keep_owner_and_mode(&file, &resolved).map_err(wrap)?;
        file.sync_all().map_err(wrap)?;
        Ok(())
    }

    /// Renames every staged file over its target. An interrupt waits until all are renamed.
    pub fn commit(mut self) -> Result<(), Error> {
        let staged = std::mem::take(&mut self.staged);
        let mut list = temporaries();
        let mut result = Ok(());
        let mut done = Vec::new();
        for s in staged {
            let target = &self.targets[s.target];
            let temporary = s.temporary.to_path_buf();
            if result.is_err() {
                // Dropping the rest deletes them.
                done.push(temporary);
                continue;
            }
            if let Err(e) = s.temporary.persist(&target.resolved.path) {
                result = Err(Error::WriteOutput {
                    path: target.shown.clone(),
                    source: e.error,
                });
            }
            done.push(temporary);
        }
        forget_temporaries(done.iter().map(PathBuf::as_path), &mut list);
        drop(list);
        self.committed = result.is_ok();
        result
    }

    /// Resolves, checks and probes one output file; returns its index.
    fn declare(&mut self, flag: &str, path: &Path) -> Result<usize, Error> {
        // The OS would drop the slash of `out.csv/` and write a file `out.csv`: a slash says a
        // directory was meant, so neither reading is safe to guess.
        let text = path.as_os_str().as_encoded_bytes();
        if text.ends_with(b"/") || text.ends_with(b"/.") || text == b"." {
            return Err(Error::Usage(format!(
                "{flag} {} names a directory (it ends with `/`); {flag} needs a file name such as out.csv",
                path.display()
            )));
        }
        let fail = |source: io::Error| Error::WriteOutput {
            path: path.to_path_buf(),
            source,
        };
        // The path as opened (a link such as /dev/stdout may lead where no name does), then
        // as resolved.
        regular_or_missing(path).map_err(fail)?;
        let resolved = resolve(path).map_err(fail)?;
        regular_or_missing(&resolved.path).map_err(fail)?;
        let lexical = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let via = if resolved.path == lexical {
            String::new()
        } else {
            format!(" ({} is {})", path.display(), resolved.path.display())
        };
        if let Some(input) = self.inputs.iter().find(|i| i.resolved.same_file(&resolved)) {
            return Err(Error::OutputClash(format!(
                "{flag} {} would overwrite the input {}{via}; choose another file for the output",
                path.display(),
                input.shown.display()
            )));
        }
        if let Some(other) = self
            .targets
            .iter()
            .find(|t| t.resolved.same_file(&resolved))
        {
            return Err(Error::OutputClash(format!(
                "{} {} and {flag} {} are the same file{via}: one file is given for two outputs; \
                 each output needs its own file",
                other.flag,
                other.shown.display(),
                path.display()
            )));
        }
        let dir = parent_dir(&resolved.path).to_path_buf();
        if !self.probed.contains(&dir) {
            probe(&dir).map_err(fail)?;
            self.probed.insert(dir);
        }
        self.targets.push(Target {
            flag: flag.to_string(),
            shown: path.to_path_buf(),
            resolved,
        });
        Ok(self.targets.len() - 1)
    }

    /// Creates `dir` and any missing parents, remembering which, to remove them if the
    /// command fails.
    fn create_dir(&mut self, dir: &Path) -> Result<(), Error> {
        let fail = |source| Error::WriteOutput {
            path: dir.to_path_buf(),
            source,
        };
        if dir.is_dir() {
            return Ok(());
        }
        if fs::symlink_metadata(dir).is_ok() {
            return Err(fail(io::Error::other("it exists and is not a directory")));
        }
        let missing: Vec<PathBuf> = dir
            .ancestors()
            .take_while(|a| !a.as_os_str().is_empty() && fs::symlink_metadata(a).is_err())
            .map(Path::to_path_buf)
            .collect();
        fs::create_dir_all(dir).map_err(fail)?;
        self.created_dirs.extend(missing);
        Ok(())
    }
}

impl Drop for OutputSet {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        let staged = std::mem::take(&mut self.staged);
        let paths: Vec<PathBuf> = staged.iter().map(|s| s.temporary.to_path_buf()).collect();
        // Deleting before forgetting: an interrupt in between finds nothing left to delete.
        drop(staged);
        forget_temporaries(paths.iter().map(PathBuf::as_path), &mut temporaries());
        // Deepest first; a directory that is not empty is someone's and stays.
        for dir in &self.created_dirs {
            let _ = fs::remove_dir(dir);
        }
    }
}

/// An output replaces a regular file or creates one: renaming over a device or a pipe would
/// replace it (as root, even /dev/null).
fn regular_or_missing(path: &Path) -> io::Result<()> {
    match fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(io::Error::other("it is a directory")),
        Ok(m) if !m.is_file() => Err(io::Error::other(
            "it is a device, pipe or socket; outputs are written to regular files",
        )),
        _ => Ok(()),
    }
}

/// Proves `dir` writable the only reliable way: by creating (and deleting) a file in it.
fn probe(dir: &Path) -> io::Result<()> {
    let (file, temporary) = create_temporary(dir)?;
    drop(file);
    let path = temporary.to_path_buf();
    let closed = temporary.close();
    forget_temporaries([path.as_path()], &mut temporaries());
    closed
}

/// A temporary is private (0600): the output takes the permissions (and, where allowed, the
/// owner) of the file it replaces, or those of an ordinary new file.
fn keep_owner_and_mode(file: &File, target: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let old = fs::metadata(target).ok();
        let mode = old.as_ref().map_or(NEW_FILE_MODE, |m| m.mode() & 0o7777);
        if let Some(old) = &old {
            // Only root may give a file away; anyone else keeps the file as their own.
            let _ = std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid()));
        }
        file.set_permissions(fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    {
        let _ = (file, target);
    }
    Ok(())
}

/// Where to write the formats every report command offers (`--csv`, `--json`, `--markdown`);
/// `None` for a format not asked for.
#[derive(Debug, Clone, Default)]
pub struct TableFiles {
    pub csv: Option<PathBuf>,
    pub json: Option<PathBuf>,
    pub markdown: Option<PathBuf>,
}

/// The report files of one command, one per format flag given: each declared in the output set
/// when added (so a clash or an unwritable directory stops the command before its work), and
/// all encoded and staged by [`Exports::write`] once the report exists.
pub struct Exports<'a, R> {
    files: Vec<(PathBuf, &'a dyn Exporter<R>)>,
}

impl<'a, R> Exports<'a, R> {
    pub fn new() -> Self {
        Exports { files: Vec::new() }
    }

    /// Declares the file `flag` names (nothing if `None`), to be written by `exporter`.
    pub fn add(
        &mut self,
        outputs: &mut OutputSet,
        flag: &str,
        path: Option<&Path>,
        exporter: &'a dyn Exporter<R>,
    ) -> Result<(), Error> {
        outputs.file(flag, path)?;
        if let Some(path) = path {
            self.files.push((path.to_path_buf(), exporter));
        }
        Ok(())
    }

    /// Encodes the report in every format asked for and stages each file.
    pub fn write(&self, outputs: &mut OutputSet, report: &R) -> Result<(), Error> {
        for (path, exporter) in &self.files {
            outputs.write_encoded(path, exporter.export(report))?;
        }
        Ok(())
    }
}

impl<R> Exports<'_, R>
where
    CsvExporter: Exporter<R>,
    JsonExporter: Exporter<R>,
    MarkdownExporter: Exporter<R>,
{
    /// The formats every report command offers: `--csv`, `--json`, `--markdown`, in that order.
    pub fn tables(outputs: &mut OutputSet, files: &TableFiles) -> Result<Self, Error> {
        let mut exports = Exports::new();
        exports.add(outputs, "--csv", files.csv.as_deref(), &CsvExporter)?;
        exports.add(outputs, "--json", files.json.as_deref(), &JsonExporter)?;
        let markdown = files.markdown.as_deref();
        exports.add(outputs, "--markdown", markdown, &MarkdownExporter)?;
        Ok(exports)
    }
}

impl<R> Default for Exports<'_, R> {
    fn default() -> Self {
        Self::new()
    }
}

/// Writes one file atomically, with the checks of a one-output [`OutputSet`].
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let mut outputs = OutputSet::new(&[]);
    outputs.file("output", Some(path))?;
    outputs.write(path, bytes)?;
    outputs.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_failed_write_keeps_the_old_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        write_atomic(&path, b"good").unwrap();
        let mut outputs = OutputSet::new(&[]);
        outputs.file("--csv", Some(&path)).unwrap();
        let err = outputs.write_with(&path, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        });
        assert!(err.is_err());
        drop(outputs);
        assert_eq!(fs::read(&path).unwrap(), b"good");
        assert_eq!(names_in(dir.path()), ["out.csv"]);
    }

    #[test]
    fn nothing_is_renamed_until_every_file_is_staged() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
        fs::write(&a, "old a").unwrap();
        let mut outputs = OutputSet::new(&[]);
        outputs.file("--csv", Some(&a)).unwrap();
        outputs.file("--json", Some(&b)).unwrap();
        outputs.write(&a, b"new a").unwrap();
        assert_eq!(fs::read(&a).unwrap(), b"old a");
        let _ = outputs.write_with(&b, |_| Err(io::Error::other("failed")));
        drop(outputs);
        assert_eq!(fs::read(&a).unwrap(), b"old a");
        assert_eq!(names_in(dir.path()), ["a.csv"]);
    }

    #[test]
    fn refuses_missing_directories_up_front() {
        let mut outputs = OutputSet::new(&[]);
        assert!(
            outputs
                .file("--csv", Some(Path::new("/no/such/dir/out.csv")))
                .is_err()
        );
        assert!(outputs.file("--csv", Some(Path::new("/tmp"))).is_err());
        assert!(outputs.file("--csv", Some(Path::new("out.csv"))).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_never_replaced_by_a_file() {
        let mut outputs = OutputSet::new(&[]);
        let err = outputs
            .file("--csv", Some(Path::new("/dev/null")))
            .unwrap_err();
        assert!(err.to_string().contains("device"), "{err}");
    }

    #[test]
    fn spellings_of_one_file_resolve_alike() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("s.toml");
        fs::write(&input, "x").unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&input, dir.path().join("link")).unwrap();
        let spellings = [
            dir.path().join("./s.toml"),
            dir.path().join("sub/../s.toml"),
            #[cfg(unix)]
            dir.path().join("link"),
        ];
        for spelling in spellings {
            let mut outputs = OutputSet::new(&[&input]);
            let err = outputs.file("--csv", Some(&spelling)).unwrap_err();
            assert!(matches!(err, Error::OutputClash(_)), "{spelling:?}: {err}");
        }
    }

    #[test]
    fn a_chart_directory_created_for_a_failed_command_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let plots = dir.path().join("a/plots");
        let mut outputs = OutputSet::new(&[]);
        outputs
            .dir("--plots", Some(&plots), &["x.svg".to_string()])
            .unwrap();
        assert!(plots.is_dir());
        drop(outputs);
        assert!(names_in(dir.path()).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn an_existing_file_keeps_its_mode_and_a_new_one_is_readable_by_all() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let (old, new) = (dir.path().join("old.csv"), dir.path().join("new.csv"));
        fs::write(&old, "secret").unwrap();
        fs::set_permissions(&old, fs::Permissions::from_mode(0o600)).unwrap();
        write_atomic(&old, b"still secret").unwrap();
        write_atomic(&new, b"open").unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&old), 0o600);
        assert_eq!(mode(&new), 0o644);
    }

    #[test]
    fn a_registered_temporary_is_removed_by_the_interrupt_clean_up_list() {
        let dir = tempfile::tempdir().unwrap();
        let (_file, temporary) = create_temporary(dir.path()).unwrap();
        let path = temporary.to_path_buf();
        assert!(temporaries().contains(&path));
        drop(temporary);
        forget_temporaries([path.as_path()], &mut temporaries());
        assert!(!temporaries().contains(&path));
    }
}
