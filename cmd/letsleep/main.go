// Command letsleep proves an AWS stack keeps its boundaries.
package main

import (
	"os"

	"github.com/letsleep/letsleep/internal/cli"
)

func main() {
	os.Exit(cli.Execute())
}
