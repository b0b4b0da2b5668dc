package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http/httptest"
	"os"
	"os/user"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/smithy-go/logging"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
	"github.com/awssql/awssql/vtab/tables"
)

func (a *app) connectionFlags(f *pflag.FlagSet) {
	o := &a.opts
	f.StringVar(&o.profile, "profile", "", "shared config profile (default: AWS_PROFILE, else the default chain)")
	f.StringVar(&o.accessKeyID, "access-key-id", "", "access key id; the secret comes from AWS_SECRET_ACCESS_KEY")
	f.StringVar(&o.secretAccessKey, "secret-access-key", "", "secret access key (visible in ps: prefer AWS_SECRET_ACCESS_KEY)")
	f.StringVar(&o.sessionToken, "session-token", "", "session token of temporary credentials (default: AWS_SESSION_TOKEN)")
	f.StringArrayVar(&o.assumeRoles, "assume-role", nil, "role ARN to assume, repeatable: a chain, each hop assumed with the one before")
	f.StringVar(&o.externalID, "external-id", "", "external ID passed on every AssumeRole (the chain's and the member roles')")
	f.StringVar(&o.roleSessionName, "role-session-name", "", "session name of assumed roles (default: awssql-<local user>)")
	f.BoolVar(&o.listAccounts, "list-accounts", false, "query every ACTIVE account of the organization (organizations:ListAccounts)")
	f.StringArrayVar(&o.ous, "ou", nil, "with --list-accounts: only accounts under this OU, recursively (repeatable)")
	f.StringVar(&o.memberRole, "member-role", fetch.DefaultMemberRole, "role assumed in each member account")
	f.StringVar(&o.skipAccounts, "skip-accounts", "", "comma-separated account ids not to query")
	f.StringVar(&o.homeRegion, "home-region", "", "region for STS, Organizations and DescribeRegions calls (default: the SDK's region, else us-east-1)")
	f.StringVar(&o.regions, "regions", "", "comma-separated regions or globs, e.g. us-east-1,eu-* (default: every enabled region)")
	f.StringVar(&o.endpointURL, "endpoint-url", "", "send every call to this endpoint (LocalStack, moto, awsfake)")
	f.IntVar(&o.concurrency, "concurrency", fetch.DefaultConcurrency, "targets (account x region) fetched at once by one scan; by a snapshot, targets and calls at once of all its tables together")
	f.IntVar(&o.maxAttempts, "max-attempts", fetch.DefaultMaxAttempts, "attempts of a throttled call, retries included (other failures get at most 3)")
	f.DurationVar(&o.callTimeout, "call-timeout", fetch.DefaultCallTimeout, "bound on each attempt of an API call")
	f.StringVar(&o.ignoreErrors, "ignore-errors", "", "comma-separated AWS error codes (globs) whose targets count as empty, e.g. UnauthorizedOperation,AccessDenied*")
	f.BoolVar(&o.debug, "debug", false, "print the AWS SDK's own log (its warnings, and retries) to stderr")
	f.BoolVar(&o.demo, "demo", false, "query the built-in sample organization (no AWS account needed)")
	f.Int64Var(&o.maxObjectBytes, "max-object-bytes", fetch.DefaultMaxObjectBytes, "the most of one S3 object that s3_objects.body reads")
	f.DurationVar(&o.cacheTTL, "cache-ttl", 0, "keep answers on disk this long and reuse them across runs, e.g. 10m (default: off)")
	o.cacheMax = fetch.DefaultCacheMax
	f.Var(&o.cacheMax, "cache-max", "the most the disk cache keeps, e.g. 200MB or 1GiB; the oldest answers go first")
	f.BoolVar(&o.noCache, "no-cache", false, "neither read nor write the disk cache")
	f.StringVar(&o.decoder, "decoder", fetch.DecoderAWSSQL, "who decodes the answers of the hottest calls: awssql (only the columns a statement reads) or sdk (whole, as the AWS SDK does)")
	f.StringVar(&o.configFile, "config", "", "config file of named connections (default: $XDG_CONFIG_HOME/awssql/config.yaml)")
	f.StringVar(&o.connection, "connection", "", "named connection of the config file to use")
}

