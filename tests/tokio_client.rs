//! The shared cases on tokio.

maxsmart_tests::suite!(maxsmart_tokio::Tokio, maxsmart_tests::TokioExecutor);
