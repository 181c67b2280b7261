// Command gencorpus writes the test corpus of package corpus into a
// directory, removing the files an earlier run left there.
//
//	go run ./internal/corpus/gencorpus -out testdata/corpus
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/nianbao/nianbao/internal/corpus"
)

func main() {
	out := flag.String("out", "testdata/corpus", "directory to write the corpus into")
	seed := flag.Uint64("seed", corpus.DefaultSeed, "seed to draw the reports from")
	n := flag.Int("n", corpus.DefaultCount, "number of reports")
	flag.Parse()
	if err := corpus.Write(*out, corpus.Generate(*seed, *n)); err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
}