// configFile is the YAML config: named connections whose keys are flag
// names, e.g.
//
//	default: org
//	connections:
//	  org:
//	    profile: security-audit
//	    assume-role: [arn:aws:iam::111111111111:role/inventory]
//	    external-id: x7-42
//	    list-accounts: true
//	    regions: eu-*,us-east-1
type configFile struct {
	Default string `yaml:"default"`
	// Each setting is kept as YAML wrote it: its value is the text in the
	// file, as a flag's is on the command line (an external ID 0123 is
	// not the octal 83).
	Connections map[string]map[string]yaml.Node `yaml:"connections"`
}

// notFromEnv are the flags that choose the configuration (AWSSQL_CONFIG and
// AWSSQL_CONNECTION are read by loadConnection) or only ask for help.
var notFromEnv = map[string]bool{"config": true, "connection": true, "help": true}

// notFromConfig are, besides those, the flags that are not part of a
// connection: what to run and how to print it belong to the invocation.
var notFromConfig = map[string]bool{"config": true, "connection": true, "help": true, "file": true, "param": true}

// secretKeys hold secrets: a config file holding one must not be readable
// by others, and a command line holding one is visible in ps.
var secretKeys = []string{"secret-access-key", "session-token"}

// secretEnv is where each secret is better given than on the command line.
var secretEnv = map[string]string{"secret-access-key": "AWS_SECRET_ACCESS_KEY", "session-token": "AWS_SESSION_TOKEN"}

// applyConfig fills every flag not given on the command line from the
// environment (AWSSQL_<FLAG>; a repeatable flag takes comma-separated
// values) and then from the config file's connection: flags override the
// environment, the environment overrides the file. Then it checks what
// every source can get wrong alike.
func (a *app) applyConfig(cmd *cobra.Command) error {
	conn, where, err := a.loadConnection(cmd)
	if err != nil {
		return err
	}
	var errs []error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Changed || notFromEnv[f.Name] {
			return
		}
		env := "AWSSQL_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		var vals []string
		from := f.Name // where a wrong value was written: nothing on the command line was wrong
		if v := a.io.getenv(env); v != "" {
			from = env + ": " + f.Name
			vals = []string{v}
			if strings.HasSuffix(f.Value.Type(), "Array") {
				vals = strings.Split(v, ",")
			}
			if f.Name == "param" {
				vals = paramPieces(vals)
			}
		} else if v, ok := conn[f.Name]; ok && !notFromConfig[f.Name] {
			from = where + ": " + f.Name
			var err error
			if vals, err = configValues(v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %v", from, err))
			}
		}
		for _, v := range vals {
			if err := f.Value.Set(strings.TrimSpace(v)); err != nil {
				errs = append(errs, fmt.Errorf("%s: %v", from, err))
			}
		}
	})
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Value.Type() != "duration" {
			return
		}
		if d, err := time.ParseDuration(f.Value.String()); err == nil && d < 0 {
			errs = append(errs, fmt.Errorf("--%s must not be negative, not %s", f.Name, d))
		}
	})
	if err := errors.Join(errs...); err != nil {
		return &usageError{msg: strings.ReplaceAll(err.Error(), "\n", "; ")}
	}
	// Only the command line is visible to other users; the environment and
	// a private config file are not.
	for _, k := range secretKeys {
		if f := cmd.Flags().Lookup(k); f != nil && f.Changed {
			fmt.Fprintf(a.io.errOut, "awssql: warning: --%s is visible to other users in ps; prefer %s\n", k, secretEnv[k])
		}
	}
	return nil
}

// paramPieces joins AWSSQL_PARAM's pieces so that a value may hold
// commas (tags=Owner,CostCenter): a piece without "=" continues the value
// before it.
func paramPieces(pieces []string) []string {
	var out []string
	for _, p := range pieces {
		if len(out) > 0 && !strings.Contains(p, "=") {
			out[len(out)-1] += "," + p
			continue
		}
		out = append(out, p)
	}
	return out
}

// configValues returns a setting's values as written: a scalar's text, or
// a list's. YAML's reading of a scalar (a number, octal 0123, 1e3) is not
// used: a setting means what the same text means as a flag.
func configValues(n yaml.Node) ([]string, error) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = *n.Alias
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil, nil
		}
		return []string{n.Value}, nil
	case yaml.SequenceNode:
		var out []string
		for _, e := range n.Content {
			v, err := configValues(*e)
			if err != nil || len(v) > 1 {
				return nil, fmt.Errorf("a list may hold only values (line %d)", e.Line)
			}
			out = append(out, v...)
		}
		return out, nil
	}
	return nil, fmt.Errorf("write a value or a list of values (line %d)", n.Line)
}

