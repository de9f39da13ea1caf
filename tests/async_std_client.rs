//! The shared cases on async-std.

maxsmart_tests::suite!(
    maxsmart_async_std::AsyncStd,
    maxsmart_tests::AsyncStdExecutor
);
