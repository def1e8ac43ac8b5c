//! A [`Tally`] as data: its exact count, sum, minimum and maximum, and its bins as an
//! HdrHistogram in HdrHistogram's interchange format (V2 with DEFLATE, in base64), so that
//! a tally written by one process merges exactly into one read by another, and any
//! HdrHistogram tool can read the histogram.

use std::cell::RefCell;
use std::io::{self, Read};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use hdrhistogram::serialization::{Serializer, V2Serializer};
use serde::{Deserialize, Serialize};

use crate::packed::{SparseTally, TallyHead};
use crate::tally::{SIGNIFICANT_DIGITS, Tally, bin_of, bin_width, lowest_value_of};

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
        let bytes = v2_deflate(self).map_err(serde::ser::Error::custom)?;
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

/// The V2 cookie (HdrHistogram's, for 8-byte counts), inside the DEFLATE stream.
const V2_COOKIE: u32 = 0x1c84_9303 | 0x10;
/// The V2 + DEFLATE cookie, before the DEFLATE stream.
const V2_COMPRESSED_COOKIE: u32 = 0x1c84_9304 | 0x10;
/// Bytes of the V2 header: cookie, payload length, normalizing offset, significant digits
/// (4 bytes each), lowest and highest trackable value, integer-to-double ratio (8 each).
const V2_HEADER_SIZE: usize = 40;
/// Sub-buckets per bucket of the layout (3 significant digits, unit 1 ms).
const SUB_BUCKETS: u64 = 2048;
/// The first bin of the bucket whose values reach 2^63 ms: the `hdrhistogram` crate sizes
/// such a histogram by a rule of its own, so such tallies go through the crate.
const BIN_OF_2_POW_63: usize = 54 << 10;

/// Why bytes are not a V2 HdrHistogram of the layout, named as the `hdrhistogram` crate
/// names it (its `DeserializeError`), so the messages stay those of reading with the crate.
#[derive(Debug)]
pub(crate) enum V2Error {
    IoError(io::Error),
    InvalidCookie,
    UnsupportedFeature,
    InvalidParameters,
    UsizeTypeTooSmall,
    EncodedArrayTooLong,
}

impl V2Error {
    /// What is wrong, in words (never the type's debug text: the message reaches users).
    pub(crate) fn words(&self) -> String {
        match self {
            V2Error::IoError(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                "it is cut short (truncated)".into()
            }
            V2Error::IoError(e) => format!("its compressed bins cannot be read ({e})"),
            V2Error::InvalidCookie => "its first bytes are not a V2 histogram's".into(),
            V2Error::UnsupportedFeature => {
                "it uses a feature of the V2 format that is not read here".into()
            }
            V2Error::InvalidParameters => "its header's range or precision is invalid".into(),
            V2Error::UsizeTypeTooSmall => "its bins are too many for this machine".into(),
            V2Error::EncodedArrayTooLong => "its bins run past its highest trackable value".into(),
        }
    }
}

impl From<io::Error> for V2Error {
    fn from(e: io::Error) -> Self {
        V2Error::IoError(e)
    }
}

/// The bins of `t` as HdrHistogram V2 + DEFLATE, byte for byte what the `hdrhistogram`
/// crate's `V2DeflateSerializer` writes for `t.histogram()` (a test checks it).
fn v2_deflate(t: &Tally) -> Result<Vec<u8>, String> {
    let mut raw = Vec::with_capacity(V2_HEADER_SIZE + 9 * 64);
    v2_raw(t, &mut raw)?;
    let mut out = Vec::with_capacity(8 + raw.len() / 2);
    out.extend_from_slice(&V2_COMPRESSED_COOKIE.to_be_bytes());
    out.extend_from_slice(&0u32.to_be_bytes()); // compressed length, set below
    deflate_into(&raw, &mut out).map_err(|e| format!("histogram: {e}"))?;
    let compressed = (out.len() - 8) as u32;
    out[4..8].copy_from_slice(&compressed.to_be_bytes());
    Ok(out)
}

