//go:build unix

package testenv

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// ConvertToPDF converts office documents (DOCX, ODT, ...) to PDF with LibreOffice and returns the
// PDFs' paths, in the order of docxPaths. All files go through one soffice run, since LibreOffice
// takes seconds to start. soffice runs with a fresh user profile in its own process group, which
// is killed when the test's deadline nears (after ten minutes when the test has none) (or when soffice is done, for any helper it left
// behind). Like Need, it fails (CI) or skips (elsewhere) the test when soffice is missing, and it
// fails the test when a conversion fails.
func ConvertToPDF(t testing.TB, docxPaths ...string) (pdfPaths []string) {
	t.Helper()
	soffice := Need(t, "soffice")[0]
	if len(docxPaths) == 0 {
		return nil
	}
	outDir, profile := t.TempDir(), t.TempDir()
	seen := make(map[string]string, len(docxPaths))
	pdfPaths = make([]string, len(docxPaths))
	for i, p := range docxPaths {
		base := strings.TrimSuffix(filepath.Base(p), filepath.Ext(p))
		if other, dup := seen[base]; dup {
			t.Fatalf("ConvertToPDF: %s and %s would both become %s.pdf; give the files different names", other, p, base)
		}
		seen[base] = p
		pdfPaths[i] = filepath.Join(outDir, base+".pdf")
	}

	// Without a test deadline (benchmarks have none) soffice gets ten minutes.
	deadline := time.Now().Add(10 * time.Minute)
	if dt, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if d, ok := dt.Deadline(); ok {
			// Leave time to report what went wrong before the test binary itself is killed.
			deadline = d.Add(-min(time.Until(d)/10, 30*time.Second))
		}
	}
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	args := append([]string{"--headless", "--norestore", "--nologo", "--nodefault",
		"-env:UserInstallation=file://" + filepath.ToSlash(profile),
		"--convert-to", "pdf", "--outdir", outDir}, docxPaths...)
	cmd := exec.CommandContext(ctx, soffice, args...)
	cmd.Env = append(os.Environ(), "HOME="+profile)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return killGroup(cmd.Process.Pid) }
	cmd.WaitDelay = 5 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	if cmd.Process != nil {
		_ = killGroup(cmd.Process.Pid) // soffice may leave oosplash or soffice.bin behind
	}
	if ctx.Err() != nil {
		t.Fatalf("soffice --convert-to pdf: killed after %v as the test deadline neared; run with a longer -timeout\n%s",
			time.Since(start).Round(time.Millisecond), out.Bytes())
	}
	if err != nil {
		t.Fatalf("soffice --convert-to pdf %s: %v\n%s", strings.Join(docxPaths, " "), err, out.Bytes())
	}
	for i, p := range pdfPaths {
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Fatalf("soffice --convert-to pdf: no PDF for %s (want %s)\n%s", docxPaths[i], p, out.Bytes())
		}
	}
	return pdfPaths
}

// killGroup kills the process group led by pid; a group that is already gone is not an error.
func killGroup(pid int) error {
	err := syscall.Kill(-pid, syscall.SIGKILL)
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}
