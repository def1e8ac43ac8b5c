//! Many tallies written together: each one's exact count, sum, minimum and maximum (a
//! [`TallyHead`], kept where the writer puts it) and the bins of all of them as one zlib
//! stream of HdrHistogram V2 records, in order ([`pack`], [`unpack`]).
//!
//! One stream for a whole summary costs one decoder set-up per file, not one per histogram
//! (the Huffman tables of a fresh DEFLATE stream cost more than a small histogram's bins).
//! What is read back is a [`SparseTally`]: only the bins that hold observations, in a
//! buffer the size of those, so reading allocates and zeroes no bins up to the largest, and
//! merging it into a [`Tally`] ([`Tally::merge_sparse`]) touches only the bins it has.

use std::cell::RefCell;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use crate::tally::Tally;
use crate::tally_serde::{Decoded, checked, decode_record, deflate_into, v2_raw, with_inflated};

/// A tally's exact count, sum (ms, in decimal: it may pass 2^64), minimum and maximum (ms,
/// absent without observations), as written beside a [`pack`] of its bins.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TallyHead {
    pub(crate) count: u64,
    pub(crate) sum_ms: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) min_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) max_ms: Option<u64>,
}

impl TallyHead {
    /// The head of `t`.
    pub fn of(t: &Tally) -> Self {
        TallyHead {
            count: t.count(),
            sum_ms: t.sum_ms().to_string(),
            min_ms: t.min_ms(),
            max_ms: t.max_ms(),
        }
    }
}

/// A tally as read back: exact count, sum (ms), minimum and maximum (ms) and the count of
/// each bin that holds observations, in bin order. It becomes a [`Tally`] when merged into
/// one ([`Tally::merge_sparse`]) or built ([`SparseTally::to_tally`]).
///
/// The bins are packed: for each occupied bin, the number of empty bins before it (since
/// the previous occupied one) and its count, each in LEB128 (7 bits a byte). A
/// replication's waits fill long runs of neighbouring bins with small counts, so a bin
/// costs about 2 bytes, against 4 in a [`Tally`] (every bin up to the largest) or 16 as a
/// (bin, count) pair.
#[derive(Clone, Debug, PartialEq)]
pub struct SparseTally {
    count: u64,
    sum_ms: u128,
    min_ms: u64,
    max_ms: u64,
    /// The last occupied bin (0 without any).
    last: usize,
    bins: Box<[u8]>,
}

impl SparseTally {
    /// No observations.
    pub(crate) fn empty() -> Self {
        SparseTally::new(0, 0, u64::MAX, 0, Vec::new())
    }

    /// Observations already checked to agree (see `tally_serde::checked`).
    pub(crate) fn new(
        count: u64,
        sum_ms: u128,
        min_ms: u64,
        max_ms: u64,
        bins: impl IntoIterator<Item = (usize, u64)>,
    ) -> Self {
        let mut packed = Vec::new();
        let mut next = 0;
        for (bin, n) in bins {
            write_leb128(&mut packed, (bin - next) as u64);
            write_leb128(&mut packed, n);
            next = bin + 1;
        }
        SparseTally {
            count,
            sum_ms,
            min_ms,
            max_ms,
            last: next.saturating_sub(1),
            bins: packed.into_boxed_slice(),
        }
    }

    /// Each occupied bin and its count, in bin order.
    fn bin_counts(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        let mut at = 0;
        let mut next = 0;
        std::iter::from_fn(move || {
            if at == self.bins.len() {
                return None;
            }
            let bin = next + read_leb128(&self.bins, &mut at) as usize;
            let n = read_leb128(&self.bins, &mut at);
            next = bin + 1;
            Some((bin, n))
        })
    }

    /// The observations of `t`, its occupied bins only: a replication's histogram kept until
    /// it is merged costs the bins it fills, not every bin up to its largest value.
    pub fn of(t: &Tally) -> Self {
        SparseTally::new(
            t.count(),
            t.sum_ms(),
            t.min_ms().unwrap_or(u64::MAX),
            t.max_ms().unwrap_or(0),
            t.bin_counts(),
        )
    }

