package gofpdf_test

import (
	"testing"

	"github.com/phpdave11/gofpdf"

	"github.com/johnfercher/maroto/v2/internal/cache"
	provider "github.com/johnfercher/maroto/v2/internal/providers/gofpdf"
	"github.com/johnfercher/maroto/v2/pkg/config"
)

// TestBuilder_GofpdfSetup: the setup function of the config receives the gofpdf document the
// builder creates, once, and what it sets reaches that document (postbud's fork).
func TestBuilder_GofpdfSetup(t *testing.T) {
	var got []*gofpdf.Fpdf
	cfg := config.NewBuilder().WithGofpdfSetup(func(f *gofpdf.Fpdf) {
		got = append(got, f)
		f.SetLang("da")
	}).Build()
	deps := provider.NewBuilder().Build(cfg, cache.New())
	if len(got) != 1 {
		t.Fatalf("setup called %d times, want 1", len(got))
	}
	if deps.Fpdf != got[0] {
		t.Error("setup received another document than the one Maroto draws on")
	}
	if cfg := config.NewBuilder().Build(); cfg.GofpdfSetup != nil {
		t.Error("a config without WithGofpdfSetup has a setup function")
	}
}
