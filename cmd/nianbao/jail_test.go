package main

import (
	"os"
	"testing"

	"github.com/nianbao/nianbao/internal/pipeline"
)

// This test binary serves as the jailed child of batch and parse --jail.
func TestMain(m *testing.M) {
	pipeline.ServeChildIfAsked()
	os.Exit(m.Run())
}
