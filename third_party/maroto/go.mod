module github.com/johnfercher/maroto/v2

go 1.24

require (
	github.com/boombuler/barcode v1.0.1
	github.com/f-amaral/go-async v0.3.0
	github.com/google/uuid v1.5.0
	github.com/johnfercher/go-tree v1.0.5
	github.com/pdfcpu/pdfcpu v0.6.0
	github.com/phpdave11/gofpdf v1.4.3
	github.com/stretchr/testify v1.8.4
	gopkg.in/yaml.v3 v3.0.1
)

require (
	github.com/davecgh/go-spew v1.1.1 // indirect
	github.com/hhrutter/lzw v1.0.0 // indirect
	github.com/hhrutter/tiff v1.0.1 // indirect
	github.com/mattn/go-runewidth v0.0.15 // indirect
	github.com/pkg/errors v0.9.1 // indirect
	github.com/pmezard/go-difflib v1.0.0 // indirect
	github.com/rivo/uniseg v0.4.4 // indirect
	github.com/stretchr/objx v0.5.1 // indirect
	golang.org/x/image v0.18.0 // indirect
	golang.org/x/text v0.16.0 // indirect
	gopkg.in/yaml.v2 v2.4.0 // indirect
)

replace github.com/phpdave11/gofpdf => ../gofpdf
