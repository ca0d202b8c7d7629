package docstore_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/postbud/postbud/internal/docstore"
)

func Example() {
	ctx := context.Background()
	s, err := docstore.Open(ctx, "mem://") // or a folder, file:///var/lib/postbud/documents, s3://...
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	sum, _ := s.Put(ctx, "kommune-a", "01JD3YQ2Z8", "pdf", []byte("%PDF-1.7 ..."))
	data, _ := s.Get(ctx, "kommune-a", "01JD3YQ2Z8", "pdf")
	_, err = s.Get(ctx, "kommune-b", "01JD3YQ2Z8", "pdf")
	fmt.Println(sum[:12], string(data), errors.Is(err, docstore.ErrNotFound))
	// Output:
	// cd98c5bce101 %PDF-1.7 ... true
}

func ExampleStore_Create() {
	ctx := context.Background()
	s, err := docstore.Open(ctx, "mem://")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()

	w, err := s.Create(ctx, "kommune-a", "01JD3YQ2Z8", "memo")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer w.Abort() // stores nothing unless Close succeeded first
	io.Copy(w, strings.NewReader("a sealed MeMo message, streamed"))
	sum, size, err := w.Close()
	fmt.Println(sum[:12], size, err)

	r, err := s.Open(ctx, "kommune-a", "01JD3YQ2Z8", "memo")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close()
	data, _ := io.ReadAll(r)
	fmt.Println(string(data))
	// Output:
	// 4ac484051cb5 31 <nil>
	// a sealed MeMo message, streamed
}
