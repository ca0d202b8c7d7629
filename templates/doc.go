// Package templates loads letter template bundles and merges case data into them, producing the
// render.Document that render/pdf and render/docx draw.
//
// # Bundles
//
// A root folder holds templates/<name>/ (letter.md, schema.json, optional sample.json and
// images), layouts/<name>/layout.yaml (with its logo) and blocks/ (shared Markdown blocks such as
// blocks/klagevejledning.da.md, with blocks/<name>.md as the language-neutral fallback). Load and
// LoadDir read and parse all of it once; a *Bundle is then immutable and safe for concurrent
// use. Its Version is a content hash over every file that shapes a letter, so a letter can be
// rendered again exactly as it was sent.
//
// letter.md starts with YAML front matter between two "---" lines (title, language, layout,
// blocks, requires, keywords, memo, sender, recipient, details, subject, signature, footer);
// unknown keys are errors naming file:line. The rest is the Markdown body. Front matter strings such as
// recipient lines and the subject are templates too, executed as plain text: no Markdown
// escaping, and white space runs (newlines included) become one space, since each is one line
// of the letter. Recipient and sender address lines that come out empty are dropped.
//
// # Languages
//
// A bundle may hold one letter per language: letter.md in its default language, and
// letter.<lang>.md files (letter.en.md, letter.da.md) whose front matter says that language.
// All share schema.json; sample.<lang>.json, when present, is the sample of that language. Each
// letter is loaded with its own layout and its language's shared blocks, and the language
// drives dates, money, page words and the blocks included; Languages lists them (default
// first) and Lang picks one. The submission's language field chooses the letter, falling back
// to the default. The bundle's Version covers every language's files.
//
// # Required blocks
//
// requires: [klagevejledning] says that a letter of this kind must carry those shared blocks: a
// decision must carry its complaint guidance. Load fails, naming the requires: entry, unless
// each is listed in blocks: and included by the body, directly or through another block.
//
// # Schemas
//
// templates/schema/letter.schema.json and templates/schema/layout.schema.json are JSON Schemas
// (draft 2020-12) of the front matter of letter.md and letter.<lang>.md and of layout.yaml: every
// key the loader accepts, with its type, default and examples, and a description for template
// authors. LetterSchema and LayoutSchema embed them; package lint checks files against them with
// line and column, and editors with a YAML language server complete and check keys after a
// first front matter line "# yaml-language-server: $schema=<path to the schema>" (`postbud
// templates new` writes it). What only loading can tell (a layout, block or image that is not
// there, a {{ }} that does not parse, a required block never included) is left to Load.
//
// # MeMo header
//
// memo: sets the header of the MeMo message that carries the letter to Danish Digital Post;
// ExecMemo (or LetterMemo, with the document) executes it into a *Memo. Every key is
// optional. (T) marks a template string, executed as plain text like the other front matter
// strings; an empty value is the same as leaving the key out.
//
//	memo:
//	  version: "1.2"                  # "1.1" or "1.2"; left out: the channel's default
//	  label: '{{ .subject }}'         # (T) title in the mailbox; left out: the letter's title
//	  notification: 'Du har fået ...' # (T) text of the notification (e-mail, SMS, app)
//	  additional_notification: '...'  # (T) longer notification text
//	  mandatory: true                 # true or false (no quotes); default false
//	  legal_notification: true        # true or false (no quotes); default false
//	  post_type: MYNDIGHEDSPOST       # an upper-case word
//	  case_id: '{{ .caseNumber }}'    # (T) the case number, with
//	  case_system: KMD Sag            # (T) the system it belongs to: both or neither
//	  kle: {subject_key: '27.24.00', version: '1', activity_facet: G01, label: Boligstøtte}
//	  form: {task_key: '...', version: '...', activity_facet: '...', label: '...'}
//	  actions:                        # links the recipient can follow
//	    - label: Betal her            # (T) the link text
//	      code: BETALING              # an upper-case word: BETALING, SELVBETJENING,
//	                                  # INFORMATION, AFTALE, ...
//	      url: 'https://betal.aarhus.dk/{{ urlquery .caseNumber }}'  # (T)
//	      start: '{{ .paymentFrom }}' # (T) optional: when the action applies from and
//	      end: '{{ .dueDate }}'       # (T) until: "2026-12-07" or "2026-12-07T10:30:00+01:00"
//
// The values of kle and form are (T); subject_key (task_key), version and label are required,
// activity_facet is optional. An action needs label, code and url; print data inside a URL
// with urlquery. start and end must produce a date, which means 00:00 UTC of that day, or an
// RFC 3339 date and time, kept in UTC; empty text means not given. A start or end that the case
// data makes invalid is a *DataError naming the field and the data it reads. MemoSource says
// where a memo value comes from (file:line and the data it reads), for errors about values
// the delivery step refuses.
//
// # The template language
//
// Expressions are Go text/template with missingkey=error, run against the case data decoded
// from JSON: dot is a map[string]any, lists are []any, numbers json.Number, plus string and bool.
// A field missing from the data is always an error naming file:line:col and the field, never an
// empty gap. A null value printed is an error too ("field "x" is null"), never "<no value>".
// {{define}}, {{template}} and {{block}} are rejected: shared blocks are the way to reuse text.
// There is no clock: a letter is a function of the template version and the data.
//
// Functions, all formatting in the letter's language (package locale):
//
//	date V [STYLE]        V is "2006-01-02" or RFC 3339 text; STYLE "long" (default) or "short":
//	                      {{ date .decisionDate }} → "23. november 2026"
//	money MINOR [CUR]     MINOR is an integer number of minor units (øre, cent); CUR an ISO 4217
//	                      code, default the language's currency: {{ money 123450 }} → "1.234,50 kr."
//	                      A non-integer such as 12.5 or "12,50" is an error naming the action; an
//	                      integer written 1.0e2 arrives as 100. (Errors never quote case data: the
//	                      value is only in TemplateError.Value, for the 422 answer.)
//	number V [DECIMALS]   a number with the language's separators, rounded to DECIMALS
//	                      (default: as given): {{ number .area 1 }} → "68,3" for 68.25
//	plural N ONE OTHER    ONE when N is 1 (language rules), else OTHER: {{ plural .n "dag" "dage" }}
//	upper S, lower S      case mapping
//	join LIST SEP         the items of LIST as text joined by SEP
//	has MAP "key"         true when the key is present and not null: the only way to test an
//	                      optional field, since reading a missing key is an error:
//	                      {{ if has .recipient "co" }}c/o {{ .recipient.co }}{{ end }}
//	include "name"        the Markdown of shared block blocks/<name>.<language>.md (or
//	                      blocks/<name>.md), executed with the same case data. Only blocks
//	                      listed in the front matter's blocks: may be included; blocks may
//	                      include other listed blocks, but not in a circle.
//	signature             places the front matter's signature here (once), e.g. before the
//	                      complaint guidance; without it the signature closes the letter.
//
// text/template's own functions (and, or, not, eq, len, index, printf, ...) work as usual.
// Numbers in the data are json.Number, so compare them as text: {{ if eq (print .n) "0" }}.
//
// # Escaping
//
// Every value printed into the body or a block is escaped for Markdown, the way html/template
// escapes for HTML: at load, each printing action gets a final escaper appended, which writes
// the value as text (lists joined with ", ") and escapes it with markdown.Escape, so a citizen's
// name can never add formatting, links, HTML or template syntax to a letter. Only the output of
// include, which is the template author's own Markdown, passes through unescaped.
//
// # Case data
//
// Validate and Document check case data before anything else: at most 4 MiB of UTF-8 JSON,
// nested at most 64 deep, then the bundle's JSON Schema (draft 2020-12). Problems come back as
// a *DataError whose Problems carry a JSON Pointer, a plain message and the file:line of each
// template action that reads the field. A merged body larger than 2 MiB is an error.
package templates