// cacheDir is where answers are kept across runs: $XDG_CACHE_HOME/awssql,
// else the platform's user cache directory.
func (a *app) cacheDir() string {
	if x := a.io.getenv("XDG_CACHE_HOME"); x != "" {
		return filepath.Join(x, "awssql")
	}
	return a.io.cacheDir
}

// defaultConfigPath is the config file under the XDG config home.
func defaultConfigPath() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "awssql", "config.yaml")
}

// loadConnection reads the named connection (or the file's default) from
// the config file, if there is one.
func (a *app) loadConnection(cmd *cobra.Command) (conn map[string]yaml.Node, where string, err error) {
	path, explicit := a.opts.configFile, a.opts.configFile != ""
	if !explicit {
		if p := a.io.getenv("AWSSQL_CONFIG"); p != "" {
			path, explicit = p, true
		} else {
			path = a.io.configPath
		}
	}
	name := a.opts.connection
	if name == "" {
		name = a.io.getenv("AWSSQL_CONNECTION")
	}
	if path == "" {
		if name != "" {
			return nil, "", usageErrorf("--connection %s: no config file", name)
		}
		return nil, "", nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && !explicit && name == "" {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", usageErrorf("config: %v", err)
	}
	cf, err := parseConfig(b, cmd)
	if err != nil {
		return nil, "", usageErrorf("config %s: %v", path, err)
	}
	if name == "" {
		name = cf.Default
	}
	if name == "" {
		return nil, "", nil
	}
	conn, ok := cf.Connections[name]
	where = fmt.Sprintf("config %s: connection %s", path, name)
	if !ok {
		var names []string
		for n := range cf.Connections {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, "", usageErrorf("config %s: no connection %q (it has %s)", path, name, strings.Join(names, ", "))
	}
	settings := settingNames(cmd.Root())
	for k := range conn {
		if !settings[k] {
			return nil, "", usageErrorf("config %s: connection %s: unknown setting %q (settings are flag names)", path, name, k)
		}
	}
	a.connName = name
	if info, err := os.Stat(path); err == nil && info.Mode().Perm()&0o077 != 0 {
		for _, k := range secretKeys {
			if _, ok := conn[k]; ok {
				fmt.Fprintf(a.io.errOut, "awssql: warning: %s holds %s and is readable by others (mode %o): chmod 600 %s\n",
					path, k, info.Mode().Perm(), path)
			}
		}
	}
	return conn, where, nil
}

// fetchOptions checks every flag value before any call and builds the
// connection's options.
func (a *app) fetchOptions() (fetch.Options, error) {
	o := a.opts
	regions, err := fetch.ParseRegions(o.regions)
	if err != nil {
		return fetch.Options{}, &usageError{msg: "--regions: " + err.Error()}
	}
	var errs []error
	check := func(flag string, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("--%s: %w", flag, err))
		}
	}
	if o.homeRegion != "" {
		check("home-region", fetch.CheckRegion(o.homeRegion, false))
	}
	for _, arn := range o.assumeRoles {
		check("assume-role", fetch.CheckRoleARN(arn))
	}
	if o.externalID != "" {
		check("external-id", fetch.CheckExternalID(o.externalID))
	}
	if o.roleSessionName != "" {
		check("role-session-name", fetch.CheckSessionName(o.roleSessionName))
	}
	check("member-role", fetch.CheckRoleName(o.memberRole))
	for _, ou := range o.ous {
		check("ou", fetch.CheckOU(ou))
	}
	var skip []string
	for _, id := range strings.Split(o.skipAccounts, ",") {
		if id = strings.TrimSpace(id); id != "" {
			check("skip-accounts", fetch.CheckAccountID(id))
			skip = append(skip, id)
		}
	}
	if len(o.ous) > 0 && !o.listAccounts {
		errs = append(errs, errors.New("--ou needs --list-accounts"))
	}
	if o.concurrency < 1 {
		errs = append(errs, fmt.Errorf("--concurrency must be at least 1, not %d", o.concurrency))
	}
	if o.maxAttempts < 1 {
		errs = append(errs, fmt.Errorf("--max-attempts must be at least 1, not %d", o.maxAttempts))
	}
	if o.maxObjectBytes < 1 {
		errs = append(errs, fmt.Errorf("--max-object-bytes must be positive, not %d", o.maxObjectBytes))
	}
	if o.cacheTTL < 0 {
		errs = append(errs, fmt.Errorf("--cache-ttl must not be negative"))
	}
	if o.decoder != fetch.DecoderAWSSQL && o.decoder != fetch.DecoderSDK {
		errs = append(errs, fmt.Errorf("--decoder must be %s or %s, not %q", fetch.DecoderAWSSQL, fetch.DecoderSDK, o.decoder))
	}
	if o.callTimeout <= 0 {
		errs = append(errs, fmt.Errorf("--call-timeout must be positive, not %s", o.callTimeout))
	}
	var ignore []string
	for _, code := range strings.Split(o.ignoreErrors, ",") {
		if code = strings.TrimSpace(code); code != "" {
			if _, err := path.Match(code, ""); err != nil || strings.ContainsAny(code, " /") {
				errs = append(errs, fmt.Errorf("--ignore-errors: bad error code pattern %q", code))
			}
			ignore = append(ignore, code)
		}
	}
	if o.secretAccessKey != "" && o.accessKeyID == "" {
		errs = append(errs, errors.New("--secret-access-key needs --access-key-id"))
	}
	if o.sessionToken != "" && o.accessKeyID == "" {
		errs = append(errs, errors.New("--session-token needs --access-key-id (a profile or the default chain brings its own)"))
	}
	if err := errors.Join(errs...); err != nil {
		return fetch.Options{}, &usageError{msg: strings.ReplaceAll(err.Error(), "\n", "; ")}
	}
	sessionName := o.roleSessionName
	if sessionName == "" {
		name := ""
		if u, err := user.Current(); err == nil {
			name = u.Username
		}
		sessionName = fetch.SessionName(name)
	}
	fo := fetch.Options{
		Operations:      tables.Operations(),
		Profile:         o.profile,
		AccessKeyID:     o.accessKeyID,
		SessionToken:    o.sessionToken,
		HomeRegion:      o.homeRegion,
		EndpointURL:     o.endpointURL,
		Regions:         regions,
		Concurrency:     o.concurrency,
		Decoder:         o.decoder,
		MaxAttempts:     o.maxAttempts,
		CallTimeout:     o.callTimeout,
		MaxObjectBytes:  o.maxObjectBytes,
		IgnoreErrors:    ignore,
		Strict:          o.strict,
		RoleChain:       o.assumeRoles,
		ExternalID:      o.externalID,
		RoleSessionName: sessionName,
		ListAccounts:    o.listAccounts,
		OUs:             o.ous,
		MemberRole:      o.memberRole,
		SkipAccounts:    skip,
	}
	if o.accessKeyID != "" {
		// The secret and the session token of temporary credentials come
		// from the environment as the AWS CLI reads them, unless given.
		fo.SecretAccessKey = a.io.getenv("AWS_SECRET_ACCESS_KEY")
		if o.secretAccessKey != "" {
			fo.SecretAccessKey = o.secretAccessKey
		}
		// A long-term key (AKIA...) has none: a token left in the
		// environment by another session would only get it refused.
		if fo.SessionToken == "" && !strings.HasPrefix(o.accessKeyID, "AKIA") {
			fo.SessionToken = a.io.getenv("AWS_SESSION_TOKEN")
		}
	}
	if o.cacheTTL > 0 && !o.noCache {
		dir := a.cacheDir()
		if dir == "" {
			return fetch.Options{}, usageErrorf("--cache-ttl: no cache directory (set XDG_CACHE_HOME)")
		}
		fo.CacheTTL, fo.CacheDir, fo.CacheMax = o.cacheTTL, dir, int64(o.cacheMax)
	}
	if a.io.inTTY {
		fo.MFATokenProvider = a.promptMFA
	}
	if o.debug {
		var mu sync.Mutex // the SDK logs from every goroutine
		fo.Logger = logging.LoggerFunc(func(c logging.Classification, format string, v ...any) {
			mu.Lock()
			defer mu.Unlock()
			fmt.Fprintf(a.io.errOut, "awssql: debug: SDK %s %s\n", c, strings.ReplaceAll(fmt.Sprintf(format, v...), "\n", " "))
		})
	}
	return fo, nil
}

