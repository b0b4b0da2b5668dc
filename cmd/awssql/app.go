package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/vtab"
	"github.com/awssql/awssql/vtab/tables"
)

// streams is what a command reads and writes, and what it knows about the
// terminal; tests give their own.
type streams struct {
	in         io.Reader
	out        io.Writer
	errOut     io.Writer
	inTTY      bool
	outTTY     bool
	errTTY     bool
	getenv     func(string) string
	userQuery  string // folder of the user's saved queries; "" for none
	configPath string // the default config file; "" for none
	cacheDir   string // the default disk cache; "" for none
	// interrupts delivers Ctrl-C: it cancels the shell's running statement,
	// or else the whole invocation.
	interrupts <-chan os.Signal
}

// options are the parsed flags.
type options struct {
	profile, accessKeyID, secretAccessKey, sessionToken string
	homeRegion, regions, endpointURL                    string
	concurrency, maxAttempts                            int
	demo                                                bool

	assumeRoles                 []string
	externalID, roleSessionName string
	listAccounts                bool
	ous                         []string
	memberRole, skipAccounts    string
	configFile, connection      string
	callTimeout, timeout        time.Duration
	ignoreErrors                string
	cacheTTL                    time.Duration
	cacheMax                    fetch.ByteSize
	maxObjectBytes              int64
	noCache                     bool
	decoder                     string

	output      string
	noHeader    bool
	widths      []int // the shell's .width
	debug       bool
	allowAttach bool
	files       []string
	params      []string
	stats       string
	strict      bool
	progress    bool
	// db and snapshot query a snapshot file offline (db.go).
	db, snapshot string
}

// app is one invocation: its streams, options, and the connection it
// opens on first use.
type app struct {
	io   streams
	opts options

	sess   *fetch.Session
	tables []tables.Table
	eng    *vtab.Engine
	db     *sql.DB
	demo   *httptest.Server

	// connName is the config file's connection in use, if any.
	connName string

	// targets over every statement run, for the exit status.
	targetsOK, targetsFailed int
	// failures told on stderr, each once per invocation.
	told      map[fetch.Failure]bool
	toldOrder []fetch.Failure

	sh shellState

	mu            sync.Mutex
	cancelRoot    context.CancelFunc
	onInterruptFn func() // the shell's running statement
}

// interrupt handles Ctrl-C: the shell's running statement if there is
// one, else the whole invocation.
func (a *app) interrupt() {
	a.mu.Lock()
	h := a.onInterruptFn
	a.mu.Unlock()
	if h != nil {
		h()
		return
	}
	a.cancelRoot()
}

