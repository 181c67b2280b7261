package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/nianbao/nianbao/converters"
	"github.com/nianbao/nianbao/internal/inputfile"
	"github.com/nianbao/nianbao/internal/jail"
	"github.com/nianbao/nianbao/internal/record"
)

// ChildCommand is the hidden subcommand that serves jailed documents:
// `PROGRAM jail-child CONFIG`, CONFIG the child's Config as JSON. nianbao
// runs ServeChild for it; a test binary whose children it is calls
// ServeChildIfAsked first thing in its TestMain.
const ChildCommand = "jail-child"

// Runner turns a document's content into its record: a Pipeline in this
// process, or Jailed in child processes.
type Runner interface {
	Bytes(ctx context.Context, name string, data []byte) (*record.Record, error)
}

// JailConfig configures Jailed.
type JailConfig struct {
	// Jail limits the children. Its Command is the program only (default:
	// this executable); Jailed adds ChildCommand and the pipeline's Config.
	Jail jail.Config
	// Timeout returns the wall time a document of a format and a number of
	// pages (see Pages) may take; nil or 0 leaves only the context's deadline.
	Timeout func(format string, pages int) time.Duration
}

// Jailed runs the pipeline in child processes (see package jail), one
// document per request: a document that crashes its child, or makes it
// exceed a limit, fails alone with an error wrapping a *jail.Error, and
// the caller goes on. It is safe for concurrent use.
type Jailed struct {
	jail    *jail.Jail
	timeout func(format string, pages int) time.Duration
	maxSize int64
}

// NewJailed returns a Jailed whose children each run New(cfg).
func NewJailed(cfg Config, jc JailConfig) (*Jailed, error) {
	conf, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	jcfg := jc.Jail
	if len(jcfg.Command) == 0 {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("pipeline: the child's program: %w", err)
		}
		jcfg.Command = []string{exe}
	}
	jcfg.Command = append(jcfg.Command[:len(jcfg.Command):len(jcfg.Command)], ChildCommand, string(conf))
	j, err := jail.New(jcfg)
	if err != nil {
		return nil, err
	}
	maxSize := cfg.MaxFileSize
	if maxSize <= 0 {
		maxSize = DefaultMaxFileSize
	}
	return &Jailed{jail: j, timeout: jc.Timeout, maxSize: maxSize}, nil
}

// File reads the file at path and returns its record, made in a child.
func (p *Jailed) File(ctx context.Context, path string) (*record.Record, error) {
	data, err := inputfile.ReadFile(path, p.maxSize)
	if err != nil {
		return nil, err
	}
	return p.Bytes(ctx, path, data)
}

// Close ends the children. Call it once no call is running.
func (p *Jailed) Close() error { return p.jail.Close() }

// Stats returns what the children have done.
func (p *Jailed) Stats() jail.Stats { return p.jail.Stats() }

// childReply is a child's answer to a document.
type childReply struct {
	Record *record.Record `json:"record,omitempty"`
	Error  string         `json:"error,omitempty"`
	// Class names the sentinel the error wrapped, from errorClasses.
	Class string `json:"class,omitempty"`
}

// errorClasses are the errors that keep their identity across the process
// boundary, so that errors.Is tells bad input from a child as from this
// process.
var errorClasses = map[string]error{
	"empty":       converters.ErrEmpty,
	"not_text":    converters.ErrNotText,
	"corrupt":     converters.ErrCorrupt,
	"encrypted":   converters.ErrEncrypted,
	"too_large":   converters.ErrTooLarge,
	"unsupported": converters.ErrUnsupported,
}

// childError is an error a child returned: its message, and the sentinel it
// wrapped there.
type childError struct {
	msg   string
	class error
}

func (e *childError) Error() string { return e.msg }
func (e *childError) Unwrap() error { return e.class }

// Bytes returns the record of a file's content, made in a child.
func (p *Jailed) Bytes(ctx context.Context, name string, data []byte) (*record.Record, error) {
	format := Detect(name, data)
	if p.timeout != nil {
		if d := p.timeout(format, Pages(format, data)); d > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, d)
			defer cancel()
		}
	}
	// The request is the name, a NUL, then the content.
	out, err := p.jail.Run(ctx, append([]byte(name), 0), data)
	if err != nil {
		if format != "" {
			return nil, fmt.Errorf("%s: %w", format, err)
		}
		return nil, err
	}
	var reply childReply
	if err := json.Unmarshal(out, &reply); err != nil {
		return nil, fmt.Errorf("pipeline: the child's reply: %w", err)
	}
	if reply.Error != "" {
		return nil, &childError{reply.Error, errorClasses[reply.Class]}
	}
	if reply.Record == nil {
		return nil, errors.New("pipeline: the child replied with neither a record nor an error")
	}
	return reply.Record, nil
}

// ServeChild serves documents read from stdin, writing their replies to
// stdout, until stdin ends: the body of ChildCommand. args are what
// follows ChildCommand.
func ServeChild(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: %s CONFIG", ChildCommand)
	}
	var cfg Config
	if err := json.Unmarshal([]byte(args[0]), &cfg); err != nil {
		return fmt.Errorf("%s: CONFIG: %w", ChildCommand, err)
	}
	p := New(cfg)
	defer p.Close()
	return jail.ServeStdio(func(req []byte) []byte {
		var reply childReply
		name, data, ok := bytes.Cut(req, []byte{0})
		if !ok {
			reply.Error = "a request without a name"
		} else if rec, err := p.Bytes(context.Background(), string(name), data); err != nil {
			reply.Error = err.Error()
			for class, sentinel := range errorClasses {
				if errors.Is(err, sentinel) {
					reply.Class = class
					break
				}
			}
		} else {
			reply.Record = rec
		}
		out, err := json.Marshal(reply)
		if err != nil {
			out, _ = json.Marshal(childReply{Error: "encode the record: " + err.Error()})
		}
		return out
	})
}

// ServeChildIfAsked serves as a child and exits when the process was
// started as one (os.Args[1] is ChildCommand), and returns otherwise. Test
// binaries that run jailed pipelines call it first in TestMain, so that
// their own executable serves as the child.
func ServeChildIfAsked() {
	if len(os.Args) < 2 || os.Args[1] != ChildCommand {
		return
	}
	if err := ServeChild(os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}
