//! Criterion benchmarks for bordersim (see `benches/`). This library is empty on purpose:
//! the package exists so that `cargo bench -p bordersim-benches` runs every benchmark.
