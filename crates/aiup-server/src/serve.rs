//! The listener: accepts TCP connections and serves HTTP/1.1 on them with hyper, within
//! [`Limits`], so that slow or stalled clients cannot starve the server.
//!
//! - **A connection cap** (`max_connections`), a semaphore in the accept loop. When every slot is
//!   taken, a new connection closes the connection that has waited longest for a request head:
//!   a stalled client (or an idle keep-alive one) loses its slot, and a client that sends a whole
//!   request at once (a browser, a health check) is served. A connection in the middle of a
//!   request is never closed this way; if all of them are, new connections wait in the kernel's
//!   backlog until one finishes (the request timeout bounds that).
//! - **A header read timeout** (`header_read_timeout`, hyper's, with tokio's timer): a
//!   connection that has not sent a whole request head in time is closed. hyper starts the clock
//!   when the connection opens and again each time it goes idle, so it is the keep-alive idle
//!   limit too.
//! - **A head size limit** (`max_head_bytes`, hyper's): a longer head is answered 431.
//! - **Graceful shutdown:** when `shutdown` completes, the listener closes, connections with no
//!   request in progress close at once, and requests in progress get `shutdown_grace` to finish.
//!
//! Each request carries the `Limits` (for the body limit and timeout of [`crate::hygiene`]) and
//! its peer address as axum's `ConnectInfo<SocketAddr>`.

use crate::hygiene::Limits;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Notify, Semaphore};
use tower::ServiceExt;

/// Serves `router` on `listener` within `limits` until `shutdown` completes, then lets requests
/// in progress finish (for at most `limits.shutdown_grace`) and returns.
pub async fn serve<F>(listener: TcpListener, router: Router, limits: Limits, shutdown: F) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    let registry = Arc::new(Registry::default());
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    accept_failed(&e).await;
                    continue;
                }
            },
        };
        let Some(permit) = take_slot(&slots, &registry, &mut shutdown).await else {
            break;
        };
        // Small answers go out at once rather than waiting for Nagle's algorithm.
        let _ = stream.set_nodelay(true);
        let tracked = registry.register();
        let service = hyper::service::service_fn({
            let tracked = Arc::clone(&tracked);
            let router = router.clone();
            move |mut request: hyper::Request<Incoming>| {
                let busy = Busy::begin(Arc::clone(&tracked));
                request.extensions_mut().insert(limits);
                request.extensions_mut().insert(ConnectInfo(peer));
                let router = router.clone();
                async move {
                    let response = match router.oneshot(request.map(Body::new)).await {
                        Ok(response) => response,
                        Err(never) => match never {},
                    };
                    Ok::<_, Infallible>(response.map(|body| Body::new(BusyBody { body, _busy: busy })))
                }
            }
        });
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_read_timeout)
            .max_header_size(limits.max_head_bytes)
            // The read buffer need not be larger than a head; hyper refuses anything under 8 KiB.
            .max_buf_size(limits.max_head_bytes.max(8192))
            .keep_alive(limits.keep_alive);
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        let registry = Arc::clone(&registry);
        tokio::spawn(async move {
            tokio::select! {
                result = connection => {
                    if let Err(e) = result {
                        tracing::debug!(%peer, error = %e, "connection ended with an error");
                    }
                }
                () = tracked.evicted.notified() => {
                    tracing::debug!(%peer, "connection closed to make room: it had sent no request");
                }
            }
            registry.remove(tracked.id);
            drop(permit);
        });
    }
    drop(listener);
    registry.evict_all_waiting();
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.shutdown_grace) => {
            tracing::warn!(grace = ?limits.shutdown_grace, "requests still running at the end of the shutdown grace are cut off");
        }
    }
    Ok(())
}

/// A slot for a new connection: a free one, or one freed by closing the connection that has
/// waited longest for a request head. `None` if `shutdown` completes first.
async fn take_slot(
    slots: &Arc<Semaphore>,
    registry: &Registry,
    shutdown: &mut Pin<&mut impl Future<Output = ()>>,
) -> Option<tokio::sync::OwnedSemaphorePermit> {
    loop {
        if let Ok(permit) = Arc::clone(slots).try_acquire_owned() {
            return Some(permit);
        }
        let evicted = registry.evict_oldest_waiting();
        // An evicted connection frees its slot at once; if every connection is busy, look again
        // now and then, since a busy one may go idle without closing.
        let recheck = if evicted {
            Duration::from_secs(5)
        } else {
            Duration::from_millis(100)
        };
        tokio::select! {
            biased;
            () = shutdown.as_mut() => return None,
            permit = Arc::clone(slots).acquire_owned() => return permit.ok(),
            () = tokio::time::sleep(recheck) => {}
        }
    }
}

