//! A summary's entries with their per-replication values packed.
//!
//! The values a summary keeps per replication (a sample's value, a delay's mean and 95th
//! percentile) are most of what grows with the replications it holds: on the commercial
//! example, about 4,900 values a replication. Kept as one `Vec<f64>` per entry they cost 8
//! bytes a value, plus each vector's spare capacity as it doubles. Here they are packed in
//! one buffer, a *block* per recorded replication (or per summary read back): for each
//! entry in order, its lists — a sample's values (one per replication of the block), or a
//! delay's means and 95th percentiles (one of each per replication with observations,
//! after their number) — each value a whole number below 2^53 (counts, bin values, zeros)
//! in 1 to 8 bytes, any other value as a marker and its 8 bytes of IEEE 754 bits. Every
//! value comes back bit for bit, and a merge appends the later summary's blocks, so the
//! lists an entry is replayed with are the concatenation, in replication order, of every
//! block's: the lists an unpacked merge would hold.

use bordersim_stats::{read_leb128, write_leb128};

use super::{Entry, MergeError};

/// An entry's per-replication lists: a sample's values (`first`), or a delay's means
/// (`first`) and 95th percentiles (`second`), in replication order.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Lists {
    pub(super) first: Vec<f64>,
    pub(super) second: Vec<f64>,
}

impl Entry {
    /// Takes the per-replication lists out, leaving them empty.
    fn take_lists(&mut self) -> Lists {
        match self {
            Entry::Samples(v) => Lists {
                first: std::mem::take(v),
                second: Vec::new(),
            },
            Entry::Delay { means, p95s, .. } | Entry::Unpooled { means, p95s, .. } => Lists {
                first: std::mem::take(means),
                second: std::mem::take(p95s),
            },
            Entry::Total(_) | Entry::Largest(_) | Entry::Pooled(_) | Entry::Moments(_) => {
                Lists::default()
            }
        }
    }

    /// Puts the per-replication lists back.
    fn put_lists(&mut self, lists: Lists) {
        match self {
            Entry::Samples(v) => *v = lists.first,
            Entry::Delay { means, p95s, .. } | Entry::Unpooled { means, p95s, .. } => {
                *means = lists.first;
                *p95s = lists.second;
            }
            Entry::Total(_) | Entry::Largest(_) | Entry::Pooled(_) | Entry::Moments(_) => {}
        }
    }
}

/// Every entry of a summary: what is not per replication (histograms, totals) in `heads`,
/// the per-replication lists packed in `packed` (see the module documentation).
#[derive(Clone, Debug, Default)]
pub(crate) struct Entries {
    /// Each entry, its per-replication lists empty.
    heads: Vec<Entry>,
    /// The lists of every entry for consecutive replications, block after block in
    /// replication order.
    packed: Vec<u8>,
    /// Each block: the replications it holds and where it ends in `packed`.
    blocks: Vec<Block>,
}

/// The lists of every entry for some consecutive replications.
#[derive(Clone, Copy, Debug)]
struct Block {
    replications: u64,
    end: usize,
}

/// Appends one list of values.
fn write_values(out: &mut Vec<u8>, values: &[f64]) {
    values.iter().for_each(|&v| write_f64(out, v));
}

/// The same entries with the same lists, however their blocks are split.
impl PartialEq for Entries {
    fn eq(&self, other: &Entries) -> bool {
        self.heads == other.heads
            && self
                .lists()
                .map(|(_, l)| l)
                .eq(other.lists().map(|(_, l)| l))
    }
}

impl Entries {
    /// `entries`, in order, of `replications` replications: one value per replication in
    /// every sample (as `Summary`'s reading checks), as many means as 95th percentiles, or
    /// at most as many, in every delay.
    pub(super) fn new(entries: Vec<Entry>, replications: u64) -> Self {
        let mut packed = Vec::new();
        let heads = entries
            .into_iter()
            .map(|mut e| {
                let lists = e.take_lists();
                match e {
                    Entry::Samples(_) => {
                        debug_assert_eq!(lists.first.len() as u64, replications);
                        write_values(&mut packed, &lists.first);
                    }
                    Entry::Delay { .. } | Entry::Unpooled { .. } => {
                        // The number of means, and whether the 95th percentiles differ in
                        // number (then their number): one byte in a replication's block.
                        let (n, m) = (lists.first.len() as u64, lists.second.len() as u64);
                        write_leb128(&mut packed, n << 1 | u64::from(n != m));
                        if n != m {
                            write_leb128(&mut packed, m);
                        }
                        write_values(&mut packed, &lists.first);
                        write_values(&mut packed, &lists.second);
                    }
                    Entry::Total(_) | Entry::Largest(_) | Entry::Pooled(_) | Entry::Moments(_) => {}
                }
                e
            })
            .collect();
        packed.shrink_to_fit();
        let end = packed.len();
        Entries {
            heads,
            packed,
            blocks: vec![Block { replications, end }],
        }
    }

