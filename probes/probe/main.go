// Command probe is the probe twin's Lambda (provided.al2023, binary
// "bootstrap", built with -tags lambda.norpc). Outside Lambda it reads one
// request as JSON from stdin (or -request FILE) and writes the response as
// JSON to stdout: the lab runs it that way inside its namespaces.
package main

import (
	"os"

	"github.com/letsleep/letsleep/internal/probe"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, probe.NewAWSClients))
}
