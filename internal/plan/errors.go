package plan

import (
	"errors"
	"fmt"
)

// ErrInput marks every error caused by bad input (a missing file, a file
// that is not a plan, a plan that errored). The CLI maps it to exit code 2.
// Test with errors.Is(err, plan.ErrInput).
var ErrInput = errors.New("input error")

// InputError is a bad-input error that names the source and says what to do.
type InputError struct {
	Source string // the path the user passed
	Msg    string
	Err    error // the underlying cause, if any
}

func (e *InputError) Error() string {
	if e.Source == "" {
		return e.Msg
	}
	return e.Source + ": " + e.Msg
}

// Is makes errors.Is(err, ErrInput) true for every InputError.
func (e *InputError) Is(target error) bool { return target == ErrInput }

func (e *InputError) Unwrap() error { return e.Err }

func inputErr(source string, cause error, format string, args ...any) error {
	return &InputError{Source: source, Msg: fmt.Sprintf(format, args...), Err: cause}
}
