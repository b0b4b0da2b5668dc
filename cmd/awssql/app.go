package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
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
	maxObjectBytes              int64
	noCache                     bool

	output      string
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
	root.SetArgs(args)
	root.SetIn(s.in)
	root.SetOut(s.out)
	root.SetErr(s.errOut)
	err := root.ExecuteContext(ctx)
	code := exitCode(ctx, err)
	var pe *partialError
	switch {
	case err == nil, isPipeClosed(err), errors.As(err, &pe):
	case code == exitInterrupted:
		var ie *interruptedError
		if !errors.As(err, &ie) {
			ie = &interruptedError{}
		}
		fmt.Fprintln(s.errOut, "awssql: "+ie.Error())
	default:
		fmt.Fprintln(s.errOut, "awssql: "+message(err))
	}
	return code
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
		Args:          cobra.MaximumNArgs(1),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runSQL(cmd.Context(), args)
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{msg: err.Error()} })
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error { return a.applyConfig(cmd) }
	a.connectionFlags(root.PersistentFlags())
	a.queryFlags(root.Flags())
	root.AddCommand(a.tablesCommand(), a.schemaCommand(), a.queriesCommand(), a.runCommand(), a.checkCommand(), a.policyCommand(), a.cacheCommand(), a.explainCommand(),
		a.snapshotCommand(), a.diffCommand(), a.snapshotsCommand())
	for _, c := range root.Commands() {
		c.SilenceUsage, c.SilenceErrors = true, true
	}
	return root
}

func (a *app) queryFlags(f *pflag.FlagSet) {
	o := &a.opts
	f.StringVarP(&o.output, "output", "o", "", "output format: "+strings.Join(formats, ", ")+" (default: table on a terminal, else csv)")
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
