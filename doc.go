// Package awssql is the root of the awssql module: see README.md. The
// command is in cmd/awssql; this package holds only repository-wide tests.
package awssql
