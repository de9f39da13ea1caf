//! The executors the shared cases run on, one per runner file.

use std::future::Future;

/// Runs a future to completion on the current thread.
pub trait Executor {
    /// Runs `future` on the current thread until it completes.
    fn block_on<F: Future>(future: F) -> F::Output;
}

/// A tokio current-thread runtime with I/O and time, new for each test.
#[derive(Debug)]
pub struct TokioExecutor;

impl Executor for TokioExecutor {
    fn block_on<F: Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio runtime builds")
            .block_on(future)
    }
}

/// async-std's `block_on`.
#[derive(Debug)]
pub struct AsyncStdExecutor;

impl Executor for AsyncStdExecutor {
    fn block_on<F: Future>(future: F) -> F::Output {
        async_std::task::block_on(future)
    }
}

/// smol's `block_on`.
#[derive(Debug)]
pub struct SmolExecutor;

impl Executor for SmolExecutor {
    fn block_on<F: Future>(future: F) -> F::Output {
        smol::block_on(future)
    }
}
