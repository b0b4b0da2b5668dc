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
	code := run(context.Background(), os.Args[1:], streams{
		interrupts: sigs,
		in:         os.Stdin,
		out:        os.Stdout,
		errOut:     os.Stderr,
		inTTY:      term.IsTerminal(int(os.Stdin.Fd())),
		outTTY:     term.IsTerminal(int(os.Stdout.Fd())),
		getenv:     os.Getenv,
		userQuery:  userQueryDir(),
		configPath: defaultConfigPath(),
		cacheDir:   defaultCacheDir(),
	})
	os.Exit(code)
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
