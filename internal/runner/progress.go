package runner

import (
	"fmt"
	"io"
	"time"
)

// step prints "name…" and returns a func that prints how long it took.
func step(w io.Writer, name string) func() {
	if w == nil {
		return func() {}
	}
	start := time.Now()
	fmt.Fprintf(w, "• %s…\n", name)
	return func() {
		fmt.Fprintf(w, "  done in %s\n", time.Since(start).Round(time.Millisecond))
	}
}
