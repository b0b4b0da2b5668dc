package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is the release's version. Only the linker sets it (the release
// build passes -ldflags "-X main.version=v1.2.3"); a build from source
// reads the module's version from the build info instead.
var version string

// versionLine says which awssql this is: its version, the commit it was
// built from, and the Go that built it.
func versionLine() string {
	v, commit, when, dirty := version, "", "", ""
	goVersion := runtime.Version()
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" {
			v = bi.Main.Version
		}
		goVersion = bi.GoVersion
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value[:min(12, len(s.Value))]
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "+dirty"
				}
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	line := "awssql " + v
	if commit != "" {
		line += fmt.Sprintf(" (commit %s%s, %s)", commit, dirty, when)
	}
	return line + fmt.Sprintf(" %s %s/%s", goVersion, runtime.GOOS, runtime.GOARCH)
}

func (a *app) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, the commit and the Go version awssql was built with",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(a.io.out, versionLine())
			return err
		},
	}
}
