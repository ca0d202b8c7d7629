package templates_test

import (
	"errors"
	"fmt"

	"github.com/postbud/postbud/templates"
)

func ExampleLoadDir() {
	b, err := templates.LoadDir("testdata/root/templates/boligstoette")
	if err != nil {
		fmt.Println(err)
		return
	}
	d, err := b.Document(b.Sample)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Recipient[0])
	fmt.Println(d.Details[0].Label, d.Details[0].Value)
	// Output:
	// Søren Ærbø Møller
	// Dato 23. november 2026
}

func ExampleBundle_Validate() {
	b, err := templates.LoadDir("testdata/root/templates/boligstoette")
	if err != nil {
		fmt.Println(err)
		return
	}
	err = b.Validate([]byte(`{"recipient": {"name": 7}}`))
	var de *templates.DataError
	if errors.As(err, &de) {
		fmt.Println(de.Problems[0].Path, de.Problems[0].Message)
	}
	// Output:
	// /applicationDate is required
}

func ExampleBundle_ExecMemo() {
	b, err := templates.LoadDir("../samples/templates/boligstoette-afgoerelse")
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := b.ExecMemo(b.Sample)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Label)
	fmt.Println(m.CaseID, m.CaseSystem, m.KLE.Key, m.KLE.Label)
	pos, paths, _ := b.MemoSource("case_id")
	fmt.Println(pos, paths)
	// Output:
	// Afgørelse om boligstøtte
	// 2026-004711 postbud demo 27.24.00 Boligstøtte
	// ../samples/templates/boligstoette-afgoerelse/letter.md:15 [/caseNumber]
}
