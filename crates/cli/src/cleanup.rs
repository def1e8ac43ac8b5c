//! Temporary files removed when the program is interrupted.
//!
//! Reports and event logs are written to hidden temporary files (and the event log's
//! per-replication parts to a hidden directory) beside their destination, then renamed into
//! place. Each is registered here while it exists; SIGINT and SIGTERM (and SIGHUP) remove
//! every registered path before the program exits with 128 + the signal number. SIGKILL
//! cannot be caught: what it leaves is found and removed by the next run writing beside the
//! same destination (see `event_log`).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The temporary files and directories that exist now.
static TEMPORARY: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// The registry, even if a thread panicked while holding it.
fn temporary() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    TEMPORARY
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Records a temporary file or directory to remove if the program is interrupted.
pub fn register(path: &Path) {
    temporary().push(path.to_path_buf());
}

/// Forgets a temporary path (it was removed or renamed into place).
pub fn unregister(path: &Path) {
    let mut paths = temporary();
    if let Some(at) = paths.iter().rposition(|p| p == path) {
        paths.swap_remove(at);
    }
}

/// Installs the handler: a thread that waits for SIGINT, SIGTERM or SIGHUP, removes every
/// registered path and exits with 128 + the signal number (the shell's convention for a
/// process ended by a signal). If the handler cannot be installed the signals keep their
/// default action (the program ends, temporary files may remain until the next run).
pub fn install() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        use signal_hook::iterator::Signals;
        let Ok(mut signals) = Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        let spawned = std::thread::Builder::new()
            .name("signals".to_owned())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    // Hold the registry while removing and exiting: no new temporary file
                    // can be registered (nor created and registered) in between.
                    let paths = temporary();
                    for path in paths.iter() {
                        if path.is_dir() {
                            let _ = std::fs::remove_dir_all(path);
                        } else {
                            let _ = std::fs::remove_file(path);
                        }
                    }
                    std::process::exit(128 + signal);
                }
            });
        drop(spawned);
    }
}