    /// Number of observations.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The same observations as a [`Tally`].
    pub fn to_tally(&self) -> Tally {
        let mut t = Tally::new();
        t.merge_sparse(self);
        t
    }
}

impl Tally {
    /// Adds the observations of `other` to this tally, touching only the bins `other` has
    /// (the same tally as merging `other.to_tally()`).
    pub fn merge_sparse(&mut self, other: &SparseTally) {
        if !other.bins.is_empty() {
            self.reserve_bin(other.last);
        }
        for (bin, n) in other.bin_counts() {
            self.add_to_bin(bin, n);
        }
        self.add_exact(other.count, other.sum_ms, other.min_ms, other.max_ms);
    }
}

/// Appends `x` in unsigned LEB128: 7 bits a byte, low bits first, the high bit of a byte
/// set when another follows (1 byte below 2^7, at most 10 for a `u64`). The one variable-length
/// integer code of the workspace: the bins of a [`SparseTally`] and a summary's packed
/// per-replication values both use it.
pub fn write_leb128(out: &mut Vec<u8>, mut x: u64) {
    while x >= 0x80 {
        out.push((x & 0x7f) as u8 | 0x80);
        x >>= 7;
    }
    out.push(x as u8);
}

/// Reads a number [`write_leb128`] wrote at `*at`, and moves `*at` past it.
///
/// # Panics
///
/// If `bytes` ends before the number does: it reads back only buffers this crate's
/// writers built, never bytes from a file.
pub fn read_leb128(bytes: &[u8], at: &mut usize) -> u64 {
    let mut x = 0;
    let mut shift = 0;
    loop {
        let b = bytes[*at];
        *at += 1;
        x |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return x;
        }
        shift += 7;
    }
}

thread_local! {
    /// The uncompressed records being written, or the base64-decoded stream being read:
    /// one buffer per thread, reused for every summary.
    static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// The head of each of `tallies` and their bins as one zlib stream (default level) of
/// uncompressed HdrHistogram V2 records, one per tally in order, in base64.
///
/// # Errors
///
/// A message if a histogram cannot be written (it always can).
pub fn pack<'a>(
    tallies: impl IntoIterator<Item = &'a Tally>,
) -> Result<(Vec<TallyHead>, String), String> {
    BUFFER.with_borrow_mut(|raw| {
        raw.clear();
        let mut heads = Vec::new();
        for t in tallies {
            heads.push(TallyHead::of(t));
            v2_raw(t, raw)?;
        }
        let mut out = Vec::with_capacity(raw.len() / 4 + 64);
        deflate_into(raw, &mut out).map_err(|e| format!("histograms: {e}"))?;
        shrink(raw);
        Ok((heads, STANDARD.encode(out)))
    })
}

/// The tallies `heads` and `histograms` (as [`pack`] writes them) describe, in order, each
/// checked: a histogram of [`Tally`]'s layout whose counts add up to its head's count,
/// within its minimum and maximum, and a sum those allow.
///
/// # Errors
///
/// A message naming the first histogram (from 0) that is not one, or saying that the
/// stream is not base64, not zlib, or holds more or fewer histograms than heads.
pub fn unpack(heads: Vec<TallyHead>, histograms: &str) -> Result<Vec<SparseTally>, String> {
    BUFFER.with_borrow_mut(|bytes| {
        bytes.clear();
        STANDARD
            .decode_vec(histograms, bytes)
            .map_err(|e| format!("histograms are not base64: {e}"))?;
        let wanted = heads.len();
        let result = with_inflated(bytes, |mut raw| {
            let mut out = Vec::with_capacity(wanted);
            for (k, head) in heads.into_iter().enumerate() {
                if raw.is_empty() {
                    return Err(Decoded::Foreign(format!(
                        "histograms hold {k} tallies, not {wanted}"
                    )));
                }
                let numbered = |m: String| Decoded::Foreign(format!("histogram #{k}: {m}"));
                let (counts, total, rest) =
                    decode_record(raw).map_err(|e| numbered(e.message()))?;
                out.push(checked(head, counts, total).map_err(numbered)?);
                raw = rest;
            }
            if raw.is_empty() {
                Ok(out)
            } else {
                Err(Decoded::Foreign(format!(
                    "histograms hold more than {wanted} tallies"
                )))
            }
        })
        .map_err(Decoded::message);
        shrink(bytes);
        result
    })
}

