// Command genhostile writes the hostile corpus of package hostile into a
// directory:
//
//	go run ./internal/hostile/genhostile -out /tmp/hostile
//	for f in /tmp/hostile/*; do /usr/bin/time -v bin/nianbao parse "$f"; done
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/nianbao/nianbao/internal/hostile"
)

func main() {
	out := flag.String("out", "", "directory to write the corpus into")
	images := flag.Bool("images", true, "also write the image cases, which OCR reads")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "genhostile: -out DIR is required")
		os.Exit(2)
	}
	cs, err := hostile.Write(*out, hostile.Options{Images: *images})
	if err != nil {
		fmt.Fprintln(os.Stderr, "genhostile:", err)
		os.Exit(1)
	}
	for _, c := range cs {
		fmt.Printf("%-32s %-7s %s\n", c.Name, c.Format, c.What)
	}
}