/// Appends the bins of `t` as an uncompressed HdrHistogram V2 record (cookie, header,
/// payload) to `raw`, byte for byte what the `hdrhistogram` crate's `V2Serializer` writes
/// for `t.histogram()`, written straight from the bins: the histogram would allocate and
/// zero every bin up to the largest, and a merge of many summaries writes thousands.
pub(crate) fn v2_raw(t: &Tally, raw: &mut Vec<u8>) -> Result<(), String> {
    let last = t.bin_counts().last().map_or(0, |(bin, _)| bin);
    if last >= BIN_OF_2_POW_63 || t.bin_counts().any(|(_, n)| n > i64::MAX as u64) {
        V2Serializer::new()
            .serialize(&t.histogram(), raw)
            .map_err(|e| format!("histogram: {e}"))?;
        return Ok(());
    }
    // The crate's histogram starts at 2 ms highest trackable value with bins for 0..2048 ms
    // and grows, when a value does not fit, to the end of that value's bucket.
    let highest = if last < SUB_BUCKETS as usize {
        2
    } else {
        u64::MAX >> (64 - ((last >> 10) + 10))
    };
    let start = raw.len();
    raw.extend_from_slice(&V2_COOKIE.to_be_bytes());
    raw.extend_from_slice(&0u32.to_be_bytes()); // payload length, set below
    raw.extend_from_slice(&0u32.to_be_bytes()); // normalizing offset
    raw.extend_from_slice(&u32::from(SIGNIFICANT_DIGITS).to_be_bytes());
    raw.extend_from_slice(&1u64.to_be_bytes()); // lowest discernible value, ms
    raw.extend_from_slice(&highest.to_be_bytes());
    raw.extend_from_slice(&1.0f64.to_be_bytes());
    // Counts of bins 0..=last; a run of k > 1 empty bins is -k, a lone empty bin 0.
    let mut next = 0usize;
    for (bin, n) in t.bin_counts() {
        match bin - next {
            0 => {}
            1 => write_varint(raw, 0),
            gap => write_varint(raw, zig_zag(-(gap as i64))),
        }
        write_varint(raw, zig_zag(n as i64));
        next = bin + 1;
    }
    if next == 0 {
        write_varint(raw, 0);
    }
    let payload = (raw.len() - start - V2_HEADER_SIZE) as u32;
    raw[start + 4..start + 8].copy_from_slice(&payload.to_be_bytes());
    Ok(())
}

thread_local! {
    /// One zlib compressor and one decompressor per thread, reset for each histogram: a new
    /// one allocates and zeroes tens of kilobytes of state, which cost more than the
    /// histogram itself when a merge reads thousands of them.
    static ZLIB: RefCell<(Compress, Decompress, Vec<u8>)> = RefCell::new((
        Compress::new(Compression::default(), true),
        Decompress::new(true),
        Vec::new(),
    ));
}

/// Appends `raw` compressed as a zlib stream (default level) to `out`: the bytes
/// `flate2::write::ZlibEncoder` writes (data flushed with `None`, then `Finish`, as it does).
pub(crate) fn deflate_into(raw: &[u8], out: &mut Vec<u8>) -> io::Result<()> {
    ZLIB.with_borrow_mut(|(z, ..)| {
        z.reset();
        let start = z.total_in();
        let grow = |out: &mut Vec<u8>| {
            if out.capacity() - out.len() < 256 {
                out.reserve(out.capacity().max(256));
            }
        };
        while ((z.total_in() - start) as usize) < raw.len() {
            grow(out);
            let at = (z.total_in() - start) as usize;
            z.compress_vec(&raw[at..], out, FlushCompress::None)
                .map_err(io::Error::other)?;
        }
        loop {
            grow(out);
            let before = out.len();
            match z
                .compress_vec(&[], out, FlushCompress::Finish)
                .map_err(io::Error::other)?
            {
                Status::StreamEnd => return Ok(()),
                _ if out.len() == before && out.capacity() > out.len() => {
                    return Err(io::Error::other("the compressor made no progress"));
                }
                _ => {}
            }
        }
    })
}

