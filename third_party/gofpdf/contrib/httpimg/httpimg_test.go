package httpimg_test

import (
	"net/http"
	"net/http/httptest"

	"github.com/phpdave11/gofpdf"
	"github.com/phpdave11/gofpdf/contrib/httpimg"
	"github.com/phpdave11/gofpdf/internal/example"
)

func ExampleRegister() {
	pdf := gofpdf.New("L", "mm", "A4", "")
	pdf.SetFont("Helvetica", "", 12)
	pdf.SetFillColor(200, 200, 220)
	pdf.AddPage()

	// postbud fork: upstream fetched
	// https://github.com/phpdave11/gofpdf/raw/master/image/logo_gofpdf.jpg and failed offline; a
	// local server serves the same image.
	srv := httptest.NewServer(http.FileServer(http.Dir(example.ImageFile(""))))
	defer srv.Close()
	url := srv.URL + "/logo_gofpdf.jpg"
	httpimg.Register(pdf, url, "")
	pdf.Image(url, 15, 15, 267, 0, false, "", 0, "")
	fileStr := example.Filename("contrib_httpimg_Register")
	err := pdf.OutputFileAndClose(fileStr)
	example.Summary(err, fileStr)
	// Output:
	// Successfully generated ../../pdf/contrib_httpimg_Register.pdf
}
