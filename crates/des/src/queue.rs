use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::SimTime;

/// An event with the instant it fires and its insertion sequence number.
#[derive(Clone, Copy, Debug)]
pub struct Scheduled<E> {
    pub time: SimTime,
    pub seq: u64,
    pub event: E,
}

impl<E> Scheduled<E> {
    /// (time, seq) as one integer: comparing it is one wide compare on the hot path.
    #[inline(always)]
    fn key(&self) -> u128 {
        (u128::from(self.time.0) << 64) | u128::from(self.seq)
    }
}

impl<E> PartialEq for Scheduled<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl<E> Eq for Scheduled<E> {}

// Reversed, so that `BinaryHeap` (a max-heap) pops the earliest time, then the lowest
// sequence number: simultaneous events fire in the order they were scheduled. The boolean
// comparisons are spelled out because the heap's sift loops use them directly.
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

/// The future event list, ordered by (time, insertion sequence).
///
/// Events are plain values (a closed enum in practice), never boxed closures. The heap keeps
/// its buffer between events, so once it has grown to the model's peak number of pending
/// events, scheduling and popping allocate nothing.
#[derive(Debug)]
pub struct EventQueue<E> {
    heap: BinaryHeap<Scheduled<E>>,
    next_seq: u64,
    now: SimTime,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    pub fn new() -> Self {
        Self::with_capacity(64)
    }

    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            heap: BinaryHeap::with_capacity(capacity),
            next_seq: 0,
            now: SimTime::ZERO,
        }
    }

    /// The time of the last event popped (the simulation clock).
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedules `event` at absolute time `time`. Times in the past are clamped to now, so
    /// the clock never runs backwards.
    pub fn schedule(&mut self, time: SimTime, event: E) {
        let time = time.max(self.now);
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Scheduled { time, seq, event });
    }

    /// Schedules `event` after `delay` from now.
    pub fn schedule_in(&mut self, delay: SimTime, event: E) {
        self.schedule(self.now + delay, event);
    }

    /// The time of the next event, if any.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|s| s.time)
    }

    /// Removes the next event and advances the clock to its time.
    pub fn pop(&mut self) -> Option<Scheduled<E>> {
        let next = self.heap.pop()?;
        self.now = next.time;
        Some(next)
    }

    /// Removes the next event only if it fires at or before `limit`.
    pub fn pop_until(&mut self, limit: SimTime) -> Option<Scheduled<E>> {
        match self.heap.peek() {
            Some(s) if s.time <= limit => self.pop(),
            _ => None,
        }
    }

    /// Advances the clock without an event (to close a run at its horizon).
    pub fn advance_to(&mut self, time: SimTime) {
        self.now = self.now.max(time);
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

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
    fn pop_until_respects_limit() {
        let mut q = EventQueue::new();
        q.schedule(SimTime(10), 1);
        q.schedule(SimTime(20), 2);
        assert_eq!(q.pop_until(SimTime(15)).map(|s| s.event), Some(1));
        assert!(q.pop_until(SimTime(15)).is_none());
        assert_eq!(q.len(), 1);
    }
}
