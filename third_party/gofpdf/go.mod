module github.com/phpdave11/gofpdf

go 1.24

require (
	github.com/boombuler/barcode v1.0.0
	github.com/phpdave11/gofpdi v1.0.15
	github.com/ruudk/golang-pdf417 v0.0.0-20181029194003-1af4ab5afa58
	golang.org/x/image v0.0.0-20190910094157-69e4b8554b2a
)

require github.com/pkg/errors v0.9.1 // indirect

replace gofpdf => ./