/// Calls `then` with the zlib stream `input` inflated, through this thread's decompressor
/// and buffer. A stream that does not end cleanly is read again through
/// `flate2::read::ZlibDecoder`, so that its error is the one the `hdrhistogram` crate gives.
pub(crate) fn with_inflated<T>(
    input: &[u8],
    then: impl FnOnce(&[u8]) -> Result<T, Decoded>,
) -> Result<T, Decoded> {
    ZLIB.with_borrow_mut(|(_, d, out)| {
        if !inflate_into(input, d, out) {
            out.clear();
            flate2::read::ZlibDecoder::new(input).read_to_end(out)?;
        }
        let result = then(out);
        // A large histogram leaves no large buffer behind on the thread.
        if out.capacity() > 1 << 20 {
            *out = Vec::new();
        }
        result
    })
}

/// Inflates `input` into `out` (cleared first); `false` unless the stream ends cleanly.
fn inflate_into(input: &[u8], d: &mut Decompress, out: &mut Vec<u8>) -> bool {
    d.reset(true);
    out.clear();
    loop {
        if out.capacity() - out.len() < 1024 {
            out.reserve(out.capacity().max(4096));
        }
        let at = d.total_in() as usize;
        let before = out.len();
        match d.decompress_vec(&input[at.min(input.len())..], out, FlushDecompress::Finish) {
            Ok(Status::StreamEnd) => return true,
            Ok(_) if d.total_in() as usize == at && out.len() == before => return false,
            Ok(_) => {}
            Err(_) => return false,
        }
    }
}

/// ZigZag: small magnitudes of either sign as small unsigned numbers.
fn zig_zag(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

/// HdrHistogram's LEB128: 7 bits a byte, low first, the 9th byte holding the top 8 bits.
fn write_varint(out: &mut Vec<u8>, v: u64) {
    for k in 0..8 {
        let rest = v >> (7 * k);
        if rest >> 7 == 0 {
            out.push(rest as u8);
            return;
        }
        out.push(rest as u8 | 0x80);
    }
    out.push((v >> 56) as u8);
}

/// The tally `data` describes, checked (see [`checked`]).
fn from_data(data: TallyData) -> Result<Tally, String> {
    let bytes = STANDARD
        .decode(&data.histogram)
        .map_err(|e| format!("histogram is not base64: {e}"))?;
    let (counts, total) = v2_counts(&bytes)?;
    let head = TallyHead {
        count: data.count,
        sum_ms: data.sum_ms,
        min_ms: data.min_ms,
        max_ms: data.max_ms,
    };
    Ok(checked(head, counts, total)?.to_tally())
}

/// The tally `head` and the non-empty bins `counts` (holding `total` observations)
/// describe, checked: bins of this layout whose counts add up to the head's count, within
/// its `min_ms..=max_ms`, and a sum those bounds allow.
pub(crate) fn checked(
    head: TallyHead,
    counts: Vec<(usize, u64)>,
    total: u64,
) -> Result<SparseTally, String> {
    let sum_ms: u128 = head
        .sum_ms
        .parse()
        .map_err(|_| format!("sum_ms `{}` is not a whole number", head.sum_ms))?;
    if total != head.count {
        return Err(format!(
            "histogram holds {total} observations, count says {}",
            head.count
        ));
    }
    let (first, last) = match (counts.first(), counts.last()) {
        (Some(&(first, _)), Some(&(last, _))) => (first, last),
        _ => (0, 0),
    };
    match (head.count, head.min_ms, head.max_ms) {
        (0, None, None) if sum_ms == 0 => Ok(SparseTally::empty()),
        (1.., Some(min), Some(max))
            if min <= max
                && u128::from(min) * u128::from(head.count) <= sum_ms
                && sum_ms <= u128::from(max) * u128::from(head.count)
                && lowest_value_of(first) <= min
                && max <= lowest_value_of(last) + (bin_width(last) - 1) =>
        {
            if last > bin_of(max) {
                return Err(format!(
                    "histogram counts values above the maximum {max} ms"
                ));
            }
            Ok(SparseTally::new(head.count, sum_ms, min, max, counts))
        }
        _ => Err(format!(
            "count {}, sum {sum_ms} ms, min {:?} ms and max {:?} ms do not describe one sample",
            head.count, head.min_ms, head.max_ms
        )),
    }
}

/// The non-zero counts by bin of an HdrHistogram V2 (+ DEFLATE) of this layout, and their
/// total, checked as the `hdrhistogram` crate's `Deserializer` checks them, in one pass
/// over the payload: building the crate's histogram would allocate and zero every bin up to
/// the largest (about 450 KB), the larger part of a merge's work.
fn v2_counts(bytes: &[u8]) -> Result<(Vec<(usize, u64)>, u64), String> {
    decode_v2(bytes).map_err(Decoded::message)
}

/// How bytes fail to decode.
pub(crate) enum Decoded {
    /// Not a V2 HdrHistogram.
    Invalid(V2Error),
    /// A V2 HdrHistogram of another layout.
    Foreign(String),
}

impl Decoded {
    /// What is wrong, in words.
    pub(crate) fn message(self) -> String {
        match self {
            Decoded::Foreign(message) => message,
            Decoded::Invalid(e) => format!("histogram is not a V2 HdrHistogram: {}", e.words()),
        }
    }
}

impl<E: Into<V2Error>> From<E> for Decoded {
    fn from(e: E) -> Self {
        Decoded::Invalid(e.into())
    }
}

fn read_u32(r: &mut &[u8]) -> io::Result<u32> {
    let mut b = [0; 4];
    r.read_exact(&mut b)?;
    Ok(u32::from_be_bytes(b))
}

fn read_u64(r: &mut &[u8]) -> io::Result<u64> {
    let mut b = [0; 8];
    r.read_exact(&mut b)?;
    Ok(u64::from_be_bytes(b))
}

fn decode_v2(bytes: &[u8]) -> Result<(Vec<(usize, u64)>, u64), Decoded> {
    let mut r = bytes;
    match read_u32(&mut r)? {
        V2_COOKIE => decode_raw(r).map(|(counts, total, _)| (counts, total)),
        V2_COMPRESSED_COOKIE => {
            let len = read_u32(&mut r)? as usize;
            with_inflated(&r[..len.min(r.len())], |inflated| {
                decode_record(inflated).map(|(counts, total, _)| (counts, total))
            })
        }
        _ => Err(V2Error::InvalidCookie.into()),
    }
}

/// The non-zero counts by bin, their total and the bytes after it, of the uncompressed V2
/// record (cookie first) that `raw` starts with.
pub(crate) fn decode_record(mut raw: &[u8]) -> Result<Record<'_>, Decoded> {
    if read_u32(&mut raw)? != V2_COOKIE {
        return Err(V2Error::InvalidCookie.into());
    }
    decode_raw(raw)
}