/// An accept error: a connection that failed before it was accepted is skipped; anything else
/// (out of file descriptors) is logged and the loop pauses briefly so it does not spin.
async fn accept_failed(e: &std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(e.kind(), ConnectionAborted | ConnectionRefused | ConnectionReset) {
        return;
    }
    tracing::error!(error = %e, "cannot accept a connection");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// The open connections, and which of them are waiting for a request head.
#[derive(Debug, Default)]
struct Registry {
    next_id: AtomicU64,
    open: Mutex<HashMap<u64, Arc<Tracked>>>,
}

/// One connection's state: requests in progress (or [`EVICTED`]), and since when it has waited.
#[derive(Debug)]
struct Tracked {
    id: u64,
    /// Requests in progress; [`EVICTED`] once the connection is chosen to be closed.
    state: AtomicU32,
    /// A tick of [`TICKS`], taken when the connection last started waiting for a request head.
    waiting_since: AtomicU64,
    evicted: Notify,
}

const EVICTED: u32 = 1 << 31;

/// A counter that orders the moments connections started waiting.
static TICKS: AtomicU64 = AtomicU64::new(0);

fn tick() -> u64 {
    TICKS.fetch_add(1, Ordering::Relaxed)
}

impl Registry {
    fn register(&self) -> Arc<Tracked> {
        let tracked = Arc::new(Tracked {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            state: AtomicU32::new(0),
            waiting_since: AtomicU64::new(tick()),
            evicted: Notify::new(),
        });
        self.lock().insert(tracked.id, Arc::clone(&tracked));
        tracked
    }

    fn remove(&self, id: u64) {
        self.lock().remove(&id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Tracked>>> {
        self.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Closes the connection that has waited longest for a request head; false if every
    /// connection has a request in progress.
    fn evict_oldest_waiting(&self) -> bool {
        let mut waiting: Vec<(u64, Arc<Tracked>)> = self
            .lock()
            .values()
            .filter(|t| t.state.load(Ordering::Acquire) == 0)
            .map(|t| (t.waiting_since.load(Ordering::Acquire), Arc::clone(t)))
            .collect();
        waiting.sort_unstable_by_key(|(since, _)| *since);
        // A connection may have begun a request since the scan: then try the next one.
        waiting.iter().any(|(_, t)| t.try_evict())
    }

    /// On shutdown: closes every connection with no request in progress.
    fn evict_all_waiting(&self) {
        for tracked in self.lock().values() {
            tracked.try_evict();
        }
    }
}

impl Tracked {
    fn try_evict(&self) -> bool {
        let evicted = self
            .state
            .compare_exchange(0, EVICTED, Ordering::AcqRel, Ordering::Acquire)
            .is_ok();
        if evicted {
            self.evicted.notify_one();
        }
        evicted
    }
}

/// A request in progress on a connection, from its head until its response body is done.
#[derive(Debug)]
struct Busy(Arc<Tracked>);

impl Busy {
    fn begin(tracked: Arc<Tracked>) -> Busy {
        tracked.state.fetch_add(1, Ordering::AcqRel);
        Busy(tracked)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.waiting_since.store(tick(), Ordering::Release);
        self.0.state.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A response body that keeps its connection marked busy until it has been sent.
struct BusyBody {
    body: Body,
    _busy: Busy,
}

impl http_body::Body for BusyBody {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_waiting_idle_connection_is_evicted_and_a_busy_one_never() {
        let registry = Registry::default();
        let first = registry.register();
        let second = registry.register();
        let third = registry.register();
        // The first is in a request; the second started waiting before the third.
        let busy = Busy::begin(Arc::clone(&first));
        assert!(registry.evict_oldest_waiting());
        assert_eq!(second.state.load(Ordering::Acquire), EVICTED);
        assert_eq!(third.state.load(Ordering::Acquire), 0);
        registry.remove(second.id);
        // The busy one finishes: it now waits since after the third.
        drop(busy);
        assert!(registry.evict_oldest_waiting());
        assert_eq!(third.state.load(Ordering::Acquire), EVICTED);
        registry.remove(third.id);
        let _again = Busy::begin(Arc::clone(&first));
        assert!(
            !registry.evict_oldest_waiting(),
            "a connection in a request is never evicted"
        );
        assert_eq!(first.state.load(Ordering::Acquire), 1);
    }

    #[test]
    fn shutdown_evicts_only_idle_connections() {
        let registry = Registry::default();
        let idle = registry.register();
        let working = registry.register();
        let _busy = Busy::begin(Arc::clone(&working));
        registry.evict_all_waiting();
        assert_eq!(idle.state.load(Ordering::Acquire), EVICTED);
        assert_eq!(working.state.load(Ordering::Acquire), 1);
    }
}
