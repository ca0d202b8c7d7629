package deps
import (
	_ "github.com/johnfercher/maroto/v2"
	_ "github.com/phpdave11/gofpdf"
	_ "github.com/yuin/goldmark"
	_ "github.com/santhosh-tekuri/jsonschema/v6"
	_ "gopkg.in/yaml.v3"
	_ "github.com/google/go-cmp/cmp"
	_ "golang.org/x/image/font/sfnt"
	_ "golang.org/x/text/language"
)
