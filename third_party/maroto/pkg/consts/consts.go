// Package consts contains the public constants of maroto.
package consts
