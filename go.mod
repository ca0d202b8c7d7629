module github.com/postbud/postbud

go 1.26.8
