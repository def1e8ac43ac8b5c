//! The future event list: a 4-ary min-heap of events keyed by (time, class, insertion
//! sequence). At one instant, events of a lower class fire first whatever the order they were
//! scheduled in; events of one class fire in the order they were scheduled.

use std::cmp::Ordering;

use crate::SimTime;

/// Bits of the order word below the class: the insertion sequence.
const SEQ_BITS: u32 = 56;
/// The insertion sequence's part of the order word.
const SEQ_MASK: u64 = (1 << SEQ_BITS) - 1;

/// An event with the instant it fires, its class and its insertion sequence number.
#[derive(Clone, Copy, Debug)]
pub struct Scheduled<E> {
    /// The instant the event fires (ms on the simulation clock).
    pub time: SimTime,
    /// (class << 56) | insertion sequence: the tie-break within `time`, precomputed so that
    /// comparing two events stays one wide compare on the hot path.
    order: u64,
    /// The event itself.
    pub event: E,
}

impl<E> Scheduled<E> {
    /// (time, class, seq) as one integer: comparing it is one wide compare on the hot path.
    #[inline(always)]
    fn key(&self) -> u128 {
        (u128::from(self.time.0) << 64) | u128::from(self.order)
    }

    /// The event's class: at one instant, lower classes fire first.
    pub fn class(&self) -> u8 {
        (self.order >> SEQ_BITS) as u8
    }

    /// The event's insertion number in its queue (0 for the first event ever scheduled):
    /// unique, so it breaks ties in (time, class) first-scheduled-first.
    pub fn seq(&self) -> u64 {
        self.order & SEQ_MASK
    }
}

impl<E> PartialEq for Scheduled<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl<E> Eq for Scheduled<E> {}

// Reversed, so that `BinaryHeap` (a max-heap) pops the earliest time, then the lowest class,
// then the lowest sequence number. The boolean comparisons are spelled out because the heap's
// sift loops use them directly.
impl<E> PartialOrd for Scheduled<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }

    #[inline(always)]
    fn lt(&self, other: &Self) -> bool {
        other.key() < self.key()
    }

    #[inline(always)]
    fn le(&self, other: &Self) -> bool {
        other.key() <= self.key()
    }

    #[inline(always)]
    fn gt(&self, other: &Self) -> bool {
        other.key() > self.key()
    }

    #[inline(always)]
    fn ge(&self, other: &Self) -> bool {
        other.key() >= self.key()
    }
}

impl<E> Ord for Scheduled<E> {
    #[inline(always)]
    fn cmp(&self, other: &Self) -> Ordering {
        other.key().cmp(&self.key())
    }
}

/// Children per node of the heap. A 4-ary heap is shallower than a binary one, and its four
/// children share a cache line or two: fewer levels to sift through on every pop.
const ARITY: usize = 4;

/// The future event list, ordered by (time, class, insertion sequence).
///
/// Events are small `Copy` values (a closed enum in practice), never boxed closures. The
/// heap keeps its buffer between events, so once it has grown to the model's peak number of
/// pending events, scheduling and popping allocate nothing. An event's *class* (0–255) ranks
/// it among events of the same instant: a lower class fires first, so a rule such as "lane
/// changes apply before the arrivals of the same instant" holds whatever the order the events
/// were scheduled in. Sequence numbers are unique, so the order is total and ties in
/// (time, class) resolve first-scheduled-first.
#[derive(Debug)]
pub struct EventQueue<E> {
    /// A 4-ary min-heap on (time, class, seq).
    heap: Vec<Scheduled<E>>,
    next_seq: u64,
    now: SimTime,
}

impl<E: Copy> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Copy> EventQueue<E> {
    /// An empty queue at time zero, with room for 64 pending events before it grows.
    pub fn new() -> Self {
        Self::with_capacity(64)
    }

