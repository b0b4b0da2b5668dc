package fetch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
)

// diskCache keeps call outputs across runs for a TTL, under a directory
// per identity: the base identity, the role chain, the member role and the
// endpoint, not the session ARNs, which change every run. So one identity
// never reads what another fetched, and a run with the same connection
// reads what the last one did. Files are 0600 in 0700 directories; they
// hold AWS's answers, never credentials.
//
// The files under root are kept under max bytes, oldest first out. The
// directory is listed once per process, at its first write, to learn what
// it holds; after that each write adds its size, and the directory is
// listed again only when the total passes max, to remove the oldest files
// down to three quarters of max. Other processes' writes are seen at that
// listing, so several processes writing at once may pass max between two
// listings, by at most what they wrote meanwhile.
type diskCache struct {
	root string
	ttl  time.Duration
	max  int64
	now  func() time.Time

	mu       sync.Mutex
	used     int64 // bytes under root as far as this process knows; -1: not listed yet
	listings int   // how often root was listed
}

func newDiskCache(root string, ttl time.Duration, maxBytes int64) *diskCache {
	return &diskCache{root: root, ttl: ttl, max: maxBytes, now: time.Now, used: -1}
}

// clockSkew is how far in the future an entry may be dated and still be
// read: another machine sharing the directory may run a little ahead.
// Beyond it the entry is wrong (a clock set back, a file copied in) and
// would otherwise stay fresh for as long as it is in the future.
const clockSkew = time.Minute

// diskHeader is the first line of an entry; the output, as JSON, follows
// on one line, and then diskTrailer. The TTL of the run that reads it
// decides whether it is still fresh.
type diskHeader struct {
	Fetched time.Time `json:"fetched"`
	// Fields are those the output holds (see Project); none (as entries
	// written before projections have it) means every field.
	Fields *[]string `json:"fields,omitempty"`
	// Decoder is the decoder that read the answer (DecoderAWSSQL,
	// DecoderSDK); none (entries written before it was kept) is taken
	// for awssql's. See answers.
	Decoder string `json:"decoder,omitempty"`
}

// diskTrailer is the last line of an entry: the SHA-256 of the output's
// line, so that an entry whose bytes changed (a disk error, a partial
// copy, an edit) is not taken for an answer because it still decodes. An
// output that decodes empty or without its NextToken would otherwise be a
// listing cut short that reads as a whole one.
type diskTrailer struct {
	SHA256 string `json:"sha256"`
}

