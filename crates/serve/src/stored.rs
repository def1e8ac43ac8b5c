//! A finished job's result as the server keeps it: each format rendered once, when the job
//! ends, and deflate-compressed, so that a kept job costs a few tens of kilobytes rather
//! than its whole report tree (which the simulation frees at once). The same bytes answer
//! every request for the result and every cached repeat of the request.

use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;

use crate::CsvRenderer;
use crate::calibration;
use crate::output::JobOutput;

/// One format of a result: compressed bytes, or why the format is not given.
#[derive(Debug)]
enum Part {
    /// Deflated bytes.
    Bytes(Vec<u8>),
    /// Why not: the format does not exist for this kind of job, or its rendering failed.
    Missing(String),
}

/// A result's formats, each compressed.
#[derive(Debug)]
pub struct Stored {
    json: Part,
    csv: Part,
    html: Part,
    toml: Part,
}

/// A format of a stored result that cannot be given.
#[derive(Debug, PartialEq, Eq)]
pub struct Unavailable(pub String);

fn deflate(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::fast());
    // Writing into a vector cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

fn inflate(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = DeflateDecoder::new(bytes).read_to_end(&mut out);
    out
}

fn part(rendered: Result<Vec<u8>, String>) -> Part {
    match rendered {
        Ok(bytes) => Part::Bytes(deflate(&bytes)),
        Err(why) => Part::Missing(why),
    }
}

fn json<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, String> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|e| e.to_string())?;
    bytes.push(b'\n');
    Ok(bytes)
}

impl Stored {
    /// Renders `output` in every format it has (CSV through `csv`, when the server has a
    /// renderer, but for a calibration, whose CSV is [`calibration::csv`]) and compresses
    /// each.
    pub fn new(output: &JobOutput, csv: Option<CsvRenderer>) -> Stored {
        let (json_bytes, html) = match output {
            JobOutput::Run(r) => (json(r), bordersim_report::run(r)),
            JobOutput::Compare(c) => (json(c), bordersim_report::compare(c)),
            JobOutput::Region(r) => (json(r), bordersim_report::region(r)),
            JobOutput::RegionCompare(c) => (json(c), bordersim_report::region_comparison(c)),
            JobOutput::Calibrate(c) => (
                json(c),
                bordersim_report::calibration(&calibration::view(&c.model, c.fit.as_ref())),
            ),
        };
        let csv = match (output, csv) {
            (JobOutput::Calibrate(c), _) => {
                calibration::csv(&c.model, c.fit.as_ref()).map_err(|e| e.to_string())
            }
            (_, Some(render)) => render(output).map_err(|e| format!("{e:#}")),
            (_, None) => Err("this server renders no CSV".to_owned()),
        };
        let toml = match output {
            JobOutput::Calibrate(c) => c
                .scenario_toml
                .clone()
                .map(String::into_bytes)
                .ok_or_else(|| "only a calibration with a fit writes a scenario".to_owned()),
            _ => Err("only a calibration with a fit writes a scenario".to_owned()),
        };
        Stored {
            json: part(json_bytes),
            csv: part(csv),
            html: part(Ok(html.into_bytes())),
            toml: part(toml),
        }
    }

    fn get(part: &Part) -> Result<Vec<u8>, Unavailable> {
        match part {
            Part::Bytes(b) => Ok(inflate(b)),
            Part::Missing(why) => Err(Unavailable(why.clone())),
        }
    }

    /// The JSON report.
    ///
    /// # Errors
    ///
    /// When it could not be written.
    pub fn json(&self) -> Result<Vec<u8>, Unavailable> {
        Self::get(&self.json)
    }

    /// The CSV report.
    ///
    /// # Errors
    ///
    /// When the server has no CSV renderer or the job's kind has no CSV.
    pub fn csv(&self) -> Result<Vec<u8>, Unavailable> {
        Self::get(&self.csv)
    }

    /// The HTML report page.
    ///
    /// # Errors
    ///
    /// When the job's kind has no page.
    pub fn html(&self) -> Result<Vec<u8>, Unavailable> {
        Self::get(&self.html)
    }

    /// The calibrated scenario of a fit, as TOML.
    ///
    /// # Errors
    ///
    /// For any other job.
    pub fn toml(&self) -> Result<Vec<u8>, Unavailable> {
        Self::get(&self.toml)
    }

    /// A result of JSON alone (tests of what holds results).
    #[cfg(test)]
    pub(crate) fn of_json(bytes: &[u8]) -> Stored {
        let none = || Part::Missing(String::new());
        Stored {
            json: Part::Bytes(deflate(bytes)),
            csv: none(),
            html: none(),
            toml: none(),
        }
    }

    /// Bytes held (compressed), for the cache's bound.
    pub fn size(&self) -> usize {
        [&self.json, &self.csv, &self.html, &self.toml]
            .iter()
            .map(|p| match p {
                Part::Bytes(b) => b.len(),
                Part::Missing(why) => why.len(),
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compressed_bytes_come_back_unchanged() {
        let text: Vec<u8> = (0..100_000u32)
            .flat_map(|i| (i % 251).to_le_bytes())
            .collect();
        assert_eq!(inflate(&deflate(&text)), text);
        assert_eq!(inflate(&deflate(b"")), b"");
    }
}
