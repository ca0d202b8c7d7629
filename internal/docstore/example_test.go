package docstore_test

import (
	"context"
	"errors"
	"fmt"

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
