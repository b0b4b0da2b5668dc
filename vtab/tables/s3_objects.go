package tables

import (
	"context"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/vtab"
)

// s3Object is one object of a listing and, when the query reads it, its
// content.
type s3Object struct {
	account, region, bucket string
	prefix, startAfter      any // what the query gave, or NULL
	obj                     types.Object
	body                    any // string, []byte or nil
}

// objectRow is an object and the answers of the extra calls the statement
// needs, by operation name (see objectCalls).
type objectRow = Hydrated[s3Object]

// The extra calls an object's columns may need, one per object each, made
// only when a statement reads a column that needs it.
const (
	headObject          = "HeadObject"
	getObjectAttributes = "GetObjectAttributes"
	getObjectACL        = "GetObjectAcl"
	getObjectTagging    = "GetObjectTagging"
)

// S3Objects is s3_objects (Steampipe's aws_s3_object): the objects of one
// bucket (ListObjectsV2); their content (GetObject) only when the query
// reads body; and their metadata from HeadObject, GetObjectAttributes,
// GetObjectAcl and GetObjectTagging, each called once per object, only when
// the query reads a column that needs it, a few objects at a time. The
// bucket's region comes from HeadBucket; it is read with the credentials of
// the account in account_id if the query gives one, else the caller's.
func S3Objects(s *fetch.Session) Table {
	// head reads a field of HeadObject's answer, NULL when the object went
	// away since it was listed.
	head := func(name string, typ vtab.Type, doc string, get func(*s3.HeadObjectOutput) any) objectColumn {
		return objectColumn{call: headObject, Column: vtab.Column[objectRow]{Name: name, Type: typ, Doc: doc, Nullable: true,
			Get: func(o *objectRow) any {
				out, _ := o.More[headObject].(*s3.HeadObjectOutput)
				if out == nil {
					return nil
				}
				return get(out)
			}}}
	}
	listed := func(name string, typ vtab.Type, doc string, get func(s3Object) any) objectColumn {
		return objectColumn{Column: vtab.Column[objectRow]{Name: name, Type: typ, Doc: doc, Get: func(o *objectRow) any { return get(o.V) }}}
	}
	arn := func(o s3Object) string {
		return "arn:" + s.Partition() + ":s3:::" + o.bucket + "/" + aws.ToString(o.obj.Key)
	}
	cols := []objectColumn{
		{Column: vtab.Column[objectRow]{Name: "account_id", Type: vtab.Text, Key: vtab.Exact, Doc: "the account whose credentials read the bucket",
			Push: "whose credentials read the bucket", PerValue: true, Get: func(o *objectRow) any { return o.V.account }}},
		listed("region", vtab.Text, "the bucket's region (HeadBucket)", func(o s3Object) any { return o.region }),
		{Column: vtab.Column[objectRow]{Name: "bucket_name", Type: vtab.Text, Key: vtab.Required, Push: "the bucket listed",
			Get: func(o *objectRow) any { return o.V.bucket }}},
		{Column: vtab.Column[objectRow]{Name: "prefix", Type: vtab.Text, Key: vtab.Exact, Hidden: true, Selectivity: 100, Push: "ListObjectsV2 Prefix", PerValue: true,
			Doc: "list only keys that start with it", Get: func(o *objectRow) any { return o.V.prefix }}},
		{Column: vtab.Column[objectRow]{Name: "start_after", Type: vtab.Text, Key: vtab.Exact, Hidden: true, Selectivity: 2, Push: "ListObjectsV2 StartAfter", PerValue: true,
			Doc: "list only keys after it (in UTF-8 byte order, as SQLite compares text)", Get: func(o *objectRow) any { return o.V.startAfter }}},
		{Column: vtab.Column[objectRow]{Name: "key", Type: vtab.Text, Key: vtab.Pushed, Selectivity: 1e5, Push: "ListObjectsV2 Prefix, then the exact key", PerValue: true,
			Get: func(o *objectRow) any { return o.V.obj.Key }}},
		listed("arn", vtab.Text, "Amazon Resource Name", func(o s3Object) any { return arn(o) }),
		listed("size", vtab.Integer, "bytes", func(o s3Object) any { return o.obj.Size }),
		listed("last_modified", vtab.Time, "", func(o s3Object) any { return o.obj.LastModified }),
		listed("etag", vtab.Text, "", func(o s3Object) any { return o.obj.ETag }),
		listed("storage_class", vtab.Text, "", func(o s3Object) any { return str(o.obj.StorageClass) }),
		{Column: vtab.Column[objectRow]{Name: "owner", Type: vtab.JSON, Nullable: true, Doc: "the object's owner (ListObjectsV2 with FetchOwner)",
			Get: func(o *objectRow) any { return o.V.obj.Owner }}},
		{Column: vtab.Column[objectRow]{Name: "body", Type: vtab.Text, Nullable: true, Doc: "the content (GetObject): text when valid UTF-8, else a blob; at most --max-object-bytes",
			Get: func(o *objectRow) any { return o.V.body }}},
		head("version_id", vtab.Text, "the version, in a bucket that has or had versioning (HeadObject)", func(h *s3.HeadObjectOutput) any { return h.VersionId }),
		head("accept_ranges", vtab.Text, "(HeadObject)", func(h *s3.HeadObjectOutput) any { return h.AcceptRanges }),
		head("bucket_key_enabled", vtab.Bool, "SSE-KMS with an S3 Bucket Key (HeadObject)", func(h *s3.HeadObjectOutput) any { return h.BucketKeyEnabled }),
		head("cache_control", vtab.Text, "(HeadObject)", func(h *s3.HeadObjectOutput) any { return h.CacheControl }),
		head("checksum_crc32", vtab.Text, "(HeadObject; S3 sends checksums only when asked, which needs kms:Decrypt for SSE-KMS objects: see checksum)",
			func(h *s3.HeadObjectOutput) any { return h.ChecksumCRC32 }),
		head("checksum_crc32c", vtab.Text, "(HeadObject; see checksum_crc32)", func(h *s3.HeadObjectOutput) any { return h.ChecksumCRC32C }),
		head("checksum_sha1", vtab.Text, "(HeadObject; see checksum_crc32)", func(h *s3.HeadObjectOutput) any { return h.ChecksumSHA1 }),
		head("checksum_sha256", vtab.Text, "(HeadObject; see checksum_crc32)", func(h *s3.HeadObjectOutput) any { return h.ChecksumSHA256 }),
		head("content_disposition", vtab.Text, "(HeadObject)", func(h *s3.HeadObjectOutput) any { return h.ContentDisposition }),
		head("content_encoding", vtab.Text, "(HeadObject)", func(h *s3.HeadObjectOutput) any { return h.ContentEncoding }),
		head("content_language", vtab.Text, "(HeadObject)", func(h *s3.HeadObjectOutput) any { return h.ContentLanguage }),
		head("content_length", vtab.Text, "bytes, as text as in Steampipe (HeadObject); size is the number", func(h *s3.HeadObjectOutput) any {
			if h.ContentLength == nil {
				return nil
			}
			return strconv.FormatInt(*h.ContentLength, 10)
		}),
		head("content_range", vtab.Text, "(HeadObject: none, the whole object is asked for)", func(h *s3.HeadObjectOutput) any { return h.ContentRange }),
		head("content_type", vtab.Text, "(HeadObject)", func(h *s3.HeadObjectOutput) any { return h.ContentType }),
		head("delete_marker", vtab.Bool, "(HeadObject: a listed object is none)", func(h *s3.HeadObjectOutput) any { return h.DeleteMarker }),
		head("expiration", vtab.Text, "when a lifecycle rule expires it: expiry-date and rule-id (HeadObject)", func(h *s3.HeadObjectOutput) any { return h.Expiration }),
		head("expires", vtab.Time, "when caches should stop serving it (HeadObject)", func(h *s3.HeadObjectOutput) any { return h.Expires }),
		head("object_lock_legal_hold_status", vtab.Text, "(HeadObject)", func(h *s3.HeadObjectOutput) any { return str(h.ObjectLockLegalHoldStatus) }),
		head("object_lock_mode", vtab.Text, "(HeadObject)", func(h *s3.HeadObjectOutput) any { return str(h.ObjectLockMode) }),
		head("object_lock_retain_until_date", vtab.Time, "(HeadObject)", func(h *s3.HeadObjectOutput) any { return h.ObjectLockRetainUntilDate }),
		head("replication_status", vtab.Text, "(HeadObject)", func(h *s3.HeadObjectOutput) any { return str(h.ReplicationStatus) }),
		head("request_charged", vtab.Text, "requester pays (HeadObject)", func(h *s3.HeadObjectOutput) any { return str(h.RequestCharged) }),
		head("restore", vtab.Text, "an archived object's restore: ongoing-request and expiry-date (HeadObject)", func(h *s3.HeadObjectOutput) any { return h.Restore }),
		head("server_side_encryption", vtab.Text, "AES256, aws:kms, ... (HeadObject)", func(h *s3.HeadObjectOutput) any { return str(h.ServerSideEncryption) }),
		head("sse_customer_algorithm", vtab.Text, "SSE-C (HeadObject)", func(h *s3.HeadObjectOutput) any { return h.SSECustomerAlgorithm }),
		head("sse_customer_key_md5", vtab.Text, "SSE-C (HeadObject)", func(h *s3.HeadObjectOutput) any { return h.SSECustomerKeyMD5 }),
		head("sse_kms_key_id", vtab.Text, "(HeadObject)", func(h *s3.HeadObjectOutput) any { return h.SSEKMSKeyId }),
		head("tag_count", vtab.Text, "as text as in Steampipe (HeadObject)", func(h *s3.HeadObjectOutput) any {
			if h.TagCount == nil {
				return nil
			}
			return strconv.Itoa(int(*h.TagCount))
		}),
		head("website_redirection_location", vtab.Text, "(HeadObject)", func(h *s3.HeadObjectOutput) any { return h.WebsiteRedirectLocation }),
		head("metadata", vtab.JSON, "the user metadata, x-amz-meta-* (HeadObject)", func(h *s3.HeadObjectOutput) any { return h.Metadata }),
		{call: getObjectAttributes, Column: vtab.Column[objectRow]{Name: "checksum", Type: vtab.JSON, Nullable: true, Doc: "the checksum S3 keeps (GetObjectAttributes)",
			Get: func(o *objectRow) any {
				if out, _ := o.More[getObjectAttributes].(*s3.GetObjectAttributesOutput); out != nil {
					return out.Checksum
				}
				return nil
			}}},
		{call: getObjectAttributes, Column: vtab.Column[objectRow]{Name: "object_parts", Type: vtab.JSON, Nullable: true, Doc: "the parts of a multipart upload (GetObjectAttributes)",
			Get: func(o *objectRow) any {
				if out, _ := o.More[getObjectAttributes].(*s3.GetObjectAttributesOutput); out != nil {
					return out.ObjectParts
				}
				return nil
			}}},
		{call: getObjectACL, Column: vtab.Column[objectRow]{Name: "acl", Type: vtab.JSON, Nullable: true, Doc: "the access control list: Owner and Grants (GetObjectAcl)",
			Get: func(o *objectRow) any {
				out, _ := o.More[getObjectACL].(*s3.GetObjectAclOutput)
				if out == nil {
					return nil
				}
				return struct {
					Grants []types.Grant
					Owner  *types.Owner
				}{out.Grants, out.Owner}
			}}},
		{call: getObjectTagging, Column: vtab.Column[objectRow]{Name: "tags", Type: vtab.JSON, Nullable: true, Doc: `the tags as an object {"Key": "Value"} (GetObjectTagging)`,
			Get: func(o *objectRow) any {
				if out, _ := o.More[getObjectTagging].(*s3.GetObjectTaggingOutput); out != nil {
					return tagObject(out.TagSet)
				}
				return nil
			}}},
		{call: getObjectTagging, Column: vtab.Column[objectRow]{Name: "tags_src", Type: vtab.JSON, Nullable: true, Doc: "the tags as the API lists them (GetObjectTagging)",
			Get: func(o *objectRow) any {
				if out, _ := o.More[getObjectTagging].(*s3.GetObjectTaggingOutput); out != nil {
					return out.TagSet
				}
				return nil
			}}},
		listed("title", vtab.Text, "the object's key", func(o s3Object) any { return o.obj.Key }),
		listed("akas", vtab.JSON, "the object's ARN as a list, as Steampipe names it", func(o s3Object) any { return []string{arn(o)} }),
		listed("partition", vtab.Text, "aws, aws-cn or aws-us-gov", func(s3Object) any { return s.Partition() }),
	}
	def := &vtab.Table[objectRow]{
		Name:    "s3_objects",
		Aliases: []string{"aws_s3_object"},
		Doc:     "objects of an S3 bucket (ListObjectsV2; body with GetObject; metadata with HeadObject, GetObjectAttributes, GetObjectAcl, GetObjectTagging)",
		Example: "bucket_name = 'my-bucket' (and optionally prefix = 'logs/')",
		Rows:    1e5,
		ID:      func(o objectRow) string { return o.V.bucket + "/" + aws.ToString(o.V.obj.Key) },
		List: func(ctx context.Context, q *vtab.Query) iter.Seq2[objectRow, error] {
			ctx = mayAskAgain(ctx, q)
			account, _ := q.String("account_id")
			return fetch.Single(ctx, fetch.Target{Account: account}, listObjects(ctx, s, q, cols))
		},
	}
	var hydrated []string
	var problems []error
	for i, c := range cols {
		def.Columns = append(def.Columns, c.Column)
		if c.call != "" {
			hydrated = append(hydrated, c.Name)
			if err := hydratedPosition(def.Name, c.Name, i); err != nil {
				problems = append(problems, err)
			}
		}
	}
	return Table{
		Name:    "s3_objects",
		Aliases: def.Aliases,
		Def:     def,
		Scope:   PerBucket,
		Ops: []fetch.Operation{
			fetch.Read[s3.ListObjectsV2Output]("S3", "ListObjectsV2", "s3:ListBucket"),
			fetch.Stream("S3", "GetObject", "s3:GetObject"),
			// HeadObject and GetObjectAttributes are authorized by
			// s3:GetObject (and s3:GetObjectAttributes).
			fetch.Read[s3.HeadObjectOutput]("S3", "HeadObject", "s3:GetObject"),
			fetch.Read[s3.GetObjectAttributesOutput]("S3", "GetObjectAttributes", "s3:GetObjectAttributes"),
			fetch.Read[s3.GetObjectAclOutput]("S3", "GetObjectAcl", "s3:GetObjectAcl"),
			fetch.Read[s3.GetObjectTaggingOutput]("S3", "GetObjectTagging", "s3:GetObjectTagging"),
		},
		Probe: fetch.Probe{Table: "s3_objects", Actions: []string{"s3:ListBucket", "s3:GetObject", "s3:GetObjectAttributes", "s3:GetObjectAcl", "s3:GetObjectTagging"},
			Call: func(ctx context.Context, s *fetch.Session, c *fetch.Client) (string, error) {
				return probeObjects(ctx, s, c, objectCalls(func(string) bool { return true }, cols))
			}},
		Missing:  map[string]string{"sse_customer_key": "a secret: awssql takes no encryption key in SQL, where it would be kept in shell history, logs and the call cache; objects encrypted with a customer key (SSE-C) cannot be read by awssql"},
		Hydrated: hydrated,
		problems: problems,
	}
}

