package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"syscall"

	"github.com/awssql/awssql/fetch"
)

// Exit statuses, documented in the README. They are decided here and
// nowhere else.
const (
	exitOK          = 0
	exitError       = 1   // bad SQL, unknown table, credentials, every target failed, a failure under --strict
	exitUsage       = 2   // bad flags or flag values
	exitPartial     = 3   // some targets failed, others answered
	exitInterrupted = 130 // Ctrl-C
)

// usageError is a mistake in how awssql was called.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// partialError says that some targets failed while others answered; their
// failures were already reported.
type partialError struct{ failed, ok int }

func (e *partialError) Error() string {
	return fmt.Sprintf("%d of %d targets failed", e.failed, e.failed+e.ok)
}

// errPipeClosed ends the output quietly: the reader went away (| head).
var errPipeClosed = errors.New("output closed")

func isPipeClosed(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, errPipeClosed)
}

// exitCode maps an error to the exit status.
func exitCode(ctx context.Context, err error) int {
	var ue *usageError
	var pe *partialError
	var re *fetch.RegionError
	switch {
	case err == nil:
		return exitOK
	case isPipeClosed(err):
		return exitOK
	case ctx.Err() != nil:
		return exitInterrupted
	case errors.As(err, &ue), errors.As(err, &re):
		return exitUsage
	case errors.As(err, &pe):
		return exitPartial
	}
	return exitError
}

var sqliteCode = regexp.MustCompile(` \(\d+\)$`)

// message is the one line printed for an error: SQLite's text without its
// numeric code, never a Go struct.
func message(err error) string {
	msg := err.Error()
	msg = sqliteCode.ReplaceAllString(msg, "")
	msg = strings.TrimPrefix(msg, "SQL logic error: ")
	return strings.ReplaceAll(msg, "\n", " ")
}
