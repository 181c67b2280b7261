package main

import (
	"strings"
	"testing"
)

// TestReviewBind: the station refuses an address beyond loopback without
// --token, and takes one with it or on loopback.
func TestReviewBind(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"review", "--addr", "0.0.0.0:0", dir},
		{"review", "--addr", "[::]:0", dir},
		{"review", "--addr", ":0", dir},
		{"review", "--addr", "192.0.2.1:0", dir},
	} {
		code, _, stderr := runCLI(t, args...)
		if code != exitUsage || !strings.Contains(stderr, "without --token") {
			t.Errorf("%v: exit %d, %q; want a refusal", args, code, stderr)
		}
	}
	for _, tc := range []struct{ addr, token string }{
		{"127.0.0.1:0", ""}, {"[::1]:0", ""}, {"localhost:0", ""}, {"0.0.0.0:0", "t0ken"},
	} {
		if err := checkBind(tc.addr, tc.token); err != nil {
			t.Errorf("checkBind(%q, %q): %v", tc.addr, tc.token, err)
		}
	}
	if code, _, stderr := runCLI(t, "review"); code != exitUsage || !strings.Contains(stderr, "give one DIR") {
		t.Errorf("no DIR: exit %d, %q", code, stderr)
	}
}
