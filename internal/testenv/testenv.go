// Package testenv lets tests demand the real external tools they check output with (pdftotext,
// pdffonts, LibreOffice, xmllint, Redis) and the Redis environments they run against (a Redis
// Cluster, a Sentinel group). Where CI is set (as in .ci/run) a missing tool fails the test, so a
// green CI run always means the real check ran; on a developer machine the test is skipped with a
// line saying what to install.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// Install names the Debian package that provides each tool.
var Install = map[string]string{
	"pdftotext": "poppler-utils",
	"pdffonts":  "poppler-utils",
	"pdfinfo":   "poppler-utils",
	"pdftoppm":  "poppler-utils",
	"pdfimages": "poppler-utils",
	"qpdf":      "qpdf",
	"xmllint":   "libxml2-utils",
	"soffice":   "libreoffice-writer-nogui",

	"redis-server":   "redis-server",
	"redis-cli":      "redis-tools",
	"redis-sentinel": "redis-sentinel",
}

// InCI reports whether the tests run under CI, where every external tool must be present.
func InCI() bool { return os.Getenv("CI") != "" }

// Need returns the path of each named tool, failing (CI) or skipping (elsewhere) the test when one
// is missing.
func Need(t testing.TB, tools ...string) []string {
	t.Helper()
	paths := make([]string, len(tools))
	for i, name := range tools {
		p, err := exec.LookPath(name)
		if err != nil {
			msg := name + " not found; apt-get install " + Install[name]
			if InCI() {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
		paths[i] = p
	}
	return paths
}
