// Command nianbao turns government information-disclosure annual reports
// (政府信息公开工作年度报告) into checked JSON records.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/nianbao/nianbao/internal/pipeline"
)

const usage = `nianbao turns government information-disclosure annual reports
(政府信息公开工作年度报告) into checked JSON records.

usage: nianbao COMMAND [flags] [args]

commands:
  parse    read report files and print their records
  batch    read a folder or archive of reports into a folder of records
  export   write a folder of records as reports.csv and reports.xlsx
  worker   process the documents queued in Redis; watch a drop folder
  enqueue  queue files, folders and .zip archives for the workers
  review   settle flagged values in a browser (a local web application)

Run 'nianbao COMMAND --help' for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitOK       = 0
	exitFailed   = 1 // an input could not be read or converted
	exitUsage    = 2
	exitNotValid = 3 // parse --strict: a record is not valid
)

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "parse":
		return runParse(ctx, args[1:], stdout, stderr)
	case "batch":
		return runBatch(ctx, args[1:], stdout, stderr)
	case "export":
		return runExport(ctx, args[1:], stdout, stderr)
	case "worker":
		return runWorker(ctx, args[1:], stdout, stderr)
	case "enqueue":
		return runEnqueue(ctx, args[1:], stdout, stderr)
	case "review":
		return runReview(ctx, args[1:], stdout, stderr)
	case pipeline.ChildCommand: // hidden: a jailed child of batch, worker or parse --jail
		if err := pipeline.ServeChild(args[1:]); err != nil {
			fmt.Fprintf(stderr, "nianbao %s: %v\n", args[0], err)
			return exitFailed
		}
		return exitOK
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "nianbao: unknown command %q\n\n%s", args[0], usage)
	return exitUsage
}
