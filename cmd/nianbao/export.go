package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/nianbao/nianbao/internal/export"
)

const exportUsage = `usage: nianbao export [flags] DIR

Reads the records under DIR (as 'nianbao worker' and 'nianbao batch' write
them) and writes two tables into DIR:

  reports.csv   one row per document: file, agency, year, template, status,
                finding count, one column per value (table.row.column), and
                the reason of a document that failed; UTF-8 with a byte
                order mark, so Excel and WPS open it as is
  reports.xlsx  the same rows in a sheet "records", and every finding in a
                sheet "findings"

Reports of one agency in consecutive years are checked against each other:
this year's 上年结转 must equal last year's 结转下年度, and 现行有效件数 last
year's plus 本年制发 minus 本年废止; what does not is listed in "findings"
as archive.carried_over and archive.in_force.

Exit status: 0 when the tables were written; 1 when they could not be; 2 for
bad usage.

flags:
`

func runExport(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	out := fs.String("o", "", "write the tables into `DIR2` instead of DIR")
	dirs, code, ok := parseCommand(fs, exportUsage, args, stdout, stderr)
	if !ok {
		return code
	}
	if len(dirs) != 1 {
		return usageError(fs, "give one DIR")
	}
	set, err := export.Write(dirs[0], *out)
	if err != nil {
		fmt.Fprintf(stderr, "nianbao export: %v\n", err)
		return exitFailed
	}
	dst := *out
	if dst == "" {
		dst = dirs[0]
	}
	printExport(stdout, dst, set)
	return exitOK
}

// printExport says what an export wrote.
func printExport(w io.Writer, dir string, set *export.Set) {
	s := set.Summary()
	fmt.Fprintf(w, "exported %d records and %d failures, %d archive findings: %s, %s\n",
		s.Records, s.Failed, s.ArchiveFindings,
		filepath.Join(dir, export.CSVName), filepath.Join(dir, export.XLSXName))
}