    /// The bytes of the per-replication lists of every block.
    pub(super) fn packed_bytes(&self) -> usize {
        self.packed.len()
    }

    /// Each entry, without its per-replication lists.
    pub(super) fn heads(&self) -> &[Entry] {
        &self.heads
    }

    /// Adds `later`'s replications (which follow these) entry by entry.
    ///
    /// # Errors
    ///
    /// [`MergeError::Shape`] if an entry is of another kind (checked before by
    /// `Summary::check_shape`).
    pub(super) fn absorb(&mut self, later: Entries) -> Result<(), MergeError> {
        for (a, b) in self.heads.iter_mut().zip(later.heads) {
            a.absorb(b)?;
        }
        let start = self.packed.len();
        self.packed.extend_from_slice(&later.packed);
        self.blocks.extend(later.blocks.into_iter().map(|b| Block {
            end: start + b.end,
            ..b
        }));
        Ok(())
    }

    /// Each entry (without its lists) and its lists, in order.
    pub(super) fn lists(&self) -> impl Iterator<Item = (&Entry, Lists)> + '_ {
        let mut cursor = Cursor::new(&self.blocks);
        self.heads
            .iter()
            .map(move |head| (head, cursor.next(&self.packed, &self.blocks, head)))
    }

    /// The entries, each whole (lists unpacked) only as it is taken.
    pub(super) fn into_replay(self) -> Replaying {
        Replaying {
            cursor: Cursor::new(&self.blocks),
            heads: self.heads.into_iter(),
            packed: self.packed,
            blocks: self.blocks,
        }
    }
}

/// The entries of a summary being replayed, unpacked one at a time.
pub(crate) struct Replaying {
    heads: std::vec::IntoIter<Entry>,
    packed: Vec<u8>,
    blocks: Vec<Block>,
    cursor: Cursor,
}

impl Iterator for Replaying {
    type Item = Entry;

    fn next(&mut self) -> Option<Entry> {
        let mut head = self.heads.next()?;
        let lists = self.cursor.next(&self.packed, &self.blocks, &head);
        head.put_lists(lists);
        Some(head)
    }
}

/// Where the next entry's lists start in each block.
struct Cursor {
    at: Vec<usize>,
}

impl Cursor {
    /// At the start of each block.
    fn new(blocks: &[Block]) -> Self {
        let starts = std::iter::once(0).chain(blocks.iter().map(|b| b.end));
        Cursor {
            at: starts.take(blocks.len()).collect(),
        }
    }

    /// The lists of `head`'s entry, the next in every block, concatenated in block order.
    fn next(&mut self, packed: &[u8], blocks: &[Block], head: &Entry) -> Lists {
        let mut lists = Lists::default();
        for (block, at) in blocks.iter().zip(&mut self.at) {
            let read = |list: &mut Vec<f64>, n: u64, at: &mut usize| {
                list.extend((0..n).map(|_| read_f64(packed, at)));
            };
            match head {
                Entry::Samples(_) => read(&mut lists.first, block.replications, at),
                Entry::Delay { .. } | Entry::Unpooled { .. } => {
                    let x = read_leb128(packed, at);
                    let n = x >> 1;
                    let m = if x & 1 == 1 {
                        read_leb128(packed, at)
                    } else {
                        n
                    };
                    read(&mut lists.first, n, at);
                    read(&mut lists.second, m, at);
                }
                Entry::Total(_) | Entry::Largest(_) | Entry::Pooled(_) | Entry::Moments(_) => {}
            }
        }
        lists
    }
}