// run parses args and runs the command; the error decides the exit status.
func run(ctx context.Context, args []string, s streams) int {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Every command's output is its answer: a write that failed anywhere
	// (explain, check, --help, not only a statement's rows) must not end
	// as a success.
	out := &outputWriter{w: s.out}
	s.out = out
	a := &app{io: s, cancelRoot: cancel}
	defer a.close()
	if s.interrupts != nil {
		go func() {
			for {
				select {
				case <-s.interrupts:
					a.interrupt()
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	root := a.rootCommand()
	// spaceStats never returns nil, which cobra reads as "parse os.Args".
	root.SetArgs(spaceStats(args))
	err := root.ExecuteContext(ctx)
	if werr := out.failed(); werr != nil && (err == nil || isPipeClosed(err)) {
		if isPipeClosed(werr) {
			err = &interruptedError{closed: true}
		} else {
			err = fmt.Errorf("writing the output failed: %w", werr)
		}
	}
	code := exitCode(ctx, err)
	var pe *partialError
	var re *reportedError
	var te *fetch.TargetError
	switch {
	case err == nil, isPipeClosed(err), errors.As(err, &pe), errors.As(err, &re):
	case errors.As(err, &te) && a.told[te.Failure()] && code == exitError:
		// A target's failure that ended the run (--strict) was told
		// with the others: once is enough.
	case code == exitInterrupted:
		msg := "interrupted" // not in a statement: no answer to speak of
		var ie *interruptedError
		if errors.As(err, &ie) {
			msg = ie.Error()
		}
		fmt.Fprintln(s.errOut, "awssql: "+msg)
	default:
		fmt.Fprintln(s.errOut, "awssql: "+message(err))
	}
	return code
}

// outputWriter remembers the first write to stdout that failed, whoever
// made it and whether or not they checked.
type outputWriter struct {
	w   io.Writer
	mu  sync.Mutex
	err error
}

func (o *outputWriter) Write(p []byte) (int, error) {
	n, err := o.w.Write(p)
	if err != nil {
		o.mu.Lock()
		if o.err == nil {
			o.err = err
		}
		o.mu.Unlock()
	}
	return n, err
}

func (o *outputWriter) failed() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.err
}

// onInterrupt makes Ctrl-C call cancel until restore is called.
func (a *app) onInterrupt(cancel func()) (restore func()) {
	a.mu.Lock()
	a.onInterruptFn = cancel
	a.mu.Unlock()
	return func() {
		a.mu.Lock()
		a.onInterruptFn = nil
		a.mu.Unlock()
	}
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "awssql [flags] ['SQL']",
		Short: "Query AWS accounts with SQL",
		Long: `awssql runs SQL against live AWS data. Each table's WHERE clause on account,
region and resource keys is pushed down into the API calls, which fan out over
every account and enabled region at once.

SQL comes from the argument, from -f FILE (repeatable), or from stdin. Without
any, on a terminal, awssql opens an interactive shell.`,
		Example: `  awssql --demo "SELECT instance_type, count(*) FROM ec2_instances GROUP BY 1"
  awssql --regions 'eu-*' -o json "SELECT * FROM rds_instances WHERE publicly_accessible"
  awssql -f report.sql --param days=30`,
		Args:          sqlArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       versionLine(),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runSQL(cmd.Context(), args)
		},
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetFlagErrorFunc(flagError)
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if connectionless(cmd) {
			return nil
		}
		if err := a.applyConfig(cmd); err != nil {
			return err
		}
		return a.checkOffline(cmd)
	}
	a.connectionFlags(root.PersistentFlags())
	a.queryFlags(root.Flags())
	root.AddCommand(a.tablesCommand(), a.schemaCommand(), a.queriesCommand(), a.runCommand(), a.checkCommand(), a.policyCommand(), a.cacheCommand(), a.explainCommand(), a.versionCommand(),
		a.withTimeout(a.snapshotCommand()), a.withTimeout(a.diffCommand()), a.snapshotsCommand())
	// cobra adds these when it runs; added now, their argument errors are
	// usage errors too.
	// The completion command keeps the output stream it is made with.
	root.SetIn(a.io.in)
	root.SetOut(a.io.out)
	root.SetErr(a.io.errOut)
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.SuggestionsMinimumDistance = 2
		for _, sub := range c.Commands() {
			sub.SilenceUsage, sub.SilenceErrors = true, true
			if sub.HasSubCommands() && sub.Run == nil && sub.RunE == nil {
				// Without a subcommand cobra would print the help and exit 0.
				sub.Args = cobra.NoArgs
				sub.RunE = func(cmd *cobra.Command, _ []string) error {
					var names []string
					for _, c := range cmd.Commands() {
						if c.IsAvailableCommand() {
							names = append(names, c.Name())
						}
					}
					return usageErrorf("%s needs a subcommand: %s", cmd.CommandPath(), orList(names))
				}
			}
			if sub.Args != nil {
				sub.Args = usageArgs(sub.Args)
			}
			walk(sub)
		}
	}
	walk(root)
	return root
}

// sqlArgs takes the SQL as one argument. A first argument that is a word
// close to a command's name is a mistyped command, not SQL.
func sqlArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 && commandLikeRE.MatchString(args[0]) {
		if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
			return usageErrorf("unknown command %q: did you mean %s?", args[0], orList(s))
		}
	}
	if len(args) > 1 {
		return usageErrorf("%d arguments: give the SQL as one argument, in quotes (awssql 'SELECT ...'), or see awssql --help for the commands", len(args))
	}
	return nil
}

var commandLikeRE = regexp.MustCompile(`^[a-z][a-z-]*$`)

// usageArgs makes a command's argument errors usage errors (exit 2), and
// suggests the nearest subcommand for one that does not exist.
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if cmd.HasAvailableSubCommands() && len(args) > 0 {
			msg := fmt.Sprintf("unknown command %q for %s", args[0], cmd.CommandPath())
			if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
				msg += ": did you mean " + orList(s) + "?"
			}
			return &usageError{msg: msg}
		}
		if err := check(cmd, args); err != nil {
			return usageErrorf("%s: %v (usage: %s)", cmd.CommandPath(), err, cmd.UseLine())
		}
		return nil
	}
}

// flagError makes a flag error a usage error, suggesting the nearest flag
// for one that does not exist.
func flagError(c *cobra.Command, err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "unknown flag: --"); ok && (name == "" || strings.ContainsAny(name, " \t\r\n")) {
		// No flag has a space in its name: this is SQL.
		return usageErrorf("SQL that begins with a -- comment reads as a flag: put -- before it (awssql [flags] -- '-- ...')")
	}
	if name, ok := strings.CutPrefix(msg, "unknown flag: --"); ok && (name == "db" || name == "snapshot") {
		// Not a misspelling of --ou: the flag of another command.
		return usageErrorf("%s has no --%s: --db STORE reads snapshots with a query, run, diff or snapshots (awssql snapshot writes them, with --into STORE)", c.CommandPath(), name)
	}
	if name, ok := strings.CutPrefix(msg, "unknown flag: --"); ok {
		var names []string
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if !f.Hidden {
				names = append(names, f.Name)
			}
		})
		if s := closest(name, names); len(s) > 0 {
			msg += ": did you mean " + orList(prefixed("--", s)) + "?"
		}
	}
	return &usageError{msg: msg}
}

