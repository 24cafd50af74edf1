package membudget

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// hugePage is the size of a transparent huge page on amd64 and arm64.
const hugePage = 2 << 20

// populate asks the kernel to back b with writable pages now, in huge
// pages where the kernel allows them for regions that ask (transparent
// huge pages in "madvise" mode, the default of Debian and Ubuntu).
func populate(b []byte) error {
	adviseHuge(b)
	return unix.Madvise(b, unix.MADV_POPULATE_WRITE)
}

// adviseHuge marks the huge-page-aligned interior of b for huge pages.
// One fault then maps 2 MiB instead of 4 KiB. Failure is harmless (a kernel
// without THP): the pages are then small, as without the advice.
func adviseHuge(b []byte) {
	if len(b) < 2*hugePage {
		return
	}
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo := (p + hugePage - 1) &^ (hugePage - 1)
	hi := (p + uintptr(len(b))) &^ (hugePage - 1)
	if hi <= lo {
		return
	}
	_ = unix.Madvise(b[lo-p:hi-p], unix.MADV_HUGEPAGE)
}
