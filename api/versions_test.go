package api

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/postbud/postbud/worker"
)

// TestTemplateVersions: each version of a template that a letter was submitted with is listed,
// newest first, with the first letter's submission as first use, its files and fonts; another
// tenant's template and an unknown one are 404, and the route wants a token.
func TestTemplateVersions(t *testing.T) {
	root := t.TempDir()
	if err := os.CopyFS(root, os.DirFS(samplesRoot)); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(o *worker.Options) {
		o.Templates = &worker.DirTemplates{Root: root, Tenants: map[string][]string{"malmo": {"betalningspaminnelse"}}}
	})
	const name = "boligstoette-afgoerelse"
	submit := func() letterBody {
		t.Helper()
		r := e.post(t, "/v1/letters", letterJSON(t, name), nil)
		if r.status != http.StatusAccepted {
			t.Fatalf("POST /v1/letters: %d %s", r.status, r.body)
		}
		var l letterBody
		r.json(t, &l)
		return l
	}
	first := submit()
	letter := filepath.Join(root, "templates", name, "letter.md")
	src, err := os.ReadFile(letter)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(letter, append(src, "\nEt nyt afsnit.\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2100 * time.Millisecond) // DirTemplates looks again after a second; a first use of its own
	second := submit()
	submit() // a later letter of the same version changes nothing
	if first.TemplateVersion == second.TemplateVersion {
		t.Fatalf("both letters have version %s", first.TemplateVersion)
	}

	r := e.get(t, "/v1/templates/"+name+"/versions", tokenAarhus)
	if r.status != http.StatusOK {
		t.Fatalf("GET versions: %d %s", r.status, r.body)
	}
	validateBody(t, "TemplateVersions", r.body)
	var body struct {
		Template string        `json:"template"`
		Versions []keptVersion `json:"versions"`
	}
	r.json(t, &body)
	if body.Template != name || len(body.Versions) != 2 {
		t.Fatalf("answer %s", r.body)
	}
	for i, l := range []letterBody{second, first} {
		v := body.Versions[i]
		if v.Version != l.TemplateVersion || !v.FirstUsed.Equal(l.Created) {
			t.Errorf("version %d: %s first used %v; want %s first used %v", i, v.Version, v.FirstUsed, l.TemplateVersion, l.Created)
		}
		var hasLetter bool
		for _, f := range v.Files {
			hasLetter = hasLetter || f.Path == "templates/"+name+"/letter.md"
		}
		if !hasLetter || len(v.Fonts) == 0 {
			t.Errorf("version %s: files %v, fonts %v", v.Version, v.Files, v.Fonts)
		}
	}

	// A template no letter used yet has no versions.
	r = e.get(t, "/v1/templates/betalningspaminnelse/versions", tokenMalmo)
	if r.status != http.StatusOK {
		t.Fatalf("GET versions of an unused template: %d %s", r.status, r.body)
	}
	validateBody(t, "TemplateVersions", r.body)
	r.json(t, &body)
	if len(body.Versions) != 0 {
		t.Errorf("an unused template lists %v", body.Versions)
	}
	for _, tt := range []struct {
		path, token string
		status      int
	}{
		{"/v1/templates/" + name + "/versions", tokenMalmo, http.StatusNotFound},
		{"/v1/templates/no-such-template/versions", tokenAarhus, http.StatusNotFound},
		{"/v1/templates/Bad_Name/versions", tokenAarhus, http.StatusNotFound},
		{"/v1/templates/" + name + "/versions", "", http.StatusUnauthorized},
	} {
		r := e.get(t, tt.path, tt.token)
		if r.status != tt.status {
			t.Errorf("GET %s: %d %s, want %d", tt.path, r.status, r.body, tt.status)
			continue
		}
		validateBody(t, "Error", r.body)
	}
}
