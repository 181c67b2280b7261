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

	"github.com/nianbao/nianbao/internal/jail"
	"github.com/nianbao/nianbao/internal/pipeline"
	"github.com/nianbao/nianbao/worker"
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

// jailFlags are the limits of the child processes documents are read in.
type jailFlags struct {
	memory *int64
	cpu    *time.Duration
}

func addJailFlags(fs *flag.FlagSet) jailFlags {
	return jailFlags{
		memory: fs.Int64("max-memory", jail.DefaultMaxMemory>>20, "memory a document's child process may take, in `MiB` (address space)"),
		cpu:    fs.Duration("max-cpu", jail.DefaultMaxCPU, "CPU time a document may take in its child process"),
	}
}

func (f jailFlags) config() jail.Config {
	return jail.Config{MaxMemory: *f.memory << 20, MaxCPU: *f.cpu}
}

// jailed returns the pipeline that reads each document in a child process,
// within its format's timeout.
func (f jailFlags) jailed(cfg pipeline.Config) (*pipeline.Jailed, error) {
	return pipeline.NewJailed(cfg, pipeline.JailConfig{Jail: f.config(), Timeout: worker.TaskConfig{}.Timeout})
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
