package runner

import (
	"errors"
	"fmt"
)

// ErrUsage marks a wrong call: a bad flag value or a missing argument.
var ErrUsage = errors.New("usage error")

func usageErrorf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrUsage, fmt.Sprintf(format, args...))
}
