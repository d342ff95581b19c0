"""The benchmark (run by hand: `make bench`); `bench.pages` is shared with the tests."""
