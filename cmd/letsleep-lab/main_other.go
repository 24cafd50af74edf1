//go:build !linux

// Command letsleep-lab runs the offline lab of a stack; it needs Linux
// (network namespaces, nftables), so elsewhere it only says so.
package main

import (
	"fmt"
	"os"
	"runtime"
)

func main() {
	fmt.Fprintf(os.Stderr, "letsleep-lab: the lab needs Linux (network namespaces, nftables); this build is for %s\n", runtime.GOOS)
	os.Exit(2)
}
