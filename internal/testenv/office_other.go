//go:build !unix

package testenv

import "testing"

// ConvertToPDF converts office documents to PDF with LibreOffice. It needs process groups to
// clean up after soffice, so outside Unix it skips the test.
func ConvertToPDF(t testing.TB, docxPaths ...string) (pdfPaths []string) {
	t.Helper()
	t.Skip("ConvertToPDF needs a Unix system to run soffice in its own process group")
	return nil
}
