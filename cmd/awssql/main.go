// Command awssql runs SQL against live AWS data.
package main

import (
	"context"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"golang.org/x/term"
)

func main() {
	// A closed pipe (awssql ... | head) must come back as an error from
	// the write, so that awssql stops fetching and exits quietly, not as a
	// signal that kills it.
	signal.Ignore(syscall.SIGPIPE)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	s := osStreams(os.Stdin, os.Stdout, os.Stderr)
	s.interrupts = sigs
	os.Exit(run(context.Background(), os.Args[1:], s))
}

// osStreams are the process's own streams, and what is a terminal.
func osStreams(in, out, errOut *os.File) streams {
	return streams{
		in:         in,
		out:        out,
		errOut:     errOut,
		inTTY:      term.IsTerminal(int(in.Fd())),
		outTTY:     term.IsTerminal(int(out.Fd())),
		errTTY:     term.IsTerminal(int(errOut.Fd())),
		getenv:     os.Getenv,
		userQuery:  userQueryDir(),
		configPath: defaultConfigPath(),
		cacheDir:   defaultCacheDir(),
	}
}

// defaultCacheDir is the disk cache under the user's cache directory.
func defaultCacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "awssql")
}

// userQueryDir is the user's saved-query folder under the XDG config home.
func userQueryDir() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "awssql", "queries")
}
