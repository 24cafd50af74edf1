//go:build !linux

package membudget

import "errors"

func populate([]byte) error { return errors.ErrUnsupported }