/// 2^53: every whole number below it is an `f64` exactly.
const WHOLE: f64 = 9_007_199_254_740_992.0;

/// Appends `v`: a whole number `n` in [0, 2^53) (not −0) as `2n`, anything else as 1 and
/// its bits, so each value has one packing and reads back bit for bit.
fn write_f64(out: &mut Vec<u8>, v: f64) {
    if v.is_sign_positive() && v < WHOLE && v.fract() == 0.0 {
        write_leb128(out, (v as u64) << 1);
    } else {
        out.push(1);
        out.extend_from_slice(&v.to_bits().to_le_bytes());
    }
}

/// Reads a value [`write_f64`] wrote at `*at`, and moves past it.
fn read_f64(bytes: &[u8], at: &mut usize) -> f64 {
    let x = read_leb128(bytes, at);
    if x & 1 == 0 {
        return (x >> 1) as f64;
    }
    let mut bits = [0; 8];
    bits.copy_from_slice(&bytes[*at..*at + 8]);
    *at += 8;
    f64::from_bits(u64::from_le_bytes(bits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_reads_back_bit_for_bit_in_as_few_bytes_as_its_kind() {
        let values = [
            0.0,
            -0.0,
            1.0,
            63.0,
            64.0,
            8191.0,
            8192.0,
            WHOLE - 1.0,
            WHOLE,
            0.5,
            -3.0,
            1.0e-300,
            f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            f64::from_bits(0x7ff8_0000_dead_beef),
        ];
        let sizes = [1, 9, 1, 1, 2, 2, 3, 8, 9, 9, 9, 9, 9, 9, 9, 9, 9];
        for (&v, size) in values.iter().zip(sizes) {
            let mut out = Vec::new();
            write_f64(&mut out, v);
            assert_eq!(out.len(), size, "{v:e}");
            let mut at = 0;
            assert_eq!(read_f64(&out, &mut at).to_bits(), v.to_bits(), "{v:e}");
            assert_eq!(at, size);
        }
    }

    /// Per entry triple: samples, means (95th percentiles twice those), count; as many
    /// replications as the samples.
    fn entries(lists: &[(Vec<f64>, Vec<f64>, u64)]) -> Entries {
        let replications = lists[0].0.len() as u64;
        let entries = lists
            .iter()
            .flat_map(|(samples, means, count)| {
                let p95s: Vec<f64> = means.iter().map(|m| m * 2.0).collect();
                [
                    Entry::Samples(samples.clone()),
                    Entry::Unpooled {
                        count: *count,
                        means: means.clone(),
                        p95s,
                    },
                    Entry::Total(*count),
                ]
            })
            .collect();
        Entries::new(entries, replications)
    }

    #[test]
    fn merged_blocks_replay_the_concatenated_lists_and_equal_one_block_of_them() {
        let mut a = entries(&[(vec![1.5, 2.0], vec![], 0), (vec![0.1, 7.0], vec![3.25], 4)]);
        let b = entries(&[(vec![-1.0], vec![9.0], 2), (vec![1e9], vec![], 0)]);
        a.absorb(b).expect("same kinds");
        let whole = entries(&[
            (vec![1.5, 2.0, -1.0], vec![9.0], 2),
            (vec![0.1, 7.0, 1e9], vec![3.25], 4),
        ]);
        assert_eq!(a, whole);
        let replayed: Vec<Entry> = a.into_replay().collect();
        let expected: Vec<Entry> = whole.into_replay().collect();
        assert_eq!(replayed, expected);
        assert_eq!(
            replayed[4],
            Entry::Unpooled {
                count: 4,
                means: vec![3.25],
                p95s: vec![6.5]
            }
        );
        assert_eq!(replayed[3], Entry::Samples(vec![0.1, 7.0, 1e9]));
    }

    #[test]
    fn a_delay_with_fewer_percentiles_than_means_reads_back_as_it_was() {
        let entries = vec![
            Entry::Unpooled {
                count: 3,
                means: vec![1.0, 2.5, 3.0],
                p95s: vec![7.0],
            },
            Entry::Samples(vec![0.25, -0.0, 4.0]),
        ];
        let replayed: Vec<Entry> = Entries::new(entries.clone(), 3).into_replay().collect();
        assert_eq!(replayed, entries);
    }
}
