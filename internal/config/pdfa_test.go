package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTenantPDFA: a tenant (and the default tenant) may choose off, 1b or 2b; anything else is
// an error naming the tenant; no choice leaves it empty (the renderer's default, 2b).
func TestTenantPDFA(t *testing.T) {
	dir := t.TempDir()
	hash := HashToken("s3cret")
	file := filepath.Join(dir, "ok.yaml")
	os.WriteFile(file, []byte("tenants:\n"+
		"  - {name: a, token_sha256: ["+hash+"], pdfa: 1b}\n"+
		"  - {name: b, token_sha256: ["+hash+"], pdfa: off}\n"+
		"  - {name: c, token_sha256: ["+hash+"], pdfa: 2b}\n"+
		"  - {name: d, token_sha256: ["+hash+"]}\n"), 0o644)
	c, err := load(t, []string{"--config", file}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tn := range c.Tenants {
		got = append(got, tn.PDFA)
	}
	if strings.Join(got, ",") != "1b,off,2b," {
		t.Errorf("tenant pdfa %q, want 1b, off, 2b and empty", got)
	}

	for _, tc := range []struct{ yaml, want string }{
		{"tenants:\n  - {name: a, token_sha256: [" + hash + "], pdfa: 3u}\n", `tenants[0].pdfa "3u": want one of off, 1b, 2b`},
		{"default_tenant: {pdfa: pdfa2}\n", `default_tenant.pdfa "pdfa2": want one of off, 1b, 2b`},
	} {
		p := filepath.Join(dir, "bad.yaml")
		os.WriteFile(p, []byte(tc.yaml), 0o644)
		if _, err := load(t, []string{"--config", p}, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one containing %q", tc.yaml, err, tc.want)
		}
	}
	os.WriteFile(file, []byte("default_tenant: {pdfa: 1b}\n"), 0o644)
	if c, err := load(t, []string{"--config", file}, nil); err != nil || c.DefaultTenant.PDFA != "1b" {
		t.Errorf("default_tenant pdfa: %v, %+v", err, c)
	}
}
