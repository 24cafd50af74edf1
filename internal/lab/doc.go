// Package lab builds an offline network twin of a stack on this machine:
// one network namespace per function and database, an "internet"
// namespace, nftables rules compiled from the security groups, a real
// PostgreSQL behind a sleep sentinel, a stub HTTPS LLM API, and the stack's
// handlers as processes. It implements backend.Backend for the suites.
//
// The package builds on Linux only (namespaces, nftables, PDEATHSIG); the
// checker binary does not link it: the lab ships as cmd/letsleep-lab.
package lab