// spaceStats reads "--stats json" as "--stats=json": --stats alone means
// text, so pflag leaves "json" for the SQL argument.
func spaceStats(args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		if args[i] == "--" {
			return append(out, args[i:]...)
		}
		if args[i] == "--stats" && i+1 < len(args) && (args[i+1] == "json" || args[i+1] == "text") {
			out = append(out, "--stats="+args[i+1])
			i++
			continue
		}
		out = append(out, args[i])
	}
	return out
}

func (a *app) queryFlags(f *pflag.FlagSet) {
	o := &a.opts
	f.StringVarP(&o.output, "output", "o", "", "output format: "+strings.Join(formats, ", ")+" (default: table on a terminal, else csv)")
	f.BoolVar(&o.noHeader, "no-header", false, "csv, tsv and table output without the header line")
	f.StringArrayVarP(&o.files, "file", "f", nil, "run the ;-separated statements of FILE (repeatable)")
	f.StringArrayVar(&o.params, "param", nil, "bind a named parameter :name, as name=value (repeatable)")
	f.StringVar(&o.stats, "stats", "", "print what each statement cost to stderr; --stats=json for JSON")
	f.Lookup("stats").NoOptDefVal = "text"
	f.BoolVar(&o.strict, "strict", false, "fail (exit 1) on the first account or region that fails")
	f.BoolVar(&o.progress, "progress", false, "show the progress line on stderr even when it is not a terminal")
	f.DurationVar(&o.timeout, "timeout", 0, "bound on each statement, e.g. 5m (exit 124 when reached; default none)")
	f.BoolVar(&o.allowAttach, "allow-attach", false, "let statements ATTACH database files and VACUUM INTO a file (they write files)")
	f.StringVar(&o.db, "db", "", "query a SQLite file of snapshots (awssql snapshot --into FILE) offline: no AWS call")
	f.StringVar(&o.snapshot, "snapshot", "", "with --db: the snapshot to query, by id or time (default: the latest)")
}

// writerOptions are the output settings of the flags and the shell.
func (a *app) writerOptions() writerOptions {
	return writerOptions{noHeader: a.opts.noHeader, widths: a.opts.widths}
}

// session opens the connection on first use.
func (a *app) session(ctx context.Context) (*fetch.Session, error) {
	if a.sess != nil {
		return a.sess, nil
	}
	fo, err := a.fetchOptions()
	if err != nil {
		return nil, err
	}
	if a.opts.demo {
		if err := a.startDemo(&fo); err != nil {
			return nil, err
		}
	}
	sess, err := fetch.NewSession(ctx, fo)
	if err != nil {
		return nil, err
	}
	a.sess = sess
	return sess, nil
}

// engine opens the SQL engine over the session.
func (a *app) engine(ctx context.Context) (*vtab.Engine, *sql.DB, error) {
	if a.db != nil {
		return a.eng, a.db, nil
	}
	if a.opts.db != "" {
		return a.offlineEngine(ctx)
	}
	sess, err := a.session(ctx)
	if err != nil {
		return nil, nil, err
	}
	ts := tables.All(sess)
	eng, err := vtab.New(tables.Defs(ts)...)
	if err != nil {
		return nil, nil, err
	}
	if a.opts.allowAttach {
		eng.AllowAttach()
	}
	a.tables, a.eng, a.db = ts, eng, eng.DB()
	return a.eng, a.db, nil
}

// catalog describes the tables without connecting.
func catalog() (*vtab.Engine, error) {
	return vtab.New(tables.Defs(tables.All(nil))...)
}

func (a *app) close() {
	if a.db != nil {
		a.db.Close()
	}
	if a.demo != nil {
		a.demo.Close()
	}
}

// connectionless reports whether cmd never connects nor runs anything a
// connection's settings change (help, the version, shell completion): a
// mistake in the config file is then not its to refuse, and Tab
// completion does not go quiet over it.
func connectionless(cmd *cobra.Command) bool {
	for c := cmd; c != nil; c = c.Parent() {
		switch c.Name() {
		case "help", "version", "completion", cobra.ShellCompRequestCmd, cobra.ShellCompNoDescRequestCmd:
			return true
		}
	}
	return false
}
