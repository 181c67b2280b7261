package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/hibiken/asynq"

	"github.com/nianbao/nianbao/worker"
	"github.com/nianbao/nianbao/worker/ziparchive"
)

const enqueueUsage = `usage: nianbao enqueue --redis URL [flags] PATH...

Queues documents for the workers: files, folders (recursively; hidden files
left out) and .zip archives, whose entries are read in place by the workers
(an archive with an entry named with .. or an absolute path, an encrypted
entry, or one that unpacks too large, is rejected whole). Paths must be on a
volume the workers see under the same name. A document already queued or
processed (the same content, under any name) is a duplicate and is not
queued again. Prints how many were queued and how many were duplicates.

Exit status: 0 when every input was queued or was a duplicate; 1 when one
could not be read or queued (a one-line reason naming it goes to stderr; the
others are still queued); 2 for bad usage.

flags:
`

func runEnqueue(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("enqueue", flag.ContinueOnError)
	redisURL := fs.String("redis", os.Getenv("REDIS_URL"), "Redis `URL` (default $REDIS_URL)")
	queue := fs.String("queue", worker.QueueBulk, "the `QUEUE`: bulk, or drop to go before bulk work")
	paths, code, ok := parseCommand(fs, enqueueUsage, args, stdout, stderr)
	if !ok {
		return code
	}
	switch {
	case len(paths) == 0:
		return usageError(fs, "no PATH given")
	case *redisURL == "":
		return usageError(fs, "no --redis URL given (nor REDIS_URL)")
	case worker.DefaultQueues[*queue] == 0:
		return usageError(fs, fmt.Sprintf("unknown queue %q", *queue))
	}
	redis, err := asynq.ParseRedisURI(*redisURL)
	if err != nil {
		return usageError(fs, fmt.Sprintf("--redis: %v", err))
	}
	client := asynq.NewClient(redis)
	defer client.Close()
	inspector := asynq.NewInspector(redis)
	defer inspector.Close()
	if err := client.Ping(); err != nil {
		fmt.Fprintf(stderr, "nianbao enqueue: redis: %v\n", err)
		return exitFailed
	}
	enq := &worker.Enqueuer{Client: client, Inspector: inspector}

	bar := newBar(stderr, -1, "enqueue")
	var enqueued, dups, failed int
	status := exitOK
	err = worker.Walk(ctx, paths, ziparchive.Limits{}, func(doc worker.Doc, err error) error {
		if err == nil {
			noteDuplicate(stderr, "nianbao enqueue", doc)
			var ex *worker.Existing
			ex, err = enq.Enqueue(ctx, doc, *queue)
			switch {
			case err == nil && ex == nil:
				enqueued++
			case err == nil:
				dups++
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			failed++
			status = exitFailed
			if bar != nil {
				bar.Clear()
			}
			printLine(stderr, "nianbao enqueue: %s: %v", doc, err)
		}
		if bar != nil {
			bar.Add(1)
		}
		return nil
	})
	if bar != nil {
		bar.Finish()
	}
	fmt.Fprintf(stdout, "%d enqueued, %d duplicates, %d failed\n", enqueued, dups, failed)
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "nianbao enqueue: stopped")
		return exitFailed
	}
	if err != nil {
		fmt.Fprintf(stderr, "nianbao enqueue: %v\n", err)
		return exitFailed
	}
	return status
}
