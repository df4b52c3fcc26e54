/** Benchmarks: measured on the machine at hand and recorded in docs/benchmarks.md, never asserted in tests. */
package io.junction.bench;
