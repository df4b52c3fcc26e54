/** Test fixtures shared by every module's tests: free loopback ports, bounded waits and child JVMs. */
package io.junction.testing;
