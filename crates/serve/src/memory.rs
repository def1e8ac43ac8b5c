//! Giving a finished job's memory back to the system at once.
//!
//! The `bordersim` binary's allocator is mimalloc (chosen in the binary). A job simulates on
//! a rayon pool of its own whose threads end with the job; mimalloc keeps the segments of a
//! thread that ended as *abandoned* until another thread that allocates reclaims them, and
//! gives freed pages back only after a delay, when their thread next calls the allocator. An
//! idle server allocates next to nothing, so after a commercial-example job it held 170–230 MB
//! for ten to twenty seconds. A forced collection when the job ends (its result rendered and
//! compressed, everything else dropped) frees the abandoned segments that are empty, gives
//! back the freed pages of the others and of the job's own thread, and purges the arenas: the
//! server is back near its idle size at once (`docs/api.md`, Measured).
//!
//! Why a collection per job rather than mimalloc's purge options set at start-up
//! (`purge_delay = 0` and the like): those only shorten the delay before a page is purged,
//! and a purge still waits for its thread to call the allocator again — an abandoned
//! segment waits for a thread to reclaim it —, so the memory of an ended pool's threads
//! stays (measured with `MIMALLOC_PURGE_DELAY=0`: 71 MB right after a job instead of 176);
//! `mi_collect(true)` is the call
//! mimalloc documents for exactly this, made once per job off the async runtime. When the
//! binary's allocator is another, it only tidies mimalloc's own empty heap.

/// Gives the memory the allocator holds but no longer uses back to the system: call it on
/// the job's blocking thread once the job's result is stored.
#[allow(
    unsafe_code,
    reason = "mimalloc's collection has no safe binding; the call takes no pointer and has no \
              precondition"
)]
pub fn release() {
    // SAFETY: `mi_collect` reads and writes only the allocator's own state, which it
    // synchronises itself; mimalloc allows it from any thread at any time.
    unsafe { libmimalloc_sys::mi_collect(true) }
}
