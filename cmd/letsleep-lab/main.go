//go:build linux

// Command letsleep-lab runs the offline lab of a stack (Linux, root).
package main

import (
	"os"

	"github.com/letsleep/letsleep/internal/labcli"
)

func main() {
	os.Exit(labcli.Execute())
}
