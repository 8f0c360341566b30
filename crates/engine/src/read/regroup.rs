//! Regrouping records that arrive in any order, in bounded memory.
//!
//! A COCO file lists its annotations in any order, yet a sample wants all of its own together.
//! Holding every annotation until the file ends would cost memory in proportion to the file.
//! Instead each record is appended to one of a few temporary files, the bucket of its key's
//! range (keys are dense: `0..keys`, an image's place in the file). Once every record is in,
//! the buckets are read back one at a time, in key order; within a bucket, records are ordered
//! by key, and records of one key keep the order they came in. Memory is one bucket, a few tens
//! of megabytes, whatever the file's size; the temporary files go away with the regrouping.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};

/// What one bucket should hold at most, judged from the expected volume of records.
const BUCKET_BYTES: u64 = 16 * 1024 * 1024;
/// The most buckets (and open temporary files) of one regrouping.
const MAX_BUCKETS: u64 = 512;
/// Bytes of a record's header: its key and its length.
const HEADER: usize = 8;

/// Records of keys `0..keys`, spilled to temporary files by key range.
pub(crate) struct Regroup {
    keys: u32,
    keys_per_bucket: u32,
    /// Opened on their first record.
    buckets: Vec<Option<BufWriter<File>>>,
}

impl Regroup {
    /// A regrouping for `keys` keys and about `expected_bytes` of records in all.
    pub fn new(keys: u32, expected_bytes: u64) -> Self {
        let buckets = expected_bytes
            .div_ceil(BUCKET_BYTES)
            .clamp(1, MAX_BUCKETS)
            .min(u64::from(keys.max(1)));
        let keys_per_bucket = u64::from(keys).div_ceil(buckets).max(1) as u32;
        let count = keys.div_ceil(keys_per_bucket).max(1) as usize;
        Self {
            keys,
            keys_per_bucket,
            buckets: (0..count).map(|_| None).collect(),
        }
    }

    /// Adds a record of `key`, which must be below the number of keys.
    pub fn push(&mut self, key: u32, record: &[u8]) -> std::io::Result<()> {
        let len = u32::try_from(record.len())
            .map_err(|_| std::io::Error::other("a record larger than 4 GiB"))?;
        let slot = self
            .buckets
            .get_mut((key / self.keys_per_bucket) as usize)
            .ok_or_else(|| std::io::Error::other(format!("key {key} out of range")))?;
        let bucket = match slot {
            Some(bucket) => bucket,
            None => slot.insert(BufWriter::with_capacity(256 * 1024, tempfile::tempfile()?)),
        };
        bucket.write_all(&key.to_le_bytes())?;
        bucket.write_all(&len.to_le_bytes())?;
        bucket.write_all(record)
    }

    /// Calls `each` for every key in order, with its records in the order they were pushed
    /// (none for a key without records). Stops at the first error `each` returns.
    pub fn drain<E: From<std::io::Error>>(
        self,
        mut each: impl FnMut(u32, &[&[u8]]) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut bytes = Vec::new();
        // Each record as its key and its place in `bytes`.
        let mut records: Vec<(u32, usize, usize)> = Vec::new();
        for (index, bucket) in self.buckets.into_iter().enumerate() {
            let first = index as u32 * self.keys_per_bucket;
            let end = first.saturating_add(self.keys_per_bucket).min(self.keys);
            bytes.clear();
            if let Some(bucket) = bucket {
                let mut file = bucket.into_inner().map_err(|e| e.into_error())?;
                file.seek(SeekFrom::Start(0))?;
                file.read_to_end(&mut bytes)?;
            }
            records.clear();
            let mut at = 0;
            while let Some(header) = bytes.get(at..at + HEADER) {
                let key = u32::from_le_bytes([header[0], header[1], header[2], header[3]]);
                let len = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
                let start = at + HEADER;
                if start + len > bytes.len() {
                    return Err(std::io::Error::other("a temporary file was cut short").into());
                }
                records.push((key, start, start + len));
                at = start + len;
            }
            // Stable: records of one key stay in the order they came.
            records.sort_by_key(|(key, ..)| *key);
            let mut next = records.iter().peekable();
            let mut group: Vec<&[u8]> = Vec::new();
            for key in first..end {
                group.clear();
                while let Some((_, start, end)) = next.next_if(|(k, ..)| *k == key) {
                    group.push(&bytes[*start..*end]);
                }
                each(key, &group)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drained(regroup: Regroup) -> Vec<(u32, Vec<String>)> {
        let mut out = Vec::new();
        regroup
            .drain(|key, records| {
                out.push((
                    key,
                    records
                        .iter()
                        .map(|r| String::from_utf8_lossy(r).into_owned())
                        .collect(),
                ));
                Ok::<(), std::io::Error>(())
            })
            .unwrap();
        out
    }

    #[test]
    fn records_come_back_by_key_in_arrival_order() {
        // Three buckets of two keys each, the last one short.
        let mut regroup = Regroup::new(5, 3 * BUCKET_BYTES);
        for (key, record) in [(4, "a"), (0, "b"), (4, "c"), (2, "d"), (0, "e"), (1, "")] {
            regroup.push(key, record.as_bytes()).unwrap();
        }
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            drained(regroup),
            vec![
                (0, strings(&["b", "e"])),
                (1, strings(&[""])),
                (2, strings(&["d"])),
                (3, vec![]),
                (4, strings(&["a", "c"])),
            ]
        );
    }

    #[test]
    fn keys_without_records_are_still_visited() {
        assert_eq!(drained(Regroup::new(2, 0)), vec![(0, vec![]), (1, vec![])]);
        assert!(drained(Regroup::new(0, 1 << 30)).is_empty());
    }

    #[test]
    fn a_key_out_of_range_is_refused() {
        let mut regroup = Regroup::new(2, 0);
        assert!(regroup.push(2, b"x").is_err());
    }
}
