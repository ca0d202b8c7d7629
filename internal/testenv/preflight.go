package testenv

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// PreflightJarDir is where Debian installs the jars Apache PDFBox Preflight runs from.
var PreflightJarDir = "/usr/share/java"

// preflightJars are the jars on Preflight's class path and the Debian package of each. Debian's
// libpdfbox2-java ships preflight.jar (PDFBox 2.0.27) and pulls in fontbox and commons-logging,
// but Preflight also needs javax.activation and JAXB at run time, which Java 11 and later no
// longer include and the package does not depend on.
var preflightJars = []struct{ jar, pkg string }{
	{"preflight.jar", "libpdfbox2-java"},
	{"pdfbox2.jar", "libpdfbox2-java"},
	{"xmpbox.jar", "libpdfbox2-java"},
	{"fontbox2.jar", "libfontbox2-java"},
	{"commons-logging.jar", "libcommons-logging-java"},
	{"javax.activation.jar", "libactivation-java"},
	{"jaxb-api.jar", "libjaxb-api-java"},
}

// PreflightPackages are the Debian packages Preflight needs, for .ci/run.
const PreflightPackages = "default-jre-headless libpdfbox2-java libactivation-java libjaxb-api-java"

// PreflightError is one error Preflight reports: its code (e.g. "1.4.1", "7.11.2") and text.
type PreflightError struct {
	Code, Details string
}

func (e PreflightError) String() string { return e.Code + " : " + e.Details }

// PreflightResult is what Apache PDFBox Preflight (a PDF/A-1b validator) says about a file.
type PreflightResult struct {
	Valid  bool
	Errors []PreflightError
	Output string // everything Preflight printed, warnings included
}

// Preflight validates the PDF at pdfPath as PDF/A-1b with Apache PDFBox Preflight and fails the
// test with Preflight's messages when the file is not valid. Like Need, it fails (CI) or skips
// (elsewhere) the test when Java or Preflight's jars are missing.
func Preflight(t testing.TB, pdfPath string) {
	t.Helper()
	r := RunPreflight(t, pdfPath)
	if r.Valid {
		return
	}
	var b strings.Builder
	for _, e := range r.Errors {
		b.WriteString("\n  " + e.String())
	}
	t.Errorf("Preflight: %s is not valid PDF/A-1b:%s", pdfPath, b.String())
}

var rePreflightError = regexp.MustCompile(`^(\d+(?:\.\d+)*) : (.*)$`)

// RunPreflight runs Preflight on pdfPath and returns its verdict without failing the test for an
// invalid file. It fails the test when Preflight itself does not work (no verdict, a crash).
func RunPreflight(t testing.TB, pdfPath string) PreflightResult {
	t.Helper()
	java, cp := needPreflight(t)
	abs, err := filepath.Abs(pdfPath)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// PDFBox keeps a font cache; give it a folder of the test's instead of the user's home.
	cmd := exec.CommandContext(ctx, java, "-Djava.awt.headless=true", "-Dpdfbox.fontcache="+t.TempDir(),
		"-cp", cp, "org.apache.pdfbox.preflight.Validator_A1b", abs)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	r := PreflightResult{Output: stdout.String() + stderr.String()}
	if ctx.Err() != nil {
		t.Fatalf("Preflight %s: timed out after 2 minutes\n%s", pdfPath, r.Output)
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("Preflight %s: %v", pdfPath, err)
	}
	out := stdout.String()
	switch {
	case err == nil && strings.Contains(out, "is a valid PDF/A-1b file"):
		r.Valid = true
		return r
	case strings.Contains(out, "is not a valid PDF/A-1b file"):
		for _, line := range strings.Split(out, "\n") {
			if m := rePreflightError.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
				r.Errors = append(r.Errors, PreflightError{Code: m[1], Details: m[2]})
			}
		}
		if len(r.Errors) == 0 {
			t.Fatalf("Preflight %s: invalid, but no error lines in its output:\n%s", pdfPath, r.Output)
		}
		return r
	}
	t.Fatalf("Preflight %s gave no verdict (%v):\n%s", pdfPath, err, r.Output)
	return r
}

// needPreflight returns the java binary and Preflight's class path, failing (CI) or skipping
// (elsewhere) the test when either is missing.
func needPreflight(t testing.TB) (java, classPath string) {
	t.Helper()
	missing := func(msg string) {
		msg += "; apt-get install " + PreflightPackages
		if InCI() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	java, err := exec.LookPath("java")
	if err != nil {
		missing("java not found (needed for PDFBox Preflight)")
	}
	paths := make([]string, len(preflightJars))
	for i, j := range preflightJars {
		p := filepath.Join(PreflightJarDir, j.jar)
		if _, err := os.Stat(p); err != nil {
			missing("PDFBox Preflight needs " + p + " from Debian package " + j.pkg)
		}
		paths[i] = p
	}
	return java, strings.Join(paths, string(os.PathListSeparator))
}