/// A V2 record decoded: its non-zero counts by bin, their total, and the bytes after it.
pub(crate) type Record<'a> = (Vec<(usize, u64)>, u64, &'a [u8]);

/// Decodes an uncompressed V2 histogram, after its cookie.
fn decode_raw(mut raw: &[u8]) -> Result<Record<'_>, Decoded> {
    let payload_len = read_u32(&mut raw)? as usize;
    if read_u32(&mut raw)? != 0 {
        return Err(V2Error::UnsupportedFeature.into());
    }
    let digits = u8::try_from(read_u32(&mut raw)?).map_err(|_| V2Error::InvalidParameters)?;
    let low = read_u64(&mut raw)?;
    let high = read_u64(&mut raw)?;
    if f64::from_bits(read_u64(&mut raw)?) != 1.0 {
        return Err(V2Error::UnsupportedFeature.into());
    }
    // `Histogram::new_with_bounds`'s checks.
    let sub_bucket_magnitude = (2.0 * 10f64.powi(i32::from(digits))).log2().ceil() as u32;
    if !(1..=u64::MAX / 2).contains(&low)
        || high < 2 * low
        || digits > 5
        || (low as f64).log2().floor() as u32 + sub_bucket_magnitude > 63
    {
        return Err(V2Error::InvalidParameters.into());
    }
    if low != 1 || digits != SIGNIFICANT_DIGITS {
        return Err(Decoded::Foreign(format!(
            "histogram has lowest value {low} and {digits} significant digits, not 1 and {SIGNIFICANT_DIGITS}"
        )));
    }
    // The bins a histogram up to `high` has: half a bucket, then half a bucket per bucket.
    let mut buckets = 1usize;
    let mut untrackable = SUB_BUCKETS;
    while untrackable <= high {
        if untrackable > u64::MAX / 2 {
            buckets += 1;
            break;
        }
        untrackable <<= 1;
        buckets += 1;
    }
    let bins = (buckets + 1) * (SUB_BUCKETS as usize / 2);
    let payload = raw.get(..payload_len).ok_or_else(eof)?;
    let mut out = Vec::new();
    let mut total = 0u64;
    let mut bin = 0usize;
    let mut i = 0;
    while i < payload.len() {
        let mut v: u64 = 0;
        for k in 0..9 {
            let Some(&b) = payload.get(i) else {
                return Err(V2Error::IoError(eof()).into());
            };
            i += 1;
            if k == 8 {
                v |= u64::from(b) << 56;
                break;
            }
            v |= u64::from(b & 0x7f) << (7 * k);
            if b & 0x80 == 0 {
                break;
            }
        }
        let n = ((v >> 1) as i64) ^ -((v & 1) as i64);
        let step = if n < 0 {
            usize::try_from(n.unsigned_abs()).map_err(|_| V2Error::UsizeTypeTooSmall)?
        } else {
            if n > 0 {
                if bin >= bins {
                    return Err(V2Error::EncodedArrayTooLong.into());
                }
                out.push((bin, n as u64));
                total = total.saturating_add(n as u64);
            }
            1
        };
        bin = bin.checked_add(step).ok_or(V2Error::UsizeTypeTooSmall)?;
    }
    Ok((out, total, &raw[payload_len..]))
}

