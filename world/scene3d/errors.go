package scene3d

import (
	"errors"
	"fmt"
)

// ErrInvalid is the kind of every argument error of this package: a non-positive or too
// large resolution, a field of view out of range, a NaN or infinite coordinate, a degenerate
// camera. Every *ParamError unwraps to it.
var ErrInvalid = errors.New("invalid argument")

// ParamError reports a bad argument: Op is the function that refused it, Field names the
// argument, Value is its printed value and Reason says what is wrong.
type ParamError struct {
	Op     string
	Field  string
	Value  string
	Reason string
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("scene3d: %s: %s = %s: %s", e.Op, e.Field, e.Value, e.Reason)
}

// Unwrap returns ErrInvalid.
func (e *ParamError) Unwrap() error { return ErrInvalid }

func paramErr(op, field string, value any, reason string) error {
	return &ParamError{Op: op, Field: field, Value: fmt.Sprint(value), Reason: reason}
}
