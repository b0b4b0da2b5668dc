// Package release_test checks the release configuration: the container
// image's Dockerfile (no Docker engine runs where the tests run, so it is
// read, not built) against what release.sh makes.
package release_test

import (
	"encoding/json"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	line int
	cmd  string // upper case
	args string
}

func parseDockerfile(t *testing.T, text string) []instruction {
	t.Helper()
	known := []string{"ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
		"ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"}
	var out []instruction
	var cur strings.Builder
	start := 0
	for i, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if cur.Len() == 0 && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if cur.Len() == 0 {
			start = i + 1
		}
		if body, ok := strings.CutSuffix(trimmed, `\`); ok {
			cur.WriteString(body + " ")
			continue
		}
		cur.WriteString(trimmed)
		cmd, args, _ := strings.Cut(cur.String(), " ")
		cur.Reset()
		if !slices.Contains(known, strings.ToUpper(cmd)) {
			t.Errorf("line %d: unknown instruction %q", start, cmd)
		}
		if cmd != strings.ToUpper(cmd) {
			t.Errorf("line %d: write %s in upper case", start, cmd)
		}
		out = append(out, instruction{line: start, cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args)})
	}
	if cur.Len() > 0 {
		t.Errorf("the last instruction ends with a continuation")
	}
	return out
}

func TestDockerfile(t *testing.T) {
	raw, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	ins := parseDockerfile(t, string(raw))
	script, err := os.ReadFile("release.sh")
	if err != nil {
		t.Fatal(err)
	}
	ignore, err := os.ReadFile("Dockerfile.dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	var from string
	args := map[string]bool{}
	var copied []string
	user, entry := "", false
	for _, in := range ins {
		if from == "" && in.cmd != "FROM" && in.cmd != "ARG" {
			t.Errorf("line %d: %s before FROM", in.line, in.cmd)
		}
		switch in.cmd {
		case "FROM":
			if from != "" {
				t.Errorf("line %d: a second stage: the image is the release binary alone", in.line)
			}
			from = strings.Fields(in.args)[0]
			if from != "scratch" && !strings.Contains(from, "/distroless/static") {
				t.Errorf("line %d: FROM %s: a static binary needs scratch or distroless static", in.line, from)
			}
		case "ARG":
			args[strings.SplitN(in.args, "=", 2)[0]] = true
		case "RUN":
			t.Errorf("line %d: RUN: %s has no shell", in.line, from)
		case "COPY":
			f := strings.Fields(in.args)
			if len(f) != 2 {
				t.Errorf("line %d: COPY %s: want one source and the destination", in.line, in.args)
				continue
			}
			for _, m := range regexp.MustCompile(`\$\{?([A-Z_]+)\}?`).FindAllStringSubmatch(f[0], -1) {
				if !args[m[1]] {
					t.Errorf("line %d: COPY uses $%s, which no ARG after FROM declares", in.line, m[1])
				}
			}
			for _, arch := range []string{"amd64", "arm64"} {
				src := strings.NewReplacer("${TARGETOS}", "linux", "${TARGETARCH}", arch).Replace(f[0])
				copied = append(copied, src)
				included := false
				for _, pat := range strings.Split(string(ignore), "\n") {
					if neg, ok := strings.CutPrefix(strings.TrimSpace(pat), "!"); ok {
						if m, _ := path.Match(neg, src); m {
							included = true
						}
					}
				}
				if !included {
					t.Errorf("COPY %s: Dockerfile.dockerignore keeps it out of the build context", src)
				}
			}
		case "USER":
			user = in.args
		case "ENTRYPOINT", "CMD":
			var argv []string
			if err := json.Unmarshal([]byte(in.args), &argv); err != nil || len(argv) == 0 {
				t.Errorf("line %d: %s %s: write it as a JSON array (there is no shell to run it)", in.line, in.cmd, in.args)
			}
			entry = entry || in.cmd == "ENTRYPOINT"
		}
	}
	if !entry {
		t.Error("no ENTRYPOINT: the image should run awssql with the arguments given")
	}
	if user == "" || strings.HasPrefix(user, "root") || strings.HasPrefix(user, "0") {
		t.Errorf("USER %q: run as a user without privileges", user)
	}
	// What is copied is what release.sh makes, for both architectures.
	if !strings.Contains(string(script), `"$out/${os}_${arch}/$exe"`) || !strings.Contains(string(script), "linux/amd64 linux/arm64") {
		t.Errorf("release.sh no longer builds dist/<os>_<arch>/awssql for linux/amd64 and linux/arm64, which the Dockerfile copies: %v", copied)
	}
}
