package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// parseCommand parses a command's flags, which may come before, between or
// after its arguments, the way parse does. It prints the usage on --help
// (exit 0) or on a bad flag (exit 2); ok is false when the command is to
// return code at once.
func parseCommand(fs *flag.FlagSet, usage string, args []string, stdout, stderr io.Writer) (rest []string, code int, ok bool) {
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	fs.SetOutput(io.Discard)
	rest, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stdout)
		fs.Usage()
		return nil, exitOK, false
	}
	fs.SetOutput(stderr)
	if err != nil {
		fmt.Fprintf(stderr, "nianbao %s: %v\n", fs.Name(), err)
		fs.Usage()
		return nil, exitUsage, false
	}
	return rest, exitOK, true
}

// usageError reports a missing or wrong argument and returns exitUsage.
func usageError(fs *flag.FlagSet, msg string) int {
	fmt.Fprintf(fs.Output(), "nianbao %s: %s\n", fs.Name(), msg)
	fs.Usage()
	return exitUsage
}

// newBar returns a progress bar of total steps (-1: unknown) on w when w is a
// terminal, else nil: logs and pipes get the summary line only. The bar
// shows the count, the rate and, with a total, the time left.
func newBar(w io.Writer, total int64, what string) *progressbar.ProgressBar {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("docs"),
		progressbar.OptionSetPredictTime(total > 0),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionFullWidth(),
	)
}
