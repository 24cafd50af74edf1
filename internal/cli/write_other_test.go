//go:build !unix

package cli

import (
	"os"
	"testing"
)

func umask(*testing.T) os.FileMode { return 0 }
