package templates

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/postbud/postbud/render"
)

// long40 loads the sample bundle boligstoette-afgoerelse and makes case data for a letter of
// about 40 PDF pages: 180 paragraphs (each two of the sample's joined) and a 950-row table, the
// shape of ../shared/bench/peers/letter-long.json grown. The stage benchmarks below run on it,
// so that a per-page regression in validation, template execution or Markdown shows.
func long40(tb testing.TB) (*Bundle, []byte) {
	tb.Helper()
	b, err := LoadDir("../samples/templates/boligstoette-afgoerelse")
	if err != nil {
		tb.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b.Sample, &m); err != nil {
		tb.Fatal(err)
	}
	paras := m["paragraphs"].([]any)
	var ps []any
	for i := 0; i < 180; i++ {
		ps = append(ps, paras[(2*i)%len(paras)].(string)+" "+paras[(2*i+1)%len(paras)].(string))
	}
	m["paragraphs"] = ps
	table := m["table"].(map[string]any)
	rows := table["rows"].([]any)
	var rs []any
	for i := 0; i < 950; i++ {
		rs = append(rs, rows[i%len(rows)])
	}
	table["rows"] = rs
	data, err := json.Marshal(m)
	if err != nil {
		tb.Fatal(err)
	}
	return b, data
}

// BenchmarkDocument40 is the whole merge of the 40-page letter: validation, template execution
// and Markdown conversion.
func BenchmarkDocument40(b *testing.B) {
	bd, data := long40(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bd.Document(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidate40 decodes the 40-page letter's case data and validates it against the schema.
func BenchmarkValidate40(b *testing.B) {
	bd, data := long40(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := bd.Validate(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExecute40 executes the body template with the decoded 40-page case data.
func BenchmarkExecute40(b *testing.B) {
	bd, data := long40(b)
	v, err := bd.decode(data)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := execText(bd.body, v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMarkdown40 turns the merged Markdown body of the 40-page letter into blocks.
func BenchmarkMarkdown40(b *testing.B) {
	bd, data := long40(b)
	v, err := bd.decode(data)
	if err != nil {
		b.Fatal(err)
	}
	body, err := execText(bd.body, v)
	if err != nil {
		b.Fatal(err)
	}
	if !strings.Contains(body, "|") {
		b.Fatal("merged body has no table")
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bd.bodyBlocks(body, &render.Signature{Name: "x"}); err != nil {
			b.Fatal(err)
		}
	}
}
