//! Writing results: stdout that survives a closed pipe, problems of an input file on
//! stderr, and output files replaced atomically in folders checked before anything runs.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use sim_scenario::scenario::Diagnostics;

/// Writes `text` to stdout. A closed pipe (`fabricsim run | head`) is not an error worth
/// a panic: the rest of the output is dropped quietly.
pub fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Prints every problem of a scenario file and returns exit code 2.
pub fn report_problems(name: &str, diagnostics: &Diagnostics) -> ExitCode {
    eprintln!("{diagnostics}");
    eprintln!(
        "error: {} problem{} in {name}",
        diagnostics.len(),
        if diagnostics.len() == 1 { "" } else { "s" }
    );
    ExitCode::from(2)
}

/// Writes `text` to `dir/name` through a temporary file and a rename, so a reader never
/// sees a half-written file and an interrupted run leaves the previous file intact.
pub fn write_atomically(dir: &Path, name: &str, text: &str) -> anyhow::Result<()> {
    write_bytes_atomically(dir, name, text.as_bytes())
}

/// Refuses `dir` as an output folder when it is a file: creating it would fail with the
/// operating system's "File exists" or "Not a directory", which does not say what to do.
/// Commands call it before they run anything, so a typo does not waste a long run.
pub fn check_out_folder(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() && !dir.is_dir() {
        anyhow::bail!(
            "the output folder {} is a file, not a folder: give --out the path of a folder (it \
             is created if missing), or move the file away",
            dir.display()
        );
    }
    Ok(())
}

/// [`write_atomically`] for bytes (a PNG chart).
pub fn write_bytes_atomically(dir: &Path, name: &str, bytes: &[u8]) -> anyhow::Result<()> {
    check_out_folder(dir)?;
    std::fs::create_dir_all(dir)
        .with_context(|| format!("creating output folder {}", dir.display()))?;
    let path = dir.join(name);
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
