package main

import (
	"context"
	"errors"

	"github.com/spf13/cobra"
)

// errCommandTimeout is the cause of a command's context when --timeout
// ends it.
var errCommandTimeout = errors.New("command timeout")

// withTimeout gives a command that is not a statement (snapshot, diff) the
// --timeout of queries: a bound on the whole command. When it is reached
// the command stops every call, and awssql exits 124; what the command
// finished before (a snapshot committed whole) stays finished.
func (a *app) withTimeout(cmd *cobra.Command) *cobra.Command {
	cmd.Flags().DurationVar(&a.opts.timeout, "timeout", 0, "bound on the whole command, e.g. 30m (exit 124 when reached; default none)")
	inner := cmd.RunE
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if a.opts.timeout <= 0 {
			return inner(cmd, args)
		}
		parent := cmd.Context()
		ctx, cancel := context.WithTimeoutCause(parent, a.opts.timeout, errCommandTimeout)
		defer cancel()
		cmd.SetContext(ctx)
		defer cmd.SetContext(parent)
		err := inner(cmd, args)
		var pe *partialError
		switch {
		case err == nil, errors.As(err, &pe):
			// Done before the bound, or done with failures that were
			// reported as such: not cut short.
			return err
		case parent.Err() == nil && context.Cause(ctx) == errCommandTimeout:
			return &timeoutError{after: a.opts.timeout, what: cmd.Name()}
		}
		return err
	}
	return cmd
}