/// Leaves no large buffer behind on the thread after a large summary.
fn shrink(buffer: &mut Vec<u8>) {
    if buffer.capacity() > 1 << 20 {
        *buffer = Vec::new();
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};

    use hdrhistogram::serialization::Serializer;

    use super::*;
    use crate::tally_serde::tests::{layouts, sample};

    #[test]
    fn packed_tallies_read_back_equal_and_merge_as_the_tallies_do() {
        let tallies = layouts();
        let (heads, text) = pack(&tallies).expect("writes");
        let back = unpack(heads.clone(), &text).expect("reads");
        assert_eq!(back.len(), tallies.len());
        for (read, t) in back.iter().zip(&tallies) {
            assert_eq!(&read.to_tally(), t);
            assert_eq!(read.count(), t.count());
            // Merged sparse or dense, into an empty tally or a full one: the same tally.
            let mut into = sample(9, 500);
            let mut direct = into.clone();
            into.merge_sparse(read);
            direct.merge(t);
            assert_eq!(into, direct);
            assert_eq!(into.percentiles(), direct.percentiles());
        }
        // Each record in the stream is the one the crate's V2 serializer writes.
        let mut raw = Vec::new();
        flate2::read::ZlibDecoder::new(&STANDARD.decode(&text).unwrap()[..])
            .read_to_end(&mut raw)
            .unwrap();
        let mut theirs = Vec::new();
        for t in &tallies {
            hdrhistogram::serialization::V2Serializer::new()
                .serialize(&t.histogram(), &mut theirs)
                .unwrap();
        }
        assert_eq!(raw, theirs);
        // No tallies: an empty stream.
        let (none, text) = pack(&[]).expect("writes");
        assert!(unpack(none, &text).expect("reads").is_empty());
    }

    /// `text` with its uncompressed records changed by `edit`.
    fn rewritten(text: &str, edit: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut raw = Vec::new();
        flate2::read::ZlibDecoder::new(&STANDARD.decode(text).unwrap()[..])
            .read_to_end(&mut raw)
            .unwrap();
        edit(&mut raw);
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&raw).unwrap();
        STANDARD.encode(z.finish().unwrap())
    }

    #[test]
    fn a_corrupt_or_mismatched_pack_is_refused_naming_the_histogram() {
        let tallies = [sample(1, 100), sample(2, 50)];
        let (heads, text) = pack(&tallies).expect("writes");
        let refused = |heads: Vec<TallyHead>, text: &str| unpack(heads, text).expect_err("refused");
        let mut one_more = heads.clone();
        one_more.push(TallyHead::of(&sample(3, 1)));
        assert!(refused(one_more, &text).contains("hold 2 tallies, not 3"));
        assert!(refused(heads[..1].to_vec(), &text).contains("more than 1 tallies"));
        let mut wrong = heads.clone();
        wrong[1].count += 1;
        let e = refused(wrong, &text);
        assert!(
            e.contains("histogram #1: histogram holds 50 observations, count says 51"),
            "{e}"
        );
        let mut wrong = heads.clone();
        wrong[0].max_ms = Some(0);
        assert!(refused(wrong, &text).contains("histogram #0: count 100"));
        assert!(refused(heads.clone(), "!").contains("not base64"));
        let half = &text[..text.len() / 2 / 4 * 4];
        assert!(refused(heads.clone(), half).contains("not a V2 HdrHistogram"));
        let cookie = rewritten(&text, |raw| raw[0] ^= 1);
        assert!(
            refused(heads.clone(), &cookie)
                .contains("histogram #0: histogram is not a V2 HdrHistogram: its first bytes are not a V2 histogram's")
        );
        let digits = rewritten(&text, |raw| raw[15] = 2);
        assert!(refused(heads.clone(), &digits).contains("2 significant digits"));
        let cut = rewritten(&text, |raw| raw.truncate(raw.len() - 1));
        assert!(refused(heads, &cut).contains("histogram #1"));
    }
}
