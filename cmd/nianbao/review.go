package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/user"
	"time"

	"github.com/nianbao/nianbao/internal/pipeline"
	"github.com/nianbao/nianbao/internal/review/station"
)

const reviewUsage = `usage: nianbao review [flags] DIR

Serves the review station over the records under DIR (as 'nianbao batch'
and the workers write them): a list of documents, errors first, and for each
its three tables with every finding on its cell. Type the right value of a
flagged cell, or press Enter to confirm the reading; each decision is saved
at once in NAME.review.json beside the record, and the record is checked
again with it. 'nianbao export DIR' then writes the reviewed values.

For a value read by OCR the page is shown where it was read, cut from the
source file when it lies beside its record under DIR (a.pdf beside
a.pdf.json). Nothing outside DIR is read or written.

It listens on 127.0.0.1 unless --addr says otherwise; another address needs
--token, which every browser must present once (?token=...).

flags:
`

func runReview(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("review", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8765", "listen on `HOST:PORT`")
	token := fs.String("token", "", "access `TOKEN` every browser must present; needed beyond loopback")
	who := fs.String("who", "", "the reviewer's `NAME` in the sidecars (default: the user's name)")
	dirs, code, ok := parseCommand(fs, reviewUsage, args, stdout, stderr)
	if !ok {
		return code
	}
	if len(dirs) != 1 {
		return usageError(fs, "give one DIR")
	}
	if err := checkBind(*addr, *token); err != nil {
		fmt.Fprintf(stderr, "nianbao review: %v\n", err)
		return exitUsage
	}
	if *who == "" {
		*who = "reviewer"
		if u, err := user.Current(); err == nil {
			*who = u.Username
		}
	}
	p := pipeline.New(pipeline.Config{})
	defer p.Close()
	st, err := station.New(station.Config{Dir: dirs[0], AccessToken: *token, Reviewer: *who, Pages: p.PageImage, Text: p.Text})
	if err != nil {
		fmt.Fprintf(stderr, "nianbao review: %v\n", err)
		return exitFailed
	}
	// Reading a large folder's records takes seconds: start now.
	go st.Refresh()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "nianbao review: %v\n", err)
		return exitFailed
	}
	srv := &http.Server{Handler: st, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shut)
	}()
	link := "http://" + ln.Addr().String() + "/"
	if *token != "" {
		link += "?token=" + *token
	}
	fmt.Fprintf(stdout, "review station on %s (Ctrl-C stops it)\n", link)
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "nianbao review: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// checkBind refuses an address beyond loopback without an access token.
func checkBind(addr, token string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	if token == "" {
		return fmt.Errorf("refusing to listen on %s without --token: anyone who can reach it could read and change the records", addr)
	}
	return nil
}
