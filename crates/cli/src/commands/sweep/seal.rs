//! A unit file's checksum: its JSON wrapped as `{"checksum":"<16 hex digits>","body":…}`,
//! the checksum a hash of the body's bytes, so that a unit file changed or damaged after it
//! was written (a value edited to `NaN`, a flipped bit, a hand-made file) is refused as
//! corrupt instead of merged. The hash is a fingerprint against accidents, not a defence
//! against tampering.

/// What a sealed file starts with, before the checksum's 16 hex digits.
const HEAD: &[u8] = b"{\"checksum\":\"";

/// What follows the checksum, before the body.
const MID: &[u8] = b"\",\"body\":";

/// `body` (a JSON value) sealed with its checksum.
pub(super) fn seal(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + HEAD.len() + 16 + MID.len() + 1);
    out.extend_from_slice(HEAD);
    out.extend_from_slice(format!("{:016x}", checksum(body)).as_bytes());
    out.extend_from_slice(MID);
    out.extend_from_slice(body);
    out.push(b'}');
    out
}

/// The body of a sealed file, once its checksum matches.
///
/// # Errors
///
/// Why the bytes are no sealed body: not of that shape (truncated, or not written by
/// [`seal`]), or a checksum that does not match the body (the file was changed).
pub(super) fn unseal(bytes: &[u8]) -> Result<&[u8], String> {
    let start = HEAD.len() + 16 + MID.len();
    let shaped = bytes.len() > start
        && bytes.starts_with(HEAD)
        && bytes[HEAD.len() + 16..].starts_with(MID)
        && bytes.last() == Some(&b'}');
    if !shaped {
        return Err("not a sealed unit file (truncated, or not written by bordersim)".into());
    }
    let body = &bytes[start..bytes.len() - 1];
    // Compared as written (lower-case hex), so no byte of the file goes unchecked.
    if bytes[HEAD.len()..HEAD.len() + 16] != *format!("{:016x}", checksum(body)).as_bytes() {
        return Err(
            "its contents do not match its checksum: the file was changed or damaged after \
             it was written (delete it and run its shard again)"
                .into(),
        );
    }
    Ok(body)
}

/// A 64-bit hash of `bytes`, eight at a time (FNV-1a's prime on words, then a final mix),
/// stable across versions and machines; fast enough that a merge's cost is the parsing.
fn checksum(bytes: &[u8]) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let word = u64::from_le_bytes(w.try_into().expect("eight bytes"));
        h = (h ^ word).wrapping_mul(PRIME).rotate_left(29);
    }
    for &b in words.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(PRIME);
    }
    // A final mix so that every input bit reaches every output bit.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_body_reads_back_and_any_change_is_refused() {
        let body = br#"{"a":[1,2,3],"b":"x"}"#;
        let sealed = seal(body);
        assert_eq!(unseal(&sealed), Ok(&body[..]));
        // Every single-bit change of the body or the checksum is caught.
        for i in 0..sealed.len() {
            for bit in 0..8 {
                let mut changed = sealed.clone();
                changed[i] ^= 1 << bit;
                assert!(unseal(&changed).is_err(), "byte {i} bit {bit}");
            }
        }
        assert!(unseal(&sealed[..sealed.len() - 1]).is_err());
        assert!(unseal(body).is_err());
    }
}
