package parser_test

import (
	"os"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/internal/parser"
	"github.com/nianbao/nianbao/internal/validate"
)

func BenchmarkParseSlow(b *testing.B) {
	text := strings.Repeat("三、本年度办理结果\n\t\n规章制度\n", 5000)
	p := parser.New(parser.Config{})
	for i := 0; i < b.N; i++ {
		validate.Check(p.Parse(textDocument(text)))
	}
}

func BenchmarkParseSeed(b *testing.B) {
	text, _ := os.ReadFile("../../testdata/seeds/001_03dce372dd454866.txt")
	p := parser.New(parser.Config{})
	for i := 0; i < b.N; i++ {
		validate.Check(p.Parse(textDocument(string(text))))
	}
}
