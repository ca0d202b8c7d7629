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
