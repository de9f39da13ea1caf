//! The shared cases on a smol executor, with the async-std runtime crate.

maxsmart_tests::suite!(maxsmart_async_std::AsyncStd, maxsmart_tests::SmolExecutor);
