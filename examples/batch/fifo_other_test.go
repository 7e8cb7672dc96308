//go:build !unix

package main

import "testing"

const fifoSupported = false

func makeFIFO(t *testing.T, path string) {}
