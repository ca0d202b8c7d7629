package testenv

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// MemoXSD returns the path of the MeMo 1.1 schema, delivery/memo/testdata/v1.1/MeMo_core.xsd (it
// imports the other schemas of the set from its folder). The path is found from this source file,
// so it works from any package's tests; the test fails when the file is not there.
func MemoXSD(t testing.TB) string {
	t.Helper()
	_, self, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("MemoXSD: cannot tell where internal/testenv/memo.go is")
	}
	p := filepath.Join(filepath.Dir(self), "..", "..", "delivery", "memo", "testdata", "v1.1", "MeMo_core.xsd")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("MemoXSD: the MeMo 1.1 schema is missing: %v", err)
	}
	return p
}

// LintMemo validates a MeMo 1.1 message with the real xmllint against MemoXSD
// (xmllint --noout --nonet --schema MeMo_core.xsd -, the message on stdin) and returns nil when
// it is valid, or an error holding xmllint's report. Like Need, it fails (CI) or skips (elsewhere)
// the test when xmllint is missing. Use ValidateMemo to fail the test on an invalid message;
// LintMemo is for tests that expect one.
func LintMemo(t testing.TB, xml []byte) error {
	t.Helper()
	xmllint := Need(t, "xmllint")[0]
	cmd := exec.Command(xmllint, "--noout", "--nonet", "--schema", MemoXSD(t), "-")
	cmd.Stdin = bytes.NewReader(xml)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		report := out.Bytes()
		const maxReport = 8 << 10
		if len(report) > maxReport {
			report = append(report[:maxReport:maxReport], "\n... (report cut)"...)
		}
		return fmt.Errorf("xmllint --schema MeMo_core.xsd: %w\n%s", err, report)
	}
	return nil
}

// ValidateMemo fails the test, with xmllint's report, unless xml is a MeMo 1.1 message valid
// against the MeMo 1.1 XSD set (see LintMemo). MeMo 1.2 messages do not validate against it.
func ValidateMemo(t testing.TB, xml []byte) {
	t.Helper()
	if err := LintMemo(t, xml); err != nil {
		t.Fatalf("MeMo message does not validate: %v", err)
	}
}
