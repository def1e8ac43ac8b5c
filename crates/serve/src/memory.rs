//! Giving a finished job's memory back to the system at once.
//!
//! The `bordersim` binary uses the system allocator (glibc's malloc on Linux). A job
//! simulates on the server's pool of simulation threads, which lives as long as the server;
//! glibc keeps what those threads and the job's own thread freed in its arenas, to reuse
//! for later allocations, and gives back only the top of the main heap by itself. An idle server
//! allocates next to nothing, so after commercial-example jobs it stayed at 240–330 MB for
//! good. `malloc_trim(0)` when the job ends (its result rendered and compressed, everything
//! else dropped) walks every arena and returns their free pages to the system: the server is
//! back near its idle size at once (`docs/api.md`, Measured). The pool's threads never end
//! with a job, so no thread frees its memory after the trim: what a job gives back does not
//! depend on when its threads happened to end.
//!
//! Why trim after each job rather than tune glibc at start-up (`M_TRIM_THRESHOLD`,
//! `M_ARENA_MAX` and the like): the thresholds apply only to the top of each heap and to
//! frees that happen to cross them, so freed pages in the middle of an arena stay; fewer
//! arenas would make the simulation threads contend for one lock. One trim per job, made on
//! the job's blocking thread off the async runtime, costs a few milliseconds against a job
//! of seconds. Other C libraries (musl) and other systems have no such call; there
//! [`release`] does nothing.

/// Gives the memory the allocator holds but no longer uses back to the system: call it on
/// the job's blocking thread once the job's result is stored.
#[cfg(target_env = "gnu")]
#[allow(
    unsafe_code,
    reason = "glibc's malloc_trim has no safe binding; the call takes no pointer and has no \
              precondition"
)]
pub fn release() {
    // SAFETY: `malloc_trim` reads and writes only the allocator's own state, under the
    // arenas' own locks; glibc allows it from any thread at any time. Its return value
    // (whether any memory was released) needs no action.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Gives the memory the allocator holds but no longer uses back to the system: a no-op
/// where the C library has no `malloc_trim`.
#[cfg(not(target_env = "gnu"))]
pub fn release() {}
