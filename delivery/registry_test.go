package delivery

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func writeRegistry(t testing.TB, dir, content string) string {
	t.Helper()
	path := filepath.Join(dir, "registry.json")
	if err := os.WriteFile(path, []byte(content), 0o640); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadRegistry(t *testing.T) {
	path := writeRegistry(t, t.TempDir(), `{
  "default": "REGISTERED",
  "contacts": {
    "0101901234": "EXEMPT",
    "0202802345": "CLOSED",
    "12345678": "UNKNOWN"
  }
}
`)
	r, err := LoadRegistry(path)
	if err != nil {
		t.Fatal(err)
	}
	want := &StaticRegistry{Default: Registered, Contacts: map[string]ContactStatus{"0101901234": Exempt, "0202802345": Closed, "12345678": Unknown}}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("registry (-want +got):\n%s", diff)
	}
	ctx := context.Background()
	for id, want := range map[string]ContactStatus{"0101901234": Exempt, "12345678": Unknown, "0303703456": Registered} {
		if got, err := r.Contact(ctx, id); err != nil || got != want {
			t.Errorf("Contact(%s) = %s, %v; want %s", id, got, err, want)
		}
	}
	empty, err := LoadRegistry(writeRegistry(t, t.TempDir(), `{}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := empty.Contact(ctx, "0101901234"); err != nil || got != NotFound {
		t.Errorf("Contact on an empty registry = %s, %v; want NOT_FOUND", got, err)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := r.Contact(done, "0101901234"); err == nil {
		t.Error("Contact with a cancelled context succeeded")
	}
}

// TestLoadRegistryErrors: each fault names the file and line (and the entry's position), never an id.
func TestLoadRegistryErrors(t *testing.T) {
	tests := []struct {
		name, content, want string
	}{
		{"unknown field", "{\n  \"default\": \"REGISTERED\",\n  \"contact\": {}\n}", `line 3: unknown field "contact"`},
		{"id outside contacts", "{\n  \"0101901234\": \"EXEMPT\"\n}", "line 2: an unknown field; the file holds only"},
		{"unknown status", "{\n  \"contacts\": {\n    \"0101901234\": \"EXEMPT\",\n    \"0202802345\": \"GONE\"\n  }\n}", `line 4: contacts entry 2's status: unknown status "GONE"`},
		{"status holding digits", "{\"contacts\": {\"0101901234\": \"0202802345\"}}", "line 1: contacts entry 1's status: an unknown status"},
		{"short id", "{\n  \"contacts\": {\n    \"12345678\": \"EXEMPT\",\n    \"123456789\": \"EXEMPT\",\n    \"0101901234\": \"CLOSED\"\n  }\n}", "line 4: contacts entry 2: the id is not a CPR number"},
		{"id with a dash", "{\"contacts\": {\"010190-1234\": \"EXEMPT\"}}", "line 1: contacts entry 1: the id is not"},
		{"id twice", "{\"contacts\": {\n\"0101901234\": \"EXEMPT\",\n\"0101901234\": \"CLOSED\"}}", "line 3: contacts entry 2 has the id of entry 1"},
		{"bad default", "{\"default\": \"YES\"}", `line 1: the "default" status: unknown status "YES"`},
		{"default not a string", "{\n\"default\": true}", `line 2: the "default" status: want a status string, found a boolean`},
		{"status a number", "{\"contacts\": {\"0101901234\": 3}}", "contacts entry 1's status: want a status string, found a number"},
		{"contacts an array", "{\"contacts\": [\"0101901234\"]}", `want an object of "id": "status" entries, found an array`},
		{"syntax error", "{\n  \"contacts\": {\n    \"0101901234\" \"EXEMPT\"\n  }\n}", "line 3: invalid character"},
		{"truncated", "{\n  \"contacts\": {\n    \"0101901234\": \"EXEMPT\",\n", "the file ends where"},
		{"empty file", "", "line 1: the file ends where an object"},
		{"two objects", "{}\n{}", "line 2: more follows the object"},
		{"not an object", "[\"0101901234\"]", "want an object"},
		{"field twice", "{\"default\": \"EXEMPT\", \"default\": \"CLOSED\"}", `field "default" given twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeRegistry(t, t.TempDir(), tt.content)
			_, err := LoadRegistry(path)
			if err == nil {
				t.Fatal("LoadRegistry succeeded")
			}
			msg := err.Error()
			if !strings.Contains(msg, "load registry "+path+": ") || !strings.Contains(msg, tt.want) {
				t.Errorf("error %q; want it to name %s and say %q", msg, path, tt.want)
			}
			if rest := strings.TrimPrefix(msg, "load registry "+path); regexp.MustCompile(`[0-9]{4}`).MatchString(rest) {
				t.Errorf("error %q shows digits of an id", msg)
			}
		})
	}
	if _, err := LoadRegistry(filepath.Join(t.TempDir(), "missing.json")); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("missing file: error %v, want one naming the file", err)
	}
}

// FuzzLoadRegistry: whatever the file holds, LoadRegistry does not panic, and its errors never
// show four digits in a row of the file's content (ids are personal data), beyond the path.
func FuzzLoadRegistry(f *testing.F) {
	f.Add(`{"default": "REGISTERED", "contacts": {"0101901234": "EXEMPT"}}`)
	f.Add(`{"contacts": {"0101901234": "0202802345"}}`)
	f.Add(`{"0101901234": 1}`)
	f.Add(`{"contacts": {"0101901234" 1}}`)
	f.Add("\x80") // the syntax error names the character as '\u0080', which is no id
	dir := f.TempDir()
	digits := regexp.MustCompile(`[0-9]{4}`)
	escapes := regexp.MustCompile(`\\u[0-9a-fA-F]{4}`)
	f.Fuzz(func(t *testing.T, content string) {
		path := writeRegistry(t, dir, content)
		r, err := LoadRegistry(path)
		if err != nil {
			if digits.MatchString(escapes.ReplaceAllString(strings.TrimPrefix(err.Error(), "load registry "+path), "")) {
				t.Fatalf("error shows digits: %v", err)
			}
			return
		}
		for id, s := range r.Contacts {
			if !validID(id) || !contactStatuses[s] {
				t.Fatalf("accepted contact %q: %q", id, s)
			}
		}
	})
}
