//! Random identifiers: session ids and output chunk ids.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::hash::Hasher;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering;
use std::time::SystemTime;
use std::time::UNIX_EPOCH;

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A random 64-bit value from the standard library's per-process random keys.
pub(crate) fn random_u64() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    hasher.write_u128(nanos);
    hasher.finish()
}

/// Six lower-case hex digits, as in `Chunk ID: 3f09a2`.
pub fn chunk_id() -> String {
    format!("{:06x}", random_u64() & 0xff_ffff)
}

/// A random session id in `1000..100000`, as the reference hands out.
pub(crate) fn session_id_candidate() -> i32 {
    // The range is small enough that the modulo result always fits in i32.
    1000 + i32::try_from(random_u64() % 99_000).unwrap_or(0)
}
