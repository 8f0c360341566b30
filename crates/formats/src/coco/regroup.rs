//! Regrouping records that arrive in any order, in bounded memory.
//!
//! A COCO file lists its annotations in any order, yet a sample wants all of its own together.
//! Holding every annotation until the file ends would cost memory in proportion to the file.
//! Instead each record is appended to one of a few temporary files, the bucket of its key's
//! range (keys are dense: `0..keys`, a sample's place). Once every record is in, the buckets
//! are read back one at a time, in key order ([`Drain`]); within a bucket, records are ordered
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

    /// Reads the records back, key by key; see [`Drain`].
    pub fn into_drain(self) -> Drain {
        Drain {
            keys_per_bucket: self.keys_per_bucket,
            buckets: self.buckets.into_iter(),
            next_bucket: 0,
            loaded: None,
            bytes: Vec::new(),
            records: Vec::new(),
            at: 0,
        }
    }
}

/// The records of a regrouping, read back one bucket at a time as keys are asked for in
/// increasing order. Several regroupings over the same keys (one per annotation file) can be
/// walked in step: [`Drain::load`] each for a key, then [`Drain::records`] from each.
pub(crate) struct Drain {
    keys_per_bucket: u32,
    buckets: std::vec::IntoIter<Option<BufWriter<File>>>,
    /// The index of the next bucket to load.
    next_bucket: u32,
    /// The index of the bucket in `bytes`.
    loaded: Option<u32>,
    bytes: Vec<u8>,
    /// The loaded bucket's records as their key and their place in `bytes`, by key.
    records: Vec<(u32, usize, usize)>,
    /// The first record not yet passed over.
    at: usize,
}

impl Drain {
    /// Makes the records of `key` available to [`Drain::records`], reading the bucket that
    /// holds them. Keys must be asked for in increasing order; a key past the regrouping's
    /// range has no records.
    pub fn load(&mut self, key: u32) -> std::io::Result<()> {
        let bucket = key / self.keys_per_bucket;
        while self.loaded.is_none_or(|loaded| loaded < bucket) {
            let Some(next) = self.buckets.next() else {
                self.loaded = Some(u32::MAX);
                self.records.clear();
                self.at = 0;
                return Ok(());
            };
            self.bytes.clear();
            self.records.clear();
            self.at = 0;
            self.loaded = Some(self.next_bucket);
            self.next_bucket += 1;
            if let Some(writer) = next {
                let mut file = writer.into_inner().map_err(|e| e.into_error())?;
                file.seek(SeekFrom::Start(0))?;
                file.read_to_end(&mut self.bytes)?;
            }
            let mut at = 0;
            while let Some(header) = self.bytes.get(at..at + HEADER) {
                let key = u32::from_le_bytes([header[0], header[1], header[2], header[3]]);
                let len = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
                let start = at + HEADER;
                if start + len > self.bytes.len() {
                    return Err(std::io::Error::other("a temporary file was cut short"));
                }
                self.records.push((key, start, start + len));
                at = start + len;
            }
            // Stable: records of one key stay in the order they came.
            self.records.sort_by_key(|(key, ..)| *key);
        }
        while self
            .records
            .get(self.at)
            .is_some_and(|(first, ..)| *first < key)
        {
            self.at += 1;
        }
        Ok(())
    }

    /// The records of `key`, in the order they were pushed, once [`Drain::load`]ed.
    pub fn records(&self, key: u32) -> impl Iterator<Item = &[u8]> {
        self.records[self.at.min(self.records.len())..]
            .iter()
            .take_while(move |(k, ..)| *k == key)
            .map(|(_, start, end)| &self.bytes[*start..*end])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drained(regroup: Regroup, keys: u32) -> Vec<(u32, Vec<String>)> {
        let mut drain = regroup.into_drain();
        (0..keys)
            .map(|key| {
                drain.load(key).unwrap();
                let records = drain
                    .records(key)
                    .map(|r| String::from_utf8_lossy(r).into_owned())
                    .collect();
                (key, records)
            })
            .collect()
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
            drained(regroup, 5),
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
        assert_eq!(
            drained(Regroup::new(2, 0), 2),
            vec![(0, vec![]), (1, vec![])]
        );
        assert!(drained(Regroup::new(0, 1 << 30), 0).is_empty());
    }

    #[test]
    fn regroupings_over_the_same_keys_are_walked_in_step() {
        let mut first = Regroup::new(4, 0);
        let mut second = Regroup::new(6, 2 * BUCKET_BYTES);
        for (key, record) in [(3, "a"), (0, "b")] {
            first.push(key, record.as_bytes()).unwrap();
        }
        for (key, record) in [(5, "c"), (3, "d"), (0, "e")] {
            second.push(key, record.as_bytes()).unwrap();
        }
        let mut drains = [first.into_drain(), second.into_drain()];
        let mut out = Vec::new();
        for key in 0..6 {
            for drain in &mut drains {
                drain.load(key).unwrap();
            }
            let records: Vec<&[u8]> = drains.iter().flat_map(|d| d.records(key)).collect();
            out.push(records.concat());
        }
        let expected: [&[u8]; 6] = [b"be", b"", b"", b"ad", b"", b"c"];
        assert_eq!(out, expected);
    }

    #[test]
    fn a_key_out_of_range_is_refused() {
        let mut regroup = Regroup::new(2, 0);
        assert!(regroup.push(2, b"x").is_err());
    }
}
