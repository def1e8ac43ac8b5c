//! A [`Summary`] as written and read back (its data format in `docs/sweeps.md`).

use bordersim_model::CellShape;
use bordersim_stats::{Tally, TallyHead};
use serde::{Deserialize, Serialize};

use super::moments::{MomentRows, MomentsData};
use super::values::Entries;
use super::{Bins, Entry, Summary};

/// The version of the summary format written; others are refused. Format 2 kept the
/// hourly rows by lane group as unpooled delays (format 1 pooled them at full resolution);
/// format 3 writes every pooled histogram's bins in one compressed stream (`histograms`)
/// and each one's count, sum, minimum and maximum in its entry (format 2 compressed each
/// histogram on its own); format 4 keeps a series (a statistic over time bins) as one
/// entry of exact integer moments per bin (`moments`) where format 3 had one list of
/// samples per bin.
const FORMAT: u32 = 4;

/// A [`Summary`] as written. `format` comes first, so that a summary of another format is
/// refused by its format, before anything else in it is read.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SummaryData {
    #[serde(deserialize_with = "this_format")]
    format: u32,
    first_replication: u64,
    replications: u64,
    classes: usize,
    programmes: usize,
    directions: usize,
    lane_groups: Vec<usize>,
    window_ms: [u64; 2],
    entries: Vec<EntryData>,
    /// The bins of every pooled histogram, in the entries' order, as `bordersim_stats::pack`
    /// writes them.
    histograms: String,
}

/// The format, refused unless it is [`FORMAT`].
fn this_format<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let format = u32::deserialize(d)?;
    if format == FORMAT {
        return Ok(format);
    }
    let by = if format < FORMAT {
        "an older"
    } else {
        "a newer"
    };
    Err(serde::de::Error::custom(format!(
        "summary format {format} was written by {by} version of bordersim; this one reads \
         format {FORMAT} only: run the units again with this version (a shard reruns the \
         units it cannot read)"
    )))
}

/// An [`Entry`] as written; `f64` values as their bits, a histogram as its head (its bins
/// are in [`SummaryData::histograms`]).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum EntryData {
    Samples(Vec<u64>),
    Delay {
        pooled: TallyHead,
        means: Vec<u64>,
        p95s: Vec<u64>,
    },
    Unpooled {
        count: u64,
        means: Vec<u64>,
        p95s: Vec<u64>,
    },
    Total(u64),
    Largest(u64),
    Pooled(TallyHead),
    Moments(MomentsData),
}

fn to_bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn from_bits(v: Vec<u64>) -> Vec<f64> {
    v.into_iter().map(f64::from_bits).collect()
}

impl Serialize for Summary {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.data()
            .map_err(serde::ser::Error::custom)?
            .serialize(serializer)
    }
}

impl Summary {
    /// The summary as written.
    fn data(&self) -> Result<SummaryData, String> {
        let tallies: Vec<std::borrow::Cow<'_, Tally>> = self
            .entries
            .heads()
            .iter()
            .filter_map(|e| match e {
                Entry::Delay { pooled, .. } | Entry::Pooled(pooled) => Some(pooled.tally()),
                _ => None,
            })
            .collect();
        let (heads, histograms) = bordersim_stats::pack(tallies.iter().map(|t| &**t))?;
        let mut heads = heads.into_iter();
        let mut head = || heads.next().expect("one head per pooled histogram");
        let entries = self
            .entries
            .lists()
            .map(|(e, lists)| match e {
                Entry::Samples(_) => EntryData::Samples(to_bits(&lists.first)),
                Entry::Delay { .. } => EntryData::Delay {
                    pooled: head(),
                    means: to_bits(&lists.first),
                    p95s: to_bits(&lists.second),
                },
                Entry::Unpooled { count, .. } => EntryData::Unpooled {
                    count: *count,
                    means: to_bits(&lists.first),
                    p95s: to_bits(&lists.second),
                },
                Entry::Total(v) => EntryData::Total(*v),
                Entry::Largest(v) => EntryData::Largest(*v),
                Entry::Pooled(_) => EntryData::Pooled(head()),
                Entry::Moments(m) => EntryData::Moments(m.data()),
            })
            .collect();
        Ok(SummaryData {
            format: FORMAT,
            first_replication: self.first,
            replications: self.replications,
            classes: self.shape.classes,
            programmes: self.shape.programmes,
            directions: self.shape.directions,
            lane_groups: self.lane_groups.clone(),
            window_ms: [self.window_ms.0, self.window_ms.1],
            entries,
            histograms,
        })
    }
}

