//! The second pass, on several threads.
//!
//! The scanner (on the calling thread) cuts annotation records into batches; workers convert
//! them against the images and categories of the first pass, which they only read; the calling
//! thread takes the outcomes back in file order, checks ids for duplicates (the one check that
//! needs every record before it) and hands them to the sink. Bounded queues keep the records in
//! flight, and so the memory, bounded.

use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::sync::{Mutex, mpsc};

use wharf_model::{Problem, ProblemCode};

use super::{CocoSink, CocoStats, Outcome, Records, skipped_problem};
use crate::json_stream::{Element, ElementSink, Skipped, scan_top_level_arrays};

/// Records per batch handed to a worker.
const BATCH_RECORDS: usize = 2048;
/// Batches waiting for a worker, per worker: the bound on records in flight.
const QUEUED_PER_WORKER: usize = 2;
/// Workers at most, whatever the machine.
const MAX_WORKERS: usize = 8;

/// One record of a batch: where its bytes lie in the batch, or why it was skipped.
enum Item {
    Record {
        index: usize,
        line: u64,
        start: usize,
        end: usize,
    },
    Skipped {
        index: usize,
        line: u64,
        code: ProblemCode,
    },
}

#[derive(Default)]
struct Batch {
    bytes: Vec<u8>,
    items: Vec<Item>,
}

/// An item's result, in the batch's order.
enum Done {
    Converted(Outcome),
    Skipped(Problem),
}

/// Scans `reader`'s annotations and delivers every record's outcome to `sink`, in file order.
pub(super) fn run<R: Read, S: CocoSink>(
    reader: R,
    records: &Records<'_>,
    sink: &mut S,
    stats: CocoStats,
) -> (Result<(), Problem>, CocoStats) {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_WORKERS);
    let (batch_tx, batch_rx) = mpsc::sync_channel::<(u64, Batch)>(workers * QUEUED_PER_WORKER);
    let batch_rx = Mutex::new(batch_rx);
    let (done_tx, done_rx) = mpsc::channel::<(u64, Vec<Done>)>();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let batch_rx = &batch_rx;
            scope.spawn(move || {
                loop {
                    // The lock is held only to take the next batch.
                    let next = match batch_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok((seq, batch)) = next else { return };
                    if done_tx.send((seq, convert(records, &batch))).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        let mut delivery = Delivery {
            file: records.file,
            sink,
            stats,
            seen_ids: HashSet::new(),
            pending: BTreeMap::new(),
            next_seq: 0,
            done_rx,
            batch_tx: Some(batch_tx),
            batch: Batch::default(),
            sent: 0,
        };
        let result =
            scan_top_level_arrays(reader, records.file, &|k| k == "annotations", &mut delivery);
        delivery.finish();
        (result, delivery.stats)
    })
}

fn convert(records: &Records<'_>, batch: &Batch) -> Vec<Done> {
    batch
        .items
        .iter()
        .map(|item| match *item {
            Item::Record {
                index,
                line,
                start,
                end,
            } => {
                let element = Element {
                    key: "annotations",
                    index,
                    line,
                    bytes: &batch.bytes[start..end],
                };
                let mut out = Outcome {
                    index,
                    line,
                    ..Outcome::default()
                };
                out.kept = records.convert(&element, &mut out);
                Done::Converted(out)
            }
            Item::Skipped { index, line, code } => {
                let skipped = Skipped {
                    key: "annotations",
                    index,
                    line,
                    code,
                };
                Done::Skipped(skipped_problem(records.file, &skipped))
            }
        })
        .collect()
}

/// The calling thread's side: batches what the scanner finds, and delivers outcomes in order.
struct Delivery<'a, S> {
    file: &'a str,
    sink: &'a mut S,
    stats: CocoStats,
    seen_ids: HashSet<i64>,
    /// Outcomes that came back before an earlier batch's.
    pending: BTreeMap<u64, Vec<Done>>,
    next_seq: u64,
    done_rx: mpsc::Receiver<(u64, Vec<Done>)>,
    batch_tx: Option<mpsc::SyncSender<(u64, Batch)>>,
    batch: Batch,
    sent: u64,
}

impl<S: CocoSink> ElementSink for Delivery<'_, S> {
    fn element(&mut self, element: Element<'_>) {
        let start = self.batch.bytes.len();
        self.batch.bytes.extend_from_slice(element.bytes);
        let end = self.batch.bytes.len();
        self.batch.items.push(Item::Record {
            index: element.index,
            line: element.line,
            start,
            end,
        });
        if self.batch.items.len() >= BATCH_RECORDS {
            self.send();
        }
    }

    fn skipped(&mut self, skipped: Skipped<'_>) {
        self.batch.items.push(Item::Skipped {
            index: skipped.index,
            line: skipped.line,
            code: skipped.code,
        });
    }
}

impl<S: CocoSink> Delivery<'_, S> {
    fn send(&mut self) {
        let batch = std::mem::take(&mut self.batch);
        if let Some(tx) = &self.batch_tx {
            // Blocks while every worker is busy and the queue is full: the backpressure that
            // bounds memory. Meanwhile workers hand back outcomes, delivered below.
            if tx.send((self.sent, batch)).is_ok() {
                self.sent += 1;
            }
        }
        while let Ok((seq, done)) = self.done_rx.try_recv() {
            self.pending.insert(seq, done);
        }
        self.deliver_ready();
    }

    /// Sends the last batch, lets the workers finish, and delivers everything left.
    fn finish(&mut self) {
        if !self.batch.items.is_empty() {
            self.send();
        }
        self.batch_tx = None;
        while self.next_seq < self.sent {
            match self.done_rx.recv() {
                Ok((seq, done)) => {
                    self.pending.insert(seq, done);
                    self.deliver_ready();
                }
                Err(_) => break,
            }
        }
    }

    fn deliver_ready(&mut self) {
        while let Some(done) = self.pending.remove(&self.next_seq) {
            self.next_seq += 1;
            for item in done {
                self.deliver(item);
            }
        }
    }

    fn deliver(&mut self, done: Done) {
        self.stats.records += 1;
        let out = match done {
            Done::Converted(out) => out,
            Done::Skipped(problem) => {
                self.stats.rejected += 1;
                self.sink.problem(problem);
                return;
            }
        };
        if let Some(id) = out.id
            && !self.seen_ids.insert(id)
        {
            self.stats.rejected += 1;
            self.sink.problem(
                Problem::error(
                    ProblemCode::DuplicateId,
                    self.file,
                    format!("annotation id {id} is used twice; the second is left out"),
                )
                .at_line(out.line)
                .at_path(format!("$.annotations[{}].id", out.index))
                .field("id"),
            );
            return;
        }
        if !out.kept {
            self.stats.rejected += 1;
        }
        for problem in out.problems {
            self.sink.problem(problem);
        }
        for annotation in out.annotations {
            self.sink.annotation(out.image_id, annotation);
        }
    }
}