/// The error reading a byte past the end of a slice gives.
fn eof() -> io::Error {
    let mut none: &[u8] = &[];
    none.read_exact(&mut [0]).unwrap_err()
}

#[cfg(test)]
pub(crate) mod tests {
    use std::io::Write;

    use hdrhistogram::serialization::V2DeflateSerializer;

    use super::*;

    pub(crate) fn sample(seed: u64, n: u64) -> Tally {
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

    /// Tallies whose largest bins fall at every kind of place of the layout: none, only
    /// zero, the exact bins, each bucket's first and last bin, hours, days, 2^62 ms and
    /// beyond, and counts past 2^32 in a bin.
    pub(crate) fn layouts() -> Vec<Tally> {
        let mut out = vec![Tally::new(), sample(1, 1), sample(2, 10_000), sample(6, 3)];
        for top in [
            0, 1, 2, 1023, 2047, 2048, 2049, 4095, 4096, 8191, 86_400_000,
        ] {
            let mut t = Tally::new();
            t.record(top);
            out.push(t.clone());
            t.record(0);
            t.record(top / 2);
            out.push(t);
        }
        for k in [12, 20, 40, 61, 62, 63] {
            let mut t = Tally::new();
            t.record(1u64 << k);
            t.record((1u64 << k) - 1);
            t.record(5);
            out.push(t);
        }
        let mut many = Tally::new();
        many.add_to_bin(3, 5 << 32);
        many.add_to_bin(5000, 7);
        let sum = (15 << 32) + 7 * u128::from(lowest_value_of(5000));
        many.set_exact((5 << 32) + 7, sum, 3, lowest_value_of(5000));
        out.push(many);
        out
    }

    #[test]
    fn bytes_written_are_the_hdrhistogram_crates_and_read_back() {
        for t in layouts() {
            let ours = v2_deflate(&t).expect("writes");
            let mut theirs = Vec::new();
            V2DeflateSerializer::new()
                .serialize(&t.histogram(), &mut theirs)
                .unwrap();
            assert_eq!(ours, theirs, "{t:?}");
            // The crate reads what we write, with the same counts.
            let h: hdrhistogram::Histogram<u64> = hdrhistogram::serialization::Deserializer::new()
                .deserialize(&mut ours.as_slice())
                .expect("the crate reads it");
            assert_eq!(h.len(), t.count());
            let crates: Vec<(u64, u64)> = h
                .iter_recorded()
                .map(|v| (v.value_iterated_to(), v.count_at_value()))
                .collect();
            let mine: Vec<(u64, u64)> = t
                .bin_counts()
                .map(|(bin, n)| (lowest_value_of(bin) + bin_width(bin) - 1, n))
                .collect();
            assert_eq!(crates, mine);
            // We read what the crate writes, as uncompressed V2 too.
            let (counts, total) = v2_counts(&theirs).expect("reads");
            assert_eq!(total, t.count());
            assert_eq!(counts, t.bin_counts().collect::<Vec<_>>());
            let mut plain = Vec::new();
            hdrhistogram::serialization::V2Serializer::new()
                .serialize(&t.histogram(), &mut plain)
                .unwrap();
            assert_eq!(v2_counts(&plain).expect("reads"), (counts, total));
        }
    }

    /// `bytes` with the V2 header inside the DEFLATE stream changed by `edit`.
    fn rewritten(bytes: &[u8], edit: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
        let mut raw = Vec::new();
        flate2::read::ZlibDecoder::new(&bytes[8..])
            .read_to_end(&mut raw)
            .unwrap();
        edit(&mut raw);
        let mut z =
            flate2::write::ZlibEncoder::new(bytes[..8].to_vec(), flate2::Compression::default());
        z.write_all(&raw).unwrap();
        let mut out = z.finish().unwrap();
        let len = (out.len() - 8) as u32;
        out[4..8].copy_from_slice(&len.to_be_bytes());
        out
    }

    /// The crate's reason as ours, to word both alike.
    fn ours(e: hdrhistogram::serialization::DeserializeError) -> V2Error {
        use hdrhistogram::serialization::DeserializeError as E;
        match e {
            E::IoError(e) => V2Error::IoError(e),
            E::InvalidCookie => V2Error::InvalidCookie,
            E::UnsupportedFeature | E::UnsuitableCounterType => V2Error::UnsupportedFeature,
            E::InvalidParameters => V2Error::InvalidParameters,
            E::UsizeTypeTooSmall => V2Error::UsizeTypeTooSmall,
            E::EncodedArrayTooLong => V2Error::EncodedArrayTooLong,
        }
    }

    #[test]
    fn foreign_and_corrupt_histograms_are_refused_as_the_crate_refuses_them() {
        let t = sample(7, 1000);
        let good = v2_deflate(&t).unwrap();
        let crate_says = |bytes: &[u8]| {
            hdrhistogram::serialization::Deserializer::new()
                .deserialize::<u64, _>(&mut &bytes[..])
                .map(|_| ())
                .map_err(|e| format!("histogram is not a V2 HdrHistogram: {}", ours(e).words()))
        };
        let set = |at: usize, value: &[u8]| {
            rewritten(&good, |raw| {
                raw[at..at + value.len()].copy_from_slice(value)
            })
        };
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (b"nope".to_vec(), "not a V2 histogram's"),
            (good[..3].to_vec(), "truncated"),
            (good[..good.len() / 2].to_vec(), "truncated"),
            (set(0, &7u32.to_be_bytes()), "not a V2 histogram's"),
            (set(8, &1u32.to_be_bytes()), "feature of the V2 format"),
            (set(12, &6u32.to_be_bytes()), "range or precision"),
            (set(12, &256u32.to_be_bytes()), "range or precision"),
            (set(16, &0u64.to_be_bytes()), "range or precision"),
            (set(24, &1u64.to_be_bytes()), "range or precision"),
            (set(32, &2.0f64.to_be_bytes()), "feature of the V2 format"),
            (set(4, &100_000u32.to_be_bytes()), "truncated"),
            (set(24, &2u64.to_be_bytes()), "past its highest"),
            (
                rewritten(&good, |raw| raw.truncate(raw.len() - 1)),
                "truncated",
            ),
            (
                set(12, &2u32.to_be_bytes()),
                "2 significant digits, not 1 and 3",
            ),
            (
                set(16, &2u64.to_be_bytes()),
                "lowest value 2 and 3 significant digits",
            ),
        ];
        for (bytes, expected) in cases {
            let ours = v2_counts(&bytes).expect_err("refused");
            assert!(ours.contains(expected), "{ours} lacks {expected}");
            if ours.contains("not a V2") {
                assert_eq!(Err(ours), crate_says(&bytes));
            }
        }
        // A payload length of 4 GB: refused without reading (the crate allocates it).
        let huge = v2_counts(&set(4, &u32::MAX.to_be_bytes())).expect_err("refused");
        assert!(huge.contains("truncated"), "{huge}");
        // A histogram past its highest trackable value, in the last varint: the crate
        // refuses what the header does not cover.
        assert!(crate_says(&set(24, &2u64.to_be_bytes())).is_err());
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
