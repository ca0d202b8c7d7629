// Package components contains the public components of maroto.
package components