// objectColumn is a column of s3_objects and the extra call it needs, if
// any.
type objectColumn struct {
	vtab.Column[objectRow]
	call string
}

// objectCalls are the extra calls, as hydrated columns of tables.go's
// mechanism (one per call, not per column: each holds the call's whole
// answer, which the columns read), that the columns a statement uses need.
func objectCalls(uses func(column string) bool, cols []objectColumn) []col[s3Object, struct{}] {
	calls := map[string]func(context.Context, *fetch.Client, s3Object) (any, error){
		headObject: func(ctx context.Context, c *fetch.Client, o s3Object) (any, error) {
			return fetch.S3(c).HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(o.bucket), Key: o.obj.Key},
				absent[s3.HeadObjectOutput]("NotFound", "NoSuchKey"))
		},
		getObjectAttributes: func(ctx context.Context, c *fetch.Client, o s3Object) (any, error) {
			return fetch.S3(c).GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: aws.String(o.bucket), Key: o.obj.Key,
				ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesChecksum, types.ObjectAttributesObjectParts}},
				absent[s3.GetObjectAttributesOutput]("NoSuchKey"))
		},
		getObjectACL: func(ctx context.Context, c *fetch.Client, o s3Object) (any, error) {
			if o.obj.StorageClass == types.ObjectStorageClassOutposts {
				return nil, nil // S3 on Outposts has no object ACLs
			}
			return fetch.S3(c).GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String(o.bucket), Key: o.obj.Key},
				absent[s3.GetObjectAclOutput]("NoSuchKey"))
		},
		getObjectTagging: func(ctx context.Context, c *fetch.Client, o s3Object) (any, error) {
			return fetch.S3(c).GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(o.bucket), Key: o.obj.Key},
				absent[s3.GetObjectTaggingOutput]("NoSuchKey"))
		},
	}
	var out []col[s3Object, struct{}]
	for _, c := range cols {
		if c.call == "" || !uses(c.Name) || calls[c.call] == nil {
			continue
		}
		call := calls[c.call]
		out = append(out, col[s3Object, struct{}]{Name: c.call, Hydrate: func(ctx context.Context, cl *fetch.Client, o s3Object) (any, error) {
			v, err := call(ctx, cl, o)
			if err != nil {
				return nil, fmt.Errorf("s3://%s/%s: %w", o.bucket, aws.ToString(o.obj.Key), err)
			}
			return v, nil
		}})
		delete(calls, c.call)
	}
	return out
}

