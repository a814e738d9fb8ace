//! Dashboard figures kept for a short time: a page of the dashboards reads the country's
//! ledgers (hundreds of thousands of enrolments, millions of payment lines), which takes
//! longer than a page may; so each kind of figures is computed once per `ttl` and shared by
//! every request until then. Computation is single-flight: requests arriving while figures
//! are being computed wait for them rather than computing again.
//!
//! A running server also refreshes them ahead of time ([`prewarming`], called by
//! `dashboard::prewarm` from the server's sync loop): inside it, figures older than half the
//! `ttl` are computed again while readers go on being served the ones they replace, so a reader
//! meets a cold computation only when the server has just started.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::AppError;

type Entry = (Instant, Arc<dyn Any + Send + Sync>);

tokio::task_local! {
    /// Set inside [`prewarming`]: figures older than half the ttl are computed again.
    static PREWARMING: bool;
}

/// Runs `work` so that every [`DashboardCache::get_or_compute`] inside it recomputes figures
/// older than half the ttl (readers meanwhile keep the figures being replaced).
pub async fn prewarming<F: Future>(work: F) -> F::Output {
    PREWARMING.scope(true, work).await
}

fn prewarming_now() -> bool {
    PREWARMING.try_with(|p| *p).unwrap_or(false)
}

/// Figures by key, each kept until `ttl` has passed since it was computed.
pub struct DashboardCache {
    ttl: Duration,
    entries: Mutex<HashMap<String, Entry>>,
    /// One lock per key, held while that key's figures are computed.
    computing: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Figures computed since the start by the prewarmer, and on a reader's request (a cold
    /// page): counts for benchmarks and operators.
    computed_ahead: AtomicU64,
    computed_on_request: AtomicU64,
}

/// How many times figures were computed since the start, and by whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Computations {
    /// By the prewarmer (inside [`prewarming`]).
    pub ahead: u64,
    /// On a reader's request: that reader waited for them.
    pub on_request: u64,
}

impl std::fmt::Debug for DashboardCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DashboardCache")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl Default for DashboardCache {
    fn default() -> DashboardCache {
        DashboardCache::new(DashboardCache::DEFAULT_TTL)
    }
}

impl DashboardCache {
    /// How long figures are kept.
    pub const DEFAULT_TTL: Duration = Duration::from_secs(60);

    pub fn new(ttl: Duration) -> DashboardCache {
        DashboardCache {
            ttl,
            entries: Mutex::new(HashMap::new()),
            computing: Mutex::new(HashMap::new()),
            computed_ahead: AtomicU64::new(0),
            computed_on_request: AtomicU64::new(0),
        }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// How many times figures have been computed since the start, ahead and on request.
    pub fn computations(&self) -> Computations {
        Computations {
            ahead: self.computed_ahead.load(Ordering::Relaxed),
            on_request: self.computed_on_request.load(Ordering::Relaxed),
        }
    }

    /// How old figures may be for this caller: the ttl, or half of it when prewarming.
    fn max_age(&self) -> Duration {
        if prewarming_now() {
            self.ttl / 2
        } else {
            self.ttl
        }
    }

    fn fresh<T: Any + Send + Sync>(&self, key: &str) -> Option<Arc<T>> {
        let max_age = self.max_age();
        let entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (at, value) = entries.get(key)?;
        if at.elapsed() >= max_age {
            return None;
        }
        Arc::clone(value).downcast::<T>().ok()
    }

    /// The figures under `key`, computed by `compute` when none are fresh. An error is not kept.
    pub async fn get_or_compute<T, F>(&self, key: &str, compute: F) -> Result<Arc<T>, AppError>
    where
        T: Any + Send + Sync,
        F: Future<Output = Result<T, AppError>>,
    {
        if let Some(hit) = self.fresh::<T>(key) {
            return Ok(hit);
        }
        let lock = {
            let mut computing = self.computing.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            Arc::clone(computing.entry(key.to_owned()).or_default())
        };
        let _guard = lock.lock().await;
        if let Some(hit) = self.fresh::<T>(key) {
            return Ok(hit);
        }
        let value = Arc::new(compute.await?);
        if prewarming_now() {
            self.computed_ahead.fetch_add(1, Ordering::Relaxed);
        } else {
            self.computed_on_request.fetch_add(1, Ordering::Relaxed);
        }
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(
                key.to_owned(),
                (Instant::now(), Arc::clone(&value) as Arc<dyn Any + Send + Sync>),
            );
        Ok(value)
    }

    /// Forgets every kept figure (after an import or a payroll run the caller wants to see).
    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU32;

    #[tokio::test]
    async fn figures_are_computed_once_until_cleared() {
        let cache = DashboardCache::new(Duration::from_secs(3600));
        let calls = AtomicU32::new(0);
        let compute = || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Ok::<u64, AppError>(42)
        };
        assert_eq!(*cache.get_or_compute("a", compute()).await.unwrap(), 42);
        assert_eq!(*cache.get_or_compute("a", compute()).await.unwrap(), 42);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(
            cache.computations(),
            Computations {
                ahead: 0,
                on_request: 1
            }
        );
        cache.clear();
        assert_eq!(*cache.get_or_compute("a", compute()).await.unwrap(), 42);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        assert_eq!(
            cache.computations(),
            Computations {
                ahead: 0,
                on_request: 2
            }
        );
    }

    #[tokio::test]
    async fn prewarming_recomputes_what_readers_would_still_take() {
        let cache = DashboardCache::new(Duration::from_millis(400));
        let calls = AtomicU32::new(0);
        let compute = || async { Ok::<u32, AppError>(calls.fetch_add(1, Ordering::SeqCst) + 1) };
        assert_eq!(*cache.get_or_compute("k", compute()).await.unwrap(), 1);
        std::thread::sleep(Duration::from_millis(250));
        // Past half the ttl: a reader still takes the kept figures …
        assert_eq!(*cache.get_or_compute("k", compute()).await.unwrap(), 1);
        // … while the prewarmer computes them again, and readers then take the new ones.
        assert_eq!(*prewarming(cache.get_or_compute("k", compute())).await.unwrap(), 2);
        assert_eq!(*cache.get_or_compute("k", compute()).await.unwrap(), 2);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        assert_eq!(
            cache.computations(),
            Computations {
                ahead: 1,
                on_request: 1
            }
        );
    }

    #[tokio::test]
    async fn a_zero_ttl_computes_every_time() {
        let cache = DashboardCache::new(Duration::ZERO);
        let calls = AtomicU32::new(0);
        for _ in 0..3 {
            cache
                .get_or_compute("k", async {
                    calls.fetch_add(1, Ordering::SeqCst);
                    Ok::<u8, AppError>(1)
                })
                .await
                .unwrap();
        }
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }
}
