// Package example is a user's module that tests Harbor code through go-client against
// harbor-mock, using the harbormock helper (see goclient_test.go).
package example