// listObjects lists the objects of the bucket the query names, with the
// extra calls its columns need.
func listObjects(ctx context.Context, s *fetch.Session, q *vtab.Query, cols []objectColumn) iter.Seq2[objectRow, error] {
	return func(yield func(objectRow, error) bool) {
		bucket, _ := q.String("bucket_name")
		account, byAccount := q.String("account_id")
		if !byAccount {
			id, err := s.Identity(ctx)
			if err != nil {
				yield(objectRow{}, err)
				return
			}
			account = id.Account
		} else if err := s.Reach(ctx, account); err != nil {
			yield(objectRow{}, err)
			return
		}
		region, err := s.BucketRegion(ctx, account, bucket)
		if err != nil {
			yield(objectRow{}, err)
			return
		}
		c := s.Client(fetch.Target{Account: account, Region: region})
		prefix, byPrefix := q.String("prefix")
		var prefixValue, startAfterValue any
		if byPrefix {
			prefixValue = prefix
		}
		listPrefix := prefix
		if key, ok := q.String("key"); ok {
			if !strings.HasPrefix(key, prefix) {
				return
			}
			listPrefix = key
		}
		// FetchOwner, as Steampipe lists: the owner comes with the page.
		in := &s3.ListObjectsV2Input{Bucket: aws.String(bucket), MaxKeys: aws.Int32(fetch.PageSize(q.Limit, 1, 1000)), FetchOwner: aws.Bool(true)}
		if listPrefix != "" {
			in.Prefix = aws.String(listPrefix)
		}
		if after, ok := q.String("start_after"); ok {
			in.StartAfter, startAfterValue = aws.String(after), after
		}
		withBody := q.Uses("body")
		p := s3.NewListObjectsV2Paginator(fetch.S3(c), in)
		// The listing runs on the statement's goroutine (Single, not
		// Scan): before each wait for AWS (a page, a page's metadata, a
		// body) the rows already read are let out (fetch.Idle).
		pages := func(yield func([]s3Object, error) bool) {
			fetch.Idle(ctx)
			for page, err := range fetch.Pages(ctx, p, func(out *s3.ListObjectsV2Output) []types.Object { return out.Contents }, q.Limit) {
				if err != nil {
					yield(nil, err)
					return
				}
				rows := make([]s3Object, len(page))
				for i, obj := range page {
					rows[i] = s3Object{account: account, region: region, bucket: bucket, prefix: prefixValue, startAfter: startAfterValue, obj: obj}
				}
				if !yield(rows, nil) {
					return
				}
				fetch.Idle(ctx)
			}
		}
		for page, err := range hydrate(ctx, c, pages, objectCalls(q.Uses, cols)) {
			if err != nil {
				yield(objectRow{}, s.BucketErr(account, bucket, err))
				return
			}
			for _, h := range page {
				row := objectRow{V: *h.v, More: h.more}
				if withBody {
					fetch.Idle(ctx)
					if row.V.body, err = readBody(ctx, s, c, bucket, row.V.obj); err != nil {
						yield(objectRow{}, err)
						return
					}
				}
				if !yield(row, nil) {
					return
				}
			}
		}
	}
}