// promptMFA asks for a profile's MFA code on the terminal.
func (a *app) promptMFA() (string, error) {
	fmt.Fprint(a.io.errOut, "MFA code: ")
	var code string
	_, err := fmt.Fscanln(a.io.in, &code)
	return strings.TrimSpace(code), err
}

// startDemo serves the built-in organization on a loopback port and
// connects to it as a user would connect to theirs: base credentials, a
// two-hop role chain with an external ID, and every account of the
// organization through its member role. It ignores the environment's
// credentials: the real SDK path (HTTP, signing, paging) without AWS.
func (a *app) startDemo(fo *fetch.Options) error {
	if fo.EndpointURL != "" || fo.Profile != "" || fo.AccessKeyID != "" || len(fo.RoleChain) > 0 {
		return usageErrorf("--demo brings its own endpoint, credentials and roles: drop --endpoint-url, --profile, --access-key-id and --assume-role")
	}
	ds, opts := demoData(time.Now())
	a.demo = httptest.NewServer(awsfake.New(ds, opts...))
	fo.EndpointURL = a.demo.URL
	fo.AccessKeyID, fo.SecretAccessKey, fo.SessionToken = fakedata.DemoAccessKeyID, fakedata.DemoSecretAccessKey, ""
	fo.Isolated = true
	fo.RoleChain = fakedata.DemoRoleChain()
	fo.ExternalID = fakedata.DemoExternalID
	fo.ListAccounts = true
	if fo.MemberRole == fetch.DefaultMemberRole {
		fo.MemberRole = fakedata.DemoMemberRole
	}
	if fo.HomeRegion == "" {
		fo.HomeRegion = "us-east-1"
	}
	return nil
}

