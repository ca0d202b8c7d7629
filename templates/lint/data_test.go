package lint

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSchemaWalker(t *testing.T) {
	var schema any
	src := `{
	  "$defs": {
	    "person": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
	    "node": {"type": "object", "properties": {"left": {"$ref": "#/$defs/node"}, "right": {"$ref": "#/$defs/node"}, "v": {}}}
	  },
	  "type": "object",
	  "required": ["recipient", "rows"],
	  "properties": {
	    "recipient": {"$ref": "#/$defs/person"},
	    "rows": {"type": "array", "items": {"allOf": [{"properties": {"a": {}}}, {"required": ["b"], "properties": {"b": {}}}]}},
	    "extra": {"type": "object", "additionalProperties": true},
	    "tuple": {"prefixItems": [{"properties": {"x": {}}}]},
	    "either": {"anyOf": [{"properties": {"p": {}}}, {"required": ["q"], "properties": {"q": {}}}]},
	    "tree": {"$ref": "#/$defs/node"}
	  }
	}`
	if err := json.Unmarshal([]byte(src), &schema); err != nil {
		t.Fatal(err)
	}
	w := schemaWalker{root: schema}
	for ptr, want := range map[string]bool{
		"/recipient/name":         true,
		"/recipient/nick":         false,
		"/rows/*/a":               true,
		"/rows/*/b":               true,
		"/rows/3/a":               true,
		"/rows/*/c":               false,
		"/extra/anything/deeper":  true,
		"/tuple/0/x":              true,
		"/either/p":               true,
		"/either/q":               true,
		"/tree/left/right/left/v": true,
		"/tree/left/w":            false,
		"/undeclared":             false,
		"":                        true,
	} {
		if got := w.declared(splitPointer(ptr)); got != want {
			t.Errorf("declared(%q) = %v, want %v", ptr, got, want)
		}
	}
	// Required fields: through $ref and allOf, not inside anyOf; the recursive tree ends.
	want := []required{
		{"/recipient", "/required/0"},
		{"/rows", "/required/1"},
		{"/recipient/name", "/$defs/person/required/0"},
		{"/rows/*/b", "/properties/rows/items/allOf/1/required/0"},
	}
	if diff := cmp.Diff(want, w.requiredFields(), cmp.AllowUnexported(required{})); diff != "" {
		t.Errorf("requiredFields (-want +got):\n%s", diff)
	}
}
