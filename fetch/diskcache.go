package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
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
type diskCache struct {
	root string
	ttl  time.Duration
	now  func() time.Time
}

// diskEntry is one answer and when it was fetched: the TTL of the run that
// reads it decides whether it is still fresh.
type diskEntry struct {
	Fetched time.Time       `json:"fetched"`
	Output  json.RawMessage `json:"output"`
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

func (d *diskCache) path(id, key string) string {
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(d.root, id, hex.EncodeToString(sum[:])+".json")
}

func (d *diskCache) read(id, key string, out any) bool {
	b, err := os.ReadFile(d.path(id, key))
	if err != nil {
		return false
	}
	var e diskEntry
	if json.Unmarshal(b, &e) != nil || d.now().Sub(e.Fetched) > d.ttl {
		os.Remove(d.path(id, key))
		return false
	}
	return json.Unmarshal(e.Output, out) == nil
}

func (d *diskCache) write(id, key string, out any) error {
	raw, err := json.Marshal(out)
	if err != nil {
		return err
	}
	b, err := json.Marshal(diskEntry{Fetched: d.now(), Output: raw})
	if err != nil {
		return err
	}
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
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), d.path(id, key))
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
				if out := newOut(); d.read(id, key, out) {
					StatsFrom(ctx).update(func(s *Stats) { s.DiskHits++ })
					return middleware.InitializeOutput{Result: out}, middleware.Metadata{}, nil
				}
				res, md, err := next.HandleInitialize(ctx, in)
				if err == nil && res.Result != nil && reflect.TypeOf(res.Result) == reflect.TypeOf(newOut()) {
					if werr := d.write(id, key, res.Result); werr != nil {
						return res, md, fmt.Errorf("cache: %w", werr)
					}
				}
				return res, md, err
			}), "awssqlCache", middleware.After)
	}
}