// ClearCache removes every cached answer under root.
func ClearCache(root string) error {
	entries, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(root, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// cacheIdentity is the key of the directory the session's answers go in.
func (s *Session) cacheIdentity(ctx context.Context) (string, error) {
	return s.cacheID.get(struct{}{}, func() (string, error) {
		base := ""
		if len(s.chain) == 0 {
			id, err := s.Identity(ctx)
			if err != nil {
				return "", err
			}
			base = id.ARN
		} else {
			out, err := sts.NewFromConfig(s.base, func(o *sts.Options) {
				o.APIOptions = append(o.APIOptions, counting(""))
			}).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if err != nil {
				return "", &CredentialsError{Err: err, Profile: s.opts.Profile}
			}
			base = *out.Arn
		}
		h := sha256.New()
		for _, part := range append([]string{base, s.opts.MemberRole, s.opts.ExternalID, s.opts.EndpointURL}, s.opts.RoleChain...) {
			h.Write([]byte(part))
			h.Write([]byte{0})
		}
		return hex.EncodeToString(h.Sum(nil))[:32], nil
	})
}

// diskFormat is part of every entry's name. It changes when entries that
// were written may not hold what their Fields say: format 2 left behind
// the answers of DescribeDBInstances that awssql's decoder wrote without
// their Marker when a statement read only some columns, a listing cut at
// its first page.
const diskFormat = "2"

func (d *diskCache) path(id, key string) string {
	sum := sha256.Sum256([]byte(diskFormat + "\x00" + key))
	return filepath.Join(d.root, id, hex.EncodeToString(sum[:])+".json")
}

// read decodes the entry of key into out if it is fresh and holds the
// fields want. It returns what the entry holds and whether out was read;
// a fresh entry that holds less says what it holds, so that the call made
// instead asks for those too. It holds the file's bytes only while out is
// decoded from them. A stale, future-dated or unreadable entry is removed.
func (d *diskCache) read(id, key string, want fields, decoder string, out any) (fields, bool, bool) {
	p := d.path(id, key)
	b, err := os.ReadFile(p)
	if err != nil {
		return fields{}, false, false
	}
	head, body, ok := bytes.Cut(b, []byte{'\n'})
	var h diskHeader
	if ok && json.Unmarshal(head, &h) == nil && d.fresh(h.Fetched) {
		if !h.answers(decoder) {
			// Not an answer for this session, but not wrong: the
			// call made instead rewrites it.
			return fields{}, false, false
		}
		held := allFields
		if h.Fields != nil {
			held = fieldsOf(*h.Fields)
		}
		if !held.covers(want) {
			return held, true, false
		}
		if body, ok := intact(body); ok && json.Unmarshal(body, out) == nil {
			return held, true, true
		}
	}
	if os.Remove(p) == nil {
		d.grew(-int64(len(b)))
	}
	return fields{}, false, false
}

// answers reports whether an entry whose header is h may answer a session
// that decodes with decoder. What the SDK decoded answers every session.
// What awssql's decoder read answers only its own: --decoder sdk is the
// way back from awssql's decoder, which an entry it wrote would bar for as
// long as the entry stays fresh.
func (h diskHeader) answers(decoder string) bool {
	switch h.Decoder {
	case DecoderSDK:
		return true
	case DecoderAWSSQL, "":
		return decoder == DecoderAWSSQL
	}
	return false
}

// intact returns the output line of what follows an entry's header, if
// the trailer after it holds its checksum.
func intact(rest []byte) ([]byte, bool) {
	if len(rest) < 2 || rest[len(rest)-1] != '\n' {
		return nil, false
	}
	i := bytes.LastIndexByte(rest[:len(rest)-1], '\n')
	if i < 0 {
		return nil, false
	}
	var t diskTrailer
	if json.Unmarshal(rest[i+1:], &t) != nil {
		return nil, false
	}
	sum := sha256.Sum256(rest[:i+1])
	return rest[:i+1], t.SHA256 == hex.EncodeToString(sum[:])
}

// fresh reports whether an entry fetched at t is younger than the TTL and
// not dated (beyond the clock skew) in the future.
func (d *diskCache) fresh(t time.Time) bool {
	age := d.now().Sub(t)
	return age >= -clockSkew && age <= d.ttl
}

func (d *diskCache) write(id, key string, out any, held fields, by string) error {
	dir := filepath.Join(d.root, id)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	// MkdirAll keeps the mode of directories that exist; make sure.
	for _, p := range []string{d.root, dir} {
		if err := os.Chmod(p, 0o700); err != nil {
			return err
		}
	}
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	fetched := d.now()
	w := &countingWriter{w: f}
	h := diskHeader{Fetched: fetched, Decoder: by}
	if !held.all {
		// [] for no field, not null: a header without fields, or with
		// null, is an entry that holds every field.
		paths := append([]string{}, held.paths...)
		h.Fields = &paths
	}
	err = json.NewEncoder(w).Encode(h)
	if err == nil {
		sum := sha256.New()
		if err = json.NewEncoder(io.MultiWriter(w, sum)).Encode(out); err == nil {
			err = json.NewEncoder(w).Encode(diskTrailer{SHA256: hex.EncodeToString(sum.Sum(nil))})
		}
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", f.Name(), err)
	}
	// The file's time is its entry's: eviction goes by it.
	if err := os.Chtimes(f.Name(), fetched, fetched); err != nil {
		return err
	}
	p := d.path(id, key)
	var replaced int64
	if info, err := os.Stat(p); err == nil {
		replaced = info.Size()
	}
	if err := os.Rename(f.Name(), p); err != nil {
		return err
	}
	return d.grew(w.n - replaced)
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// grew counts bytes written (or removed, when negative) under root, and
// evicts when the total passes max.
func (d *diskCache) grew(delta int64) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.used < 0 {
		if delta < 0 {
			return nil // counted at the first listing
		}
		return d.evict()
	}
	d.used += delta
	if d.used <= d.max {
		return nil
	}
	return d.evict()
}

// evict lists the entries under root and removes the oldest until they
// take at most three quarters of max; it also removes entries dated in
// the future and temporary files left by a process that died writing.
// d.mu is held.
func (d *diskCache) evict() error {
	type entry struct {
		path string
		mod  time.Time
		size int64
	}
	var entries []entry
	var total int64
	now := d.now()
	d.listings++
	ids, err := os.ReadDir(d.root)
	if err != nil {
		return fmt.Errorf("list %s: %w", d.root, err)
	}
	for _, id := range ids {
		if !id.IsDir() {
			continue
		}
		dir := filepath.Join(d.root, id.Name())
		files, err := os.ReadDir(dir)
		if err != nil {
			return fmt.Errorf("list %s: %w", dir, err)
		}
		for _, f := range files {
			info, err := f.Info()
			if err != nil || !info.Mode().IsRegular() {
				continue // removed meanwhile by another process
			}
			p := filepath.Join(dir, f.Name())
			if strings.HasPrefix(f.Name(), ".tmp-") {
				// Being written, unless it is old.
				if now.Sub(info.ModTime()) > time.Hour {
					if err := removeEntry(p); err != nil {
						return err
					}
				}
				continue
			}
			if info.ModTime().After(now.Add(clockSkew)) {
				if err := removeEntry(p); err != nil {
					return err
				}
				continue
			}
			entries = append(entries, entry{p, info.ModTime(), info.Size()})
			total += info.Size()
		}
	}
	if total > d.max {
		sort.Slice(entries, func(i, j int) bool { return entries[i].mod.Before(entries[j].mod) })
		for _, e := range entries {
			if total <= d.max/4*3 {
				break
			}
			if err := removeEntry(e.path); err != nil {
				return err
			}
			total -= e.size
		}
	}
	d.used = total
	return nil
}

func removeEntry(p string) error {
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("evict: %w", err)
	}
	return nil
}

// middleware installs the disk cache on a client of one account. Only
// the operations that list resources are kept (not STS's).
func (d *diskCache) middleware(s *Session) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Initialize.Insert(middleware.InitializeMiddlewareFunc("awssqlDiskCache",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				newOut := s.outputOf(awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx))
				key, ok := ctx.Value(callKeyKey{}).(string) // set by the in-process cache
				if newOut == nil || !ok {
					return next.HandleInitialize(ctx, in)
				}
				id, err := s.cacheIdentity(ctx)
				if err != nil {
					return middleware.InitializeOutput{}, middleware.Metadata{}, err
				}
				cf := callFieldsFrom(ctx)
				if cf == nil {
					cf = &callFields{want: allFields, got: allFields}
				}
				out := newOut()
				held, fresh, ok := d.read(id, key, cf.want, s.opts.Decoder, out)
				if ok {
					cf.got = held
					StatsFrom(ctx).update(func(s *Stats) { s.DiskHits++ })
					return middleware.InitializeOutput{Result: out}, middleware.Metadata{}, nil
				}
				if fresh {
					// The entry holds fields this call does not ask for:
					// ask for them too, so that the entry rewritten keeps
					// them.
					cf.want = cf.want.union(held)
				}
				res, md, err := next.HandleInitialize(ctx, in)
				if err == nil && res.Result != nil && reflect.TypeOf(res.Result) == reflect.TypeOf(newOut()) {
					by := cf.by
					if by == "" {
						// No decoder read it: an answer made of AWS's
						// error (Absent), which only the SDK decodes.
						by = DecoderSDK
					}
					if werr := d.write(id, key, res.Result, cf.got, by); werr != nil {
						return res, md, fmt.Errorf("cache: %w", werr)
					}
				}
				return res, md, err
			}), "awssqlCache", middleware.After)
	}
}