impl TryFrom<SummaryData> for Summary {
    type Error = String;

    /// Checks what a summary read back must satisfy: at least one
    /// replication, one value per replication in every list of samples, at most one mean
    /// and 95th percentile per replication in a delay (and as many of each), and one
    /// well-formed histogram per pooled entry, and moments of every replication that whole
    /// numbers could give, one sum per bin in each of their lists.
    fn try_from(mut d: SummaryData) -> Result<Self, String> {
        // The format was checked as it was read (`this_format`).
        if d.replications == 0 {
            return Err("a summary holds at least one replication".into());
        }
        if d.first_replication.checked_add(d.replications).is_none() {
            return Err("the replications run past the largest replication number".into());
        }
        let heads: Vec<TallyHead> = d
            .entries
            .iter_mut()
            .filter_map(|e| match e {
                EntryData::Delay { pooled, .. } | EntryData::Pooled(pooled) => {
                    Some(std::mem::take(pooled))
                }
                _ => None,
            })
            .collect();
        let mut tallies = bordersim_stats::unpack(heads, &d.histograms)?
            .into_iter()
            .map(Bins::Read);
        let mut bins = || tallies.next().expect("one tally per head");
        let n = d.replications as usize;
        let entries =
            d.entries
                .into_iter()
                .enumerate()
                .map(|(i, e)| match e {
                    EntryData::Samples(v) if v.len() == n => Ok(Entry::Samples(from_bits(v))),
                    EntryData::Samples(v) => Err(format!(
                        "aggregate #{i} has {} values for {n} replications",
                        v.len()
                    )),
                    EntryData::Delay { means, p95s, .. }
                        if means.len() == p95s.len() && means.len() <= n =>
                    {
                        Ok(Entry::Delay {
                            pooled: bins(),
                            means: from_bits(means),
                            p95s: from_bits(p95s),
                        })
                    }
                    EntryData::Unpooled { count, means, p95s }
                        if means.len() == p95s.len() && means.len() <= n =>
                    {
                        Ok(Entry::Unpooled {
                            count,
                            means: from_bits(means),
                            p95s: from_bits(p95s),
                        })
                    }
                    EntryData::Delay { means, p95s, .. }
                    | EntryData::Unpooled { means, p95s, .. } => Err(format!(
                        "aggregate #{i} has {} means and {} 95th percentiles for {n} replications",
                        means.len(),
                        p95s.len()
                    )),
                    EntryData::Total(v) => Ok(Entry::Total(v)),
                    EntryData::Largest(v) => Ok(Entry::Largest(v)),
                    EntryData::Pooled(_) => Ok(Entry::Pooled(bins())),
                    EntryData::Moments(m) => MomentRows::from_data(m, d.replications)
                        .map(Entry::Moments)
                        .map_err(|e| format!("aggregate #{i}: {e}")),
                })
                .collect::<Result<Vec<_>, String>>()?;
        let entries = Entries::new(entries, d.replications);
        Ok(Summary {
            first: d.first_replication,
            replications: d.replications,
            shape: CellShape {
                classes: d.classes,
                programmes: d.programmes,
                directions: d.directions,
            },
            lane_groups: d.lane_groups,
            window_ms: (d.window_ms[0], d.window_ms[1]),
            entries,
        })
    }
}
