package templates

import "embed"

// The JSON Schemas (draft 2020-12) of what the loader accepts, published in the repository as
// templates/schema/*.json so that editors with a YAML language server complete and check the
// keys, and used by package lint to place every mistake at its line and column. Each key has a
// type, a plain description for template authors, its default (what happens when it is left
// out) and examples. They describe the shape of the files; what only the loader can see (that a
// layout folder, block or image exists, that a {{ }} expression parses, that a required block
// is included) is checked when a bundle loads.
var (
	// LetterSchema is letter.schema.json ($id LetterSchemaID): the front matter of letter.md
	// and of letter.<lang>.md. Do not modify it.
	LetterSchema = mustSchemaFile("letter.schema.json")
	// LayoutSchema is layout.schema.json ($id LayoutSchemaID): layouts/<name>/layout.yaml. Do
	// not modify it.
	LayoutSchema = mustSchemaFile("layout.schema.json")
)

// The $id of each schema, the address editors and validators know it by.
const (
	LetterSchemaID = "https://postbud.dev/schema/letter.schema.json"
	LayoutSchemaID = "https://postbud.dev/schema/layout.schema.json"
)

//go:embed schema/*.json
var schemaFiles embed.FS

// mustSchemaFile reads an embedded schema. The files are part of the binary, so a missing one
// is a build mistake that the package's tests catch, not bad input.
func mustSchemaFile(name string) []byte {
	data, err := schemaFiles.ReadFile("schema/" + name)
	if err != nil {
		panic("templates: embedded schema " + name + " missing: " + err.Error())
	}
	return data
}
