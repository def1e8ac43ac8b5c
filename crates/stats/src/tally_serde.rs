//! A [`Tally`] as data: its exact count, sum, minimum and maximum, and its bins as an
//! HdrHistogram in HdrHistogram's interchange format (V2 with DEFLATE, in base64), so that
//! a tally written by one process merges exactly into one read by another, and any
//! HdrHistogram tool can read the histogram.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hdrhistogram::serialization::{Deserializer, Serializer, V2DeflateSerializer};
use serde::{Deserialize, Serialize};

use crate::tally::{SIGNIFICANT_DIGITS, Tally, bin_of};

/// The fields of a tally as written.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TallyData {
    /// Observations.
    count: u64,
    /// Their exact sum, ms, in decimal (it may pass 2^64).
    sum_ms: String,
    /// The smallest observation, ms (absent without observations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    min_ms: Option<u64>,
    /// The largest observation, ms (absent without observations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_ms: Option<u64>,
    /// The bins: an HdrHistogram (1 ms, 3 significant digits), V2 + DEFLATE, base64.
    histogram: String,
}

impl Serialize for Tally {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut bytes = Vec::new();
        V2DeflateSerializer::new()
            .serialize(&self.histogram(), &mut bytes)
            .map_err(|e| serde::ser::Error::custom(format!("histogram: {e:?}")))?;
        TallyData {
            count: self.count(),
            sum_ms: self.sum_ms().to_string(),
            min_ms: self.min_ms(),
            max_ms: self.max_ms(),
            histogram: STANDARD.encode(bytes),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Tally {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let data = TallyData::deserialize(deserializer)?;
        from_data(data).map_err(serde::de::Error::custom)
    }
}

/// The tally `data` describes, checked: a histogram of this layout whose counts add up to
/// `count`, within `min_ms..=max_ms`, and a sum those bounds allow.
fn from_data(data: TallyData) -> Result<Tally, String> {
    let sum_ms: u128 = data
        .sum_ms
        .parse()
        .map_err(|_| format!("sum_ms `{}` is not a whole number", data.sum_ms))?;
    let bytes = STANDARD
        .decode(&data.histogram)
        .map_err(|e| format!("histogram is not base64: {e}"))?;
    let h: hdrhistogram::Histogram<u64> = Deserializer::new()
        .deserialize(&mut bytes.as_slice())
        .map_err(|e| format!("histogram is not a V2 HdrHistogram: {e:?}"))?;
    if h.low() != 1 || h.sigfig() != SIGNIFICANT_DIGITS {
        return Err(format!(
            "histogram has lowest value {} and {} significant digits, not 1 and {SIGNIFICANT_DIGITS}",
            h.low(),
            h.sigfig()
        ));
    }
    if h.len() != data.count {
        return Err(format!(
            "histogram holds {} observations, count says {}",
            h.len(),
            data.count
        ));
    }
    let mut t = Tally::new();
    match (data.count, data.min_ms, data.max_ms) {
        (0, None, None) if sum_ms == 0 => Ok(t),
        (1.., Some(min), Some(max))
            if min <= max
                && u128::from(min) * u128::from(data.count) <= sum_ms
                && sum_ms <= u128::from(max) * u128::from(data.count)
                && h.lowest_equivalent(h.min()) <= min
                && max <= h.highest_equivalent(h.max()) =>
        {
            // The counts straight from the payload HdrHistogram has just checked: its own
            // iterators visit every bin up to the largest, which costs more than everything
            // else a merge of many summaries does.
            for (bin, n) in v2_counts(&bytes)? {
                if bin > bin_of(max) {
                    return Err(format!(
                        "histogram counts values above the maximum {max} ms"
                    ));
                }
                t.add_to_bin(bin, n);
            }
            t.set_exact(data.count, sum_ms, min, max);
            Ok(t)
        }
        _ => Err(format!(
            "count {}, sum {sum_ms} ms, min {:?} ms and max {:?} ms do not describe one sample",
            data.count, data.min_ms, data.max_ms
        )),
    }
}

/// The non-zero counts of a V2 + DEFLATE histogram of this layout, by bin (its counts
/// index is the bin): after an 8-byte header, a zlib stream of a 40-byte V2 header and the
/// counts as ZigZag LEB128 (at most 9 bytes, the 9th holding 8 bits), a negative number
/// being a run of that many empty bins.
fn v2_counts(bytes: &[u8]) -> Result<Vec<(usize, u64)>, String> {
    use std::io::Read;
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(bytes.get(8..).unwrap_or_default())
        .read_to_end(&mut raw)
        .map_err(|e| format!("histogram does not inflate: {e}"))?;
    let payload = raw
        .get(40..)
        .ok_or("histogram is shorter than its header")?;
    let mut out = Vec::new();
    let mut bin = 0usize;
    let mut i = 0;
    while i < payload.len() {
        let mut v: u64 = 0;
        let mut k = 0;
        loop {
            let b = *payload.get(i).ok_or("histogram ends inside a count")?;
            i += 1;
            if k == 8 {
                v |= u64::from(b) << 56;
                break;
            }
            v |= u64::from(b & 0x7f) << (7 * k);
            k += 1;
            if b & 0x80 == 0 {
                break;
            }
        }
        let n = ((v >> 1) as i64) ^ -((v & 1) as i64);
        if n < 0 {
            bin = bin.saturating_add(n.unsigned_abs() as usize);
        } else {
            if n > 0 {
                out.push((bin, n as u64));
            }
            bin += 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(seed: u64, n: u64) -> Tally {
        let mut t = Tally::new();
        let mut x = seed | 1;
        for _ in 0..n {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            t.record((x >> (x % 40)) % (30 * 86_400_000));
        }
        t
    }

    #[test]
    fn a_written_tally_reads_back_equal_and_merges_exactly() {
        for t in [Tally::new(), sample(1, 1), sample(2, 10_000)] {
            let text = serde_json::to_string(&t).expect("writes");
            let back: Tally = serde_json::from_str(&text).expect("reads");
            assert_eq!(back, t);
            assert_eq!(back.percentiles(), t.percentiles());
            assert_eq!(back.mean_ms(), t.mean_ms());
        }
        let (a, b) = (sample(3, 5000), sample(4, 7000));
        let mut direct = a.clone();
        direct.merge(&b);
        let mut via_text: Tally =
            serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
        via_text.merge(&serde_json::from_str(&serde_json::to_string(&b).unwrap()).unwrap());
        assert_eq!(via_text, direct);
    }

    #[test]
    fn corrupt_tallies_are_refused() {
        let good = serde_json::to_value(sample(5, 100)).unwrap();
        let with = |field: &str, value: serde_json::Value| {
            let mut v = good.clone();
            v[field] = value;
            serde_json::from_value::<Tally>(v)
                .expect_err("refused")
                .to_string()
        };
        assert!(with("count", 101.into()).contains("holds 100 observations, count says 101"));
        assert!(with("sum_ms", "1".into()).contains("do not describe one sample"));
        assert!(with("sum_ms", "x".into()).contains("not a whole number"));
        assert!(with("histogram", "AAAA".into()).contains("not a V2 HdrHistogram"));
        assert!(with("histogram", "!".into()).contains("not base64"));
        let truncated = good["histogram"].as_str().unwrap();
        let truncated = &truncated[..truncated.len() / 2];
        assert!(
            serde_json::from_value::<Tally>({
                let mut v = good.clone();
                v["histogram"] = truncated.into();
                v
            })
            .is_err()
        );
        assert!(with("max_ms", 0.into()).contains("do not describe one sample"));
    }
}