// parseConfig reads the config file's one YAML document. It refuses a
// key at the top level other than default and connections (and x-*, a
// place for YAML anchors), and a second document that holds anything:
// either would otherwise be read as nothing, and the run would go on
// without it (decoder: sdk written at the top level). A merge (<<) at the
// top level brings its mapping's keys, which are checked the same; an
// alias used as a key is the key it stands for.
func parseConfig(b []byte, cmd *cobra.Command) (configFile, error) {
	var cf configFile
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var doc yaml.Node
	if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
		return cf, nil
	} else if err != nil {
		return cf, err
	}
	if err := doc.Decode(&cf); err != nil {
		return cf, err
	}
	if len(doc.Content) > 0 {
		if err := mappingKeys(doc.Content[0], cmd, 0); err != nil {
			return cf, err
		}
	}
	for {
		var next yaml.Node
		err := dec.Decode(&next)
		if errors.Is(err, io.EOF) {
			return cf, nil
		}
		if err != nil {
			return cf, fmt.Errorf("a second YAML document: %v", err)
		}
		// An empty document (a trailing ---, comments) holds nothing lost.
		if empty := len(next.Content) == 0 || next.Content[0].Kind == yaml.ScalarNode && next.Content[0].Value == ""; !empty {
			return cf, fmt.Errorf("line %d: a second YAML document (---): awssql reads the first only; put the connections in one document", next.Line)
		}
	}
}

// mappingKeys checks the keys of a mapping at the config file's top level
// (see parseConfig).
func mappingKeys(m *yaml.Node, cmd *cobra.Command, depth int) error {
	for m.Kind == yaml.AliasNode && m.Alias != nil && depth < 8 {
		m, depth = m.Alias, depth+1
	}
	if m.Kind != yaml.MappingNode || depth >= 8 {
		return nil // refused by the decoding into configFile, if at all
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind == yaml.AliasNode && k.Alias != nil {
			k = k.Alias
		}
		if k.Tag == "!!merge" {
			merged := []*yaml.Node{v}
			if v.Kind == yaml.SequenceNode {
				merged = v.Content
			}
			for _, mv := range merged {
				if err := mappingKeys(mv, cmd, depth+1); err != nil {
					return err
				}
			}
			continue
		}
		if k.Value == "default" || k.Value == "connections" || strings.HasPrefix(k.Value, "x-") {
			continue // x-: a place for YAML anchors, as in Compose files
		}
		hint := "the top level holds default and connections"
		if settingNames(cmd.Root())[k.Value] {
			hint = fmt.Sprintf("settings go under a connection: connections: NAME: %s: ...", k.Value)
		}
		return fmt.Errorf("line %d: unknown key %q (%s)", k.Line, k.Value, hint)
	}
	return nil
}

// settingNames are the keys a connection may hold: the flags of every
// command (not -f and --param, which say what to run). A command applies
// those it has: a connection's output: json is the query's, and tables,
// which has no --output, lets it be rather than refuse the connection.
func settingNames(root *cobra.Command) map[string]bool {
	names := map[string]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		add := func(f *pflag.Flag) {
			if !notFromConfig[f.Name] {
				names[f.Name] = true
			}
		}
		c.Flags().VisitAll(add)
		c.PersistentFlags().VisitAll(add)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return names
}