// probeObjects reads the first object of the account's first bucket: its
// region, its listing, the object's content (closed after the headers: that
// reading is allowed is enough) and its metadata (calls).
func probeObjects(ctx context.Context, s *fetch.Session, c *fetch.Client, calls []col[s3Object, struct{}]) (string, error) {
	out, err := fetch.S3(c).ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil || len(out.Buckets) == 0 {
		return "no bucket to read", err
	}
	bucket := aws.ToString(out.Buckets[0].Name)
	region, err := s.BucketRegion(ctx, c.Account, bucket)
	if err != nil {
		return "", err
	}
	bc := fetch.S3(s.Client(fetch.Target{Account: c.Account, Region: region}))
	list, err := bc.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), MaxKeys: aws.Int32(1)})
	if err != nil {
		return "", s.BucketErr(c.Account, bucket, err)
	}
	if len(list.Contents) == 0 {
		return fmt.Sprintf("s3://%s is empty", bucket), nil
	}
	key := aws.ToString(list.Contents[0].Key)
	obj, err := bc.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return "", s.BucketErr(c.Account, bucket, err)
	}
	obj.Body.Close()
	// And the object's metadata, as its columns read it.
	o := s3Object{account: c.Account, region: region, bucket: bucket, obj: list.Contents[0]}
	for _, call := range calls {
		if _, err := call.Hydrate(ctx, s.Client(fetch.Target{Account: c.Account, Region: region}), o); err != nil {
			return "", s.BucketErr(c.Account, bucket, err)
		}
	}
	return fmt.Sprintf("read s3://%s/%s", bucket, key), nil
}

// readBody fetches an object's content: text when it is valid UTF-8, a
// blob otherwise. An object over the cap is an error before any byte is
// read: its size is known from the listing.
func readBody(ctx context.Context, s *fetch.Session, c *fetch.Client, bucket string, obj types.Object) (any, error) {
	key, max := aws.ToString(obj.Key), s.Options().MaxObjectBytes
	if size := aws.ToInt64(obj.Size); size > max {
		return nil, fmt.Errorf("s3://%s/%s is %d bytes, over --max-object-bytes %d: read a smaller object or raise the cap", bucket, key, size, max)
	}
	out, err := fetch.S3(c).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}, fetch.WholeObject(max))
	if err != nil {
		return nil, s.BucketErr(c.Account, bucket, fmt.Errorf("s3://%s/%s: %w", bucket, key, err))
	}
	defer out.Body.Close()
	b, err := io.ReadAll(io.LimitReader(out.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("read s3://%s/%s: %w", bucket, key, err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("s3://%s/%s is over --max-object-bytes %d", bucket, key, max)
	}
	if utf8.Valid(b) {
		return string(b), nil
	}
	return b, nil
}
