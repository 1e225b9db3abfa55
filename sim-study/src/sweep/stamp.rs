//! `DIR/sweep.toml`: the sweep file the results in DIR come from, after a header saying
//! what identifies them. A resumed sweep refuses a folder whose base scenario changed;
//! `fabricsim merge` refuses folders of different sweeps and rebuilds the plan from the
//! copy (without the base scenario, which it never reads).
//!
//! ```text
//! # Written by `fabricsim sweep` ...
//! # fabricsim-name = "outage-study"
//! # fabricsim-definition = "5a0e1c2b3d4f6a7b"
//! # fabricsim-base = "experiments/outages/scenario.toml"
//! # fabricsim-base-fingerprint = "0f1e2d3c4b5a6978"
//! # fabricsim-shard = "1/4"
//! # --- the sweep file as run ---
//! base = "scenario.toml"
//! ...
//! ```

use std::path::Path;

use anyhow::Context as _;

use super::plan::{Shard, hex};

/// The file name in an output folder.
pub const FILE: &str = "sweep.toml";

const INTRO: &str = "# Written by `fabricsim sweep`: the sweep file the results in this folder come from.\n\
                     # The lines below identify them; resumed sweeps and `fabricsim merge` check them.\n";
const END: &str = "# --- the sweep file as run ---";

/// What identifies a sweep's results.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stamp {
    /// The sweep's name.
    pub name: String,
    /// [`super::plan::Plan::definition`].
    pub definition: u64,
    /// The base scenario's path as the sweep named it (relative to the current folder).
    pub base: String,
    /// Hash of the base scenario's text.
    pub base_fingerprint: u64,
    /// The shard the folder holds; `None` for every run.
    pub shard: Option<Shard>,
    /// The sweep file's text.
    pub sweep_text: String,
}

impl Stamp {
    /// The file's contents.
    pub fn render(&self) -> String {
        let shard = self
            .shard
            .map_or_else(|| "all".to_owned(), |s| s.to_string());
        format!(
            "{INTRO}# fabricsim-name = {}\n# fabricsim-definition = \"{}\"\n# fabricsim-base = {}\n\
             # fabricsim-base-fingerprint = \"{}\"\n# fabricsim-shard = \"{shard}\"\n{END}\n{}",
            super::path::quote(&self.name),
            hex(self.definition),
            super::path::quote(&self.base),
            hex(self.base_fingerprint),
            self.sweep_text
        )
    }

    /// Reads `dir/sweep.toml`: `Ok(None)` if there is none, an error if it is not a copy
    /// written by `fabricsim sweep` (so a user's own sweep file is never overwritten).
    pub fn read(dir: &Path) -> anyhow::Result<Option<Self>> {
        let path = dir.join(FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        let not_ours = || {
            anyhow::anyhow!(
                "{} is not a copy written by `fabricsim sweep` (it has no fabricsim-definition \
                 header): {} is not a sweep output folder; give another --out",
                path.display(),
                dir.display()
            )
        };
        let (header, sweep_text) = text
            .split_once(&format!("\n{END}\n"))
            .ok_or_else(not_ours)?;
        let field = |key: &str| -> Option<String> {
            header.lines().find_map(|l| {
                let rest = l.strip_prefix("# fabricsim-")?.strip_prefix(key)?;
                let value = rest.trim_start().strip_prefix('=')?.trim();
                let s: toml::Value = value.parse().ok()?;
                s.as_str().map(str::to_owned)
            })
        };
        let id = |key: &str| field(key).and_then(|h| u64::from_str_radix(&h, 16).ok());
        let shard = match field("shard").as_deref() {
            Some("all") => None,
            Some(s) => Some(s.parse::<Shard>().map_err(|_| not_ours())?),
            None => return Err(not_ours()),
        };
        Ok(Some(Self {
            name: field("name").ok_or_else(not_ours)?,
            definition: id("definition").ok_or_else(not_ours)?,
            base: field("base").ok_or_else(not_ours)?,
            base_fingerprint: id("base-fingerprint").ok_or_else(not_ours)?,
            shard,
            sweep_text: sweep_text.to_owned(),
        }))
    }

    /// Writes `dir/sweep.toml` (atomically).
    pub fn write(&self, dir: &Path) -> anyhow::Result<()> {
        sim_report::out::write_atomically(dir, FILE, &self.render())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let dir = std::env::temp_dir().join(format!("fabricsim-stamp-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let stamp = Stamp {
            name: "a \"b\"".into(),
            definition: 0x0123_4567_89ab_cdef,
            base: "x/scenario.toml".into(),
            base_fingerprint: 42,
            shard: Some(Shard { index: 2, count: 3 }),
            sweep_text: "base = \"scenario.toml\"\nseeds = 2\n".into(),
        };
        assert_eq!(Stamp::read(&dir).unwrap(), None);
        stamp.write(&dir).unwrap();
        assert_eq!(Stamp::read(&dir).unwrap(), Some(stamp.clone()));
        std::fs::write(dir.join(FILE), "base = \"x\"\nseeds = 1\n").unwrap();
        assert!(
            Stamp::read(&dir).is_err(),
            "a user's sweep file is not a stamp"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
