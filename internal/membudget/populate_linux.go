package membudget

import "golang.org/x/sys/unix"

// populate asks the kernel to back b with writable pages now.
func populate(b []byte) error {
	return unix.Madvise(b, unix.MADV_POPULATE_WRITE)
}
