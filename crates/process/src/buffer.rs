//! A byte buffer that keeps the first and the last part of a long output.

use std::collections::VecDeque;

/// Most output bytes kept per process between two reads (1 MiB): half from
/// the start, half from the end; the middle is dropped without a marker.
pub const OUTPUT_MAX_BYTES: usize = 1024 * 1024;

/// Keeps at most `capacity` bytes: the first `capacity / 2` and the most recent rest.
#[derive(Debug)]
pub struct HeadTailBuffer {
    capacity: usize,
    head: Vec<u8>,
    tail: VecDeque<u8>,
    dropped: u64,
}

impl Default for HeadTailBuffer {
    fn default() -> Self {
        Self::new(OUTPUT_MAX_BYTES)
    }
}

impl HeadTailBuffer {
    /// An empty buffer holding at most `capacity` bytes.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            head: Vec::new(),
            tail: VecDeque::new(),
            dropped: 0,
        }
    }

    /// Appends bytes, dropping from the middle when over capacity.
    pub fn push(&mut self, mut bytes: &[u8]) {
        let head_cap = self.capacity / 2;
        if self.head.len() < head_cap {
            let take = (head_cap - self.head.len()).min(bytes.len());
            self.head.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
        }
        let tail_cap = self.capacity - head_cap;
        if bytes.len() >= tail_cap {
            self.dropped += (self.tail.len() + bytes.len() - tail_cap) as u64;
            self.tail.clear();
            self.tail.extend(&bytes[bytes.len() - tail_cap..]);
            return;
        }
        self.tail.extend(bytes);
        let excess = self.tail.len().saturating_sub(tail_cap);
        if excess > 0 {
            self.tail.drain(..excess);
            self.dropped += excess as u64;
        }
    }

    /// Bytes held.
    pub fn len(&self) -> usize {
        self.head.len() + self.tail.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes dropped from the middle so far.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Takes everything held (head then tail) and empties the buffer.
    pub fn take(&mut self) -> Vec<u8> {
        let mut out = std::mem::take(&mut self.head);
        out.extend(self.tail.drain(..));
        self.dropped = 0;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_everything_under_capacity() {
        let mut b = HeadTailBuffer::new(8);
        b.push(b"abc");
        b.push(b"de");
        assert_eq!(b.take(), b"abcde");
        assert!(b.is_empty());
    }

    #[test]
    fn drops_the_middle_over_capacity() {
        let mut b = HeadTailBuffer::new(8);
        b.push(b"0123456789");
        b.push(b"ab");
        assert_eq!(b.len(), 8);
        assert_eq!(b.dropped(), 4);
        assert_eq!(b.take(), b"012389ab");
    }

    #[test]
    fn huge_single_chunk() {
        let mut b = HeadTailBuffer::new(4);
        b.push(&[b'x'; 100]);
        b.push(b"yz");
        assert_eq!(b.take(), b"xxyz");
    }
}