    /// An empty queue at time zero, with room for `capacity` pending events before it grows
    /// (size it to the model's peak number of pending events to avoid any reallocation).
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            heap: Vec::with_capacity(capacity),
            next_seq: 0,
            now: SimTime::ZERO,
        }
    }

    /// The time of the last event popped (the simulation clock).
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedules `event` at absolute time `time` in class 0 (the first to fire at an
    /// instant). Times in the past are clamped to now, so the clock never runs backwards.
    #[inline]
    pub fn schedule(&mut self, time: SimTime, event: E) {
        self.schedule_in_class(time, 0, event);
    }

    /// Schedules `event` at absolute time `time` in `class`: at one instant, events of a
    /// lower class fire before those of a higher one, whenever they were scheduled. Times in
    /// the past are clamped to now, so the clock never runs backwards.
    ///
    /// # Panics
    ///
    /// After 2^56 (about 7·10^16) events scheduled by one queue, in debug builds (in release
    /// builds the class order of later events is then no longer kept).
    #[inline]
    pub fn schedule_in_class(&mut self, time: SimTime, class: u8, event: E) {
        let time = time.max(self.now);
        let seq = self.next_seq;
        debug_assert!(seq <= SEQ_MASK, "event sequence numbers exhausted");
        self.next_seq += 1;
        // No mask on `seq`: 2^56 events (over two years at 10^9 events a second) are never
        // reached, and the debug assertion guards the assumption.
        let item = Scheduled {
            time,
            order: (u64::from(class) << SEQ_BITS) | seq,
            event,
        };
        let key = item.key();
        let mut pos = self.heap.len();
        self.heap.push(item);
        while pos > 0 {
            let parent = (pos - 1) / ARITY;
            if self.heap[parent].key() <= key {
                break;
            }
            self.heap[pos] = self.heap[parent];
            pos = parent;
        }
        self.heap[pos] = item;
    }

    /// Schedules `event` after `delay` from now, in class 0.
    pub fn schedule_in(&mut self, delay: SimTime, event: E) {
        self.schedule(self.now + delay, event);
    }

    /// The time of the next event, if any.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.first().map(|s| s.time)
    }

    /// Removes the next event and advances the clock to its time.
    #[inline]
    pub fn pop(&mut self) -> Option<Scheduled<E>> {
        let last = self.heap.pop()?;
        let Some(&next) = self.heap.first() else {
            self.now = last.time;
            return Some(last);
        };
        // Sift the former last element down from the root into the hole the minimum left.
        let n = self.heap.len();
        let key = last.key();
        let mut pos = 0;
        loop {
            let first = ARITY * pos + 1;
            if first >= n {
                break;
            }
            // The children as one slice: one bounds check for all of them.
            let children = &self.heap[first..(first + ARITY).min(n)];
            let mut best = first;
            let mut best_key = children[0].key();
            for (i, child) in children.iter().enumerate().skip(1) {
                let k = child.key();
                if k < best_key {
                    best = first + i;
                    best_key = k;
                }
            }
            if key <= best_key {
                break;
            }
            self.heap[pos] = self.heap[best];
            pos = best;
        }
        self.heap[pos] = last;
        self.now = next.time;
        Some(next)
    }

    /// Removes the next event only if it fires at or before `limit`.
    #[inline]
    pub fn pop_until(&mut self, limit: SimTime) -> Option<Scheduled<E>> {
        match self.heap.first() {
            Some(s) if s.time <= limit => self.pop(),
            _ => None,
        }
    }

    /// Removes the next event only if it fires strictly before `end`: a run over the
    /// half-open window [0, end) never processes an event at `end`.
    #[inline]
    pub fn pop_before(&mut self, end: SimTime) -> Option<Scheduled<E>> {
        match self.heap.first() {
            Some(s) if s.time < end => self.pop(),
            _ => None,
        }
    }

    /// Advances the clock without an event (to close a run at its horizon).
    pub fn advance_to(&mut self, time: SimTime) {
        self.now = self.now.max(time);
    }

    /// Number of pending events (scheduled and not yet popped).
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Number of events ever scheduled.
    pub fn scheduled_count(&self) -> u64 {
        self.next_seq
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use proptest::test_runner::{RngAlgorithm, RngSeed};

    use super::*;

    #[test]
    fn earliest_first_then_fifo_on_ties() {
        let mut q = EventQueue::new();
        q.schedule(SimTime(10), 'a');
        q.schedule(SimTime(5), 'b');
        q.schedule(SimTime(10), 'c');
        q.schedule(SimTime(5), 'd');
        q.schedule(SimTime(0), 'e');
        let order: Vec<char> = std::iter::from_fn(|| q.pop().map(|s| s.event)).collect();
        assert_eq!(order, vec!['e', 'b', 'd', 'a', 'c']);
        assert_eq!(q.now(), SimTime(10));
    }

    #[test]
    fn past_events_are_clamped_to_now() {
        let mut q = EventQueue::new();
        q.schedule(SimTime(10), 1);
        q.pop();
        q.schedule(SimTime(3), 2);
        assert_eq!(q.peek_time(), Some(SimTime(10)));
    }

    #[test]
    fn matches_a_sorted_order_under_random_holds() {
        // The hold model against a reference: every pop must return the (time, seq)
        // minimum of what is pending.
        let mut q = EventQueue::new();
        let mut reference: Vec<(u64, u64)> = Vec::new();
        let mut x: u64 = 12345;
        let mut seq = 0;
        for step in 0..20_000u64 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let grow = step < 500 || !x.is_multiple_of(3);
            if grow {
                let t = q.now().0 + (x >> 33) % 50;
                q.schedule(SimTime(t), seq);
                reference.push((t, seq));
                seq += 1;
            } else if let Some(ev) = q.pop() {
                reference.sort_unstable();
                let expected = reference.remove(0);
                assert_eq!((ev.time.0, ev.event), expected);
            }
        }
        reference.sort_unstable();
        for expected in reference {
            let ev = q.pop().expect("same length");
            assert_eq!((ev.time.0, ev.event), expected);
        }
        assert!(q.is_empty());
    }

    /// One step of a property test: what a simulation does to its event list.
    #[derive(Clone, Debug)]
    enum Op {
        /// Schedule at `now + offset` (ms); small offsets make ties common.
        ScheduleIn(u64),
        /// Schedule at an absolute time, possibly in the past (then clamped to now).
        ScheduleAt(u64),
        /// Schedule at `now + offset` in a class (few classes and offsets: many ties).
        ScheduleInClass(u64, u8),
        Pop,
        /// Pop only if the next event fires within `now + horizon`.
        PopWithin(u64),
        /// Pop only if the next event fires strictly before `now + span`.
        PopBefore(u64),
        AdvanceBy(u64),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => (0u64..8).prop_map(Op::ScheduleIn),
            1 => (0u64..200).prop_map(Op::ScheduleAt),
            3 => (0u64..4, 0u8..4).prop_map(|(offset, class)| Op::ScheduleInClass(offset, class)),
            3 => Just(Op::Pop),
            1 => (0u64..8).prop_map(Op::PopWithin),
            1 => (0u64..8).prop_map(Op::PopBefore),
            1 => (0u64..8).prop_map(Op::AdvanceBy),
        ]
    }

    /// The reference model: a list of (time, class, insertion number), its minimum popped.
    #[derive(Default)]
    struct Reference {
        pending: Vec<(u64, u8, u64)>,
        now: u64,
        scheduled: u64,
    }

    impl Reference {
        fn schedule(&mut self, time: u64, class: u8) -> u64 {
            let seq = self.scheduled;
            self.pending.push((time.max(self.now), class, seq));
            self.scheduled += 1;
            seq
        }

        fn pop(&mut self) -> Option<(u64, u64)> {
            let (i, _) = self.pending.iter().enumerate().min_by_key(|(_, k)| **k)?;
            let (time, _, seq) = self.pending.remove(i);
            self.now = time;
            Some((time, seq))
        }

        fn peek_time(&self) -> Option<u64> {
            self.pending.iter().min().map(|k| k.0)
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 256,
            rng_algorithm: RngAlgorithm::ChaCha,
            rng_seed: RngSeed::Fixed(0x0b0d_e5a1),
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Any sequence of schedules and pops returns events in (time, class, insertion
        /// order): the earliest first, at one instant the lowest class first, and events of
        /// one class and instant first-scheduled-first.
        #[test]
        fn pops_in_time_then_insertion_order(ops in prop::collection::vec(op(), 0..300)) {
            let mut q = EventQueue::new();
            let mut reference = Reference::default();
            for op in ops {
                match op {
                    Op::ScheduleIn(offset) => {
                        let seq = reference.schedule(reference.now + offset, 0);
                        q.schedule_in(SimTime(offset), seq);
                    }
                    Op::ScheduleAt(time) => {
                        let seq = reference.schedule(time, 0);
                        q.schedule(SimTime(time), seq);
                    }
                    Op::ScheduleInClass(offset, class) => {
                        let time = reference.now + offset;
                        let seq = reference.schedule(time, class);
                        q.schedule_in_class(SimTime(time), class, seq);
                    }
                    Op::Pop => {
                        let got = q.pop().map(|s| (s.time.0, s.event));
                        prop_assert_eq!(got, reference.pop());
                    }
                    Op::PopWithin(horizon) => {
                        let limit = reference.now + horizon;
                        let expected = match reference.peek_time() {
                            Some(t) if t <= limit => reference.pop(),
                            _ => None,
                        };
                        let got = q.pop_until(SimTime(limit)).map(|s| (s.time.0, s.event));
                        prop_assert_eq!(got, expected);
                    }
                    Op::PopBefore(span) => {
                        let end = reference.now + span;
                        let expected = match reference.peek_time() {
                            Some(t) if t < end => reference.pop(),
                            _ => None,
                        };
                        let got = q.pop_before(SimTime(end)).map(|s| (s.time.0, s.event));
                        prop_assert_eq!(got, expected);
                    }
                    Op::AdvanceBy(span) => {
                        // Only up to the next event: the clock never passes a pending one.
                        let target = reference.now + span;
                        let target = reference.peek_time().map_or(target, |t| target.min(t));
                        reference.now = reference.now.max(target);
                        q.advance_to(SimTime(target));
                    }
                }
                prop_assert_eq!(q.now(), SimTime(reference.now));
                prop_assert_eq!(q.len(), reference.pending.len());
                prop_assert_eq!(q.peek_time(), reference.peek_time().map(SimTime));
                prop_assert_eq!(q.scheduled_count(), reference.scheduled);
            }
            while let Some(expected) = reference.pop() {
                let got = q.pop().map(|s| (s.time.0, s.event));
                prop_assert_eq!(got, Some(expected));
            }
            prop_assert!(q.is_empty());
        }

        /// Simultaneous events pushed in any order pop class-first, and within a class in
        /// the order they were pushed: shuffling the scheduling order of events of distinct
        /// classes at one instant changes nothing.
        #[test]
        fn simultaneous_events_pop_class_first_whatever_the_push_order(
            events in prop::collection::vec((0u64..3, 0u8..4), 0..40).prop_shuffle(),
        ) {
            let mut q = EventQueue::new();
            for (i, &(time, class)) in events.iter().enumerate() {
                q.schedule_in_class(SimTime(time), class, i);
            }
            let mut expected: Vec<(u64, u8, usize)> = events
                .iter()
                .enumerate()
                .map(|(i, &(time, class))| (time, class, i))
                .collect();
            expected.sort_unstable();
            let got: Vec<(u64, u8, usize)> = std::iter::from_fn(|| q.pop())
                .map(|s| (s.time.0, s.class(), s.event))
                .collect();
            prop_assert_eq!(got, expected);
        }
    }

    #[test]
    fn a_lower_class_fires_first_at_one_instant_whenever_scheduled() {
        let mut q = EventQueue::new();
        q.schedule_in_class(SimTime(5), 2, 'd');
        q.schedule_in_class(SimTime(5), 1, 'b');
        q.schedule_in_class(SimTime(4), 3, 'a');
        q.schedule_in_class(SimTime(5), 2, 'e');
        q.schedule_in_class(SimTime(5), 1, 'c');
        let got: Vec<(char, u8, u64)> = std::iter::from_fn(|| q.pop())
            .map(|s| (s.event, s.class(), s.seq()))
            .collect();
        assert_eq!(
            got,
            vec![
                ('a', 3, 2),
                ('b', 1, 1),
                ('c', 1, 4),
                ('d', 2, 0),
                ('e', 2, 3)
            ]
        );
    }

    #[test]
    fn pop_before_leaves_an_event_at_the_end_of_the_window() {
        let mut q = EventQueue::new();
        q.schedule(SimTime(10), 1);
        q.schedule(SimTime(20), 2);
        assert_eq!(q.pop_before(SimTime(20)).map(|s| s.event), Some(1));
        assert!(q.pop_before(SimTime(20)).is_none());
        assert_eq!(q.len(), 1);
        assert_eq!(q.now(), SimTime(10));
    }

    #[test]
    fn pop_until_respects_limit() {
        let mut q = EventQueue::new();
        q.schedule(SimTime(10), 1);
        q.schedule(SimTime(20), 2);
        assert_eq!(q.pop_until(SimTime(15)).map(|s| s.event), Some(1));
        assert!(q.pop_until(SimTime(15)).is_none());
        assert_eq!(q.len(), 1);
    }
}
