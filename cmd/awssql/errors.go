package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/store"
)

// Exit statuses, documented in the README. They are decided here and
// nowhere else.
const (
	exitOK          = 0
	exitError       = 1   // bad SQL, unknown table, credentials, every target failed, a failure under --strict
	exitUsage       = 2   // bad flags or flag values
	exitPartial     = 3   // some targets failed, others answered
	exitTimeout     = 124 // --timeout reached
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

// reportedError is an error already told on stderr (a target's failure,
// which under --strict also ends the statement): it sets the exit status
// and is not printed again.
type reportedError struct{ err error }

func (e *reportedError) Error() string { return e.err.Error() }
func (e *reportedError) Unwrap() error { return e.err }

// markReported marks err as told when it is one of the failures
// reportFailures printed.
func markReported(err error, told []fetch.Failure) error {
	var te *fetch.TargetError
	if err == nil || !errors.As(err, &te) || !slices.Contains(told, te.Failure()) {
		return err
	}
	return &reportedError{err: err}
}

// timeoutError says --timeout ended a statement, and what it was still
// waiting for.
type timeoutError struct {
	after   time.Duration
	running []string
	rows    int // printed before the timeout
	// what: the command that timed out (snapshot, diff), when it was not
	// a statement that printed rows.
	what string
}

func (e *timeoutError) Error() string {
	if e.what != "" {
		return fmt.Sprintf("%s timed out after %s (--timeout): it did not finish", e.what, e.after)
	}
	msg := fmt.Sprintf("statement timed out after %s (--timeout)", e.after)
	if len(e.running) > 0 {
		shown := e.running[:min(5, len(e.running))]
		more := ""
		if len(e.running) > len(shown) {
			more = fmt.Sprintf(" and %d more", len(e.running)-len(shown))
		}
		msg += fmt.Sprintf(" waiting for %s%s", strings.Join(shown, "; "), more)
	}
	return msg + incomplete(e.rows)
}

// interruptedError says Ctrl-C (or SIGTERM) ended a statement, or that
// the reader of the output went away before its end.
type interruptedError struct {
	rows   int  // printed before the interrupt
	closed bool // the output was closed (| head)
}

func (e *interruptedError) Error() string {
	if e.closed {
		return "the output was closed before the end" + incomplete(e.rows)
	}
	return "interrupted" + incomplete(e.rows)
}

// errOutput is the cause of a statement's end when writing its output
// failed: the write's error is the statement's.
var errOutput = errors.New("writing the output failed")

// incomplete says that rows already printed are not the whole answer.
func incomplete(rows int) string {
	switch rows {
	case 0:
		return "; no row was printed: the answer is incomplete"
	case 1:
		return "; 1 row was printed: the answer is incomplete"
	}
	return fmt.Sprintf("; %d rows were printed: the answer is incomplete", rows)
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
	var te *timeoutError
	var ie *interruptedError
	var se *store.SpecError
	var ce *changedError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &pe):
		// The work was done (a snapshot committed, a script run, a diff
		// written) with failures that were told: an interrupt that came
		// after it does not undo it.
		return exitPartial
	case errors.As(err, &ce):
		return exitError
	case ctx.Err() != nil, errors.As(err, &ie), isPipeClosed(err):
		return exitInterrupted
	case errors.As(err, &ue), errors.As(err, &re), errors.As(err, &se):
		return exitUsage
	case errors.As(err, &te):
		return exitTimeout
	}
	return exitError
}

var sqliteCode = regexp.MustCompile(` \(\d+\)$`)

// message is what is printed for an error: one line, SQLite's text
// without its numeric code, never a Go struct; for an error in a
// statement, what awssql can add (the nearest names, and the place).
func message(err error) string {
	msg := err.Error()
	msg = sqliteCode.ReplaceAllString(msg, "")
	msg = strings.TrimPrefix(msg, "SQL logic error: ")
	if strings.Contains(msg, "too many attached databases - max 0") {
		msg = "ATTACH and VACUUM INTO write files: awssql refuses them unless given --allow-attach"
	}
	return sqlErrorMessage(err, strings.ReplaceAll(msg, "\n", " "))
}
