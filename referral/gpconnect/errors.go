package gpconnect

import (
	"errors"
	"fmt"
)

// The kinds of failure, for errors.Is. An *Error wraps one of them.
var (
	// ErrMalformed is a bundle that is not well-formed JSON (truncated, for
	// example), or a resource whose elements have the wrong JSON types.
	ErrMalformed = errors.New("malformed JSON")
	// ErrNotStructuredRecord is a document that is not a GP Connect Access
	// Record: Structured bundle.
	ErrNotStructuredRecord = errors.New("not a GP Connect structured record bundle")
	// ErrWrongType is a resource of a type the bundle may not hold there.
	ErrWrongType = errors.New("resource of the wrong type")
	// ErrTooLarge is a bundle over MaxBundleBytes.
	ErrTooLarge = errors.New("bundle too large")
	// ErrNoPatient is a bundle without exactly one Patient.
	ErrNoPatient = errors.New("bundle does not hold exactly one Patient")
	// ErrPatientMismatch is a set of bundles about different patients.
	ErrPatientMismatch = errors.New("bundles are not about the same patient")
	// ErrNoBundle is a call with no bundle to read.
	ErrNoBundle = errors.New("no bundle given")
)

// Error is a bundle that cannot be read. It names the bundle and, where
// the fault is in one entry, the entry's index and resource type; it never
// holds a value from the bundle.
type Error struct {
	// Bundle is the bundle's position among those given to Read, from 1.
	Bundle int
	// Entry is the index of the failing entry in the bundle's entry array,
	// or -1 when the fault is in the bundle as a whole.
	Entry int
	// ResourceType is the entry's FHIR resource type when it is one this
	// package knows by name, and empty otherwise.
	ResourceType string
	// Detail says more without repeating the input, such as the element
	// path of a type error or the byte offset of a syntax error.
	Detail string
	// Err is the kind of failure: ErrMalformed, ErrWrongType and so on.
	Err error
}

// Error returns a message naming the bundle, entry and resource type.
func (e *Error) Error() string {
	s := fmt.Sprintf("gpconnect: bundle %d", e.Bundle)
	if e.Entry >= 0 {
		s += fmt.Sprintf(", entry %d", e.Entry)
		if e.ResourceType != "" {
			s += " (" + e.ResourceType + ")"
		}
	}
	s += ": " + e.Err.Error()
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap returns the kind of failure.
func (e *Error) Unwrap() error { return e.Err }
