//! A file a plan names (a base scenario or region, a policy), read and told apart from the
//! other kinds of file, every problem located at the place in the plan that names it: a
//! missing file, or a scenario where a region belongs, is the plan's problem.

use std::path::Path;

use anyhow::anyhow;
use toml::de::DeTable;

use crate::failure::Failure;

/// The place in a plan where it names a file.
pub(super) struct Named<'a> {
    /// The plan file, as named on the command line.
    pub plan: &'a str,
    /// The plan's text.
    pub text: &'a str,
    /// The field naming the file, e.g. `sweep.region` or `axis[1].policy[2]`.
    pub field: &'a str,
    /// The file as the plan writes it.
    pub name: &'a str,
}

impl Named<'_> {
    /// `plan:line:column: field` where the plan writes the name (the line of its first
    /// quoted occurrence, else the plan alone).
    fn place(&self) -> String {
        let at = [format!("\"{}\"", self.name), format!("'{}'", self.name)]
            .iter()
            .find_map(|quoted| self.text.find(quoted.as_str()));
        match at {
            Some(at) => {
                let before = &self.text[..at];
                let line = before.matches('\n').count() + 1;
                let column = before.len() - before.rfind('\n').map_or(0, |n| n + 1) + 1;
                format!("{}:{line}:{column}: {}", self.plan, self.field)
            }
            None => format!("{}: {}", self.plan, self.field),
        }
    }

    /// Reads the file at `path` with `read`, and checks that it is a `table` file (a file
    /// whose top-level table is `[table]`: `scenario`, `region`, `policy`).
    ///
    /// # Errors
    ///
    /// [`Failure::BadInput`] located at the plan's field: the file cannot be read, or it is
    /// another kind of bordersim file (its top-level table names the kind).
    pub(super) fn read(
        &self,
        path: &Path,
        table: &str,
        read: impl FnOnce(&Path) -> Result<String, Failure>,
    ) -> Result<String, Failure> {
        let text = read(path).map_err(|failure| match failure {
            Failure::BadInput(e) => Failure::BadInput(anyhow!("{}: {e:#}", self.place())),
            other => other,
        })?;
        // A file whose TOML cannot be read is left to its own loader, which locates it.
        let Ok(root) = DeTable::parse(&text) else {
            return Ok(text);
        };
        let root = root.get_ref();
        if root.contains_key(table) {
            return Ok(text);
        }
        let other = ["scenario", "region", "policy", "sweep", "fit", "plan"]
            .into_iter()
            .find(|k| root.contains_key(*k));
        if let Some(other) = other {
            return Err(Failure::BadInput(anyhow!(
                "{}: '{}' is a {} file (it has [{other}]); `{}` names a {table} file, which \
                 has [{table}]",
                self.place(),
                path.display(),
                kind(other),
                self.field
            )));
        }
        Ok(text)
    }
}

/// What a file of top-level table `table` is called.
fn kind(table: &str) -> &str {
    match table {
        "sweep" => "sweep plan",
        "fit" => "calibration fit",
        "plan" => "staffing plan",
        other => other,
    }
}
